/**
 * daemonPodViews keeps what a DaemonSet's sync works out per node across syncs.
 * A sync is upstream's: every node, every pod of the DaemonSet, several times
 * over (claim, manage, the rolling update, status). At 5,000 nodes a wave of
 * daemon pods changes one or two pods per sync, so redoing all of it made a
 * wave quadratic. Here:
 *
 * - DaemonPodViews holds each DaemonSet's claimed pods by node and refreshes
 *   only the nodes whose pods changed since (the controller's pod handlers say
 *   which), read from an informer index of daemon pods by owner and node. When
 *   the claim itself could change (an orphan to adopt, an owned pod to release,
 *   a pod without a node, a new selector), the caller claims afresh.
 * - NodeMemo keeps a per-node answer while the node object, its pods array and
 *   the DaemonSet's spec are the ones it was worked out from; answers that
 *   depend on the time (availability after minReadySeconds, back-off) are not kept.
 */
import { controllerOf } from '../api/meta';
import { type Selector, matches } from '../api/labels';
import type { DaemonSet, Node, Pod } from '../api/types';
import type { Informer } from '../client/informer';
import type { NodeToDaemonPods } from './daemonSetUpdate';
import { specKey, targetNodeName } from './daemonSetUtil';

/** DAEMON_POD_NODE_INDEX indexes daemon pods by their controller's uid and the node they are on or meant for. */
export const DAEMON_POD_NODE_INDEX = 'daemonPodNode';

const indexKey = (uid: string, node: string): string => `${uid}\u0000${node}`;

/** addDaemonPodIndex adds the index to the pod informer. */
export function addDaemonPodIndex(pods: Informer<Pod>): void {
  pods.addIndexer(DAEMON_POD_NODE_INDEX, (p) => {
    const c = controllerOf(p);
    if (c?.kind !== 'DaemonSet') return [];
    const node = targetNodeName(p);
    return node === undefined ? [] : [indexKey(c.uid, node)];
  });
}

interface View {
  selector: string;
  namespace: string;
  byNode: NodeToDaemonPods;
  /** dirty are the nodes whose pods changed since the view was last read; all when a changed pod names no node. */
  dirty: Set<string>;
  all: boolean;
}

export class DaemonPodViews {
  private readonly views = new Map<string, View>();

  constructor(private readonly pods: Informer<Pod>) {}

  /** touch notes a pod that changed (as it was, and as it is): its DaemonSet's views refresh its node. */
  touch(pod: Pod): void {
    const c = controllerOf(pod);
    if (c?.kind !== 'DaemonSet') return;
    const node = targetNodeName(pod);
    for (const v of [this.views.get(`${c.uid}/0`), this.views.get(`${c.uid}/1`)]) {
      if (!v) continue;
      if (node === undefined) v.all = true;
      else v.dirty.add(node);
    }
  }

  /**
   * current is the DaemonSet's pods by node as a claim would keep them, when the
   * view it has can be brought up to date; undefined when a claim must decide
   * (no view, another selector, or a changed pod the selector no longer matches).
   * The map answered is the view itself: it changes at the next call.
   */
  current(ds: DaemonSet, selector: Selector, includeDeletedTerminal: boolean): NodeToDaemonPods | undefined {
    const uid = ds.metadata.uid ?? '';
    const v = this.views.get(`${uid}/${includeDeletedTerminal ? 1 : 0}`);
    const namespace = ds.metadata.namespace ?? '';
    if (!v || v.all || v.namespace !== namespace || v.selector !== JSON.stringify(ds.spec.selector)) return undefined;
    for (const node of v.dirty) {
      const kept: Pod[] = [];
      for (const pod of this.pods.byIndex(DAEMON_POD_NODE_INDEX, indexKey(uid, node))) {
        if ((pod.metadata.namespace ?? '') !== namespace) continue;
        if (!matches(selector, pod.metadata.labels)) return undefined;
        if (!includeDeletedTerminal && isTerminal(pod) && pod.metadata.deletionTimestamp) continue;
        kept.push(pod);
      }
      if (kept.length) v.byNode.set(node, kept);
      else v.byNode.delete(node);
    }
    v.dirty.clear();
    return v.byNode;
  }

  /** remember makes byNode, grouped from a claim just made, the DaemonSet's view. */
  remember(ds: DaemonSet, includeDeletedTerminal: boolean, byNode: NodeToDaemonPods): void {
    this.views.set(`${ds.metadata.uid ?? ''}/${includeDeletedTerminal ? 1 : 0}`, {
      selector: JSON.stringify(ds.spec.selector), namespace: ds.metadata.namespace ?? '', byNode: new Map(byNode), dirty: new Set(), all: false,
    });
  }

  forget(uid: string): void {
    this.views.delete(`${uid}/0`);
    this.views.delete(`${uid}/1`);
  }
}

/** isTerminal tells a pod that has finished. */
export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
}

/**
 * NodeMemo keeps one answer per node for one DaemonSet: valid while the node
 * object, the node's pods array (a view keeps it while they do not change), the
 * DaemonSet's spec (uid, generation) and the current revision's hash are the same.
 */
export class NodeMemo<T> {
  private readonly byDaemonSet = new Map<string, { spec: string; entries: Map<string, { node: Node; pods: Pod[] | undefined; value: T }> }>();

  /** entries are one DaemonSet's answers, reset when its spec or hash changed; undefined for a DaemonSet the server has not stored. */
  for(ds: DaemonSet, hash: string): NodeAnswers<T> | undefined {
    const spec = specKey(ds);
    if (spec === undefined) return undefined;
    const uid = ds.metadata.uid ?? '';
    let memo = this.byDaemonSet.get(uid);
    if (memo?.spec !== `${spec}/${hash}`) this.byDaemonSet.set(uid, (memo = { spec: `${spec}/${hash}`, entries: new Map() }));
    return new NodeAnswers(memo.entries);
  }

  forget(uid: string): void {
    this.byDaemonSet.delete(uid);
  }
}

/** NodeAnswers are one DaemonSet's kept answers by node name. */
export class NodeAnswers<T> {
  constructor(private readonly entries: Map<string, { node: Node; pods: Pod[] | undefined; value: T }>) {}

  get(node: Node, pods: Pod[] | undefined): T | undefined {
    const e = this.entries.get(node.metadata.name ?? '');
    return e && e.node === node && e.pods === pods ? e.value : undefined;
  }

  set(node: Node, pods: Pod[] | undefined, value: T | undefined): void {
    if (value === undefined) this.entries.delete(node.metadata.name ?? '');
    else this.entries.set(node.metadata.name ?? '', { node, pods, value });
  }
}
