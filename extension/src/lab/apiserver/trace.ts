/**
 * trace records what the pipeline did with each request — every stage in the
 * seeds' order (authentication, authorization, mutating admission, validation,
 * validating admission, persist, notify), how long it took, each admission
 * plugin's verdict and the JSON patch it made — in a bounded ring buffer that
 * is served as `requesttraces.lab.kubelab.dev`.
 */
import { compare, type Operation as PatchOperation } from 'fast-json-patch';
import type { KubeObject } from '../api/types';
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
}

export interface Stage {
  name: StageName;
  durationMs: number;
  result: 'ok' | 'rejected' | 'skipped';
  detail?: string;
  plugins?: PluginVerdict[];
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
  /** lastSeen is the object the last mutating plugin saw and its JSON after it ran. */
  private lastSeen?: { object: KubeObject; json: string };

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
    this.lastSeen = undefined;
    const now = this.stopwatch();
    const s: Stage = { name, durationMs: round(now - this.stageStart), result, ...(detail ? { detail } : {}) };
    this.stageStart = now;
    this.trace.status.stages.push(s);
    return s;
  }

  /** admission runs one plugin and records its verdict and, for mutations, its patch. */
  async plugin<T>(stage: PluginVerdict[], name: string, phase: PluginVerdict['phase'], object: KubeObject | undefined, run: () => Promise<T | undefined> | T | undefined, message: (t: T) => string): Promise<T | undefined> {
    // Each plugin's "after" is the next one's "before": the chain serialises the object once per plugin, not twice.
    const before = phase === 'mutating' && object ? (this.lastSeen?.object === object ? this.lastSeen.json : JSON.stringify(object)) : undefined;
    const t0 = this.stopwatch();
    const denied = await run();
    const verdict: PluginVerdict = { name, phase, verdict: denied ? 'denied' : 'admitted', durationMs: round(this.stopwatch() - t0) };
    if (denied) verdict.message = message(denied);
    if (before !== undefined && object) {
      const after = JSON.stringify(object);
      this.lastSeen = { object, json: after };
      if (after !== before) deferPatch(verdict, before, after);
    }
    stage.push(verdict);
    return denied;
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

/** pendingPatches holds, for each verdict whose patch is not computed yet, the object's JSON before and after its plugin. */
const pendingPatches = new WeakMap<PluginVerdict, { before: string; after: string }>();

/**
 * deferPatch gives the verdict a patch computed from the object's JSON before and
 * after the plugin when something first reads it: most traces are never read, and
 * diffing on every write would cost each create more than all its plugins do.
 * The patch reads as a plain enumerable property (JSON, spread and structuredClone see it).
 */
function deferPatch(verdict: PluginVerdict, before: string, after: string): void {
  pendingPatches.set(verdict, { before, after });
  Object.defineProperty(verdict, 'patch', PENDING_PATCH);
}

/** PENDING_PATCH is the accessor a deferred patch reads through until it settles into a plain property. */
const PENDING_PATCH: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: PluginVerdict): PatchOperation[] | undefined {
    const pending = pendingPatches.get(this);
    return pending && settlePatch(this, compare(JSON.parse(pending.before) as object, JSON.parse(pending.after) as object));
  },
  set(this: PluginVerdict, patch: PatchOperation[]): void {
    settlePatch(this, patch);
  },
};

function settlePatch(verdict: PluginVerdict, patch: PatchOperation[]): PatchOperation[] {
  pendingPatches.delete(verdict);
  Object.defineProperty(verdict, 'patch', { value: patch, enumerable: true, writable: true, configurable: true });
  return patch;
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
    return this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  get(name: string): RequestTrace | undefined {
    return this.ring.find((t) => t.metadata.name === name);
  }
}
