/**
 * Framework is one profile's plugins wired to the extension points
 * (frameworkruntime.frameworkImpl): built from the profile's plugin sets and
 * args through the registry's factories (buildPlugins), with multiPoint expanded
 * as upstream does, and the runners the scheduler calls at each point of a
 * cycle. It is the plugins' Handle too.
 */
import type { Clock } from '../../clock';
import type { InformerFactory } from '../../client/informer';
import type { KubeClient } from '../../client/kubeClient';
import type { Pod } from '../../api/types';
import type { Random } from '../../random';
import { EXTENSION_POINTS, type ExtensionPoint, type KubeSchedulerProfile } from '../apis/config';
import type { NodeInfo } from '../nodeInfo';
import { type Registry, buildPlugins } from './buildPlugins';
import {
  type BindPlugin, type ClusterEvent, type ClusterEventWithHint, type CycleState, type FilterPlugin, type Handle, MAX_NODE_SCORE, MIN_NODE_SCORE,
  type PermitPlugin, type Plugin, type PostBindPlugin, type PostFilterPlugin, type PostFilterResult, type PreBindPlugin,
  type PreEnqueuePlugin, type PreFilterPlugin, type PreScorePlugin, type QueueSortPlugin, type QueuedPodInfo, type ReservePlugin, SUCCESS,
  type ScorePlugin, type Status, type WaitingPod, errorStatus, isRejected, unresolvable,
} from './interfaces';
import { Snapshot } from './snapshot';
import { MAX_PERMIT_TIMEOUT_MS, WaitingPodImpl } from './waitingPod';

export type { Registry } from './buildPlugins';
export { MAX_PERMIT_TIMEOUT_MS } from './waitingPod';

/** State keys for the plugins PreFilter and PreScore told to skip. */
const SKIP_FILTER = 'framework/skipFilterPlugins';
const SKIP_SCORE = 'framework/skipScorePlugins';

/** ALL_EVENTS is what a plugin without EventsToRegister is taken to care about: everything. */
const ALL_EVENTS: ClusterEventWithHint[] = [{ event: { resource: '*', actionType: 0xffff } }];

/** FrameworkDeps are what the scheduler lends every profile: the API, time, chance, the cycle's snapshot, nominations. */
export interface FrameworkDeps {
  client: KubeClient;
  clock: Clock;
  random: Random;
  snapshot?: () => Snapshot;
  nominatedPodsForNode?: (node: string) => Pod[];
  /** informerFactory lends plugins the scheduler's informers (PDBs, claims, volumes, classes). */
  informerFactory?: InformerFactory;
}

/** ScoreTable is RunScorePlugins' result kept whole for the decision: per plugin, each node's raw and normalized score. */
export interface ScoreTable {
  plugins: { name: string; weight: number }[];
  raw: number[][];
  normalized: number[][];
  totals: number[];
}

/** PreFilterOutcome is RunPreFilterPlugins' result. */
export interface PreFilterOutcome {
  status: Status;
  /** nodeNames narrows the nodes to filter; undefined means all nodes. */
  nodeNames?: Set<string>;
  /** narrowedBy are the plugins that returned node names. */
  narrowedBy: string[];
  skipped: string[];
  /** results are the plugins' statuses other than plain Success, for the decision. */
  results: { plugin: string; code: string; reasons: string[]; nodeNames?: number }[];
}

export class Framework implements Handle {
  readonly preEnqueuePlugins: PreEnqueuePlugin[] = [];
  readonly queueSortPlugins: QueueSortPlugin[] = [];
  readonly preFilterPlugins: PreFilterPlugin[] = [];
  readonly filterPlugins: FilterPlugin[] = [];
  readonly postFilterPlugins: PostFilterPlugin[] = [];
  readonly preScorePlugins: PreScorePlugin[] = [];
  readonly scorePlugins: ScorePlugin[] = [];
  readonly reservePlugins: ReservePlugin[] = [];
  readonly permitPlugins: PermitPlugin[] = [];
  readonly preBindPlugins: PreBindPlugin[] = [];
  readonly bindPlugins: BindPlugin[] = [];
  readonly postBindPlugins: PostBindPlugin[] = [];
  readonly scoreWeights = new Map<string, number>();
  readonly percentageOfNodesToScore?: number;
  private readonly waiting = new Map<string, WaitingPodImpl>();
  private readonly fallbackSnapshot = new Snapshot();
  private filtersForSkip?: { skip: ReadonlySet<string>; plugins: readonly FilterPlugin[] };

  private constructor(readonly profileName: string, private readonly deps: FrameworkDeps, percentage: number | undefined) {
    if (percentage !== undefined) this.percentageOfNodesToScore = percentage;
  }

  get client(): KubeClient {
    return this.deps.client;
  }

  get clock(): Clock {
    return this.deps.clock;
  }

  get random(): Random {
    return this.deps.random;
  }

  get informerFactory(): InformerFactory | undefined {
    return this.deps.informerFactory;
  }

  /**
   * create builds a profile's framework (frameworkruntime.NewFramework): every
   * plugin the profile names is built once from its args, placed at the points
   * listed for it, then multiPoint is expanded. Errors carry upstream's wording.
   */
  static create(profile: KubeSchedulerProfile, registry: Registry, deps: FrameworkDeps): Framework | { error: string } {
    const f = new Framework(profile.schedulerName ?? '', deps, profile.percentageOfNodesToScore);
    return buildPlugins(f, profile, registry, (point) => f.listFor(point)) ?? f;
  }

  private listFor(point: ExtensionPoint): Plugin[] {
    switch (point) {
      case 'preEnqueue': return this.preEnqueuePlugins;
      case 'queueSort': return this.queueSortPlugins;
      case 'preFilter': return this.preFilterPlugins;
      case 'filter': return this.filterPlugins;
      case 'postFilter': return this.postFilterPlugins;
      case 'preScore': return this.preScorePlugins;
      case 'score': return this.scorePlugins;
      case 'reserve': return this.reservePlugins;
      case 'permit': return this.permitPlugins;
      case 'preBind': return this.preBindPlugins;
      case 'bind': return this.bindPlugins;
      case 'postBind': return this.postBindPlugins;
    }
  }

  /** pluginNames lists the plugins at each extension point, in the order they run. */
  pluginNames(): Record<ExtensionPoint, string[]> {
    const out = {} as Record<ExtensionPoint, string[]>;
    for (const p of EXTENSION_POINTS) out[p] = this.listFor(p).map((x) => x.name);
    return out;
  }

  /** eventsToRegister maps each plugin that can reject a pod to the cluster events that may help it (EnqueueExtensions). */
  eventsToRegister(): Map<string, ClusterEventWithHint[]> {
    const out = new Map<string, ClusterEventWithHint[]>();
    const rejecting = [...this.preEnqueuePlugins, ...this.preFilterPlugins, ...this.filterPlugins, ...this.reservePlugins, ...this.permitPlugins];
    for (const p of rejecting) {
      const ext = (p as Partial<{ eventsToRegister(): ClusterEventWithHint[] }>).eventsToRegister;
      out.set(p.name, ext ? ext.call(p) : ALL_EVENTS);
    }
    return out;
  }

  snapshot(): Snapshot {
    return this.deps.snapshot?.() ?? this.fallbackSnapshot;
  }

  nominatedPodsForNode(node: string): Pod[] {
    return this.deps.nominatedPodsForNode?.(node) ?? [];
  }

  queueSortLess(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    return this.queueSortPlugins[0].less(a, b);
  }

  /** runPreEnqueuePlugins: the first plugin that fails gates the pod. */
  runPreEnqueuePlugins(pod: Pod): Status {
    for (const p of this.preEnqueuePlugins) {
      const s = p.preEnqueue(pod);
      if (s.code !== 'Success') return { ...s, plugin: p.name };
    }
    return SUCCESS;
  }

  /**
   * runPreFilterPlugins: Skip drops a plugin's Filter for this cycle, node-name
   * results intersect, a rejection ends the cycle, and an empty intersection
   * rejects with `node(s) didn't satisfy plugin(s) [...]`.
   */
  runPreFilterPlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterOutcome {
    const skipped: string[] = [];
    const narrowedBy: string[] = [];
    const results: PreFilterOutcome['results'] = [];
    let nodeNames: Set<string> | undefined;
    for (const p of this.preFilterPlugins) {
      const r = p.preFilter(state, pod, nodes);
      if (r.code === 'Skip') {
        skipped.push(p.name);
        results.push({ plugin: p.name, code: 'Skip', reasons: [] });
        continue;
      }
      if (r.code !== 'Success') {
        const status: Status = { code: r.code, reasons: r.reasons, plugin: p.name };
        results.push({ plugin: p.name, code: r.code, reasons: r.reasons });
        state.set(SKIP_FILTER, new Set(skipped));
        return { status: isRejected(status) ? status : errorStatus(p.name, `running PreFilter plugin "${p.name}": ${r.reasons.join(', ')}`), narrowedBy, skipped, results };
      }
      if (r.nodeNames) {
        narrowedBy.push(p.name);
        nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => r.nodeNames?.has(n))) : new Set(r.nodeNames);
        results.push({ plugin: p.name, code: 'Success', reasons: [], nodeNames: r.nodeNames.size });
        if (nodeNames.size === 0) {
          state.set(SKIP_FILTER, new Set(skipped));
          return { status: unresolvable(p.name, `node(s) didn't satisfy plugin(s) [${narrowedBy.join(' ')}]`), narrowedBy, skipped, results };
        }
      }
    }
    state.set(SKIP_FILTER, new Set(skipped));
    return { status: SUCCESS, ...(nodeNames ? { nodeNames } : {}), narrowedBy, skipped, results };
  }

  /** runFilterPlugins runs the filters on one node, stopping at the first that fails; its Status names the plugin. */
  runFilterPlugins(state: CycleState, pod: Pod, node: NodeInfo): Status {
    const plugins = this.filtersToRun(state);
    for (let i = 0; i < plugins.length; i++) {
      const p = plugins[i];
      const s = p.filter(state, pod, node);
      if (s.code !== 'Success') return s.plugin === p.name ? s : { ...s, plugin: p.name };
    }
    return SUCCESS;
  }

  /**
   * filtersToRun are the filter plugins PreFilter did not skip. The filters run on
   * every node of a cycle, so the list is worked out once per PreFilter outcome
   * (the skip set, which PreFilter makes anew each time and nothing changes after).
   */
  private filtersToRun(state: CycleState): readonly FilterPlugin[] {
    const skip = state.get(SKIP_FILTER) as Set<string> | undefined;
    if (!skip || skip.size === 0) return this.filterPlugins;
    if (this.filtersForSkip?.skip !== skip) this.filtersForSkip = { skip, plugins: this.filterPlugins.filter((p) => !skip.has(p.name)) };
    return this.filtersForSkip.plugins;
  }

  /**
   * runFilterPluginsWithNominatedPods: when pods of equal or higher priority are
   * nominated to the node, the filters must pass both with them (added through
   * the PreFilter extensions) and without them.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, node: NodeInfo): Status {
    const onNode = this.nominatedPodsForNode(node.name);
    if (onNode.length === 0) return this.runFilterPlugins(state, pod, node);
    const nominated = onNode.filter((p) => (p.spec.priority ?? 0) >= (pod.spec.priority ?? 0) && p.metadata.uid !== pod.metadata.uid);
    if (nominated.length === 0) return this.runFilterPlugins(state, pod, node);
    const withThem = node.clone();
    const stateWith: CycleState = new Map(state);
    for (const p of nominated) {
      withThem.addPod(p);
      const s = this.runPreFilterExtensionAddPod(stateWith, pod, p, withThem);
      if (s.code !== 'Success') return s;
    }
    const first = this.runFilterPlugins(stateWith, pod, withThem);
    if (first.code !== 'Success') return first;
    return this.runFilterPlugins(state, pod, node);
  }

  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podToAdd: Pod, node: NodeInfo): Status {
    const skip = state.get(SKIP_FILTER) as Set<string> | undefined;
    for (const p of this.preFilterPlugins) {
      if (skip?.has(p.name)) continue;
      const ext = p.preFilterExtensions?.();
      const s = ext?.addPod(state, podToSchedule, podToAdd, node);
      if (s && s.code !== 'Success') return errorStatus(p.name, `running AddPod on PreFilter plugin "${p.name}": ${s.reasons.join(', ')}`);
    }
    return SUCCESS;
  }

  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podToRemove: Pod, node: NodeInfo): Status {
    const skip = state.get(SKIP_FILTER) as Set<string> | undefined;
    for (const p of this.preFilterPlugins) {
      if (skip?.has(p.name)) continue;
      const ext = p.preFilterExtensions?.();
      const s = ext?.removePod(state, podToSchedule, podToRemove, node);
      if (s && s.code !== 'Success') return errorStatus(p.name, `running RemovePod on PreFilter plugin "${p.name}": ${s.reasons.join(', ')}`);
    }
    return SUCCESS;
  }

  /**
   * runPostFilterPlugins: the first success (or unresolvable answer) wins;
   * otherwise the reasons of all are kept, and the last useful result.
   */
  runPostFilterPlugins(state: CycleState, pod: Pod, statuses: ReadonlyMap<string, Status>): { status: Status; result?: PostFilterResult; ran: boolean } {
    if (this.postFilterPlugins.length === 0) return { status: unresolvable('', 'no PostFilter plugin'), ran: false };
    const reasons: string[] = [];
    let result: PostFilterResult | undefined;
    let rejector = '';
    for (const p of this.postFilterPlugins) {
      const r = p.postFilter(state, pod, statuses);
      const s = r.status;
      if (s.code === 'Success') return { status: { ...s, plugin: p.name }, result: r, ran: true };
      if (s.code === 'UnschedulableAndUnresolvable') return { status: { ...s, plugin: p.name }, result: r, ran: true };
      if (!isRejected(s)) return { status: errorStatus(p.name, s.reasons.join(', ')), ran: true };
      if (r.nominatedNodeName || r.victims?.length) result = r;
      reasons.push(...s.reasons);
      rejector ||= p.name;
    }
    return { status: { code: 'Unschedulable', reasons, plugin: rejector }, ...(result ? { result } : {}), ran: true };
  }

  /** runPreScorePlugins: Skip drops the plugin's Score for this cycle; anything but Success or Skip is an error. */
  runPreScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
    const skipped = new Set<string>();
    for (const p of this.preScorePlugins) {
      const s = p.preScore(state, pod, nodes);
      if (s.code === 'Skip') {
        skipped.add(p.name);
        continue;
      }
      if (s.code !== 'Success') return errorStatus(p.name, `running PreScore plugin "${p.name}": ${s.reasons.join(', ')}`);
    }
    state.set(SKIP_SCORE, skipped);
    return SUCCESS;
  }

  /** runScorePlugins scores every node with each plugin, normalizes, checks the range and weights (RunScorePlugins). */
  runScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): ScoreTable | { error: Status } {
    const skip = state.get(SKIP_SCORE) as Set<string> | undefined;
    const table: ScoreTable = { plugins: [], raw: [], normalized: [], totals: new Array<number>(nodes.length).fill(0) };
    for (const p of this.scorePlugins) {
      if (skip?.has(p.name)) continue;
      const weight = this.scoreWeights.get(p.name) ?? 1;
      const raw = new Array<number>(nodes.length);
      for (let i = 0; i < nodes.length; i++) raw[i] = p.score(state, pod, nodes[i]);
      let normalized = raw;
      if (p.normalizeScore) {
        const list = nodes.map((n, i) => ({ node: n.name, score: raw[i] }));
        p.normalizeScore(state, pod, list);
        normalized = list.map((x) => x.score);
      }
      for (let i = 0; i < nodes.length; i++) {
        const s = normalized[i];
        if (!(s >= MIN_NODE_SCORE && s <= MAX_NODE_SCORE)) {
          return { error: errorStatus(p.name, `plugin "${p.name}" returns an invalid score ${s}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`) };
        }
        table.totals[i] += s * weight;
      }
      table.plugins.push({ name: p.name, weight });
      table.raw.push(raw);
      table.normalized.push(normalized);
    }
    return table;
  }

  /** runReservePluginsReserve: a failure is returned at once (the caller unreserves everything). */
  runReservePluginsReserve(state: CycleState, pod: Pod, node: string): Status {
    for (const p of this.reservePlugins) {
      const s = p.reserve(state, pod, node);
      if (s.code !== 'Success') return isRejected(s) ? { ...s, plugin: p.name } : errorStatus(p.name, `running Reserve plugin "${p.name}": ${s.reasons.join(', ')}`);
    }
    return SUCCESS;
  }

  /** runReservePluginsUnreserve runs every Unreserve in reverse order. */
  runReservePluginsUnreserve(state: CycleState, pod: Pod, node: string): void {
    for (let i = this.reservePlugins.length - 1; i >= 0; i--) this.reservePlugins[i].unreserve(state, pod, node);
  }

  /** runPermitPlugins: a rejection ends it; Waits gather into a WaitingPod that the binding cycle waits on. */
  runPermitPlugins(state: CycleState, pod: Pod, node: string): Status {
    const waits = new Map<string, number>();
    for (const p of this.permitPlugins) {
      const { status, timeoutMs } = p.permit(state, pod, node);
      if (status.code === 'Wait') {
        waits.set(p.name, Math.min(timeoutMs ?? MAX_PERMIT_TIMEOUT_MS, MAX_PERMIT_TIMEOUT_MS));
        continue;
      }
      if (status.code !== 'Success') return isRejected(status) ? { ...status, plugin: p.name } : errorStatus(p.name, `running Permit plugin "${p.name}": ${status.reasons.join(', ')}`);
    }
    if (waits.size === 0) return SUCCESS;
    this.waiting.set(pod.metadata.uid ?? '', new WaitingPodImpl(pod, waits, this.deps.clock));
    return { code: 'Wait', reasons: [] };
  }

  /** waitOnPermit waits until every waiting plugin allows the pod, one rejects it, or a timeout passes. */
  async waitOnPermit(pod: Pod): Promise<Status> {
    const uid = pod.metadata.uid ?? '';
    const w = this.waiting.get(uid);
    if (!w) return SUCCESS;
    const s = await w.done;
    this.waiting.delete(uid);
    return s;
  }

  getWaitingPod(uid: string): WaitingPod | undefined {
    return this.waiting.get(uid);
  }

  /** rejectWaitingPod rejects a waiting pod (it was deleted, or preempted). */
  rejectWaitingPod(uid: string): boolean {
    const w = this.waiting.get(uid);
    w?.reject('', 'removed');
    return !!w;
  }

  async runPreBindPlugins(state: CycleState, pod: Pod, node: string): Promise<Status> {
    for (const p of this.preBindPlugins) {
      const s = await p.preBind(state, pod, node);
      if (s.code !== 'Success') return isRejected(s) ? { ...s, plugin: p.name } : errorStatus(p.name, `running PreBind plugin "${p.name}": ${s.reasons.join(', ')}`);
    }
    return SUCCESS;
  }

  /** runBindPlugins: each binder in turn until one does not Skip. */
  async runBindPlugins(state: CycleState, pod: Pod, node: string): Promise<Status> {
    for (const p of this.bindPlugins) {
      const s = await p.bind(state, pod, node);
      if (s.code === 'Skip') continue;
      if (s.code !== 'Success') return isRejected(s) ? { ...s, plugin: p.name } : errorStatus(p.name, `binding rejected: running Bind plugin "${p.name}": ${s.reasons.join(', ')}`);
      return SUCCESS;
    }
    return { code: 'Skip', reasons: [] };
  }

  runPostBindPlugins(state: CycleState, pod: Pod, node: string): void {
    for (const p of this.postBindPlugins) p.postBind(state, pod, node);
  }

  /**
   * matches tells whether a registered event covers event (ClusterEvent.Match): the same resource or '*', and a
   * shared action bit. 'Pod' stands for every pod, so it covers 'AssignedPod' events too (assigned + unscheduled = pod).
   */
  static matches(registered: ClusterEvent, event: ClusterEvent): boolean {
    const resource = registered.resource === '*' || registered.resource === event.resource || (registered.resource === 'Pod' && event.resource === 'AssignedPod');
    return resource && (registered.actionType & event.actionType) !== 0;
  }
}
