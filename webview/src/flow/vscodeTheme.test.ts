import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cssVariable, editorFont, hexColor, themeBase, themeColors } from './vscodeTheme';

const classes = (...names: string[]) => ({ contains: (n: string) => names.includes(n) });

test('the editor\'s built-in theme follows the body\'s VS Code theme class', () => {
  const cases: [string[], string][] = [
    [['vscode-light'], 'vs'],
    [['vscode-dark'], 'vs-dark'],
    [['vscode-high-contrast'], 'hc-black'],
    // VS Code marks a light high-contrast theme with both classes.
    [['vscode-high-contrast', 'vscode-high-contrast-light'], 'hc-light'],
    [['vscode-high-contrast-light'], 'hc-light'],
    [[], 'vs'],
  ];
  for (const [names, base] of cases) assert.equal(themeBase(classes(...names)), base, names.join(' '));
});

test('a colour id becomes the variable VS Code gives webviews', () => {
  assert.equal(cssVariable('editor.background'), '--vscode-editor-background');
  assert.equal(cssVariable('editorSuggestWidget.selectedBackground'), '--vscode-editorSuggestWidget-selectedBackground');
});

test('CSS colours as VS Code writes them become Monaco\'s hex, and anything else is left out', () => {
  const cases: [string, string | undefined][] = [
    ['#1f1f1f', '#1f1f1f'],
    [' #ABCDEF ', '#abcdef'],
    ['#fff', '#ffffff'],
    ['#f008', '#ff000088'],
    ['#264f7880', '#264f7880'],
    ['rgb(0, 122, 204)', '#007acc'],
    ['rgba(38, 79, 120, 0.5)', '#264f7880'],
    ['rgba(255,255,255,1)', '#ffffff'],
    ['rgba(0, 0, 0, 0)', '#00000000'],
    ['rgb(256, 0, 0)', undefined],
    ['rgba(0, 0, 0, 1.5)', undefined],
    ['red', undefined],
    ['#12345', undefined],
    ['', undefined],
  ];
  for (const [css, hex] of cases) assert.equal(hexColor(css), hex, css);
});

test('the theme takes the colours the page sets and leaves the rest to the base theme', () => {
  const vars: Record<string, string> = {
    '--vscode-editor-background': '#1e1e1e',
    '--vscode-editor-selectionBackground': 'rgba(38, 79, 120, 0.5)',
    '--vscode-editorWidget-border': 'transparent',
    '--vscode-not-an-editor-color': '#ffffff',
  };
  assert.deepEqual(themeColors((v) => vars[v] ?? ''), { 'editor.background': '#1e1e1e', 'editor.selectionBackground': '#264f7880' });
});

test('the editor font comes from VS Code\'s editor settings, when the page has them', () => {
  const vars: Record<string, string> = {
    '--vscode-editor-font-family': ' "Droid Sans Mono", monospace',
    '--vscode-editor-font-size': '13px',
    '--vscode-editor-font-weight': 'normal',
  };
  assert.deepEqual(editorFont((v) => vars[v] ?? ''), { fontFamily: '"Droid Sans Mono", monospace', fontSize: 13, fontWeight: 'normal' });
  assert.deepEqual(editorFont(() => ''), {});
});
