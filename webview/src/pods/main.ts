/**
 * The Pods panel's page: nodes as cards with CPU, memory and pod-count bars
 * against allocatable, pods as chips coloured by phase and grouped by owner, a
 * heat-map instead of cards when the cluster is large, and the selected pod's
 * conditions, containers, events and log tail. A pure view of the host's
 * messages: a snapshot, then deltas, drawn once per animation frame. The cards
 * and their chips are NodeCards' (cards.ts); this is the page's frame, its
 * toolbar and its messages.
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
import { type Changes, PodsState, UNSCHEDULED } from './podsState';
import { HeatMap } from './heatMap';
import { renderDetail } from './detail';
import { NodeCards, describeChip } from './cards';

/** Past this many nodes the cards give way to the heat-map, unless the user chose. */
const DENSE_NODES = 100;

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

const nodeCards = new NodeCards({ state, section: nodesSection, selected: () => selected, cardShown });
const heatMap = new HeatMap(heatSection, (name) => {
  focusNode = name;
  nodeCards.redraw(true);
});

/** dense says whether the heat-map replaces the cards. */
function dense(): boolean {
  return saved.dense ?? state.nodes.size > DENSE_NODES;
}

/** cardShown says whether a node's card is on the page: all of them, or in the heat-map only the one opened. */
function cardShown(node: string): boolean {
  if (!dense()) return node === UNSCHEDULED || state.nodes.has(node);
  return node === focusNode;
}

/** draw applies a message's changes to the page. */
function draw(changes: Changes): void {
  const isDense = dense();
  layout.classList.toggle('dense', isDense);
  const denseText = isDense ? 'Show cards' : 'Show heat-map';
  if (denseButton.textContent !== denseText) denseButton.textContent = denseText;
  nodeCards.draw(changes);
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
  if (before) nodeCards.redrawChip(before);
  if (p) nodeCards.redrawChip(p);
  save();
  api.post({ type: 'select', pod: selected });
}

function podOf(target: EventTarget | null): PodView | undefined {
  const el = (target as HTMLElement | null)?.closest?.('.chip') as HTMLElement | null;
  const uid = el?.dataset.uid;
  return uid ? state.pods.get(uid) : undefined;
}

// Descriptions are written as the pointer or focus reaches a chip (see NodeCards.chip in cards.ts).
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
  nodeCards.refilter();
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
  state, chips: nodeCards.chips, cards: nodeCards.cards, lastDrawMs: () => lastDrawMs,
  liveNodes: () => nodeCards.liveNodes(),
};
