/**
 * ManifestEditor is what the Request flow panel needs of its editor, so Monaco
 * with monaco-yaml (schema completion and validation) can take the place of the
 * plain text area without the page changing: text in and out, a change
 * listener, the schema to check against, and focus.
 */
export interface ManifestEditor {
  /** element is what the page places in its layout. */
  readonly element: HTMLElement;
  getValue(): string;
  setValue(text: string): void;
  onDidChange(listener: () => void): void;
  /** onSubmit runs on Ctrl/Cmd+Enter: the page sends. */
  onSubmit(listener: () => void): void;
  /** setSchema gives the editor the JSON schema of the common kinds; an editor that cannot use it ignores it. */
  setSchema(schema: unknown): void;
  focus(): void;
}

/** TextAreaEditor is the plain editor: a monospace text area that keeps tabs as two spaces, as YAML wants. */
export class TextAreaEditor implements ManifestEditor {
  readonly element: HTMLTextAreaElement;
  private readonly changed: (() => void)[] = [];
  private readonly submitted: (() => void)[] = [];

  constructor(text: string) {
    const area = document.createElement('textarea');
    area.className = 'manifest';
    area.id = 'manifest';
    area.spellcheck = false;
    area.setAttribute('aria-label', 'Manifest (YAML). Ctrl+Enter sends it.');
    area.setAttribute('autocapitalize', 'off');
    area.setAttribute('autocomplete', 'off');
    area.value = text;
    area.addEventListener('input', () => this.fire(this.changed));
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this.fire(this.submitted);
        return;
      }
      // Tab indents (two spaces) rather than leaving the field; Escape then Tab still moves focus on, as in VS Code's editors.
      if (e.key === 'Tab' && !e.shiftKey && !this.tabMovesFocus) {
        e.preventDefault();
        area.setRangeText('  ', area.selectionStart, area.selectionEnd, 'end');
        this.fire(this.changed);
      }
      this.tabMovesFocus = e.key === 'Escape';
    });
    this.element = area;
  }

  private tabMovesFocus = false;

  getValue(): string {
    return this.element.value;
  }

  setValue(text: string): void {
    this.element.value = text;
  }

  onDidChange(listener: () => void): void {
    this.changed.push(listener);
  }

  onSubmit(listener: () => void): void {
    this.submitted.push(listener);
  }

  setSchema(): void {
    // The plain editor has no completion or validation: the Send and Dry-run answers are its checks.
  }

  focus(): void {
    this.element.focus();
  }

  private fire(listeners: readonly (() => void)[]): void {
    for (const l of listeners) l();
  }
}
