/** dom holds the element helpers every panel's page builds itself with. */

/** h makes an element of a tag, with a class name and text when given. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** button makes a vscode-button with an id, a label and a codicon; `secondary` draws it as a secondary action. */
export function button(id: string, label: string, icon: string, secondary: boolean): HTMLElement {
  const b = document.createElement('vscode-button');
  b.id = id;
  b.textContent = label;
  b.setAttribute('icon', icon);
  if (secondary) b.setAttribute('secondary', '');
  return b;
}

/** emptyState is what a page shows when there is no running cluster: a line saying why, and a plain Start Lab button. */
export function emptyState(start: () => void): { empty: HTMLDivElement; emptyText: HTMLParagraphElement; startButton: HTMLElement } {
  const empty = h('div', 'empty');
  const emptyText = h('p');
  const startButton = document.createElement('vscode-button');
  startButton.textContent = 'Start Lab';
  startButton.id = 'start';
  startButton.addEventListener('click', start);
  empty.append(emptyText, startButton);
  return { empty, emptyText, startButton };
}
