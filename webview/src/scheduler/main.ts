/**
 * The Scheduler panel's page: the pending pods by queue (active, backoff,
 * unschedulable with their reasons, gated) and the recently scheduled ones;
 * for the selected pod, one sentence on why it waits (or why it went where
 * it did), its attempts, and the chosen attempt's filter and score tables
 * with preemption; and the scheduler profile's plugins and weights, editable.
 * A pure view of the host's messages: a snapshot, then deltas, drawn once per
 * animation frame.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '../shared/base.css';
import './scheduler.css';
import type { ClusterState, QueuedPodView, RecentBindingView, SchedulerConfigView, SchedulerFromPanel, SchedulerPanelState, SchedulerPodDetail, SchedulerToPanel } from '../shared/protocol';
import { onMessage, panelApi } from '../shared/vscodeApi';
import { emptyState, h } from '../shared/dom';
import { TravelBanner } from '../shared/travelBanner';
import { renderDecision } from './decision';
import { renderProfile } from './profile';
import { QUEUES, QueueState } from './schedulerState';

/** MAX_SHOWN is how many pods a queue lists; the heading still counts them all. */
const MAX_SHOWN = 200;

const api = panelApi<SchedulerFromPanel, SchedulerPanelState>();
const saved: SchedulerPanelState = api.state() ?? {};
const queue = new QueueState();
let recent: RecentBindingView[] = [];
let config: SchedulerConfigView | undefined;
let detail: SchedulerPodDetail | undefined;
let clusterState: ClusterState = 'stopped';
let clusterName = '';


// The page's frame.
const app = document.getElementById('app') as HTMLElement;
const toolbar = h('header', 'toolbar');
const title = h('span', 'cluster');
const summary = h('span', 'summary');
summary.setAttribute('role', 'status');
summary.setAttribute('aria-live', 'polite');
toolbar.append(title, summary);
const notice = h('p', 'notice');
notice.setAttribute('role', 'status');
notice.setAttribute('aria-live', 'polite');

const { empty, emptyText, startButton } = emptyState(() => api.post({ type: 'startLab' }));

const layout = h('main', 'layout');
const queueSection = h('nav', 'queue');
queueSection.setAttribute('aria-label', 'Scheduling queue');
const detailSection = h('section', 'detail');
detailSection.setAttribute('aria-label', 'Selected pod');
const profileSection = h('section', 'profile');
profileSection.setAttribute('aria-label', 'Scheduler profile');
layout.append(queueSection, detailSection, profileSection);
// Time travel: a past revision is shown read-only, so the profile's editing is off.
const travelBanner = new TravelBanner(() => api.post({ type: 'backToLive' }));
app.append(toolbar, travelBanner.element, notice, empty, layout);

function isSelected(namespace: string, name: string): boolean {
  return saved.selected?.namespace === namespace && saved.selected.name === name;
}

function row(namespace: string, name: string, line: string, meta: string, decision?: string): HTMLLIElement {
  const li = h('li', 'pod');
  li.tabIndex = 0;
  li.setAttribute('role', 'option');
  li.setAttribute('aria-selected', String(isSelected(namespace, name)));
  li.dataset.namespace = namespace;
  li.dataset.name = name;
  if (decision) li.dataset.decision = decision;
  li.append(h('span', 'name', `${namespace}/${name}`));
  if (meta) li.append(h('span', 'meta', meta));
  if (line) li.append(h('span', 'reason', line));
  li.title = [`${namespace}/${name}`, meta, line].filter(Boolean).join('\n');
  return li;
}

function queuedRow(p: QueuedPodView): HTMLLIElement {
  const meta = [
    p.priority ? `priority ${p.priority}` : '',
    p.attempts ? `${p.attempts} ${p.attempts === 1 ? 'attempt' : 'attempts'}` : '',
    p.nominatedNode ? `nominated ${p.nominatedNode}` : '',
    p.queue === 'other' ? p.schedulerName : '',
  ].filter(Boolean).join(' · ');
  return row(p.namespace, p.name, p.reason, meta);
}

function group(name: string, heading: string, icon: string, count: number, items: HTMLLIElement[]): HTMLElement {
  const section = h('section', `queue-group ${name}`);
  section.dataset.queue = name;
  const hd = h('h2');
  hd.id = `queue-${name}`;
  hd.append(h('span', `codicon codicon-${icon}`), document.createTextNode(` ${heading} `), h('span', 'count', String(count)));
  const list = h('ul');
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-labelledby', hd.id);
  if (!items.length) list.append(h('li', 'none', 'none'));
  list.append(...items);
  section.append(hd, list);
  if (count > items.length) section.append(h('p', 'muted', `${count - items.length} more not listed`));
  return section;
}

function drawQueue(): void {
  const focusKey = (document.activeElement as HTMLElement | null)?.closest?.('li.pod') ? `${(document.activeElement as HTMLElement).dataset.namespace}/${(document.activeElement as HTMLElement).dataset.name}` : undefined;
  const byQueue = queue.byQueue();
  const groups = QUEUES.filter((q) => q.name !== 'other' || (byQueue.get('other')?.length ?? 0) > 0).map((q) => {
    const pods = byQueue.get(q.name) ?? [];
    return group(q.name, q.title, q.icon, pods.length, pods.slice(0, MAX_SHOWN).map(queuedRow));
  });
  const bound = recent.map((r) => row(r.namespace, r.name, '', `→ ${r.node}`, r.decision));
  groups.push(group('recent', 'Recently scheduled', 'pass', recent.length, bound));
  queueSection.replaceChildren(...groups);
  summary.textContent = QUEUES.map((q) => `${byQueue.get(q.name)?.length ?? 0} ${q.title.toLowerCase()}`).slice(0, 4).join(' · ');
  if (focusKey) queueSection.querySelector<HTMLElement>(`li.pod[data-namespace="${CSS.escape(focusKey.split('/')[0])}"][data-name="${CSS.escape(focusKey.split('/').slice(1).join('/'))}"]`)?.focus();
}

function drawDetail(): void {
  if (!detail) {
    detailSection.replaceChildren(h('p', 'muted', saved.selected ? `${saved.selected.namespace}/${saved.selected.name} is gone.` : 'Select a pod to see why it waits, or why it went where it did.'));
    return;
  }
  const d = detail;
  const head = h('header');
  head.append(h('h2', undefined, `${d.namespace}/${d.name}`));
  const why = h('p', 'why', d.why);
  why.setAttribute('aria-live', 'polite');
  const facts = h('dl', 'facts');
  const rows: [string, string][] = [
    ['Queue', d.queue ?? (d.node ? 'bound' : '')],
    ['Node', d.node || '<none>'],
    ['Requests', d.requests],
  ];
  if (d.condition) rows.push(['PodScheduled', `${d.condition.status}${d.condition.reason ? ` (${d.condition.reason})` : ''}`]);
  for (const [k, v] of rows) facts.append(h('dt', undefined, k), h('dd', undefined, v));
  const history = h('section', 'history');
  history.append(h('h3', undefined, `Attempts (${d.attempts.length})`));
  const list = h('ol');
  list.setAttribute('aria-label', 'Attempts, newest first');
  for (const a of d.attempts) {
    const li = h('li');
    const b = h('button', `attempt ${a.result.toLowerCase()}${a.decision === d.decision?.name ? ' shown' : ''}`);
    b.type = 'button';
    b.dataset.decision = a.decision;
    b.setAttribute('aria-pressed', String(a.decision === d.decision?.name));
    b.textContent = `#${a.attempt} ${a.result}${a.node ? ` → ${a.node}` : ''} · ${a.time.replace('T', ' ').replace('Z', '')}`;
    if (a.message) b.title = a.message;
    li.append(b);
    list.append(li);
  }
  history.append(list);
  const tables = h('div', 'tables');
  renderDecision(tables, d.decision);
  detailSection.replaceChildren(head, why, facts, history, tables);
}

function drawProfile(): void {
  if (!config) {
    profileSection.replaceChildren();
    return;
  }
  renderProfile(profileSection, config, saved.profile, {
    selectProfile: (name) => {
      saved.profile = name;
      api.save(saved);
      dirty.profile = true;
      frame();
    },
    setWeight: (profile, plugin, weight) => api.post({ type: 'setWeight', profile, plugin, weight }),
    setEnabled: (profile, plugin, enabled) => api.post({ type: 'setEnabled', profile, plugin, enabled }),
    reset: () => api.post({ type: 'resetConfig' }),
    edit: () => api.post({ type: 'editConfig' }),
  });
  const past = travelBanner.travelling;
  for (const el of profileSection.querySelectorAll('vscode-button, vscode-checkbox, vscode-textfield')) el.toggleAttribute('disabled', past);
}

function drawState(): void {
  const running = clusterState === 'running';
  title.textContent = clusterName ? `${clusterName} · ${clusterState}` : clusterState;
  empty.hidden = running;
  layout.hidden = !running;
  summary.hidden = !running;
  emptyText.textContent = clusterState === 'stopped' ? 'The cluster is not running.' : `The cluster is ${clusterState}…`;
  startButton.hidden = clusterState !== 'stopped';
}

// Messages update the state as they come; the page is drawn once per frame.
const dirty = { queue: false, detail: false, profile: false };
let framePending = false;
function frame(): void {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => {
    framePending = false;
    if (dirty.queue) drawQueue();
    if (dirty.detail) drawDetail();
    if (dirty.profile) drawProfile();
    dirty.queue = dirty.detail = dirty.profile = false;
  });
}

onMessage<SchedulerToPanel>((m) => {
  switch (m.type) {
    case 'snapshot':
      clusterState = m.state;
      clusterName = m.cluster;
      queue.snapshot(m.queue);
      recent = m.recent;
      config = m.config;
      drawState();
      dirty.queue = dirty.profile = true;
      break;
    case 'delta':
      queue.apply(m.queue);
      if (m.recent) recent = m.recent;
      dirty.queue = true;
      break;
    case 'config':
      config = m.config;
      dirty.profile = true;
      break;
    case 'state':
      clusterState = m.state;
      clusterName = m.cluster;
      queue.snapshot([]);
      recent = [];
      detail = undefined;
      travelBanner.update({ revision: null });
      drawState();
      dirty.queue = dirty.detail = true;
      break;
    case 'detail':
      detail = m.detail;
      dirty.detail = true;
      break;
    case 'notice':
      notice.textContent = m.message;
      notice.classList.toggle('error', m.error);
      return;
    case 'travel':
      travelBanner.update(m.travel);
      dirty.profile = true;
      break;
  }
  frame();
});

function select(namespace: string, name: string, decision?: string): void {
  saved.selected = { namespace, name };
  if (decision) saved.decision = decision;
  else delete saved.decision;
  api.save(saved);
  for (const li of queueSection.querySelectorAll<HTMLElement>('li.pod')) li.setAttribute('aria-selected', String(isSelected(li.dataset.namespace ?? '', li.dataset.name ?? '')));
  api.post({ type: 'select', pod: saved.selected, ...(decision ? { decision } : {}) });
}

queueSection.addEventListener('click', (e) => {
  const li = (e.target as HTMLElement).closest<HTMLElement>('li.pod');
  if (li) select(li.dataset.namespace ?? '', li.dataset.name ?? '', li.dataset.decision);
});
queueSection.addEventListener('keydown', (e) => {
  const li = (e.target as HTMLElement).closest<HTMLElement>('li.pod');
  if (!li) return;
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    select(li.dataset.namespace ?? '', li.dataset.name ?? '', li.dataset.decision);
    return;
  }
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  e.preventDefault();
  const rows = [...queueSection.querySelectorAll<HTMLElement>('li.pod')];
  rows[rows.indexOf(li) + (e.key === 'ArrowDown' ? 1 : -1)]?.focus();
});
detailSection.addEventListener('click', (e) => {
  const b = (e.target as HTMLElement).closest<HTMLElement>('button.attempt');
  if (b && saved.selected) select(saved.selected.namespace, saved.selected.name, b.dataset.decision);
});

drawState();
if (saved.selected) api.post({ type: 'select', pod: saved.selected, ...(saved.decision ? { decision: saved.decision } : {}) });
api.post({ type: 'ready' });
