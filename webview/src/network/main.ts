/**
 * The Network panel's page: a drawing of the pod network (nodes, bridges,
 * veths, pods, routes, Services and their endpoints); a packet-trace tool
 * whose trace plays hop by hop on the drawing beside the list of hops; a DNS
 * lookup box; and a node's routes and kube-proxy rules, with the rules the
 * selected trace matched highlighted. A pure view of the host's messages: a
 * snapshot, then deltas, drawn once per animation frame.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '../shared/base.css';
import './network.css';
import type { ClusterState, NetworkFromPanel, NetworkPanelState, NetworkRulesView, NetworkToPanel, NetworkTraceView } from '../shared/protocol';
import { onMessage, panelApi } from '../shared/vscodeApi';
import { TravelBanner } from '../shared/travelBanner';
import { button, h } from '../shared/dom';
import { NetworkDrawing, type Point } from './drawing';
import {
  type Anchor, NetworkState, destinationChoices, hopAnchor, lookupAnswer, outcomeClass, parseDestination, parseDnsName, parseSource, ruleLines, sourceAnchor,
} from './networkState';

/** STEP_MS is how long the packet stays at a hop while a trace plays; TWEEN_MS how long it takes to move to the next. */
const STEP_MS = 1100;
const TWEEN_MS = 450;
const CUSTOM = 'custom';

const api = panelApi<NetworkFromPanel, NetworkPanelState>();
const saved: NetworkPanelState = api.state() ?? { namespace: '' };
const state = new NetworkState();
let clusterState: ClusterState = 'stopped';
let clusterName = '';
let isLab = true;
let rules: NetworkRulesView | undefined;
/** step is the hop the selected trace's packet is at: -1 at its source, before the first hop. */
let step = -1;
let playing = false;
let playTimer: ReturnType<typeof setTimeout> | undefined;
/** awaiting names the trace and lookup the page asked for, to select when they arrive. */
let awaitingTrace: string | undefined;
let awaitingLookup: string | undefined;
let lookupName: string | undefined;
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

type Select = HTMLElement & { value: string };
type TextField = HTMLElement & { value: string; invalid: boolean };
const select = (id: string, label: string): Select => {
  const s = document.createElement('vscode-single-select') as Select;
  s.id = id;
  s.setAttribute('aria-label', label);
  return s;
};
const iconButton = (id: string, label: string, icon: string): HTMLButtonElement => {
  const b = h('button', 'icon-button');
  b.id = id;
  b.type = 'button';
  b.title = label;
  b.setAttribute('aria-label', label);
  b.append(h('span', `codicon codicon-${icon}`));
  return b;
};
const field = (id: string, label: string, placeholder: string, value = ''): TextField => {
  const f = document.createElement('vscode-textfield') as TextField;
  f.id = id;
  f.setAttribute('aria-label', label);
  f.setAttribute('placeholder', placeholder);
  f.value = value;
  return f;
};

// The page's frame.
const app = document.getElementById('app') as HTMLElement;
const toolbar = h('header', 'toolbar');
const title = h('span', 'cluster');
const nsSelect = select('namespace', 'Namespace');
const summary = h('span', 'summary');
summary.setAttribute('role', 'status');
summary.setAttribute('aria-live', 'polite');
toolbar.append(title, nsSelect, summary);
const notice = h('p', 'notice');
notice.setAttribute('role', 'alert');
notice.hidden = true;

const empty = h('div', 'empty');
const emptyText = h('p');
const startButton = button('start', 'Start Lab', 'play', false);
startButton.addEventListener('click', () => api.post({ type: 'startLab' }));
empty.append(emptyText, startButton);

const layout = h('main', 'layout');
const canvas = h('section', 'canvas');
canvas.setAttribute('aria-label', 'The pod network');
const drawing = new NetworkDrawing((service, nodePort) => api.post({ type: 'openHostPort', service, nodePort }), (node) => showRules(node, true));
canvas.append(drawing.svg);

const side = h('aside', 'side');
// The trace tool.
const traceTool = h('section', 'trace-tool');
traceTool.setAttribute('aria-label', 'Trace a packet');
const sourceSelect = select('source', 'Source');
const destSelect = select('destination', 'Destination');
const customField = field('custom', 'Destination address or name and port', '10.96.0.1:443 or web.default:80', saved.custom ?? '');
const traceButton = button('trace', 'Trace', 'debug-start', false);
const toolGrid = h('div', 'form');
toolGrid.append(h('label', undefined, 'From'), sourceSelect, h('label', undefined, 'To'), destSelect, h('span'), customField);
traceTool.append(h('h2', undefined, 'Packet trace'), toolGrid, traceButton);
// The selected trace: its outcome, playback and hops.
const traceView = h('section', 'trace-view');
traceView.setAttribute('aria-label', 'Selected trace');
const traceHead = h('div', 'trace-head');
const controls = h('div', 'controls');
const prevButton = iconButton('prev', 'Previous hop', 'debug-step-back');
const playButton = iconButton('play', 'Play', 'debug-start');
const nextButton = iconButton('next', 'Next hop', 'debug-step-over');
const stepLabel = h('span', 'step');
stepLabel.setAttribute('aria-live', 'polite');
controls.append(prevButton, playButton, nextButton, stepLabel);
const hopList = h('ol', 'hops');
hopList.setAttribute('aria-label', 'Hops, in order');
hopList.tabIndex = 0;
traceView.append(traceHead, controls, hopList);
// DNS lookups.
const dnsBox = h('section', 'dns');
dnsBox.setAttribute('aria-label', 'DNS lookup');
const dnsField = field('dns-name', 'Name to look up', 'web, kube-dns.kube-system, kubernetes.default', saved.dnsName ?? '');
const lookupButton = button('lookup', 'Look up', 'search', true);
const dnsRow = h('div', 'row');
dnsRow.append(dnsField, lookupButton);
const dnsAnswer = h('p', 'dns-answer');
dnsAnswer.setAttribute('role', 'status');
dnsBox.append(h('h2', undefined, 'DNS lookup'), dnsRow, dnsAnswer);
// Recent traces.
const recent = h('section', 'recent');
const traceList = h('ul', 'traces');
traceList.setAttribute('aria-label', 'Recent packet traces, newest first');
recent.append(h('h2', undefined, 'Recent traces'), traceList);
side.append(traceTool, traceView, dnsBox, recent);

// A node's tools: its routes and kube-proxy rules.
const tools = h('section', 'tools');
tools.setAttribute('aria-label', 'A node\'s routes and kube-proxy rules');
const toolsHead = h('div', 'tools-head');
const rulesSelect = select('rules-node', 'Node');
const rulesMeta = h('span', 'muted');
toolsHead.append(h('h2', undefined, 'Node'), rulesSelect, rulesMeta);
const routesPre = h('pre', 'mono routes');
routesPre.tabIndex = 0;
routesPre.setAttribute('aria-label', 'ip route');
const rulesBody = h('div', 'rules');
tools.append(toolsHead, h('h3', undefined, 'ip route'), routesPre, rulesBody);

layout.append(canvas, side, tools);
// Time travel: a past revision is drawn read-only, so the trace tool and lookups (which act on the live cluster) are off.
const travelBanner = new TravelBanner(() => api.post({ type: 'backToLive' }));
function drawTravel(travel: Extract<NetworkToPanel, { type: 'travel' }>['travel']): void {
  travelBanner.update(travel);
  for (const b of [traceButton, lookupButton]) b.toggleAttribute('disabled', travelBanner.travelling);
}
app.append(toolbar, travelBanner.element, notice, empty, layout);

function save(): void {
  api.save(saved);
}

function showNotice(message: string, error: boolean): void {
  notice.hidden = !message;
  notice.textContent = message;
  notice.classList.toggle('error', error);
}

function drawState(): void {
  const running = clusterState === 'running';
  title.textContent = clusterName ? `${clusterName} · ${clusterState}` : clusterState;
  empty.hidden = running;
  layout.hidden = !running;
  emptyText.textContent = clusterState === 'stopped' ? 'The cluster is not running.' : `The cluster is ${clusterState}…`;
  startButton.hidden = clusterState !== 'stopped';
  traceTool.hidden = !isLab;
  dnsBox.hidden = !isLab;
  recent.hidden = !isLab;
}

function options(s: Select, items: { value: string; label: string }[], want: string | undefined): string {
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

/** drawPickers fills the namespace, source, destination and node pickers from the state. */
function drawPickers(): void {
  saved.namespace = options(nsSelect, [{ value: '', label: 'All namespaces' }, ...state.namespaces().map((n) => ({ value: n, label: n }))], saved.namespace);
  const nodes = state.sortedNodes();
  // The user's own pods come first, so a trace starts from one of them unless they chose otherwise.
  const pods = nodes.flatMap((n) => n.pods).filter((p) => !saved.namespace || p.namespace === saved.namespace)
    .sort((a, b) => Number(a.namespace === 'kube-system') - Number(b.namespace === 'kube-system'));
  const sources = [
    ...pods.map((p) => ({ value: `pod:${p.namespace}/${p.name}`, label: `Pod ${p.namespace}/${p.name} (${p.ip})` })),
    ...nodes.map((n) => ({ value: `node:${n.name}`, label: `Node ${n.name} (${n.internalIP})` })),
    ...nodes.map((n) => ({ value: `external:${n.name}`, label: `Outside, through ${n.name}` })),
  ];
  saved.source = options(sourceSelect, sources, saved.source);
  const dests = destinationChoices(state, saved.namespace);
  saved.destination = options(destSelect, [...dests.map((d) => ({ value: d.key, label: d.label })), { value: CUSTOM, label: 'Other address or name…' }], saved.destination);
  customField.hidden = saved.destination !== CUSTOM;
  const current = saved.rulesNode && state.nodes.has(saved.rulesNode) ? saved.rulesNode : nodes[0]?.name;
  const chosen = options(rulesSelect, nodes.map((n) => ({ value: n.name, label: `${n.name} (${n.internalIP})` })), current);
  if (chosen && chosen !== rulesNodeAsked) showRules(chosen, false);
}

let rulesNodeAsked: string | undefined;
/** showRules asks for a node's rule set; from the drawing, it brings the tools into view. */
function showRules(node: string, reveal: boolean): void {
  saved.rulesNode = node;
  save();
  if (rulesSelect.value !== node) rulesSelect.value = node;
  if (rulesNodeAsked !== node) {
    rulesNodeAsked = node;
    if (isLab) api.post({ type: 'rules', node });
  }
  drawRoutes();
  if (reveal) tools.scrollIntoView({ block: 'start', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
}

function drawRoutes(): void {
  const n = saved.rulesNode ? state.nodes.get(saved.rulesNode) : undefined;
  const hop = currentHop();
  const lines = n?.routes.map((r) => r.text) ?? [];
  // A route hop prints the route it took: that line is the current one.
  const current = n && hop?.type === 'route' && hop.node === n.name ? lines.findIndex((l) => hop.text.includes(l)) : -1;
  routesPre.replaceChildren(...lines.map((l, i) => h('span', i === current ? 'line current' : 'line', `${l}\n`)));
}

/** lineSpans are the spans of the rules shown, per section, for highlighting. */
let lineSpans: HTMLElement[][] = [];
function drawRules(): void {
  if (!isLab) {
    rulesMeta.textContent = 'kube-proxy\'s rules are published by the lab\'s nodes only.';
    rulesBody.replaceChildren();
    lineSpans = [];
    return;
  }
  if (!rules) {
    rulesMeta.textContent = saved.rulesNode ? `${saved.rulesNode} has published no kube-proxy rules yet.` : '';
    rulesBody.replaceChildren();
    lineSpans = [];
    return;
  }
  rulesMeta.textContent = `kube-proxy ${rules.mode} · ${rules.services} services · ${rules.endpoints} endpoints · sync ${rules.syncs}${rules.lastSyncTime ? ` at ${rules.lastSyncTime}` : ''}${rules.truncated ? ' · truncated' : ''}`;
  lineSpans = [];
  rulesBody.replaceChildren(...rules.sections.map((s) => {
    const section = h('section', 'rules-section');
    const pre = h('pre', 'mono');
    pre.tabIndex = 0;
    pre.setAttribute('aria-label', s.title);
    const spans = s.text.split('\n').map((l) => h('span', 'line', `${l}\n`));
    pre.append(...spans);
    lineSpans.push(spans);
    section.append(h('h3', undefined, s.title), pre);
    return section;
  }));
  highlightRules();
}

/** highlightRules marks every rule of the selected trace on the shown node, and the current hop's more strongly. */
function highlightRules(): void {
  for (const spans of lineSpans) for (const s of spans) s.classList.remove('matched', 'current');
  const trace = selectedTrace();
  if (!trace || !rules) return;
  let first: HTMLElement | undefined;
  trace.hops.forEach((hop, i) => {
    const found = ruleLines(rules as NetworkRulesView, hop);
    if (!found) return;
    for (const line of found.lines) {
      const span = lineSpans[found.section]?.[line];
      if (!span) continue;
      span.classList.add('matched');
      if (i === step) {
        span.classList.add('current');
        first ??= span;
      }
    }
  });
  if (first?.parentElement) scrollWithin(first.parentElement, first);
}

/** scrollWithin brings an element into view inside its scrolling box only: the drawing stays where the user is looking. */
function scrollWithin(box: HTMLElement, el: HTMLElement): void {
  // The box is positioned (network.css), so offsetTop is measured from it.
  const top = el.offsetTop;
  if (top < box.scrollTop) box.scrollTop = top;
  else if (top + el.offsetHeight > box.scrollTop + box.clientHeight) box.scrollTop = top + el.offsetHeight - box.clientHeight;
}

function selectedTrace(): NetworkTraceView | undefined {
  return saved.selectedTrace ? state.traces.get(saved.selectedTrace) : undefined;
}

function currentHop(): NetworkTraceView['hops'][number] | undefined {
  const t = selectedTrace();
  return t && step >= 0 ? t.hops[step] : undefined;
}

function drawTraceList(): void {
  const traces = state.sortedTraces().filter((t) => t.purpose !== 'lookup');
  traceList.replaceChildren(...traces.map((t) => {
    const li = h('li');
    const b = h('button', `trace-item ${outcomeClass(t)}`);
    b.type = 'button';
    b.dataset.trace = t.name;
    b.setAttribute('aria-pressed', String(t.name === saved.selectedTrace));
    const icon = t.done ? (t.outcome === 'Delivered' ? 'pass-filled' : 'error') : 'loading';
    b.append(h('span', `codicon codicon-${icon}`), h('span', undefined, ` ${t.source} → ${t.destination}`), h('span', 'muted', ` ${t.done ? t.outcome : 'tracing…'}`));
    b.addEventListener('click', () => selectTrace(t.name, true));
    li.append(b);
    return li;
  }));
  if (!traces.length) traceList.append(h('li', 'muted', 'No traces yet: pick a source and a destination, then Trace.'));
}

/** drawTrace shows the selected trace's outcome and hops, and puts the packet where it is. */
function drawTrace(): void {
  const t = selectedTrace();
  traceView.hidden = !t;
  if (!t) {
    drawing.placePacket(undefined);
    drawing.mark([], 'active');
    return;
  }
  traceHead.replaceChildren(
    h('strong', undefined, `${t.source} → ${t.destination}`),
    h('p', `outcome ${outcomeClass(t)}`, t.done ? `${t.outcome}: ${t.message}` : 'Tracing…'),
  );
  if (t.resolution) traceHead.append(h('p', 'muted', lookupAnswer(t)));
  hopList.replaceChildren(...t.hops.map((hop, i) => {
    const li = h('li', `hop type-${hop.type}${i === step ? ' current' : ''}${hop.taken === false ? ' not-taken' : ''}`);
    li.dataset.step = String(i);
    if (i === step) li.setAttribute('aria-current', 'step');
    const head = h('span', 'hop-type', hop.type);
    const where = hop.node ? h('span', 'muted', ` ${hop.node}`) : h('span');
    li.append(head, where, h('div', 'mono hop-text', hop.text));
    if (hop.probability !== undefined) li.append(h('div', 'muted', `probability ${hop.probability.toFixed(4)}${hop.taken === undefined ? '' : hop.taken ? ' · taken' : ' · not taken'}`));
    li.addEventListener('click', () => goTo(i, false));
    return li;
  }));
  stepLabel.textContent = step < 0 ? `At the source · ${t.hops.length} hops` : `Hop ${step + 1} of ${t.hops.length}: ${t.hops[step].type}`;
  prevButton.disabled = step < 0;
  nextButton.disabled = step >= t.hops.length - 1;
  playButton.title = playing ? 'Pause' : 'Play';
  playButton.setAttribute('aria-label', playing ? 'Pause' : 'Play');
  playButton.firstElementChild?.setAttribute('class', `codicon codicon-${playing ? 'debug-pause' : 'debug-start'}`);
  const currentItem = hopList.querySelector<HTMLElement>('.current');
  if (currentItem) scrollWithin(hopList, currentItem);
  placeAt(step, false);
}

/** anchorOf is where the packet is at a step: the source before the first hop, else the hop's place (or the last one that had one). */
function anchorOf(t: NetworkTraceView, at: number): Anchor | undefined {
  for (let i = at; i >= 0; i--) {
    const a = hopAnchor(t.hops[i], t, state);
    if (a && drawing.anchorPoint(a)) return a;
  }
  return sourceAnchor(t, state);
}

let tween: number | undefined;
/** placeAt moves the packet to a step's place: at once, or gliding from where it was unless motion is reduced. */
function placeAt(at: number, glide: boolean): void {
  const t = selectedTrace();
  if (!t) return;
  const a = anchorOf(t, at);
  const to = a ? drawing.anchorPoint(a) : undefined;
  const hop = at >= 0 ? t.hops[at] : undefined;
  const failed = !!hop && (hop.type === 'reject' || hop.type === 'drop');
  drawing.mark(a ? [a] : [], 'active');
  if (tween !== undefined) cancelAnimationFrame(tween);
  tween = undefined;
  const from = glide && at > 0 ? (() => { const p = anchorOf(t, at - 1); return p ? drawing.anchorPoint(p) : undefined; })() : undefined;
  if (!to || !from || reducedMotion.matches) {
    drawing.placePacket(to, failed);
    return;
  }
  const start = performance.now();
  const frame = (now: number): void => {
    const k = Math.min(1, (now - start) / TWEEN_MS);
    const e = k < 0.5 ? 2 * k * k : 1 - (-2 * k + 2) ** 2 / 2;
    drawing.placePacket({ x: from.x + (to.x - from.x) * e, y: from.y + (to.y - from.y) * e } satisfies Point, failed && k === 1);
    tween = k < 1 ? requestAnimationFrame(frame) : undefined;
  };
  tween = requestAnimationFrame(frame);
}

/** goTo moves to a step: its hop in the list, on the drawing and in the rules (switching to the hop's node). */
function goTo(at: number, glide: boolean): void {
  const t = selectedTrace();
  if (!t) return;
  step = Math.max(-1, Math.min(at, t.hops.length - 1));
  const hop = currentHop();
  if (hop?.rule && hop.node && hop.node !== saved.rulesNode) showRules(hop.node, false);
  drawTrace();
  if (glide) placeAt(step, true);
  drawRoutes();
  highlightRules();
}

function play(on: boolean): void {
  playing = on;
  if (playTimer) clearTimeout(playTimer);
  playTimer = undefined;
  const t = selectedTrace();
  if (on && t) {
    const tick = (): void => {
      const tr = selectedTrace();
      if (!playing || !tr) return;
      if (step >= tr.hops.length - 1) {
        playing = false;
        drawTrace();
        return;
      }
      goTo(step + 1, true);
      playTimer = setTimeout(tick, STEP_MS);
    };
    playTimer = setTimeout(tick, step < 0 ? 300 : STEP_MS);
  }
  drawTrace();
}

function selectTrace(name: string, start: boolean): void {
  saved.selectedTrace = name;
  save();
  step = -1;
  drawTraceList();
  play(false);
  drawTrace();
  highlightRules();
  const t = selectedTrace();
  if (start && t?.done) play(true);
}

function drawLookup(): void {
  const t = awaitingLookup ? state.traces.get(awaitingLookup) : undefined;
  if (!lookupName) {
    dnsAnswer.textContent = '';
    return;
  }
  if (!t) {
    dnsAnswer.textContent = `Looking up ${lookupName}…`;
    return;
  }
  dnsAnswer.replaceChildren(h('span', `answer ${outcomeClass(t)}`, lookupAnswer(t)));
  if (t.resolution?.queries?.length) dnsAnswer.append(h('span', 'muted', ` · asked ${t.resolution.queries.join(', ')}`));
}

// Messages are applied as they come; the drawing is redrawn once per frame.
let drawPending = false;
function redraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    drawing.draw(state, saved.namespace);
    drawPickers();
    drawRoutes();
    drawSummary();
    if (selectedTrace()) placeAt(step, false);
  });
}

function drawSummary(): void {
  const pods = [...state.nodes.values()].reduce((n, x) => n + x.pods.length, 0);
  summary.textContent = `${state.nodes.size} nodes · ${pods} pods · ${state.services.size} Services${state.omittedNodes ? ` · ${state.omittedNodes} nodes not drawn` : ''}`;
}

function tracesChanged(names: readonly string[]): void {
  if (awaitingTrace && state.traces.has(awaitingTrace) && saved.selectedTrace !== awaitingTrace) selectTrace(awaitingTrace, false);
  drawTraceList();
  const t = selectedTrace();
  if (t && names.includes(t.name)) {
    // The trace the page waited for is answered: play it.
    const answered = t.done && t.name === awaitingTrace;
    if (answered) awaitingTrace = undefined;
    drawTrace();
    highlightRules();
    if (answered) play(true);
  }
  if (awaitingLookup && names.includes(awaitingLookup)) drawLookup();
}

onMessage<NetworkToPanel>((m) => {
  switch (m.type) {
    case 'snapshot':
      clusterState = m.state;
      clusterName = m.cluster;
      isLab = m.isLab;
      state.snapshot(m);
      drawState();
      rulesNodeAsked = undefined;
      redraw();
      tracesChanged([...state.traces.keys()]);
      drawRules();
      return;
    case 'delta': {
      const changed = state.apply(m);
      if (changed.drawing) redraw();
      if (changed.traces.length) tracesChanged(changed.traces);
      return;
    }
    case 'state':
      clusterState = m.state;
      clusterName = m.cluster;
      state.clear();
      drawTravel({ revision: null });
      drawState();
      redraw();
      return;
    case 'rules':
      if (m.node !== saved.rulesNode) return;
      rules = m.rules;
      drawRules();
      return;
    case 'created':
      showNotice('', false);
      if (m.purpose === 'trace') awaitingTrace = m.name;
      else awaitingLookup = m.name;
      tracesChanged([m.name]);
      drawLookup();
      return;
    case 'notice':
      showNotice(m.message, m.error);
      return;
    case 'travel':
      drawTravel(m.travel);
      return;
  }
});

// The user's actions.
nsSelect.addEventListener('change', () => {
  saved.namespace = nsSelect.value ?? '';
  save();
  redraw();
});
sourceSelect.addEventListener('change', () => {
  saved.source = sourceSelect.value;
  save();
});
destSelect.addEventListener('change', () => {
  saved.destination = destSelect.value;
  customField.hidden = saved.destination !== CUSTOM;
  save();
});
customField.addEventListener('input', () => {
  saved.custom = customField.value;
  customField.invalid = false;
  save();
});
rulesSelect.addEventListener('change', () => showRules(rulesSelect.value, false));

function trace(): void {
  const source = parseSource(saved.source ?? '');
  if (!source) {
    showNotice('Pick where the packet starts.', true);
    return;
  }
  let destination;
  if (saved.destination === CUSTOM) {
    const parsed = parseDestination(customField.value ?? '');
    if ('error' in parsed) {
      customField.invalid = true;
      showNotice(parsed.error, true);
      return;
    }
    destination = parsed;
  } else {
    destination = destinationChoices(state, saved.namespace).find((d) => d.key === saved.destination)?.destination;
  }
  if (!destination) {
    showNotice('Pick where the packet goes.', true);
    return;
  }
  showNotice('', false);
  api.post({ type: 'trace', source, destination });
}
traceButton.addEventListener('click', trace);
customField.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') trace();
});

function lookup(): void {
  const name = parseDnsName(dnsField.value ?? '');
  if (typeof name !== 'string') {
    dnsField.invalid = true;
    showNotice(name.error, true);
    return;
  }
  const source = parseSource(saved.source ?? '') ?? { external: {} };
  dnsField.invalid = false;
  saved.dnsName = name;
  save();
  lookupName = name;
  awaitingLookup = undefined;
  drawLookup();
  api.post({ type: 'lookup', source, name });
}
lookupButton.addEventListener('click', lookup);
dnsField.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') lookup();
});

prevButton.addEventListener('click', () => {
  play(false);
  goTo(step - 1, false);
});
nextButton.addEventListener('click', () => {
  play(false);
  goTo(step + 1, true);
});
playButton.addEventListener('click', () => {
  const t = selectedTrace();
  if (!playing && t && step >= t.hops.length - 1) step = -1;
  play(!playing);
});
hopList.addEventListener('keydown', (e) => {
  const t = selectedTrace();
  if (!t) return;
  const moves: Record<string, number> = { ArrowDown: step + 1, ArrowRight: step + 1, ArrowUp: step - 1, ArrowLeft: step - 1, Home: -1, End: t.hops.length - 1 };
  if (!(e.key in moves)) return;
  e.preventDefault();
  play(false);
  goTo(moves[e.key], e.key === 'ArrowDown' || e.key === 'ArrowRight');
});

drawState();
traceView.hidden = true;
api.post({ type: 'ready' });

// Tests read what was drawn through this hook; the page itself never uses it.
(window as unknown as { kubelabNetwork?: unknown }).kubelabNetwork = { state, step: () => step, rules: () => rules };
