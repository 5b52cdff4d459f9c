/**
 * widgets are the Network panel's small element helpers: the vscode-elements
 * pickers and text fields, icon buttons, filling a picker, and scrolling inside
 * a box.
 */
import { h } from '../shared/dom';

/** Select is a vscode-single-select, TextField a vscode-textfield: the properties the page reads and sets. */
export type Select = HTMLElement & { value: string };
export type TextField = HTMLElement & { value: string; invalid: boolean };
/** select makes a labelled picker. */
export const select = (id: string, label: string): Select => {
  const s = document.createElement('vscode-single-select') as Select;
  s.id = id;
  s.setAttribute('aria-label', label);
  return s;
};
/** iconButton makes a button that shows only a codicon, labelled for screen readers. */
export const iconButton = (id: string, label: string, icon: string): HTMLButtonElement => {
  const b = h('button', 'icon-button');
  b.id = id;
  b.type = 'button';
  b.title = label;
  b.setAttribute('aria-label', label);
  b.append(h('span', `codicon codicon-${icon}`));
  return b;
};
/** field makes a labelled text field with a placeholder and a value. */
export const field = (id: string, label: string, placeholder: string, value = ''): TextField => {
  const f = document.createElement('vscode-textfield') as TextField;
  f.id = id;
  f.setAttribute('aria-label', label);
  f.setAttribute('placeholder', placeholder);
  f.value = value;
  return f;
};

/** options fills a picker with items (only when they changed) and selects want, or the first item: it returns the value selected. */
export function options(s: Select, items: { value: string; label: string }[], want: string | undefined): string {
  const value = items.some((i) => i.value === want) ? (want as string) : items[0]?.value ?? '';
  const existing = [...s.querySelectorAll('vscode-option')].map((o) => `${o.getAttribute('value') ?? ''}\u0000${o.textContent ?? ''}`);
  if (existing.join('\n') !== items.map((i) => `${i.value}\u0000${i.label}`).join('\n')) {
    s.replaceChildren(...items.map((i) => {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', i.value);
      o.textContent = i.label;
      if (i.value === value) o.setAttribute('selected', '');
      return o;
    }));
  }
  if (s.value !== value) s.value = value;
  return value;
}

/** scrollWithin brings an element into view inside its scrolling box only: the drawing stays where the user is looking. */
export function scrollWithin(box: HTMLElement, el: HTMLElement): void {
  // The box is positioned (network.css), so offsetTop is measured from it.
  const top = el.offsetTop;
  if (top < box.scrollTop) box.scrollTop = top;
  else if (top + el.offsetHeight > box.scrollTop + box.clientHeight) box.scrollTop = top + el.offsetHeight - box.clientHeight;
}
