/**
 * DecisionBuffer serves schedulingdecisions.lab.kubelab.dev/v1alpha1: the
 * scheduler's explanations, kept in a bounded ring in the API server, not in
 * the store, as the request traces are.
 *
 * The scheduler publishes each decision with a create through the API (it is
 * an API client like any other component, DESIGN.md), and panels list and
 * watch them. Keeping them in the server rather than the store is what makes
 * that cheap enough to do for every attempt: no store write, no revision, no
 * watch cache — one ring slot and a fan-out to the few watchers there are. The
 * ring's own sequence is the resourceVersion, so a watch resumes from where it
 * left off and gets 410 Gone once its decisions have been overwritten.
 */
import type { KubeList, KubeObject, Status } from '../api/types';
import type { HandlerContext, WatchSink } from './apiServer';
import { badRequest, gone, methodNotSupported, notFound } from './errors';
import { filterMatches, parseFilter } from './selectors';
import { DECISION_GROUP, DECISION_RESOURCE, DEFAULT_DECISION_CAPACITY, type SchedulingDecision } from '../scheduler/decision';

/**
 * Kept is a decision as the ring holds it: its score arrays packed into one
 * Float64Array, off the JS heap. A decision scores hundreds of nodes per
 * plugin, and a thousand decisions of plain arrays were most of what the
 * young generation copied while the scheduler ran; the arrays come back as
 * plain ones whenever a decision is read.
 */
interface Kept {
  /** d is the decision with its score left as a placeholder (the key keeps its place). */
  d: SchedulingDecision;
  scores?: PackedScores;
}

interface PackedScores {
  plugins: { name: string; weight: number; raw: number; normalized?: number }[];
  totals: number;
  /** n is the length of every row (the nodes scored). */
  n: number;
  data: Float64Array;
}

/** PACKED stands in a kept decision for its packed scores. */
const PACKED = { plugins: [], totals: [] };

/** pack keeps d with its scores in one Float64Array of rows: each plugin's raw (and normalized, when it has its own), then the totals. */
function pack(d: SchedulingDecision): Kept {
  const score = d.score;
  if (!score) return { d };
  const n = score.totals.length;
  let rows = 1;
  for (const p of score.plugins) rows += p.normalized ? 2 : 1;
  const data = new Float64Array(rows * n);
  let row = 0;
  const put = (values: readonly number[]): number => {
    data.set(values, row * n);
    return row++;
  };
  const plugins = score.plugins.map((p) => ({ name: p.name, weight: p.weight, raw: put(p.raw), ...(p.normalized ? { normalized: put(p.normalized) } : {}) }));
  const totals = put(score.totals);
  return { d: { ...d, score: PACKED }, scores: { plugins, totals, n, data } };
}

/** unpack is the decision kept, with plain score arrays again. */
function unpack(k: Kept): SchedulingDecision {
  const s = k.scores;
  if (!s) return k.d;
  const rowOf = (i: number): number[] => Array.from(s.data.subarray(i * s.n, (i + 1) * s.n));
  return {
    ...k.d,
    score: {
      plugins: s.plugins.map((p) => ({ name: p.name, weight: p.weight, raw: rowOf(p.raw), ...(p.normalized !== undefined ? { normalized: rowOf(p.normalized) } : {}) })),
      totals: rowOf(s.totals),
    },
  };
}

interface Watcher {
  namespace: string;
  match: (o: KubeObject) => boolean;
  sink: WatchSink;
}

export class DecisionBuffer {
  private readonly ring: (Kept | undefined)[] = [];
  /** slots holds the ring slot of each kept decision, by namespace/name. */
  private readonly slots = new Map<string, number>();
  private next = 0;
  private seq = 0;
  private readonly watchers = new Set<Watcher>();

  constructor(readonly capacity = DEFAULT_DECISION_CAPACITY) {}

  /** add keeps a decision, overwriting the oldest (and any older one of the same name); watchers hear ADDED and DELETED. */
  add(d: SchedulingDecision): SchedulingDecision {
    if (this.capacity <= 0) return d;
    d.metadata.resourceVersion = String(++this.seq);
    const key = keyOf(d);
    const same = this.slots.get(key);
    if (same !== undefined) this.evict(same);
    if (this.ring[this.next]) this.evict(this.next);
    this.ring[this.next] = pack(d);
    this.slots.set(key, this.next);
    this.next = (this.next + 1) % this.capacity;
    this.notify('ADDED', d);
    return d;
  }

  /** list returns the kept decisions, oldest first. */
  list(): SchedulingDecision[] {
    const out: SchedulingDecision[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const k = this.ring[(this.next + i) % this.ring.length];
      if (k) out.push(unpack(k));
    }
    return out;
  }

  get resourceVersion(): string {
    return String(this.seq);
  }

  /** evict empties a slot; its decision's watchers hear DELETED. */
  private evict(slot: number): void {
    const k = this.ring[slot];
    if (!k) return;
    this.ring[slot] = undefined;
    this.slots.delete(keyOf(k.d));
    if (this.watchers.size > 0) this.notify('DELETED', unpack(k));
  }

  private notify(type: 'ADDED' | 'DELETED', d: SchedulingDecision): void {
    if (this.watchers.size === 0) return;
    for (const w of this.watchers) {
      if ((w.namespace && w.namespace !== d.metadata.namespace) || !w.match(d)) continue;
      w.sink.event({ type, object: d });
    }
  }

  /** handle answers create, get and list. */
  handle(ctx: HandlerContext, body: unknown): KubeObject | KubeList | Status {
    const { info, type } = ctx;
    const gr = { group: type.group, resource: type.resource };
    const namespace = info.namespace ?? '';
    if (info.verb === 'create') {
      const d = body as SchedulingDecision | undefined;
      if (!d || d.kind !== 'SchedulingDecision' || !d.metadata?.name) return badRequest('a SchedulingDecision with a name is required');
      if (d.metadata.namespace && d.metadata.namespace !== namespace) return badRequest('the namespace of the provided object does not match the namespace sent on the request');
      d.metadata.namespace = namespace;
      return this.add(d);
    }
    const items = this.list().filter((d) => !namespace || d.metadata.namespace === namespace);
    if (info.verb === 'get') return items.find((d) => d.metadata.name === info.name) ?? notFound(gr, info.name);
    if (info.verb !== 'list') return methodNotSupported(gr, info.verb);
    const filter = parseFilter(type, ctx.query.labelSelector, ctx.query.fieldSelector);
    if ('code' in filter) return filter;
    return { kind: 'SchedulingDecisionList', apiVersion: `${type.group}/${type.version}`, metadata: { resourceVersion: this.resourceVersion }, items: items.filter((i) => filterMatches(filter, i)) };
  }

  /**
   * watch streams decisions: with resourceVersion 0 (or none) the kept ones first
   * as ADDED, with a resourceVersion those after it (410 Gone if it was overwritten),
   * then each new one as it is added and each overwritten one as DELETED.
   */
  watch(ctx: HandlerContext, sink: WatchSink): { cancel(): void } | Status {
    const filter = parseFilter(ctx.type, ctx.query.labelSelector, ctx.query.fieldSelector);
    if ('code' in filter) return filter;
    const namespace = ctx.info.namespace ?? '';
    const rv = ctx.query.resourceVersion ? Number(ctx.query.resourceVersion) : 0;
    if (!Number.isInteger(rv) || rv < 0) return badRequest(`invalid resource version: ${String(ctx.query.resourceVersion)}`);
    const all = this.list();
    const kept = all.filter((d) => (!namespace || d.metadata.namespace === namespace) && filterMatches(filter, d));
    const oldest = all[0];
    if (rv > 0 && oldest && rv < Number(oldest.metadata.resourceVersion) - 1) return gone(`too old resource version: ${rv} (${Number(oldest.metadata.resourceVersion) - 1})`);
    for (const d of kept) if (Number(d.metadata.resourceVersion) > rv) sink.event({ type: 'ADDED', object: d });
    const w: Watcher = { namespace, match: (o) => filterMatches(filter, o), sink };
    this.watchers.add(w);
    return {
      cancel: () => {
        if (!this.watchers.delete(w)) return;
        sink.close();
      },
    };
  }
}

function keyOf(d: SchedulingDecision): string {
  return `${d.metadata.namespace ?? ''}/${d.metadata.name ?? ''}`;
}

/** isDecisions tells the schedulingdecisions resource from the other virtual ones. */
export function isDecisions(t: { group: string; resource: string }): boolean {
  return t.group === DECISION_GROUP && t.resource === DECISION_RESOURCE;
}
