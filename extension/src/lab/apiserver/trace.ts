/**
 * trace records what the pipeline did with each request — every stage in the
 * seeds' order (authentication, authorization, mutating admission, validation,
 * validating admission, persist, notify), how long it took, each admission
 * plugin's verdict and the JSON patch it made — in a bounded ring buffer that
 * is served as `requesttraces.lab.kubelab.dev`.
 */
import { compare, type Operation as PatchOperation } from 'fast-json-patch';
import type { KubeObject, Status } from '../api/types';
import type { AdmissionContext, AdmissionPlugin, Attributes, PolicyEvaluation } from './admission/admission';
import type { PolicyRule } from './auth/rbacTypes';
import { timestamp } from '../api/meta';

export const TRACE_GROUP = 'lab.kubelab.dev';
export const TRACE_VERSION = 'v1alpha1';

export type StageName = 'authentication' | 'impersonation' | 'authorization' | 'decode' | 'mutating admission' | 'validation' | 'validating admission' | 'persist' | 'notify';

export interface PluginVerdict {
  name: string;
  phase: 'mutating' | 'validating';
  verdict: 'admitted' | 'denied';
  durationMs: number;
  /** patch is the RFC 6902 patch a mutating plugin applied to the object. */
  patch?: PatchOperation[];
  message?: string;
  /** evaluations are the CEL expressions a policy plugin (ValidatingAdmissionPolicy) evaluated, with their results. */
  evaluations?: PolicyEvaluation[];
}

export interface Stage {
  name: StageName;
  durationMs: number;
  result: 'ok' | 'rejected' | 'skipped';
  detail?: string;
  plugins?: PluginVerdict[];
  /** rule is, on the authorization stage, the RBAC rule that allowed the request (the reason in detail names its binding). */
  rule?: PolicyRule;
  /** key is, on the persist stage, the store key written (`/registry/deployments/default/web`). */
  key?: string;
  /** watchers is, on the persist stage, how many watches the change was sent to, once the watch cache has fanned it out. */
  watchers?: number;
}

/**
 * Pending is what a trace works out only when something reads it (settleTrace):
 * a mutating plugin's patch, diffed from the object's JSON before and after it
 * (most traces are never read, and diffing on every write would cost each
 * create more than all its plugins do), and the persist stage's watcher count,
 * known once the watch cache has fanned the change out, after the write returns.
 */
type Pending = { verdict: PluginVerdict; chain: JsonChain; index: number } | { stage: Stage; notified: () => number | undefined };

/** PENDING holds, by trace, what it has not worked out yet: kept beside the trace, not in it, so writing a trace adds no property to its objects after they are made. */
const PENDING = new WeakMap<RequestTrace, Pending[]>();

/**
 * settleTrace works out what trace left for its readers — each changing
 * plugin's patch, the persist stage's watchers once known — as plain
 * properties, and returns it. Everything that serves a trace settles it first.
 */
export function settleTrace(trace: RequestTrace): RequestTrace {
  const pending = PENDING.get(trace);
  if (!pending) return trace;
  const left: Pending[] = [];
  for (const p of pending) {
    if ('verdict' in p) {
      p.verdict.patch = patchOf(p.chain, p.index);
      continue;
    }
    const n = p.notified();
    if (n === undefined) left.push(p);
    else p.stage.watchers = n;
  }
  if (left.length) PENDING.set(trace, left);
  else PENDING.delete(trace);
  return trace;
}

/** RequestTrace is the served object. */
export interface RequestTrace extends KubeObject {
  spec: {
    verb: string;
    path: string;
    user: string;
    groups: string[];
    group?: string;
    resource?: string;
    subresource?: string;
    namespace?: string;
    name?: string;
    dryRun: boolean;
  };
  status: {
    code: number;
    reason?: string;
    message?: string;
    durationMs: number;
    /** revision is the store revision the request wrote, if it wrote one. */
    revision?: number;
    stages: Stage[];
  };
}

/** Tracer times one request's stages against a monotonic stopwatch. */
export class Tracer {
  readonly trace: RequestTrace;
  private readonly started: number;
  private stageStart: number;
  /** lastObject is the object the last mutating plugin saw, lastJson its JSON after the plugin ran, and chain the versions of that JSON so far. */
  private lastObject?: KubeObject;
  private lastJson = '';
  private chain?: JsonChain;
  /** pending is what the trace works out when read (PENDING's entry for it, made with the first). */
  private pending?: Pending[];

  constructor(private readonly stopwatch: () => number, name: string, now: number, verb: string, path: string) {
    this.started = this.stageStart = stopwatch();
    this.trace = {
      apiVersion: `${TRACE_GROUP}/${TRACE_VERSION}`,
      kind: 'RequestTrace',
      metadata: { name, creationTimestamp: secondTimestamp(now) },
      spec: { verb, path, user: '', groups: [], dryRun: false },
      status: { code: 0, durationMs: 0, stages: [] },
    };
  }

  /** stage closes the stage that ran since the previous one. */
  stage(name: StageName, result: Stage['result'] = 'ok', detail?: string): Stage {
    // Between stages the handler may change the object in place: nothing carries over.
    this.lastObject = undefined;
    this.chain = undefined;
    const now = this.stopwatch();
    const s: Stage = { name, durationMs: round(now - this.stageStart), result };
    if (detail) s.detail = detail;
    this.stageStart = now;
    this.trace.status.stages.push(s);
    return s;
  }

  /**
   * plugin runs one admission plugin's admit (mutating) or validate and records its
   * verdict and, when it changed watched (the object of a mutation it may change), its patch.
   */
  async plugin(stage: PluginVerdict[], plugin: AdmissionPlugin, phase: PluginVerdict['phase'], a: Attributes, ctx: AdmissionContext, watched: KubeObject | undefined): Promise<Status | undefined> {
    // Each plugin's "after" is the next one's "before": the chain serialises the object once per plugin, not twice.
    const continued = watched !== undefined && this.lastObject === watched;
    const before = watched ? (continued ? this.lastJson : JSON.stringify(watched)) : undefined;
    const t0 = this.stopwatch();
    a.evaluations = undefined;
    const denied = await (phase === 'mutating' ? plugin.admit?.(a, ctx) : plugin.validate?.(a, ctx));
    const verdict: PluginVerdict = { name: plugin.name, phase, verdict: denied ? 'denied' : 'admitted', durationMs: round(this.stopwatch() - t0) };
    if (denied) verdict.message = denied.message ?? '';
    if (a.evaluations) {
      verdict.evaluations = a.evaluations;
      a.evaluations = undefined;
    }
    if (before !== undefined && watched) {
      const after = JSON.stringify(watched);
      if (!continued || !this.chain) this.chain = { base: before, deltas: [] };
      this.lastObject = watched;
      this.lastJson = after;
      if (after !== before) {
        this.chain.deltas.push(jsonDelta(before, after));
        this.later({ verdict, chain: this.chain, index: this.chain.deltas.length - 1 });
      }
    }
    stage.push(verdict);
    return denied;
  }

  /** countWatchersLater gives the persist stage, when the trace is read, how many watches its change went to. */
  countWatchersLater(stage: Stage, notified: () => number | undefined): void {
    this.later({ stage, notified });
  }

  private later(p: Pending): void {
    if (!this.pending) PENDING.set(this.trace, (this.pending = []));
    this.pending.push(p);
  }

  /** reset restarts the stage timer without recording a stage (time spent outside the pipeline's stages). */
  skip(): void {
    this.stageStart = this.stopwatch();
  }

  finish(code: number, reason?: string, message?: string): RequestTrace {
    const st = this.trace.status;
    st.code = code;
    if (reason) st.reason = reason;
    if (message) st.message = message;
    st.durationMs = round(this.stopwatch() - this.started);
    return this.trace;
  }
}

/**
 * JsonChain is the JSON of the object one run of mutating plugins changed: the
 * JSON before the first of them, and each change as a delta from the version
 * before it. A trace keeps it instead of every plugin's before and after: the
 * ring holds a thousand traces, and whole copies of the object per plugin were
 * most of what each write left for the young generation to copy.
 */
interface JsonChain {
  base: string;
  deltas: JsonDelta[];
}

/** JsonDelta replaces removed characters at `at` of the version before it with inserted. */
interface JsonDelta {
  at: number;
  removed: number;
  inserted: string;
}

/** jsonDelta is after as one replacement in before: their common prefix and suffix stay, the middle is copied out (a slice would keep all of after alive). */
function jsonDelta(before: string, after: string): JsonDelta {
  const n = Math.min(before.length, after.length);
  let at = 0;
  while (at < n && before.charCodeAt(at) === after.charCodeAt(at)) at++;
  let tail = 0;
  while (tail < n - at && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { at, removed: before.length - at - tail, inserted: copyString(after.slice(at, after.length - tail)) };
}

/**
 * copyString is s without its parent: V8 keeps a long slice as a view of the
 * string it was cut from, which would stay alive with it. Slicing a
 * concatenation flattens it first, so the view that comes back is of a
 * string one character longer than s, not of s's parent.
 */
function copyString(s: string): string {
  return (` ${s}`).slice(1);
}

/** versionAt is the chain's JSON after its first n deltas. */
function versionAt(chain: JsonChain, n: number): string {
  let json = chain.base;
  for (let i = 0; i < n; i++) {
    const d = chain.deltas[i];
    json = json.slice(0, d.at) + d.inserted + json.slice(d.at + d.removed);
  }
  return json;
}

/** patchOf is the RFC 6902 patch of the chain's delta index: from the JSON before it to the JSON after. */
function patchOf(chain: JsonChain, index: number): PatchOperation[] {
  const before = versionAt(chain, index);
  const d = chain.deltas[index];
  const after = before.slice(0, d.at) + d.inserted + before.slice(d.at + d.removed);
  return compare(JSON.parse(before) as object, JSON.parse(after) as object);
}

/** The second secondTimestamp last formatted, and its text. */
let formattedSecond = NaN;
let formattedText = '';

/**
 * secondTimestamp is timestamp(ms), formatted once per second of the clock:
 * requests come many to a second, and every one stamps at least its trace.
 */
export function secondTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== formattedSecond) {
    formattedText = timestamp(ms);
    formattedSecond = second;
  }
  return formattedText;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** TraceBuffer keeps the last `capacity` traces. */
export class TraceBuffer {
  private readonly ring: RequestTrace[] = [];
  private next = 0;
  private seq = 0;

  constructor(readonly capacity = 1000) {}

  /** name hands out the next trace name: a zero-padded sequence, so names sort in request order. */
  name(): string {
    return String(++this.seq).padStart(10, '0');
  }

  add(t: RequestTrace): void {
    if (this.ring.length < this.capacity) this.ring.push(t);
    else this.ring[this.next] = t;
    this.next = (this.next + 1) % this.capacity;
  }

  /** list returns the buffered traces, oldest first. */
  list(): RequestTrace[] {
    const traces = this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    for (const t of traces) settleTrace(t);
    return traces;
  }

  get(name: string): RequestTrace | undefined {
    const t = this.ring.find((x) => x.metadata.name === name);
    return t && settleTrace(t);
  }
}
