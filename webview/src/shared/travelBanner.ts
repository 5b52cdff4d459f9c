/**
 * travelBanner is the strip every model-fed page shows while the panels show
 * a past revision (time travel): "Viewing revision N — read-only", or why the
 * revision cannot be shown, with a Back to live button. Hidden when live.
 */
import type { TravelView } from './protocol';
import { button, h } from './dom';

/** travelText is the banner's sentence: empty when live. */
export function travelText(t: TravelView): string {
  if (t.revision === null) return '';
  if (t.error) return `Cannot show revision ${t.revision} — ${t.error}`;
  return `Viewing revision ${t.revision} — read-only`;
}

/** TravelBanner is the banner's element; update draws a TravelView, backToLive runs on its button. */
export class TravelBanner {
  readonly element: HTMLElement;
  private readonly text: HTMLSpanElement;
  private current: TravelView = { revision: null };

  constructor(backToLive: () => void) {
    this.element = h('div', 'travel-banner');
    this.element.setAttribute('role', 'status');
    this.element.hidden = true;
    this.text = h('span', 'travel-text');
    const back = button('back-to-live', 'Back to live', 'debug-step-back', false);
    back.addEventListener('click', backToLive);
    this.element.append(h('span', 'codicon codicon-history'), this.text, back);
  }

  /** travelling says whether a past revision is shown: actions that write are off then. */
  get travelling(): boolean {
    return this.current.revision !== null;
  }

  update(t: TravelView): void {
    this.current = t;
    this.element.hidden = t.revision === null;
    this.element.classList.toggle('error', Boolean(t.error));
    this.text.textContent = travelText(t);
  }
}
