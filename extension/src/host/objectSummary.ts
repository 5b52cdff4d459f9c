/**
 * objectSummary turns an object into what a tree row shows: a one-line
 * description, an icon and a Markdown tooltip. The words are kubectl's: the
 * cells come from the same printers that answer `kubectl get` (STATUS, READY,
 * RESTARTS, PORT(S)...), so the tree and the terminal agree. No `vscode` here,
 * so it is tested in plain Node.
 */
import { keyOf } from '../lab/api/meta';
import type { KubeObject, Node, Pod } from '../lab/api/types';
import { builtinPrinter } from '../lab/apiserver/printers/registry';
import { podStatusCells } from '../lab/apiserver/printers/pod';
import type { Cell, TablePrinter } from '../lab/apiserver/printers/table';
import type { Cells, KindSpec } from './resourceKinds';

/** Icon is a codicon with an optional theme colour id. */
export interface Icon {
  id: string;
  color?: string;
}

const PASSED = 'testing.iconPassed';
const FAILED = 'testing.iconFailed';
const WARNING = 'list.warningForeground';

const columnIndex = new WeakMap<TablePrinter, { names: string[]; index: Map<string, number> }>();
const NO_CELLS = { cells: (): string => '', columns: [] as readonly string[] };

/** printedCells prints obj as `kubectl get -o wide` would and reads its cells by column name. */
export function printedCells(group: string, resource: string, obj: KubeObject, now: number): { cells: Cells; columns: readonly string[] } {
  const printer = builtinPrinter(group, resource);
  if (!printer) return NO_CELLS;
  let layout = columnIndex.get(printer);
  if (!layout) {
    const names = printer.columns.map((c) => c.name);
    columnIndex.set(printer, (layout = { names, index: new Map(names.map((n, i) => [n, i])) }));
  }
  const row = printer.print(obj, now);
  const values: Cell[] = 'cells' in row ? row.cells : [];
  const index = layout.index;
  return { cells: (column) => { const i = index.get(column); return i === undefined ? '' : String(values[i] ?? ''); }, columns: layout.names };
}

/** PodRow is a pod's kubectl columns as the tree shows them. */
export interface PodRow {
  status: string;
  ready: string;
  restarts: number;
  node: string;
  description: string;
  icon: Icon;
}

// Objects are replaced, never mutated, on every watch event: a row computed for one stays right until it is replaced.
const podRows = new WeakMap<Pod, PodRow>();
const descriptions = new WeakMap<KubeObject, string>();

/** podRow is `Running · 1/1 · 2 restarts · node-1`: STATUS, READY, RESTARTS (when any) and NODE, with an icon for the status. */
export function podRow(pod: Pod): PodRow {
  let row = podRows.get(pod);
  if (row) return row;
  // printPod's READY, STATUS and RESTARTS cells alone: the rest of its row is not shown. The restart
  // count's "(5m ago)" is the only part that ages, and the description leaves it out.
  const { ready, reason: status, restarts: restartsText } = podStatusCells(pod, 0);
  const restarts = parseInt(restartsText, 10) || 0;
  const node = pod.spec.nodeName || '<none>';
  const parts = [status, ready];
  if (restarts > 0) parts.push(`${restarts} ${restarts === 1 ? 'restart' : 'restarts'}`);
  parts.push(node);
  row = { status, ready, restarts, node, description: parts.join(' · '), icon: podIcon(status, ready) };
  podRows.set(pod, row);
  return row;
}

// Rows share these, so the editor side can map each to one ThemeIcon.
const ICONS = {
  ready: { id: 'pass-filled', color: PASSED },
  notReady: { id: 'circle-large-filled', color: WARNING },
  done: { id: 'pass', color: PASSED },
  terminating: { id: 'trash' },
  waiting: { id: 'clock' },
  starting: { id: 'loading~spin' },
  unknown: { id: 'question', color: WARNING },
  failed: { id: 'error', color: FAILED },
  nodeReady: { id: 'server', color: PASSED },
  nodeCordoned: { id: 'server', color: WARNING },
  nodeNotReady: { id: 'server', color: FAILED },
} as const satisfies Record<string, Icon>;

/** podIcon marks a pod's STATUS: running and ready, running but not ready, done, starting, going, or in trouble. */
export function podIcon(status: string, ready: string): Icon {
  switch (status) {
    case 'Running': {
      const slash = ready.indexOf('/');
      return ready.slice(0, slash) === ready.slice(slash + 1) ? ICONS.ready : ICONS.notReady;
    }
    case 'Completed':
    case 'Succeeded': return ICONS.done;
    case 'Terminating': return ICONS.terminating;
    case 'Pending':
    case 'SchedulingGated': return ICONS.waiting;
    case 'ContainerCreating':
    case 'PodInitializing': return ICONS.starting;
    case 'Unknown': return ICONS.unknown;
  }
  if (/^Init:\d+\/\d+$/.test(status)) return ICONS.starting;
  return ICONS.failed;
}

/** nodeStatus is kubectl's node STATUS: Ready, NotReady or Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: Node): string {
  let status = descriptions.get(node);
  if (status === undefined) descriptions.set(node, (status = printedCells('', 'nodes', node, 0).cells('Status')));
  return status;
}

/** nodeIcon colours a node by its STATUS: green when Ready, yellow when cordoned, red otherwise. */
export function nodeIcon(status: string): Icon {
  if (!status.startsWith('Ready')) return ICONS.nodeNotReady;
  return status.includes('SchedulingDisabled') ? ICONS.nodeCordoned : ICONS.nodeReady;
}

/** describeObject is the description a kind's object gets from its kubectl columns ('' for kinds without one). */
export function describeObject(spec: KindSpec, obj: KubeObject): string {
  if (spec.kind === 'Pod') return podRow(obj as Pod).description;
  if (!spec.describe) return '';
  let d = descriptions.get(obj);
  if (d === undefined) {
    // Descriptions read no age columns, so any clock would print them the same.
    d = spec.describe(printedCells(spec.group, spec.resource, obj, 0).cells, obj);
    descriptions.set(obj, d);
  }
  return d;
}

/** escapeMarkdown makes text from the cluster (messages, labels) show literally in a Markdown tooltip. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

/** objectTooltip is a Markdown card: kind and name, then every `kubectl get -o wide` column, then the kind's particulars. */
export function objectTooltip(spec: KindSpec, obj: KubeObject, now: number): string {
  const lines = [`**${spec.kind}** \`${keyOf(obj)}\``, ''];
  const { cells, columns } = printedCells(spec.group, spec.resource, obj, now);
  for (const c of columns) if (c !== 'Name') lines.push(`${c}: ${escapeMarkdown(cells(c) || '<none>')}  `);
  if (!columns.length && obj.metadata.creationTimestamp) lines.push(`Created: ${obj.metadata.creationTimestamp}  `);
  const owner = obj.metadata.ownerReferences?.find((r) => r.controller);
  if (owner) lines.push(`Controlled by: ${owner.kind}/${escapeMarkdown(owner.name)}  `);
  if (spec.kind === 'Pod') lines.push(...podParticulars(obj as Pod));
  if (spec.kind === 'Node') lines.push(...nodeParticulars(obj as Node));
  const labels = Object.entries(obj.metadata.labels ?? {});
  if (labels.length) lines.push('', `Labels: ${labels.map(([k, v]) => `\`${k}=${v}\``).join(' ')}`);
  return lines.join('\n');
}

function podParticulars(pod: Pod): string[] {
  const out: string[] = ['', '**Containers**', ''];
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  for (const c of pod.spec.containers) {
    const s = statuses.get(c.name);
    const state = !s ? 'waiting' : s.state.running ? 'running' : s.state.terminated ? `terminated (${s.state.terminated.reason ?? `exit code ${s.state.terminated.exitCode}`})` : `waiting (${s.state.waiting?.reason ?? ''})`;
    const extra = s ? `${s.ready ? ', ready' : ''}${s.restartCount ? `, ${s.restartCount} ${s.restartCount === 1 ? 'restart' : 'restarts'}` : ''}` : '';
    out.push(`- \`${c.name}\` ${escapeMarkdown(c.image ?? '')} — ${escapeMarkdown(state)}${extra}`);
  }
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.message) out.push('', `${scheduled.reason ?? 'Unschedulable'}: ${escapeMarkdown(scheduled.message)}`);
  if (pod.status?.message) out.push('', escapeMarkdown(pod.status.message));
  return out;
}

function nodeParticulars(node: Node): string[] {
  const a = node.status?.allocatable ?? {};
  const out = [`Allocatable: ${a.cpu ?? '?'} CPU, ${a.memory ?? '?'} memory, ${a.pods ?? '?'} pods  `];
  if (node.spec.podCIDR) out.push(`Pod CIDR: ${node.spec.podCIDR}  `);
  for (const t of node.spec.taints ?? []) out.push(`Taint: \`${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}\`  `);
  return out;
}
