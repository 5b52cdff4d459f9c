/**
 * The Store panel's page: the lab store's figures (revision, compacted
 * revision, size against quota, watchers) and write-rate chart; the /registry
 * keyspace as a tree with key counts and sizes; the selected key's history with
 * a diff between any two revisions; snapshot, compact and defrag buttons; and a
 * revision slider that shows the keyspace and the key as of a past revision,
 * read-only. A pure view of the host's messages, drawn once per frame.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '../shared/base.css';
import './store.css';
import type { ClusterState, StoreFromPanel, StoreKeyHistoryView, StorePanelState, StoreRevisionView, StoreStatsView, StoreToPanel } from '../shared/protocol';
import { onMessage, panelApi } from '../shared/vscodeApi';
import { button, h } from '../shared/dom';
import { RateChart } from './rateChart';
import { ROOT, type Row, StoreTree, fold, formatBytes, parentOf, valueAt } from './storeState';

const api = panelApi<StoreFromPanel, StorePanelState>();
const saved: StorePanelState = api.state() ?? { expanded: [] };
const expanded = new Set(saved.expanded);
const tree = new StoreTree();
let selected = saved.selected;
let at: number | null = saved.at ?? null;
/** shared is the revision every panel was asked to show (null: live); the store may not manage it (compacted) while the others do. */
let shared: number | null = null;
let stats: StoreStatsView | undefined;
let history: StoreKeyHistoryView | undefined;
/** shown is the revision of the history whose value is open; undefined follows the revision in view. */
let shown: number | undefined;
let diffPair = saved.diff;
/** focusPath is the row that holds the tree's tab stop. */
let focusPath: string | undefined = selected;


// The page's frame.
const app = document.getElementById('app') as HTMLElement;
const toolbar = h('header', 'toolbar');
const title = h('span', 'cluster');
const actions = h('div', 'actions');
const saveButton = button('save', 'Save Snapshot', 'save', true);
const restoreButton = button('restore', 'Restore Snapshot', 'history', true);
const compactButton = button('compact', 'Compact', 'fold', true);
const defragButton = button('defrag', 'Defrag', 'clear-all', true);
actions.append(saveButton, restoreButton, compactButton, defragButton);
toolbar.append(title, actions);

const notice = h('p', 'notice');
notice.setAttribute('role', 'status');
notice.setAttribute('aria-live', 'polite');

const empty = h('div', 'empty');
const emptyText = h('p');
const startButton = button('start', 'Start Lab', 'debug-start', false);
empty.append(emptyText, startButton);

const main = h('main', 'layout');
const figures = h('section', 'figures');
figures.setAttribute('aria-label', 'Store figures');
const facts = h('dl', 'facts');
const quota = h('div', 'quota');
quota.setAttribute('role', 'meter');
quota.setAttribute('aria-label', 'Database size against quota');
const quotaFill = h('div', 'fill');
const quotaUse = h('div', 'use');
quota.append(quotaUse, quotaFill);
const quotaText = h('p', 'quota-text');
const chartBox = h('div', 'chart');
figures.append(facts, quota, quotaText, chartBox);
const chart = new RateChart(chartBox);

const travel = h('section', 'travel');
travel.setAttribute('aria-label', 'Time travel');
const slider = h('input');
slider.type = 'range';
slider.id = 'revision';
slider.setAttribute('aria-label', 'Revision shown');
/** travelTimer is pending while the slider waits to rest before it asks for a revision. */
let travelTimer: ReturnType<typeof setTimeout> | undefined;
const sliderText = h('span', 'revision-text');
const liveButton = button('live', 'Live', 'circle-filled', true);
travel.append(h('span', 'label', 'Revision'), slider, sliderText, liveButton);
const banner = h('p', 'banner');

const keyspace = h('section', 'keyspace');
const treeEl = h('div', 'tree');
treeEl.setAttribute('role', 'tree');
treeEl.setAttribute('aria-label', 'Keyspace under /registry');
keyspace.append(h('h2', undefined, '/registry'), treeEl);

const detail = h('aside', 'detail');
const diffOut = h('pre', 'diff-lines');
diffOut.tabIndex = 0;
diffOut.setAttribute('aria-label', 'Line diff');
/** diffAsked is the diff last asked of the host, so a redraw does not ask again. */
let diffAsked = '';
detail.setAttribute('aria-label', 'Selected key');
main.append(figures, travel, banner, keyspace, detail);
app.append(toolbar, notice, empty, main);

function save(): void {
  api.save({ expanded: [...expanded], ...(selected ? { selected } : {}), ...(at !== null ? { at } : {}), ...(diffPair ? { diff: diffPair } : {}) });
}

// Drawing, once per frame.
let frame = 0;
function redraw(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    drawFigures();
    drawTravel();
    drawTree();
    drawDetail();
  });
}

function drawFigures(): void {
  if (!stats) return;
  const s = stats;
  const rows: [string, string][] = [
    ['Backend', s.backend],
    ['Revision', String(s.revision)],
    ['Compacted', s.compactRevision ? String(s.compactRevision) : 'never'],
    ['Keys', String(s.keys)],
    ['Watchers', String(s.watchers)],
  ];
  if (s.alarms.length) rows.push(['Alarms', s.alarms.join(', ')]);
  facts.replaceChildren(...rows.flatMap(([k, v]) => {
    const dd = h('dd', k === 'Alarms' ? 'alarm' : undefined, v);
    dd.dataset.fact = k.toLowerCase();
    return [h('dt', undefined, k), dd];
  }));
  const share = s.quotaBytes ? Math.min(1, s.dbSize / s.quotaBytes) : 0;
  const use = s.quotaBytes ? Math.min(1, s.dbSizeInUse / s.quotaBytes) : 0;
  quotaFill.style.width = `${(share * 100).toFixed(2)}%`;
  quotaUse.style.width = `${(use * 100).toFixed(2)}%`;
  quota.classList.toggle('high', share >= 0.8);
  const text = s.quotaBytes
    ? `DB ${formatBytes(s.dbSize)} (${formatBytes(s.dbSizeInUse)} in use) of ${formatBytes(s.quotaBytes)} quota · ${(share * 100).toFixed(share < 0.01 ? 2 : 0)}%`
    : 'The store does not report its size.';
  quotaText.textContent = text;
  quota.setAttribute('aria-valuenow', String(Math.round(share * 100)));
  quota.setAttribute('aria-valuetext', text);
  compactButton.toggleAttribute('disabled', at !== null);
}

function drawTravel(): void {
  if (!stats) return;
  slider.min = String(Math.max(1, stats.compactRevision));
  slider.max = String(stats.revision);
  // A revision picked in the last 200 ms is not yet asked for: a redraw (the live store moves on) must not take it back.
  if (!travelTimer && (document.activeElement !== slider || at === null)) slider.value = String(at ?? stats.revision);
  sliderText.textContent = at === null ? `${stats.revision} (live)` : `${at} of ${stats.revision}`;
  slider.setAttribute('aria-valuetext', sliderText.textContent);
  liveButton.toggleAttribute('disabled', at === null && shared === null);
  banner.hidden = at === null && shared === null;
  banner.textContent = at !== null ? `Viewing revision ${at} — read-only. History is kept from revision ${stats.compactRevision || 1}.`
    : shared !== null ? `The panels were asked for revision ${shared}, which the store no longer keeps: it shows live. Live takes every panel back.` : '';
  main.classList.toggle('past', at !== null);
}

function drawTree(): void {
  const rows = tree.rows(expanded);
  if (!rows.some((r) => r.node.path === focusPath)) focusPath = rows[0]?.node.path;
  const els = rows.map(rowElement);
  for (const [prefix, n] of tree.omitted) {
    if (!n || (prefix !== ROOT && !expanded.has(prefix))) continue;
    const more = h('div', 'more', `… and ${n} more keys`);
    const depth = prefix === ROOT ? 0 : prefix.split('/').length - 3;
    more.style.paddingLeft = `${depth * 14 + 22}px`;
    // After the folder's last row shown.
    const last = [...els].reverse().find((el) => (el.dataset.path ?? '').startsWith(prefix));
    els.splice(last ? els.indexOf(last) + 1 : els.length, 0, more);
  }
  treeEl.replaceChildren(...els);
  tree.changed.clear();
}

function rowElement(r: Row): HTMLElement {
  const n = r.node;
  const el = h('div', `row${n.leaf ? ' leaf' : ' folder'}${n.path === selected ? ' selected' : ''}${tree.changed.has(n.path) ? ' flash' : ''}`);
  el.dataset.path = n.path;
  el.setAttribute('role', 'treeitem');
  el.setAttribute('aria-level', String(r.depth + 1));
  el.tabIndex = n.path === focusPath ? 0 : -1;
  el.style.paddingLeft = `${r.depth * 14 + 4}px`;
  const open = expanded.has(n.path);
  if (!n.leaf) el.setAttribute('aria-expanded', String(open));
  else el.setAttribute('aria-selected', String(n.path === selected));
  const twistie = h('span', `codicon ${n.leaf ? 'codicon-blank' : open ? 'codicon-chevron-down' : 'codicon-chevron-right'}`);
  const icon = h('span', `codicon ${n.leaf ? 'codicon-key' : open ? 'codicon-folder-opened' : 'codicon-folder'}`);
  const name = h('span', 'name', r.name);
  const meta = h('span', 'meta', n.leaf ? `${formatBytes(n.bytes)} · v${n.version} · rev ${n.modRevision}` : `${n.count} ${n.count === 1 ? 'key' : 'keys'} · ${formatBytes(n.bytes)}`);
  el.append(twistie, icon, name, meta);
  el.setAttribute('aria-label', `${r.name}, ${meta.textContent}`);
  return el;
}

function revisionLabel(r: StoreRevisionView): string {
  if (r.type === 'delete') return `${r.revision} · deleted`;
  return `${r.revision} · v${r.version}${r.version === 1 ? ' (created)' : ''} · ${formatBytes(r.value.bytes)}`;
}

function valueElement(r: StoreRevisionView): HTMLElement {
  const box = h('div', 'value');
  const v = r.value;
  if (v.format === 'deleted') {
    box.append(h('p', 'muted', `Deleted at revision ${r.revision}.`));
    return box;
  }
  if (v.format === 'encrypted') {
    const badge = h('p', 'encrypted');
    badge.append(h('span', 'codicon codicon-lock'), document.createTextNode(` Encrypted at rest by ${v.encryption?.provider ?? 'a provider'}${v.encryption?.key ? `, key ${v.encryption.key}` : ''} · ${formatBytes(v.bytes)}. The panel shows the stored bytes and does not decrypt them.`));
    box.append(badge);
  }
  const pre = h('pre', 'code', v.text || '(empty)');
  pre.tabIndex = 0;
  pre.setAttribute('aria-label', `Value at revision ${r.revision}`);
  box.append(pre);
  return box;
}

function drawDetail(): void {
  detail.classList.toggle('open', !!selected);
  if (!selected) {
    detail.replaceChildren(h('p', 'hint', 'Select a key to see its history across revisions and diff any two.'));
    return;
  }
  const head = h('header');
  head.append(h('h2', undefined, selected));
  if (!history || history.key !== selected) {
    detail.replaceChildren(head, h('p', 'muted', 'Reading its history…'));
    return;
  }
  const hist = history;
  const parts: HTMLElement[] = [head];
  parts.push(h('p', 'muted', `${hist.revisions.length} ${hist.revisions.length === 1 ? 'change' : 'changes'}; the history is complete after revision ${hist.from}${hist.from ? ' (older ones were compacted)' : ''}.`));
  if (hist.note) parts.push(h('p', 'muted', hist.note));

  // The key as of the revision in view.
  const asOf = at ?? stats?.revision ?? 0;
  const v = valueAt(hist, asOf);
  const current = h('p', 'as-of');
  current.textContent = v.state === 'value' ? `As of revision ${asOf}: written at revision ${v.change.revision} (version ${v.change.version}).`
    : v.state === 'deleted' ? `As of revision ${asOf}: deleted (at revision ${v.change.revision}).`
      : v.state === 'absent' ? `As of revision ${asOf}: the key does not exist.`
        : `As of revision ${asOf}: before the history the store keeps.`;
  parts.push(current);

  const list = h('ol', 'revisions');
  list.setAttribute('aria-label', 'Revisions, oldest first');
  const inEffect = 'change' in v ? v.change.revision : undefined;
  const open = shown ?? inEffect;
  for (const r of hist.revisions) {
    const li = h('li', `${r.type}${r.revision === inEffect ? ' in-effect' : ''}${r.revision === open ? ' open' : ''}${at !== null && r.revision > at ? ' future' : ''}`);
    const b = h('button', 'revision', revisionLabel(r));
    b.dataset.revision = String(r.revision);
    b.setAttribute('aria-pressed', String(r.revision === open));
    li.append(b);
    list.append(li);
  }
  parts.push(list);
  const openRev = hist.revisions.find((r) => r.revision === open);
  if (openRev) parts.push(valueElement(openRev));

  // A diff between any two revisions; by default the one in view and the one before.
  if (hist.revisions.length > 1) {
    const revs = hist.revisions.map((r) => r.revision);
    const pair = diffPair && revs.includes(diffPair.from) && revs.includes(diffPair.to) ? diffPair : undefined;
    const section = h('section', 'diff');
    section.append(h('h3', undefined, 'Diff'));
    const controls = h('div', 'diff-controls');
    const pick = (id: string, label: string, value: number | undefined) => {
      const sel = document.createElement('vscode-single-select') as HTMLElement & { value: string };
      sel.id = id;
      sel.setAttribute('aria-label', label);
      for (const r of hist.revisions) {
        const o = document.createElement('vscode-option');
        o.setAttribute('value', String(r.revision));
        o.textContent = revisionLabel(r);
        if (r.revision === value) o.setAttribute('selected', '');
        sel.append(o);
      }
      return sel;
    };
    const to = pair?.to ?? openRev?.revision ?? revs[revs.length - 1];
    const from = pair?.from ?? revs[Math.max(0, revs.indexOf(to) - 1)];
    const fromSel = pick('diff-from', 'Older revision', from);
    const toSel = pick('diff-to', 'Newer revision', to);
    for (const sel of [fromSel, toSel]) {
      sel.addEventListener('change', () => {
        diffPair = { from: Number(fromSel.value), to: Number(toSel.value) };
        save();
        redraw();
      });
    }
    controls.append(fromSel, h('span', 'codicon codicon-arrow-right'), toSel);
    // The diff shown follows the two revisions picked: asked for again only when they change.
    const want = `${hist.key}\u0000${from}\u0000${to}\u0000${hist.revisions.length}`;
    if (want !== diffAsked) {
      diffAsked = want;
      api.post({ type: 'diff', key: hist.key, from, to });
    }
    section.append(controls, diffOut);
    parts.push(section);
  }
  detail.replaceChildren(...parts);
}

function drawDiff(m: Extract<StoreToPanel, { type: 'diff' }>): void {
  const changed = m.lines.filter((l) => l.op !== ' ').length;
  diffOut.setAttribute('aria-label', `Diff of revision ${m.from} to ${m.to}: ${changed} changed lines`);
  if (!changed) {
    diffOut.replaceChildren(h('div', 'skip', 'No differences.'));
    return;
  }
  diffOut.replaceChildren(...fold(m.lines).map((l) => {
    if ('skipped' in l) return h('div', 'skip', `⋯ ${l.skipped} unchanged ${l.skipped === 1 ? 'line' : 'lines'}`);
    return h('div', l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same', `${l.op} ${l.text}`);
  }));
}

let clusterState: ClusterState = 'stopped';
function drawState(name: string, isLab: boolean): void {
  const running = isLab && clusterState === 'running';
  title.textContent = name ? `${name} · ${isLab ? clusterState : 'not the lab'}` : clusterState;
  empty.hidden = running;
  main.hidden = !running;
  actions.hidden = !running;
  startButton.hidden = !isLab || clusterState !== 'stopped';
  emptyText.textContent = !isLab
    ? `The Store panel shows the lab's own store. The active cluster, ${name}, is a kubeconfig context whose etcd the editor cannot reach: switch back to the lab with KubeLab: Switch Cluster.`
    : clusterState === 'stopped' ? 'The lab is not running.' : `The lab is ${clusterState}…`;
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
function showNotice(text: string, error: boolean): void {
  notice.textContent = text;
  notice.classList.toggle('error', error);
  if (noticeTimer) clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    notice.textContent = '';
  }, 10_000);
}

onMessage<StoreToPanel>((m) => {
  switch (m.type) {
    case 'snapshot':
      clusterState = 'running';
      drawState(m.cluster, true);
      stats = m.stats;
      at = m.at;
      tree.clear();
      chart.set(m.rate);
      save();
      redraw();
      return;
    case 'state':
      clusterState = m.state;
      drawState(m.cluster, m.isLab);
      stats = undefined;
      tree.clear();
      redraw();
      return;
    case 'stats':
      stats = m.stats;
      chart.add(m.rate);
      redraw();
      return;
    case 'children':
      if (m.prefix === ROOT && m.at !== at) {
        at = m.at;
        shown = undefined;
        save();
      }
      tree.apply(m);
      redraw();
      return;
    case 'history':
      history = m.history;
      redraw();
      return;
    case 'diff':
      if (m.key === selected) drawDiff(m);
      return;
    case 'notice':
      showNotice(m.message, m.error);
      return;
    case 'travel':
      shared = m.travel.revision;
      redraw();
      return;
  }
});

// The tree: click or Enter selects a key or opens a folder; arrows move, Right and Left open and close.
function toggle(path: string, open: boolean): void {
  if (open === expanded.has(path)) return;
  if (open) {
    expanded.add(path);
    api.post({ type: 'expand', prefix: path });
  } else {
    for (const p of [...expanded]) if (p.startsWith(path)) expanded.delete(p);
    api.post({ type: 'collapse', prefix: path });
  }
  save();
  redraw();
}

function selectKey(path: string): void {
  selected = path;
  focusPath = path;
  shown = undefined;
  diffPair = undefined;
  diffAsked = '';
  diffOut.replaceChildren();
  save();
  api.post({ type: 'select', key: path });
  redraw();
}

function activate(el: HTMLElement): void {
  const path = el.dataset.path;
  if (!path) return;
  focusPath = path;
  if (el.classList.contains('leaf')) selectKey(path);
  else toggle(path, !expanded.has(path));
}

treeEl.addEventListener('click', (e) => {
  const el = (e.target as HTMLElement).closest<HTMLElement>('.row');
  if (el) activate(el);
});
treeEl.addEventListener('keydown', (e) => {
  const el = (e.target as HTMLElement).closest<HTMLElement>('.row');
  if (!el) return;
  const rows = [...treeEl.querySelectorAll<HTMLElement>('.row')];
  const i = rows.indexOf(el);
  const path = el.dataset.path ?? '';
  const move = (j: number) => {
    const next = rows[Math.max(0, Math.min(rows.length - 1, j))];
    if (!next) return;
    el.tabIndex = -1;
    next.tabIndex = 0;
    focusPath = next.dataset.path;
    next.focus();
  };
  switch (e.key) {
    case 'ArrowDown': move(i + 1); break;
    case 'ArrowUp': move(i - 1); break;
    case 'Home': move(0); break;
    case 'End': move(rows.length - 1); break;
    case 'ArrowRight':
      if (el.classList.contains('folder')) toggle(path, true);
      break;
    case 'ArrowLeft':
      if (el.classList.contains('folder') && expanded.has(path)) toggle(path, false);
      else move(rows.findIndex((r) => r.dataset.path === parentOf(path)));
      break;
    case 'Enter':
    case ' ':
      activate(el);
      break;
    default:
      return;
  }
  e.preventDefault();
});

detail.addEventListener('click', (e) => {
  const b = (e.target as HTMLElement).closest<HTMLElement>('button.revision');
  if (!b) return;
  shown = Number(b.dataset.revision);
  redraw();
});

// Time travel: the slider asks for a revision once it rests; the far right is live.
slider.addEventListener('input', () => {
  sliderText.textContent = `${slider.value} of ${stats?.revision ?? ''}`;
  if (travelTimer) clearTimeout(travelTimer);
  travelTimer = setTimeout(() => {
    travelTimer = undefined;
    const n = Number(slider.value);
    api.post({ type: 'travel', revision: stats && n >= stats.revision ? null : n });
  }, 200);
});
liveButton.addEventListener('click', () => api.post({ type: 'travel', revision: null }));

saveButton.addEventListener('click', () => api.post({ type: 'saveSnapshot' }));
restoreButton.addEventListener('click', () => api.post({ type: 'restoreSnapshot' }));
compactButton.addEventListener('click', () => api.post({ type: 'compact' }));
defragButton.addEventListener('click', () => api.post({ type: 'defrag' }));
startButton.addEventListener('click', () => api.post({ type: 'startLab' }));

drawState('', true);
redraw();
api.post({ type: 'ready', view: { expanded: [...expanded], ...(selected ? { selected } : {}), ...(at !== null ? { at } : {}), ...(diffPair ? { diff: diffPair } : {}) } });
