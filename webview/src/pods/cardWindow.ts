/**
 * CardWindow tracks which node cards are in or near the viewport, so the Pods
 * panel builds and updates pod chips only there: a delta that changes 10,000
 * pods then touches the few hundred chips a person can see, and the cards
 * further away are filled from the state when a scroll brings them near.
 */
export class CardWindow {
  private readonly observer: IntersectionObserver;
  private readonly live = new Set<HTMLElement>();
  /**
   * windowed says whether cards far from the viewport are left empty; when not (a
   * small cluster), every card admitted is filled and stays so. The page redraws
   * its cards when this changes.
   */
  windowed = true;

  /**
   * margin is how far (px) above and below the viewport a card still counts as
   * near; enter fills a card; leave empties one, given its height to keep, and
   * answers false when it must stay filled (focus is inside it).
   */
  constructor(private readonly margin: number, private readonly enter: (card: HTMLElement) => void, private readonly leave: (card: HTMLElement, height: number) => boolean) {
    // The document as root, not the implicit one: a webview is a cross-origin frame, where the
    // implicit root ignores rootMargin.
    this.observer = new IntersectionObserver((entries) => this.changed(entries), { root: document, rootMargin: `${margin}px 0px` });
  }

  observe(card: HTMLElement): void {
    this.observer.observe(card);
  }

  unobserve(card: HTMLElement): void {
    this.observer.unobserve(card);
    this.live.delete(card);
  }

  /** has says whether a card is in the window: its chips are on the page and kept up to date. */
  has(card: HTMLElement): boolean {
    return this.live.has(card);
  }

  get size(): number {
    return this.live.size;
  }

  /**
   * admit fills, at once, the cards that are in the window now (measured in one
   * layout), so a freshly laid out page draws its chips in its first frame rather
   * than one frame after the observer reports.
   */
  admit(cards: readonly HTMLElement[]): void {
    if (!this.windowed) {
      for (const c of cards) {
        if (this.live.has(c)) continue;
        this.live.add(c);
        this.enter(c);
      }
      return;
    }
    const top = -this.margin;
    const bottom = window.innerHeight + this.margin;
    const near = cards.filter((c) => {
      if (this.live.has(c)) return false;
      const r = c.getBoundingClientRect();
      // A page that is not displayed (a hidden webview) measures nothing near.
      return r.height > 0 && r.bottom >= top && r.top <= bottom;
    });
    for (const c of near) {
      this.live.add(c);
      this.enter(c);
    }
  }

  private changed(entries: readonly IntersectionObserverEntry[]): void {
    if (!this.windowed) return;
    // The last entry for a card is its state now; heights are read before any card changes.
    const latest = new Map<HTMLElement, boolean>();
    for (const e of entries) latest.set(e.target as HTMLElement, e.isIntersecting);
    const leaving = [...latest].filter(([c, near]) => !near && this.live.has(c)).map(([c]) => ({ c, height: c.offsetHeight }));
    for (const { c, height } of leaving) {
      if (this.leave(c, height)) this.live.delete(c);
    }
    for (const [c, near] of latest) {
      if (!near || this.live.has(c) || !c.isConnected) continue;
      this.live.add(c);
      this.enter(c);
    }
  }
}
