/**
 * NodeCards draws the Pods panel's node cards: a card per node with CPU,
 * memory and pod-count bars against allocatable, and its pods as chips
 * coloured by phase and grouped by owner. Cards and chips are keyed so a delta
 * touches only what changed; in a large cluster only the cards near the
 * viewport carry chips (CardWindow), and the others keep a height estimated
 * from the state, so a delta costs what can be seen, not what changed.
 */
import type { PodView } from '../shared/protocol';
import { h } from '../shared/dom';
import { type Changes, type PodsState, UNSCHEDULED, chipClass, formatBytes, formatCPU } from './podsState';
import { CardWindow } from './cardWindow';

/** Cards this far (px) above or below the viewport keep their chips drawn, so a scroll finds them ready. */
const NEAR_PX = 300;
/** Up to this many pods every card draws its chips, wherever it is: windowing pays only past it. */
const WINDOW_PODS = 1000;
/** Chips animate in only when a handful arrive: ten thousand at once would only cost the frame. */
const ANIMATE_MAX = 200;

/** Geometry of pods.css, for the height of a card whose chips are not drawn. */
const CARD_BASE_PX = 106;
const GROUP_PX = 21;
const CHIP_PX = 17;
const CARD_MIN_EM = 16;
const CARD_GAP_PX = 10;

interface Card {
  el: HTMLElement;
  status: HTMLElement;
  bars: { cpu: Bar; memory: Bar; pods: Bar };
  groups: Map<string, { el: HTMLElement; chips: HTMLElement }>;
  body: HTMLElement;
}
interface Bar {
  fill: HTMLElement;
  value: HTMLElement;
  el: HTMLElement;
}

/** CardsContext is what the cards read of the page: the state, where they go, the pod selected and which cards are shown. */
export interface CardsContext {
  state: PodsState;
  /** section is the element the cards are laid out in. */
  section: HTMLElement;
  selected(): { namespace: string; name: string } | undefined;
  /** cardShown says whether a node's card is on the page (all of them, or in the heat-map only the one opened). */
  cardShown(node: string): boolean;
}

function bar(label: string): Bar {
  const el = h('div', 'bar');
  const track = h('div', 'track');
  const fill = h('div', 'fill');
  track.append(fill);
  const value = h('span', 'value');
  el.append(h('span', 'label', label), track, value);
  el.setAttribute('role', 'meter');
  el.setAttribute('aria-label', label);
  return { el, fill, value };
}

function setBar(b: Bar, used: number, of: number, text: string): void {
  const share = of > 0 ? Math.min(1, used / of) : 0;
  b.fill.style.width = `${(share * 100).toFixed(1)}%`;
  b.fill.classList.toggle('high', share >= 0.9);
  b.value.textContent = text;
  b.el.setAttribute('aria-valuenow', String(Math.round(share * 100)));
  b.el.setAttribute('aria-valuetext', text);
}

/** hideEmptyGroups hides an owner's group when the filters hide all its chips. */
function hideEmptyGroups(c: Card): void {
  for (const g of c.groups.values()) {
    let shown = false;
    for (const el of g.chips.children) if (!(el as HTMLElement).hidden) { shown = true; break; }
    if (g.el.hidden === shown) g.el.hidden = !shown;
  }
}

function pruneGroups(c: Card): void {
  for (const [owner, g] of c.groups) {
    if (!g.chips.firstChild) {
      g.el.remove();
      c.groups.delete(owner);
    }
  }
}

function group(c: Card, owner: string): HTMLElement {
  let g = c.groups.get(owner);
  if (!g) {
    const el = h('div', 'group');
    el.dataset.owner = owner;
    const chipsEl = h('div', 'chips');
    el.append(h('div', 'owner', owner || 'Bare pods'), chipsEl);
    // Groups keep their names' order, so a card reads the same every time.
    const after = [...c.groups.keys()].filter((k) => k > owner).sort()[0];
    c.body.insertBefore(el, after === undefined ? null : (c.groups.get(after) as { el: HTMLElement }).el);
    g = { el, chips: chipsEl };
    c.groups.set(owner, g);
  }
  return g.chips;
}

function describePod(p: PodView): string {
  const restarts = p.restarts ? ` · ${p.restarts} ${p.restarts === 1 ? 'restart' : 'restarts'}` : '';
  return `${p.namespace}/${p.name} · ${p.status} · ${p.ready}/${p.containers} ready${restarts}${p.node ? ` · ${p.node}` : ''}`;
}

/** describeChip writes a chip's description: its tooltip and its accessible name. */
export function describeChip(el: HTMLElement, p: PodView): void {
  const text = describePod(p);
  if (el.title === text) return;
  el.title = text;
  el.setAttribute('aria-label', text);
}

export class NodeCards {
  readonly cards = new Map<string, Card>();
  /** chips holds the chips drawn: those of the cards near the viewport. */
  readonly chips = new Map<string, HTMLElement>();
  private readonly cardWindow = new CardWindow(NEAR_PX, (el) => this.fillCard(el), (el, height) => this.emptyCard(el, height));
  /** cardWidth is a card's width as the grid lays cards out now, measured once per redraw. */
  private cardWidth = 256;
  private animate = true;
  /** focused is the element with focus while a frame draws (read once, not per chip). */
  private focused: Element | null = null;

  constructor(private readonly ctx: CardsContext) {}

  /** liveNodes are the nodes whose cards are near the viewport, chips drawn. */
  liveNodes(): string[] {
    return [...this.cards].filter(([, c]) => this.cardWindow.has(c.el)).map(([name]) => name);
  }

  /** draw applies a message's changes to the cards (a full redraw when the windowing changes, which it marks in changes). */
  draw(changes: Changes): void {
    const { state, section } = this.ctx;
    this.animate = !changes.full && changes.pods.size <= ANIMATE_MAX;
    this.focused = document.activeElement;
    const windowed = state.pods.size > WINDOW_PODS;
    if (windowed !== this.cardWindow.windowed) {
      this.cardWindow.windowed = windowed;
      changes.full = true;
    }
    if (changes.full) {
      this.redraw(true);
      return;
    }
    for (const [uid] of changes.removedPods) {
      this.chips.get(uid)?.remove();
      this.chips.delete(uid);
    }
    for (const name of changes.removedNodes) this.dropCard(name);
    // Only chips on the page, or pods of cards near the viewport, cost more than a look-up.
    const near = new Set<string>();
    for (const [name, c] of this.cards) if (this.cardWindow.has(c.el)) near.add(name);
    for (const uid of changes.pods) {
      const p = state.pods.get(uid);
      if (!p) continue;
      const drawn = this.chips.has(uid);
      if (drawn || near.has(p.node)) this.placeChip(p, !drawn);
    }
    for (const name of changes.nodes) {
      if (!this.ctx.cardShown(name)) continue;
      if (name === UNSCHEDULED && !(state.podsOn.get(UNSCHEDULED)?.size)) {
        this.dropCard(UNSCHEDULED);
        continue;
      }
      const fresh = !this.cards.has(name);
      const c = this.card(name);
      if (fresh) {
        const next = name === UNSCHEDULED ? section.firstChild : [...this.cards.values()].map((x) => x.el).find((el) => el !== c.el && el.dataset.node !== UNSCHEDULED && (el.dataset.node ?? '').localeCompare(name, undefined, { numeric: true }) > 0) ?? null;
        section.insertBefore(c.el, next);
        if (!windowed) this.cardWindow.admit([c.el]);
      }
      // A card away from the viewport is brought up to date when it nears it (fillCard).
      if (!this.live(name)) continue;
      this.updateCard(name);
      pruneGroups(c);
      hideEmptyGroups(c);
    }
  }

  /** redraw lays out every card from the state: after a snapshot, a filter change or a switch of mode. */
  redraw(resetChips: boolean): void {
    const { state, section } = this.ctx;
    if (resetChips) {
      for (const name of [...this.cards.keys()]) this.dropCard(name);
      this.chips.clear();
      section.replaceChildren();
    }
    this.measureCardWidth();
    const names = [...state.nodes.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const shown = [UNSCHEDULED, ...names].filter((n) => this.ctx.cardShown(n) && (n !== UNSCHEDULED || (state.podsOn.get(UNSCHEDULED)?.size ?? 0) > 0));
    for (const name of shown) {
      const c = this.card(name);
      section.append(c.el);
      if (this.live(name)) this.fillCard(c.el);
    }
    this.cardWindow.admit(shown.map((name) => this.card(name).el));
  }

  /** refilter shows and hides the chips drawn, and their groups, by the state's filters. */
  refilter(): void {
    const { state } = this.ctx;
    for (const [uid, el] of this.chips) {
      const p = state.pods.get(uid);
      if (p) el.hidden = !state.visible(p);
    }
    for (const c of this.cards.values()) hideEmptyGroups(c);
  }

  /** redrawChip redraws a pod's chip if it is drawn (its selection changed). */
  redrawChip(p: PodView): void {
    if (this.chips.has(p.uid)) this.chip(p, false);
  }

  private card(name: string): Card {
    let c = this.cards.get(name);
    if (c) return c;
    const el = h('article', name === UNSCHEDULED ? 'node unscheduled' : 'node');
    el.dataset.node = name;
    el.setAttribute('aria-label', name === UNSCHEDULED ? 'Pods not scheduled to a node' : `Node ${name}`);
    const head = h('header');
    head.append(h('span', `codicon ${name === UNSCHEDULED ? 'codicon-watch' : 'codicon-server'}`), h('span', 'name', name === UNSCHEDULED ? 'Unscheduled' : name));
    const status = h('span', 'status');
    head.append(status);
    const bars = { cpu: bar('CPU'), memory: bar('Memory'), pods: bar('Pods') };
    const barsEl = h('div', 'bars');
    if (name !== UNSCHEDULED) barsEl.append(bars.cpu.el, bars.memory.el, bars.pods.el);
    const body = h('div', 'groups');
    el.append(head, barsEl, body);
    c = { el, status, bars, groups: new Map(), body };
    this.cards.set(name, c);
    // Until it nears the viewport a card has no chips: it keeps a tab stop (focus scrolls it near) and a height.
    el.tabIndex = 0;
    el.style.minHeight = `${this.estimateHeight(name)}px`;
    this.cardWindow.observe(el);
    return c;
  }

  private measureCardWidth(): void {
    const { section } = this.ctx;
    const width = section.clientWidth;
    if (!width) return;
    const min = CARD_MIN_EM * (parseFloat(getComputedStyle(section).fontSize) || 13);
    const columns = Math.max(1, Math.floor((width + CARD_GAP_PX) / (min + CARD_GAP_PX)));
    this.cardWidth = (width - (columns - 1) * CARD_GAP_PX) / columns;
  }

  /** estimateHeight is what a card's chips would take, so the page keeps its length while they are not drawn. */
  private estimateHeight(name: string): number {
    const { state } = this.ctx;
    const owners = new Map<string, number>();
    for (const uid of state.podsOn.get(name) ?? []) {
      const p = state.pods.get(uid);
      if (p) owners.set(p.owner, (owners.get(p.owner) ?? 0) + 1);
    }
    const perRow = Math.max(1, Math.floor((this.cardWidth - 18 + 3) / CHIP_PX));
    let height = CARD_BASE_PX;
    for (const n of owners.values()) height += GROUP_PX + Math.ceil(n / perRow) * CHIP_PX;
    return height;
  }

  /** live says whether a node's card is on the page near the viewport, where its chips are drawn and kept current. */
  private live(node: string): boolean {
    const c = this.cards.get(node);
    return !!c && this.cardWindow.has(c.el);
  }

  /** fillCard draws a card that came near the viewport: its bars and status, and its chips from the state. */
  private fillCard(el: HTMLElement): void {
    const { state } = this.ctx;
    const name = el.dataset.node ?? '';
    const c = this.cards.get(name);
    if (!c || c.el !== el) return;
    // Focus that scrolled an empty card near (Tab reaches it) passes to its first chip.
    const focusedCard = document.activeElement === el;
    el.style.minHeight = '';
    el.removeAttribute('tabindex');
    this.updateCard(name);
    for (const uid of state.podsOn.get(name) ?? []) this.placeChip(state.pods.get(uid) as PodView, false);
    pruneGroups(c);
    hideEmptyGroups(c);
    if (focusedCard) c.body.querySelector<HTMLElement>('.chip:not([hidden])')?.focus({ preventScroll: true });
  }

  /** emptyCard drops the chips of a card that went far from the viewport, keeping its height; not while focus is inside it. */
  private emptyCard(el: HTMLElement, height: number): boolean {
    const c = this.cards.get(el.dataset.node ?? '');
    if (!c || c.el !== el) return true;
    if (el.contains(document.activeElement)) return false;
    for (const g of c.groups.values()) for (const chipEl of g.chips.children) this.chips.delete((chipEl as HTMLElement).dataset.uid ?? '');
    c.groups.clear();
    c.body.replaceChildren();
    el.style.minHeight = `${height}px`;
    el.tabIndex = 0;
    return true;
  }

  private updateCard(name: string): void {
    const { state } = this.ctx;
    const c = this.card(name);
    const n = state.nodes.get(name);
    if (name === UNSCHEDULED) {
      c.status.textContent = `${state.podsOn.get(UNSCHEDULED)?.size ?? 0} pending`;
      return;
    }
    if (!n) return;
    c.status.textContent = n.zone ? `${n.status} · ${n.zone}` : n.status;
    c.el.classList.toggle('not-ready', !n.ready);
    c.el.classList.toggle('cordoned', n.unschedulable);
    const t = state.totalsOf(name);
    setBar(c.bars.cpu, t.cpu, n.cpu, `${formatCPU(t.cpu)} / ${formatCPU(n.cpu)}`);
    setBar(c.bars.memory, t.memory, n.memory, `${formatBytes(t.memory)} / ${formatBytes(n.memory)}`);
    setBar(c.bars.pods, t.pods, n.pods, `${t.pods} / ${n.pods}`);
  }

  /**
   * chip draws one pod. A delta may touch 10,000 chips in one frame, so a chip's
   * update writes only what changed, and its long description (tooltip, and the
   * label a screen reader speaks) is written when the pointer or focus reaches it.
   */
  private chip(p: PodView, fresh: boolean): HTMLElement {
    let el = this.chips.get(p.uid);
    if (!el) {
      el = h('span');
      el.dataset.uid = p.uid;
      el.tabIndex = 0;
      el.setAttribute('role', 'button');
      el.setAttribute('aria-label', `${p.namespace}/${p.name}`);
      this.chips.set(p.uid, el);
    }
    const selected = this.ctx.selected();
    const isSelected = selected?.namespace === p.namespace && selected.name === p.name;
    const cls = `chip ${chipClass(p)}${fresh && this.animate ? ' appear' : ''}${isSelected ? ' selected' : ''}`;
    const before = el.className;
    if (before !== cls) {
      el.className = cls;
      if (before.endsWith(' selected') !== isSelected || !before) el.setAttribute('aria-pressed', String(isSelected));
    }
    const badge = p.restarts ? String(p.restarts) : '';
    if (el.textContent !== badge) el.textContent = badge;
    const hidden = !this.ctx.state.visible(p);
    if (el.hidden !== hidden) el.hidden = hidden;
    if (el === this.focused || el.title) describeChip(el, p);
    return el;
  }

  private placeChip(p: PodView, fresh: boolean): void {
    if (!this.ctx.cardShown(p.node) || !this.live(p.node)) {
      this.chips.get(p.uid)?.remove();
      this.chips.delete(p.uid);
      return;
    }
    const el = this.chip(p, fresh);
    const target = group(this.card(p.node), p.owner);
    if (el.parentElement !== target) target.append(el);
  }

  private dropCard(name: string): void {
    const c = this.cards.get(name);
    if (!c) return;
    for (const g of c.groups.values()) for (const el of g.chips.querySelectorAll<HTMLElement>('.chip')) this.chips.delete(el.dataset.uid ?? '');
    this.cardWindow.unobserve(c.el);
    c.el.remove();
    this.cards.delete(name);
  }
}
