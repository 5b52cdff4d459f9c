/**
 * The Network panel's page: a drawing of the pod network (nodes, bridges,
 * veths, pods, routes, Services and their endpoints); a packet-trace tool
 * whose trace plays hop by hop on the drawing beside the list of hops; a DNS
 * lookup box; and a node's routes and kube-proxy rules, with the rules the
 * selected trace matched highlighted. A pure view of the host's messages: a
 * snapshot, then deltas, drawn once per animation frame. This file builds the
 * frame, the trace tool and the DNS box, and applies the messages; canvas,
 * traceView and rulesView draw the rest, pageState is what they share.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '../shared/base.css';
import './network.css';
import type { ClusterState, NetworkToPanel } from '../shared/protocol';
import { onMessage } from '../shared/vscodeApi';
import { TravelBanner } from '../shared/travelBanner';
import { button, h } from '../shared/dom';
import { destinationChoices, lookupAnswer, outcomeClass, parseDestination, parseDnsName, parseSource } from './networkState';
import { canvas, drawing } from './canvas';
import { api, page, save, saved, selectedTrace, state } from './pageState';
import { drawRoutes, drawRules, highlightRules, rulesSelect, showRules, tools } from './rulesView';
import { drawTrace, drawTraceList, placeAt, play, recent, selectTrace, traceView } from './traceView';
import { field, options, select } from './widgets';

const CUSTOM = 'custom';

let clusterState: ClusterState = 'stopped';
let clusterName = '';
/** awaiting names the trace and lookup the page asked for, to select when they arrive. */
let awaitingTrace: string | undefined;
let awaitingLookup: string | undefined;
let lookupName: string | undefined;

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
side.append(traceTool, traceView, dnsBox, recent);

layout.append(canvas, side, tools);
// Time travel: a past revision is drawn read-only, so the trace tool and lookups (which act on the live cluster) are off.
const travelBanner = new TravelBanner(() => api.post({ type: 'backToLive' }));
function drawTravel(travel: Extract<NetworkToPanel, { type: 'travel' }>['travel']): void {
  travelBanner.update(travel);
  for (const b of [traceButton, lookupButton]) b.toggleAttribute('disabled', travelBanner.travelling);
}
app.append(toolbar, travelBanner.element, notice, empty, layout);

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
  traceTool.hidden = !page.isLab;
  dnsBox.hidden = !page.isLab;
  recent.hidden = !page.isLab;
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
  if (chosen && chosen !== page.rulesNodeAsked) showRules(chosen, false);
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
    if (selectedTrace()) placeAt(page.step, false);
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
      page.isLab = m.isLab;
      state.snapshot(m);
      drawState();
      page.rulesNodeAsked = undefined;
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
      page.rules = m.rules;
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

drawState();
traceView.hidden = true;
api.post({ type: 'ready' });

// Tests read what was drawn through this hook; the page itself never uses it.
(window as unknown as { kubelabNetwork?: unknown }).kubelabNetwork = { state, step: () => page.step, rules: () => page.rules };
