/**
 * PodsState is the Pods panel's data, apart from the DOM: the nodes and pods the
 * host sent, each node's requested CPU, memory and pod count kept up to date
 * as deltas arrive, and the namespace and label filters. It says which pods and
 * nodes a message touched so the view redraws only those. Tested in Node.
 */
import type { Delta, NodeView, PodView } from '../shared/protocol';

/** UNSCHEDULED is the pseudo-node pending pods without a node sit on. */
export const UNSCHEDULED = '';

export interface NodeTotals {
  cpu: number;
  memory: number;
  pods: number;
}

/** Changes names what a message touched: pods by uid (removed ones too) and nodes by name. */
export interface Changes {
  pods: Set<string>;
  removedPods: Map<string, PodView>;
  nodes: Set<string>;
  removedNodes: Set<string>;
  /** full says everything changed (a snapshot). */
  full: boolean;
}

/** LabelRequirement is one term of a label filter: `app=web`, `tier!=db`, `canary`, `!canary`. */
export interface LabelRequirement {
  key: string;
  op: '=' | '!=' | 'exists' | '!exists';
  value: string;
}

/** parseLabelFilter reads kubectl's equality-based selector syntax; undefined when it cannot. */
export function parseLabelFilter(text: string): LabelRequirement[] | undefined {
  const out: LabelRequirement[] = [];
  for (const raw of text.split(',')) {
    const term = raw.trim();
    if (!term) continue;
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/.exec(term);
    if (m) {
      out.push({ key: m[1], op: m[2] === '!=' ? '!=' : '=', value: m[3] });
      continue;
    }
    if (/^![^=!\s]+$/.test(term)) out.push({ key: term.slice(1), op: '!exists', value: '' });
    else if (/^[^=!\s]+$/.test(term)) out.push({ key: term, op: 'exists', value: '' });
    else return undefined;
  }
  return out;
}

export function matchesLabels(labels: Record<string, string>, reqs: readonly LabelRequirement[]): boolean {
  for (const r of reqs) {
    const v = labels[r.key];
    switch (r.op) {
      case '=': if (v !== r.value) return false; break;
      case '!=': if (v === r.value) return false; break;
      case 'exists': if (v === undefined) return false; break;
      case '!exists': if (v !== undefined) return false; break;
    }
  }
  return true;
}

export class PodsState {
  readonly nodes = new Map<string, NodeView>();
  readonly pods = new Map<string, PodView>();
  /** podsOn indexes pods by node name ('' for unscheduled). */
  readonly podsOn = new Map<string, Set<string>>();
  private readonly totals = new Map<string, NodeTotals>();
  /** inNamespace counts pods by namespace, so the namespace list costs nothing per frame. */
  private readonly inNamespace = new Map<string, number>();
  /** shown counts the pods the filters show, by phase, kept as pods come and go. */
  private readonly shown = new Map<string, number>();
  namespace = '';
  private requirements: LabelRequirement[] = [];

  /** setFilter sets the namespace ('' for all) and label filter; it answers whether the label filter parsed. */
  setFilter(namespace: string, labelFilter: string): boolean {
    this.namespace = namespace;
    const reqs = parseLabelFilter(labelFilter);
    this.requirements = reqs ?? [];
    this.shown.clear();
    for (const p of this.pods.values()) this.tally(p, 1);
    return reqs !== undefined;
  }

  visible(p: PodView): boolean {
    return (!this.namespace || p.namespace === this.namespace) && matchesLabels(p.labels, this.requirements);
  }

  /** totalsOf is what the node's pods request (terminated pods count for nothing, as the scheduler sees it). */
  totalsOf(node: string): NodeTotals {
    return this.totals.get(node) ?? { cpu: 0, memory: 0, pods: 0 };
  }

  /** shownByPhase counts the pods the filters show, by phase (phases with none left out). */
  shownByPhase(): Map<string, number> {
    return new Map([...this.shown].filter(([, n]) => n > 0));
  }

  /** namespaces lists the namespaces that have pods, sorted. */
  namespaces(): string[] {
    return [...this.inNamespace.keys()].sort();
  }

  snapshot(nodes: readonly NodeView[], pods: readonly PodView[]): Changes {
    this.nodes.clear();
    this.pods.clear();
    this.podsOn.clear();
    this.totals.clear();
    this.inNamespace.clear();
    this.shown.clear();
    for (const n of nodes) this.nodes.set(n.name, n);
    for (const p of pods) this.addPod(p);
    return { pods: new Set(this.pods.keys()), removedPods: new Map(), nodes: new Set(this.nodes.keys()), removedNodes: new Set(), full: true };
  }

  apply(nodes: Delta<NodeView>, pods: Delta<PodView>): Changes {
    const changes: Changes = { pods: new Set(), removedPods: new Map(), nodes: new Set(), removedNodes: new Set(), full: false };
    for (const name of nodes.remove) {
      if (this.nodes.delete(name)) changes.removedNodes.add(name);
    }
    for (const n of nodes.upsert) {
      this.nodes.set(n.name, n);
      changes.nodes.add(n.name);
    }
    for (const uid of pods.remove) {
      const old = this.pods.get(uid);
      if (!old) continue;
      this.removePod(old);
      changes.removedPods.set(uid, old);
      changes.nodes.add(old.node);
    }
    for (const p of pods.upsert) {
      const old = this.pods.get(p.uid);
      if (old && old.node === p.node) {
        // Most updates leave a pod where it was: only its totals move (deltas of 10,000 pods are applied here).
        this.pods.set(p.uid, p);
        this.count(old, -1);
        this.count(p, 1);
        // The namespace of a uid never changes: with no label filter, only a change of phase moves the summary.
        if (old.phase !== p.phase || this.requirements.length) {
          this.tally(old, -1);
          this.tally(p, 1);
        }
      } else {
        if (old) {
          this.removePod(old);
          changes.nodes.add(old.node);
        }
        this.addPod(p);
      }
      changes.pods.add(p.uid);
      changes.nodes.add(p.node);
    }
    return changes;
  }

  private addPod(p: PodView): void {
    this.pods.set(p.uid, p);
    let on = this.podsOn.get(p.node);
    if (!on) this.podsOn.set(p.node, (on = new Set()));
    on.add(p.uid);
    this.count(p, 1);
    this.tally(p, 1);
    this.inNamespace.set(p.namespace, (this.inNamespace.get(p.namespace) ?? 0) + 1);
  }

  private removePod(p: PodView): void {
    this.pods.delete(p.uid);
    this.podsOn.get(p.node)?.delete(p.uid);
    this.count(p, -1);
    this.tally(p, -1);
    const left = (this.inNamespace.get(p.namespace) ?? 0) - 1;
    if (left > 0) this.inNamespace.set(p.namespace, left);
    else this.inNamespace.delete(p.namespace);
  }

  /** tally adds (sign 1) or takes away (-1) a pod from the summary's count of its phase, when the filters show it. */
  private tally(p: PodView, sign: 1 | -1): void {
    if (this.visible(p)) this.shown.set(p.phase, (this.shown.get(p.phase) ?? 0) + sign);
  }

  /** count adds (sign 1) or takes away (-1) a pod's requests from its node's totals. */
  private count(p: PodView, sign: 1 | -1): void {
    if (!counts(p)) return;
    let t = this.totals.get(p.node);
    if (!t) this.totals.set(p.node, (t = { cpu: 0, memory: 0, pods: 0 }));
    t.cpu += sign * p.cpu;
    t.memory += sign * p.memory;
    t.pods += sign;
  }
}

/** counts says a pod holds its node's resources: bound and not terminated. */
function counts(p: PodView): boolean {
  return p.node !== UNSCHEDULED && p.phase !== 'Succeeded' && p.phase !== 'Failed';
}

/** chipClass is the colour class of a pod chip: its phase, with the troubled states called out. */
export function chipClass(p: PodView): string {
  if (p.status === 'Terminating') return 'terminating';
  if (p.phase === 'Running') return p.ready === p.containers ? 'running' : 'unready';
  if (p.phase === 'Pending') return p.node ? (/BackOff|Err|Invalid/.test(p.status) ? 'failed' : 'starting') : 'pending';
  if (p.phase === 'Succeeded') return 'succeeded';
  if (p.phase === 'Failed') return 'failed';
  return 'unknown';
}

/** heat is a node's load for the heat-map: the larger of its CPU, memory and pod-slot shares, 0..1. */
export function heat(node: NodeView, t: NodeTotals): number {
  const share = (used: number, of: number) => (of > 0 ? used / of : 0);
  return Math.min(1, Math.max(share(t.cpu, node.cpu), share(t.memory, node.memory), share(t.pods, node.pods)));
}

/** formatBytes prints memory as the panel's bars label it: `1.5Gi`, `512Mi`. */
export function formatBytes(n: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${units[i]}`;
}

/** formatCPU prints milli-CPU as kubectl does: `250m`, `2`. */
export function formatCPU(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}
