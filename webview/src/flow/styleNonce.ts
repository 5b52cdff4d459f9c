/**
 * stampStyleNonce lets the page's own scripts add <style> elements under its
 * strict CSP (style-src by nonce): every <style> that document.createElement
 * hands out carries the page's nonce, set before the element is inserted, which
 * is when the browser checks it. Monaco 0.52 injects its theme, icon and
 * widget styles that way and takes no nonce of its own (microsoft/monaco-editor#271);
 * only scripts that already run here (by nonce) can call createElement, so the
 * policy admits nothing it did not before.
 */
export function stampStyleNonce(nonce: string): void {
  if (!nonce || stamped) return;
  stamped = true;
  const create = document.createElement.bind(document);
  document.createElement = (tag: string, options?: ElementCreationOptions): HTMLElement => {
    const element = create(tag, options);
    // The attribute, not only the property: a clone (Monaco copies global sheets into other windows) keeps it.
    if (element instanceof HTMLStyleElement) element.setAttribute('nonce', nonce);
    return element;
  };
}

let stamped = false;
