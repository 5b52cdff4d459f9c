/**
 * vscodeTheme reads VS Code's theme as a webview sees it — the body's theme
 * class (vscode-light, vscode-dark, vscode-high-contrast, vscode-high-contrast-light)
 * and the --vscode-* colour and font variables — in the terms Monaco's
 * defineTheme and editor options take, so the manifest editor looks like the
 * editors around it. Pure functions over a class list and a variable reader, and
 * watchTheme for the page to redraw when the user switches themes.
 */

/** MonacoBase is a Monaco built-in theme a defined theme inherits from. */
export type MonacoBase = 'vs' | 'vs-dark' | 'hc-black' | 'hc-light';

/** themeBase picks the built-in theme for the body's classes: VS Code's theme kind, light when there is none. */
export function themeBase(classes: { contains(name: string): boolean }): MonacoBase {
  if (classes.contains('vscode-high-contrast-light')) return 'hc-light';
  if (classes.contains('vscode-high-contrast')) return 'hc-black';
  if (classes.contains('vscode-dark')) return 'vs-dark';
  return 'vs';
}

/**
 * EDITOR_COLORS are the workbench colours the manifest editor takes from the
 * page: the editor's own, and its widgets' (suggestions, hovers, find), so
 * completion lists and problem hovers match VS Code's.
 */
export const EDITOR_COLORS: readonly string[] = [
  'editor.background', 'editor.foreground', 'editorCursor.foreground',
  'editor.lineHighlightBackground', 'editor.lineHighlightBorder',
  'editor.selectionBackground', 'editor.inactiveSelectionBackground', 'editor.selectionHighlightBackground',
  'editor.wordHighlightBackground', 'editor.findMatchBackground', 'editor.findMatchHighlightBackground',
  'editorLineNumber.foreground', 'editorLineNumber.activeForeground',
  'editorIndentGuide.background1', 'editorIndentGuide.activeBackground1', 'editorWhitespace.foreground',
  'editorBracketMatch.background', 'editorBracketMatch.border',
  'editorError.foreground', 'editorWarning.foreground', 'editorInfo.foreground',
  'editorGutter.background', 'editorWidget.background', 'editorWidget.foreground', 'editorWidget.border',
  'editorSuggestWidget.background', 'editorSuggestWidget.border', 'editorSuggestWidget.foreground',
  'editorSuggestWidget.selectedBackground', 'editorSuggestWidget.selectedForeground',
  'editorSuggestWidget.highlightForeground', 'editorSuggestWidget.focusHighlightForeground',
  'editorHoverWidget.background', 'editorHoverWidget.foreground', 'editorHoverWidget.border',
  'scrollbarSlider.background', 'scrollbarSlider.hoverBackground', 'scrollbarSlider.activeBackground',
  'focusBorder', 'contrastBorder', 'contrastActiveBorder', 'textLink.foreground',
  'list.hoverBackground', 'list.activeSelectionBackground', 'list.activeSelectionForeground', 'list.highlightForeground',
  'input.background', 'input.foreground', 'input.border',
];

/** cssVariable is the variable VS Code gives a webview for a colour: `editor.background` → `--vscode-editor-background`. */
export function cssVariable(colorId: string): string {
  return `--vscode-${colorId.replace('.', '-')}`;
}

/**
 * hexColor turns a CSS colour as VS Code writes them (`#rgb`, `#rrggbb`,
 * `#rrggbbaa`, `rgba(r, g, b, a)`) into the hex Monaco's themes accept;
 * anything else (a named colour, an empty variable) is undefined.
 */
export function hexColor(css: string): string | undefined {
  const value = css.trim().toLowerCase();
  if (/^#([0-9a-f]{3}|[0-9a-f]{4})$/.test(value)) return `#${[...value.slice(1)].map((c) => c + c).join('')}`;
  if (/^#([0-9a-f]{6}|[0-9a-f]{8})$/.test(value)) return value;
  const m = /^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*([0-9.]+)\s*)?\)$/.exec(value);
  if (!m) return undefined;
  const rgb = [m[1], m[2], m[3]].map(Number);
  if (rgb.some((n) => n > 255)) return undefined;
  const alpha = m[4] === undefined ? 1 : Number(m[4]);
  if (!(alpha >= 0 && alpha <= 1)) return undefined;
  const bytes = alpha === 1 ? rgb : [...rgb, Math.round(alpha * 255)];
  return `#${bytes.map((n) => n.toString(16).padStart(2, '0')).join('')}`;
}

/** themeColors are the page's editor colours that are set, by Monaco colour id. */
export function themeColors(read: (variable: string) => string): Record<string, string> {
  const colors: Record<string, string> = {};
  for (const id of EDITOR_COLORS) {
    const hex = hexColor(read(cssVariable(id)));
    if (hex) colors[id] = hex;
  }
  return colors;
}

/** EditorFont is the editor font VS Code's settings give the page; unset fields keep Monaco's defaults. */
export interface EditorFont {
  fontFamily?: string;
  fontSize?: number;
  fontWeight?: string;
}

/** editorFont reads editor.fontFamily, fontSize and fontWeight from the page's variables. */
export function editorFont(read: (variable: string) => string): EditorFont {
  const font: EditorFont = {};
  const family = read('--vscode-editor-font-family').trim();
  if (family) font.fontFamily = family;
  const size = Number.parseFloat(read('--vscode-editor-font-size'));
  if (size > 0) font.fontSize = size;
  const weight = read('--vscode-editor-font-weight').trim();
  if (weight) font.fontWeight = weight;
  return font;
}

/**
 * watchTheme calls changed when VS Code switches theme: it rewrites the body's
 * class and the variables on the root element's style.
 */
export function watchTheme(changed: () => void): void {
  const observer = new MutationObserver(changed);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
