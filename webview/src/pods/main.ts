/**
 * The Pods panel's page: nodes as cards with CPU, memory and pod-count bars
 * against allocatable, pods as chips coloured by phase and grouped by owner, a
 * heat-map instead of cards when the cluster is large, and the selected pod's
 * conditions, containers, events and log tail. A pure view of the host's
 * messages: a snapshot, then deltas, drawn once per animation frame. In a large
 * cluster only the cards near the viewport carry chips (CardWindow), so a delta
 * costs what can be seen, not what changed.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '../shared/base.css';
import './pods.css';
import type { ClusterState, PodView, PodsFromPanel, PodsPanelState, PodsToPanel } from '../shared/protocol';
import { onMessage, panelApi } from '../shared/vscodeApi';
import { emptyState, h } from '../shared/dom';
import { TravelBanner } from '../shared/travelBanner';
import { type Changes, PodsState, UNSCHEDULED, chipClass, formatBytes, formatCPU } from './podsState';
import { HeatMap } from './heatMap';
import { renderDetail } from './detail';
import { CardWindow } from './cardWindow';

/** Past this many nodes the cards give way to the heat-map, unless the user chose. */
const DENSE_NODES = 100;
/** Cards this far (px) above or below the viewport keep their chips drawn, so a scroll finds them ready. */
const NEAR_PX = 300;
/** Up to this many pods every card draws its chips, wherever it is: windowing pays only past it. */
const WINDOW_PODS = 1000;

const api = panelApi<PodsFromPanel, PodsPanelState>();
const saved: PodsPanelState = api.state() ?? { namespace: '', labelFilter: '' };
const state = new PodsState();
state.setFilter(saved.namespace, saved.labelFilter);

let clusterState: ClusterState = 'stopped';
let clusterName = '';
let selected = saved.selected;
/** focusNode is the node the heat-map opened below itself. */
let focusNode: string | undefined;


// The page's frame.
const app = document.getElementById('app') as HTMLElement;
const toolbar = h('header', 'toolbar');
const title = h('span', 'cluster');
const nsSelect = document.createElement('vscode-single-select') as HTMLElement & { value: string };
nsSelect.setAttribute('aria-label', 'Namespace');
nsSelect.id = 'namespace';
const labelField = document.createElement('vscode-textfield') as HTMLElement & { value: string; invalid: boolean };
labelField.setAttribute('placeholder', 'Label filter: app=web,tier!=db');
labelField.setAttribute('aria-label', 'Label filter');
labelField.id = 'labels';
labelField.value = saved.labelFilter;
const denseButton = document.createElement('vscode-button');
denseButton.setAttribute('secondary', '');
denseButton.id = 'dense';
const summary = h('span', 'summary');
summary.setAttribute('role', 'status');
summary.setAttribute('aria-live', 'polite');
toolbar.append(title, nsSelect, labelField, denseButton, summary);

const legend = h('div', 'legend');
legend.setAttribute('aria-hidden', 'true');
for (const [cls, text] of [['running', 'Running'], ['unready', 'Not ready'], ['starting', 'Starting'], ['pending', 'Pending'], ['succeeded', 'Succeeded'], ['failed', 'Failed'], ['terminating', 'Terminating']]) {
  const item = h('span', 'legend-item');
  item.append(h('span', `chip ${cls}`), document.createTextNode(text));
  legend.append(item);
}

const { empty, emptyText, startButton } = emptyState(() => api.post({ type: 'startLab' }));

const layout = h('main', 'layout');
const nodesSection = h('section', 'nodes');
nodesSection.setAttribute('aria-label', 'Nodes and their pods');
const heatSection = h('section', 'heat');
const detail = h('aside', 'detail');
detail.setAttribute('aria-label', 'Selected pod');
layout.append(heatSection, nodesSection, detail);
// Time travel: a past revision's pods, read-only, with Back to live.
const travelBanner = new TravelBanner(() => api.post({ type: 'backToLive' }));
app.append(toolbar, travelBanner.element, legend, empty, layout);

const heatMap = new HeatMap(heatSection, (name) => {
  focusNode = name;
  redrawCards(true);
});

// Cards and chips, keyed so a delta touches only what changed.
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
const cards = new Map<string, Card>();
/** chips holds the chips drawn: those of the cards near the viewport. */
const chips = new Map<string, HTMLElement>();
const cardWindow = new CardWindow(NEAR_PX, fillCard, emptyCard);

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

function card(name: string): Card {
  let c = cards.get(name);
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
  cards.set(name, c);
  // Until it nears the viewport a card has no chips: it keeps a tab stop (focus scrolls it near) and a height.
  el.tabIndex = 0;
  el.style.minHeight = `${estimateHeight(name)}px`;
  cardWindow.observe(el);
  return c;
}

/** Geometry of pods.css, for the height of a card whose chips are not drawn. */
const CARD_BASE_PX = 106;
const GROUP_PX = 21;
const CHIP_PX = 17;
const CARD_MIN_EM = 16;
const CARD_GAP_PX = 10;
/** cardWidth is a card's width as the grid lays cards out now, measured once per redraw. */
let cardWidth = 256;

function measureCardWidth(): void {
  const width = nodesSection.clientWidth;
  if (!width) return;
  const min = CARD_MIN_EM * (parseFloat(getComputedStyle(nodesSection).fontSize) || 13);
  const columns = Math.max(1, Math.floor((width + CARD_GAP_PX) / (min + CARD_GAP_PX)));
  cardWidth = (width - (columns - 1) * CARD_GAP_PX) / columns;
}

/** estimateHeight is what a card's chips would take, so the page keeps its length while they are not drawn. */
function estimateHeight(name: string): number {
  const owners = new Map<string, number>();
  for (const uid of state.podsOn.get(name) ?? []) {
    const p = state.pods.get(uid);
    if (p) owners.set(p.owner, (owners.get(p.owner) ?? 0) + 1);
  }
  const perRow = Math.max(1, Math.floor((cardWidth - 18 + 3) / CHIP_PX));
  let height = CARD_BASE_PX;
  for (const n of owners.values()) height += GROUP_PX + Math.ceil(n / perRow) * CHIP_PX;
  return height;
}

/** live says whether a node's card is on the page near the viewport, where its chips are drawn and kept current. */
function live(node: string): boolean {
  const c = cards.get(node);
  return !!c && cardWindow.has(c.el);
}

/** fillCard draws a card that came near the viewport: its bars and status, and its chips from the state. */
function fillCard(el: HTMLElement): void {
  const name = el.dataset.node ?? '';
  const c = cards.get(name);
  if (!c || c.el !== el) return;
  // Focus that scrolled an empty card near (Tab reaches it) passes to its first chip.
  const focusedCard = document.activeElement === el;
  el.style.minHeight = '';
  el.removeAttribute('tabindex');
  updateCard(name);
  for (const uid of state.podsOn.get(name) ?? []) placeChip(state.pods.get(uid) as PodView, false);
  pruneGroups(c);
  hideEmptyGroups(c);
  if (focusedCard) c.body.querySelector<HTMLElement>('.chip:not([hidden])')?.focus({ preventScroll: true });
}

/** emptyCard drops the chips of a card that went far from the viewport, keeping its height; not while focus is inside it. */
function emptyCard(el: HTMLElement, height: number): boolean {
  const c = cards.get(el.dataset.node ?? '');
  if (!c || c.el !== el) return true;
  if (el.contains(document.activeElement)) return false;
  for (const g of c.groups.values()) for (const chipEl of g.chips.children) chips.delete((chipEl as HTMLElement).dataset.uid ?? '');
  c.groups.clear();
  c.body.replaceChildren();
  el.style.minHeight = `${height}px`;
  el.tabIndex = 0;
  return true;
}

/** hideEmptyGroups hides an owner's group when the filters hide all its chips. */
function hideEmptyGroups(c: Card): void {
  for (const g of c.groups.values()) {
    let shown = false;
    for (const el of g.chips.children) if (!(el as HTMLElement).hidden) { shown = true; break; }
    if (g.el.hidden === shown) g.el.hidden = !shown;
  }
}

function setBar(b: Bar, used: number, of: number, text: string): void {
  const share = of > 0 ? Math.min(1, used / of) : 0;
  b.fill.style.width = `${(share * 100).toFixed(1)}%`;
  b.fill.classList.toggle('high', share >= 0.9);
  b.value.textContent = text;
  b.el.setAttribute('aria-valuenow', String(Math.round(share * 100)));
  b.el.setAttribute('aria-valuetext', text);
}

function updateCard(name: string): void {
  const c = card(name);
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

/**
 * chip draws one pod. A delta may touch 10,000 chips in one frame, so a chip's
 * update writes only what changed, and its long description (tooltip, and the
 * label a screen reader speaks) is written when the pointer or focus reaches it.
 */
function chip(p: PodView, fresh: boolean): HTMLElement {
  let el = chips.get(p.uid);
  if (!el) {
    el = h('span');
    el.dataset.uid = p.uid;
    el.tabIndex = 0;
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', `${p.namespace}/${p.name}`);
    chips.set(p.uid, el);
  }
  const isSelected = selected?.namespace === p.namespace && selected.name === p.name;
  const cls = `chip ${chipClass(p)}${fresh && animate ? ' appear' : ''}${isSelected ? ' selected' : ''}`;
  const before = el.className;
  if (before !== cls) {
    el.className = cls;
    if (before.endsWith(' selected') !== isSelected || !before) el.setAttribute('aria-pressed', String(isSelected));
  }
  const badge = p.restarts ? String(p.restarts) : '';
  if (el.textContent !== badge) el.textContent = badge;
  const hidden = !state.visible(p);
  if (el.hidden !== hidden) el.hidden = hidden;
  if (el === focused || el.title) describeChip(el, p);
  return el;
}

/** describeChip writes a chip's description: its tooltip and its accessible name. */
function describeChip(el: HTMLElement, p: PodView): void {
  const text = describePod(p);
  if (el.title === text) return;
  el.title = text;
  el.setAttribute('aria-label', text);
}

function placeChip(p: PodView, fresh: boolean): void {
  if (!cardShown(p.node) || !live(p.node)) {
    chips.get(p.uid)?.remove();
    chips.delete(p.uid);
    return;
  }
  const el = chip(p, fresh);
  const target = group(card(p.node), p.owner);
  if (el.parentElement !== target) target.append(el);
}

/** dense says whether the heat-map replaces the cards. */
function dense(): boolean {
  return saved.dense ?? state.nodes.size > DENSE_NODES;
}

/** cardShown says whether a node's card is on the page: all of them, or in the heat-map only the one opened. */
function cardShown(node: string): boolean {
  if (!dense()) return node === UNSCHEDULED || state.nodes.has(node);
  return node === focusNode;
}

function dropCard(name: string): void {
  const c = cards.get(name);
  if (!c) return;
  for (const g of c.groups.values()) for (const el of g.chips.querySelectorAll<HTMLElement>('.chip')) chips.delete(el.dataset.uid ?? '');
  cardWindow.unobserve(c.el);
  c.el.remove();
  cards.delete(name);
}

/** redrawCards lays out every card from the state: after a snapshot, a filter change or a switch of mode. */
function redrawCards(resetChips: boolean): void {
  if (resetChips) {
    for (const name of [...cards.keys()]) dropCard(name);
    chips.clear();
    nodesSection.replaceChildren();
  }
  measureCardWidth();
  const names = [...state.nodes.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const shown = [UNSCHEDULED, ...names].filter((n) => cardShown(n) && (n !== UNSCHEDULED || (state.podsOn.get(UNSCHEDULED)?.size ?? 0) > 0));
  for (const name of shown) {
    const c = card(name);
    nodesSection.append(c.el);
    if (live(name)) fillCard(c.el);
  }
  cardWindow.admit(shown.map((name) => card(name).el));
}

function pruneGroups(c: Card): void {
  for (const [owner, g] of c.groups) {
    if (!g.chips.firstChild) {
      g.el.remove();
      c.groups.delete(owner);
    }
  }
}

/** Chips animate in only when a handful arrive: ten thousand at once would only cost the frame. */
const ANIMATE_MAX = 200;
let animate = true;
/** focused is the element with focus while a frame draws (read once, not per chip). */
let focused: Element | null = null;

/** draw applies a message's changes to the page. */
function draw(changes: Changes): void {
  animate = !changes.full && changes.pods.size <= ANIMATE_MAX;
  focused = document.activeElement;
  const isDense = dense();
  const windowed = state.pods.size > WINDOW_PODS;
  if (windowed !== cardWindow.windowed) {
    cardWindow.windowed = windowed;
    changes.full = true;
  }
  layout.classList.toggle('dense', isDense);
  const denseText = isDense ? 'Show cards' : 'Show heat-map';
  if (denseButton.textContent !== denseText) denseButton.textContent = denseText;
  if (changes.full) {
    redrawCards(true);
  } else {
    for (const [uid] of changes.removedPods) {
      chips.get(uid)?.remove();
      chips.delete(uid);
    }
    for (const name of changes.removedNodes) dropCard(name);
    // Only chips on the page, or pods of cards near the viewport, cost more than a look-up.
    const near = new Set<string>();
    for (const [name, c] of cards) if (cardWindow.has(c.el)) near.add(name);
    for (const uid of changes.pods) {
      const p = state.pods.get(uid);
      if (!p) continue;
      const drawn = chips.has(uid);
      if (drawn || near.has(p.node)) placeChip(p, !drawn);
    }
    for (const name of changes.nodes) {
      if (!cardShown(name)) continue;
      if (name === UNSCHEDULED && !(state.podsOn.get(UNSCHEDULED)?.size)) {
        dropCard(UNSCHEDULED);
        continue;
      }
      const fresh = !cards.has(name);
      const c = card(name);
      if (fresh) {
        const next = name === UNSCHEDULED ? nodesSection.firstChild : [...cards.values()].map((x) => x.el).find((el) => el !== c.el && el.dataset.node !== UNSCHEDULED && (el.dataset.node ?? '').localeCompare(name, undefined, { numeric: true }) > 0) ?? null;
        nodesSection.insertBefore(c.el, next);
        if (!windowed) cardWindow.admit([c.el]);
      }
      // A card away from the viewport is brought up to date when it nears it (fillCard).
      if (!live(name)) continue;
      updateCard(name);
      pruneGroups(c);
      hideEmptyGroups(c);
    }
  }
  if (isDense) heatMap.draw(state, changes, focusNode);
  drawSummary();
}

function drawSummary(): void {
  const phases = state.shownByPhase();
  let visible = 0;
  for (const n of phases.values()) visible += n;
  const parts = [...phases].sort().map(([phase, n]) => `${n} ${phase}`);
  const text = `${state.nodes.size} nodes · ${visible} pods${parts.length ? ` (${parts.join(', ')})` : ''}`;
  if (summary.textContent !== text) summary.textContent = text;
}

function drawNamespaces(): void {
  const current = state.namespace;
  const options = ['', ...state.namespaces()];
  if (current && !options.includes(current)) options.push(current);
  const existing = [...nsSelect.querySelectorAll('vscode-option')].map((o) => o.getAttribute('value') ?? '');
  if (existing.join('\n') === options.join('\n')) return;
  nsSelect.replaceChildren(...options.map((ns) => {
    const o = document.createElement('vscode-option');
    o.setAttribute('value', ns);
    o.textContent = ns || 'All namespaces';
    if (ns === current) o.setAttribute('selected', '');
    return o;
  }));
  nsSelect.value = current;
}

function drawState(): void {
  const running = clusterState === 'running';
  title.textContent = clusterName ? `${clusterName} · ${clusterState}` : clusterState;
  empty.hidden = running;
  layout.hidden = !running;
  legend.hidden = !running;
  emptyText.textContent = clusterState === 'stopped' ? 'The cluster is not running.' : `The cluster is ${clusterState}…`;
  startButton.hidden = clusterState !== 'stopped';
}

function save(): void {
  api.save({ ...saved, selected });
}

// Messages are applied to the state as they come and drawn once per frame.
let pending: Changes | undefined;
/** lastDrawMs is the script time of the last frame's drawing, which the panel bench reads. */
let lastDrawMs = 0;
function schedule(changes: Changes): void {
  if (!pending) {
    pending = changes;
    requestAnimationFrame(() => {
      const c = pending as Changes;
      pending = undefined;
      const t0 = performance.now();
      draw(c);
      drawNamespaces();
      lastDrawMs = performance.now() - t0;
    });
    return;
  }
  if (changes.full) pending.full = true;
  for (const uid of changes.pods) pending.pods.add(uid);
  for (const [uid, p] of changes.removedPods) {
    pending.pods.delete(uid);
    pending.removedPods.set(uid, p);
  }
  for (const n of changes.nodes) pending.nodes.add(n);
  for (const n of changes.removedNodes) pending.removedNodes.add(n);
}

onMessage<PodsToPanel>((m) => {
  switch (m.type) {
    case 'snapshot':
      clusterState = m.state;
      clusterName = m.cluster;
      drawState();
      schedule(state.snapshot(m.nodes, m.pods));
      return;
    case 'delta':
      schedule(state.apply(m.nodes, m.pods));
      return;
    case 'state':
      clusterState = m.state;
      clusterName = m.cluster;
      drawState();
      if (m.state !== 'running') schedule(state.snapshot([], []));
      return;
    case 'detail':
      layout.classList.toggle('with-detail', !!m.detail);
      renderDetail(detail, m.detail, (pod) => api.post({ type: 'describe', pod }), (pod) => api.post({ type: 'logs', pod }));
      return;
    case 'travel':
      travelBanner.update(m.travel);
      return;
  }
});

function select(p: PodView | undefined): void {
  const before = selected && [...state.pods.values()].find((x) => x.namespace === selected?.namespace && x.name === selected.name);
  selected = p ? { namespace: p.namespace, name: p.name } : undefined;
  if (before && chips.has(before.uid)) chip(before, false);
  if (p && chips.has(p.uid)) chip(p, false);
  save();
  api.post({ type: 'select', pod: selected });
}

function podOf(target: EventTarget | null): PodView | undefined {
  const el = (target as HTMLElement | null)?.closest?.('.chip') as HTMLElement | null;
  const uid = el?.dataset.uid;
  return uid ? state.pods.get(uid) : undefined;
}

// Descriptions are written as the pointer or focus reaches a chip (see chip()).
for (const type of ['mouseover', 'focusin']) {
  nodesSection.addEventListener(type, (e) => {
    const el = (e.target as HTMLElement | null)?.closest?.('.chip') as HTMLElement | null;
    const p = podOf(el);
    if (el && p) describeChip(el, p);
  });
}

nodesSection.addEventListener('click', (e) => {
  const p = podOf(e.target);
  if (p) select(p);
});
nodesSection.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const p = podOf(e.target);
  if (!p) return;
  e.preventDefault();
  select(p);
});

function refilter(): void {
  const ok = state.setFilter(nsSelect.value ?? '', labelField.value ?? '');
  labelField.invalid = !ok;
  saved.namespace = state.namespace;
  saved.labelFilter = labelField.value ?? '';
  save();
  for (const [uid, el] of chips) {
    const p = state.pods.get(uid);
    if (p) el.hidden = !state.visible(p);
  }
  for (const c of cards.values()) hideEmptyGroups(c);
  drawSummary();
}
nsSelect.addEventListener('change', refilter);
labelField.addEventListener('input', refilter);
denseButton.addEventListener('click', () => {
  saved.dense = !dense();
  focusNode = undefined;
  save();
  schedule({ pods: new Set(), removedPods: new Map(), nodes: new Set(), removedNodes: new Set(), full: true });
});

drawState();
if (selected) api.post({ type: 'select', pod: selected });
api.post({ type: 'ready' });

// Tests and the bench read what was drawn through this hook; the page itself never uses it.
(window as unknown as { kubelabPods?: unknown }).kubelabPods = {
  state, chips, cards, lastDrawMs: () => lastDrawMs,
  liveNodes: () => [...cards].filter(([, c]) => cardWindow.has(c.el)).map(([name]) => name),
};
