/**
 * FieldManager keeps metadata.managedFields for one resource (and subresource), as
 * upstream's default field manager does (managedfields/internal/fieldmanager.go and
 * the managers it stacks): updates record which manager changed which fields,
 * applies merge a configuration into the object, prune what the applier dropped
 * and report conflicts. It never reads the clock: callers pass `now`.
 */
import type { KubeObject, Status } from '../../api/types';
import { badRequest } from '../errors';
import { utf8Length } from '../patch/goFormat';
import { serverError } from '../patch/statusErrors';
import { conflictStatus } from './conflict';
import { FieldSet } from './fieldSet';
import { allowedConflicts, refreshLastApplied } from './lastApplied';
import { type Managed, ManagedFieldsError, NOT_PRINTABLE, buildManagerIdentifier, decodeManagedFields, emptyManaged, encodeManagedFields, isResetManagedFields } from './managedFields';
import { type PathElement, fieldElement } from './pathElement';
import { dropNulls } from './remove';
import { type Atom, DEDUCED, isMap, modelAtom } from './typeRef';
import { type Conflict, Updater } from './updater';
import { validate, validationErrorsText } from './validate';
import { zeroObject } from './zeroObject';

/** FieldManagerOptions describe the endpoint a FieldManager serves. */
export interface FieldManagerOptions {
  /** apiVersion is the endpoint's group/version as managedFields record it: `apps/v1`, `v1`. */
  apiVersion: string;
  kind: string;
  /** model is the kind's OpenAPI model (V1Deployment); without one, objects are merged with the deduced schema, as schemaless custom resources are. */
  model: string | undefined;
  /** subresource is '' or absent for the main resource, else `status`, `scale` … */
  subresource?: string;
  /** resetFields are the strategy's GetResetFields paths (`['status']` on the main resource, `['spec']` on status): nobody owns them here. */
  resetFields?: readonly (readonly string[])[];
}

/** MAX_IDENTIFIERS bounds a field manager's remembered identifiers. */
const MAX_IDENTIFIERS = 1000;

/** Upstream's cap on Update entries before the oldest are merged into "ancient-changes" buckets (DefaultMaxUpdateManagers). */
const MAX_UPDATE_MANAGERS = 10;

/** Fields no manager ever owns (stripmeta.go). */
const STRIPPED = FieldSet.of(
  ...[['apiVersion'], ['kind'], ['metadata'], ['metadata', 'name'], ['metadata', 'namespace'], ['metadata', 'creationTimestamp'],
    ['metadata', 'selfLink'], ['metadata', 'uid'], ['metadata', 'clusterName'], ['metadata', 'generation'], ['metadata', 'managedFields'],
    ['metadata', 'resourceVersion']].map(fieldPath),
);

function fieldPath(names: readonly string[]): PathElement[] {
  return names.map(fieldElement);
}

type ApplyResult = { object: KubeObject; managed: Managed } | { conflicts: Conflict[] } | { status: Status };

export class FieldManager {
  private readonly atom: Atom;
  private readonly updater: Updater;
  private readonly subresource: string;
  /** identifiers are the endpoint's manager identifiers by operation and manager: the same few managers write every object. */
  private readonly identifiers = new Map<string, string>();

  constructor(private readonly opts: FieldManagerOptions) {
    this.atom = opts.model ? modelAtom(opts.model) : DEDUCED;
    const ignored = opts.resetFields?.length ? FieldSet.of(...opts.resetFields.map(fieldPath)) : undefined;
    this.updater = new Updater(this.atom, ignored);
    this.subresource = opts.subresource ?? '';
  }

  /**
   * update returns next with managedFields recording that manager wrote it over live
   * (undefined on create). Managed fields a client sends are kept when they decode
   * (an empty list resets them); an existing object nobody tracks stays untracked.
   */
  update(live: KubeObject | undefined, next: KubeObject, manager: string, now: string): KubeObject {
    const managed = this.decodeLiveOrNew(live, next);
    const object = withoutManagedFields(next);
    if (managed.fields.size > 0 || !live) this.trackUpdate(live ? withoutManagedFields(live) : zeroObject(this.opts.model), object, managed, manager, now);
    return withManagedFields(object, managed);
  }

  /**
   * apply merges config (the decoded apply body) into live (undefined when the
   * object does not exist yet) for manager, and returns the object to store or the
   * upstream Status: 400 for a body of the wrong kind or with managedFields, 500 for
   * a body that does not fit the schema, 409 for conflicts unless force.
   */
  apply(live: KubeObject | undefined, config: Record<string, unknown>, manager: string, force: boolean, now: string): { object: KubeObject } | { status: Status } {
    let managed: Managed;
    try {
      managed = decodeManagedFields(live?.metadata.managedFields);
    } catch (err) {
      return { status: serverError(`failed to decode managed fields: ${err instanceof ManagedFieldsError ? err.message : String(err)}`) };
    }
    const gvk = configGroupVersionKind(config);
    const [group, version] = splitApiVersion(this.opts.apiVersion) ?? ['', ''];
    if (gvk.group !== group || gvk.version !== version || gvk.kind !== this.opts.kind) {
      return { status: badRequest(`invalid object type: ${gvk.group}/${gvk.version}, Kind=${gvk.kind}`) };
    }
    const copy = (): Managed => ({ fields: new Map(managed.fields), times: new Map(managed.times) });
    let result = this.applyTracked(live, copy(), config, manager, force, now);
    if ('conflicts' in result && manager === 'kubectl') {
      const allowed = allowedConflicts(live, this.opts.apiVersion, this.atom);
      if (allowed) {
        const remaining = result.conflicts.filter((c) => !allowed.has(c.path));
        result = remaining.length > 0 ? { conflicts: remaining } : this.applyTracked(live, copy(), config, manager, true, now);
      }
    }
    if ('conflicts' in result) return { status: conflictStatus(result.conflicts) };
    if ('status' in result) return result;
    if (manager === 'kubectl') refreshLastApplied(result.object, config);
    return { object: withManagedFields(result.object, result.managed) };
  }

  /** decodeLiveOrNew picks the managed fields an update starts from. */
  private decodeLiveOrNew(live: KubeObject | undefined, next: KubeObject): Managed {
    if (this.subresource) return decodeLive(live);
    if (isResetManagedFields(next.metadata.managedFields)) return emptyManaged();
    try {
      const managed = decodeManagedFields(next.metadata.managedFields);
      return managed.fields.size > 0 ? managed : decodeLive(live);
    } catch {
      return decodeLive(live);
    }
  }

  /** trackUpdate records an update under a stand-in manager, then folds what it changed into manager's entry with a fresh time. */
  private trackUpdate(liveValue: unknown, newValue: unknown, managed: Managed, manager: string, now: string): void {
    const id = this.identifier(manager, 'Update');
    const self = 'current-operation';
    managed.fields = this.updater.update(liveValue, newValue, this.opts.apiVersion, managed.fields, self);
    stripMeta(managed, self);
    const changed = managed.fields.get(self);
    if (changed) {
      managed.fields.delete(self);
      const previous = managed.fields.get(id);
      managed.fields.set(id, previous ? { ...changed, set: changed.set.union(previous.set) } : changed);
      managed.times.set(id, now);
    }
    capUpdateManagers(managed);
  }

  private applyTracked(live: KubeObject | undefined, managed: Managed, config: Record<string, unknown>, manager: string, force: boolean, now: string): ApplyResult {
    const liveValue = live ? withoutManagedFields(live) : undefined;
    if (managed.fields.size === 0) this.trackUpdate(zeroObject(this.opts.model), liveValue ?? zeroObject(this.opts.model), managed, 'before-first-apply', now);
    const meta = config.metadata;
    if (isMap(meta) && Array.isArray(meta.managedFields)) return { status: badRequest('metadata.managedFields must be nil') };
    const errs = validate(config, this.atom);
    if (errs.length > 0) {
      const name = isMap(meta) ? `${str(meta.namespace)}/${str(meta.name)}` : '/';
      const [group, version] = splitApiVersion(this.opts.apiVersion) ?? ['', ''];
      return { status: serverError(`failed to create typed patch object (${name}; ${group}/${version}, Kind=${this.opts.kind}): ${validationErrorsText(errs)}`) };
    }
    const id = this.identifier(manager, 'Apply');
    const r = this.updater.apply(liveValue, config, this.opts.apiVersion, managed.fields, id, force);
    if ('conflicts' in r) return r;
    managed.fields = r.managers;
    stripMeta(managed, id);
    if (r.object === undefined) return { object: structuredClone(liveValue ?? { metadata: {} }), managed };
    managed.times.set(id, now);
    return { object: dropNulls(r.object) as KubeObject, managed };
  }

  private identifier(manager: string, operation: 'Apply' | 'Update'): string {
    const key = `${operation}\u0000${manager}`;
    let id = this.identifiers.get(key);
    if (id === undefined) {
      id = buildManagerIdentifier({ manager: manager || 'unknown', operation, apiVersion: this.opts.apiVersion, subresource: this.subresource });
      if (this.identifiers.size < MAX_IDENTIFIERS) this.identifiers.set(key, id);
    }
    return id;
  }
}

/** managerOrUserAgent is the manager an update is recorded under: fieldManager, else the user agent up to its first `/`, printable and at most 128 bytes. */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const agent = userAgent ?? '';
  let manager = agentManagers.get(agent);
  if (manager === undefined) {
    manager = agentManager(agent);
    if (agent.length <= MAX_REMEMBERED_AGENT) {
      if (agentManagers.size >= MAX_IDENTIFIERS) agentManagers.clear();
      agentManagers.set(agent, manager);
    }
  }
  return manager;
}

/** agentManagers are the managers of the user agents seen lately, up to MAX_REMEMBERED_AGENT long: clients send the same few. */
const agentManagers = new Map<string, string>();
const MAX_REMEMBERED_AGENT = 256;

/** agentManager is a user agent's product name, printable and at most 128 bytes. */
function agentManager(userAgent: string): string {
  let out = '';
  let bytes = 0;
  for (const ch of userAgent.split('/')[0]) {
    if (NOT_PRINTABLE.test(ch)) continue;
    const size = utf8Length(ch);
    if (bytes + size > 128) break;
    out += ch;
    bytes += size;
  }
  return out;
}

function stripMeta(managed: Managed, id: string): void {
  const vs = managed.fields.get(id);
  if (!vs) return;
  const set = vs.set.difference(STRIPPED);
  if (set.isEmpty()) managed.fields.delete(id);
  else managed.fields.set(id, { ...vs, set });
}

/** capUpdateManagers merges the oldest Update entries into one "ancient-changes" entry per version until at most ten remain (capmanagers.go). */
function capUpdateManagers(managed: Managed): void {
  if (managed.fields.size <= MAX_UPDATE_MANAGERS) return;
  const updaters = [...managed.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  const secs = (id: string): number => {
    const t = managed.times.get(id);
    return t ? Math.floor(Date.parse(t) / 1000) : 0;
  };
  updaters.sort((a, b) => secs(a) - secs(b) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i];
    const vs = managed.fields.get(id);
    if (!vs) continue;
    const bucket = buildManagerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstOfVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!managed.fields.has(bucket)) {
      const firstSet = managed.fields.get(first);
      managed.fields.delete(first);
      if (firstSet) managed.fields.set(bucket, firstSet);
    }
    const into = managed.fields.get(bucket);
    managed.fields.set(bucket, { ...vs, set: into ? vs.set.union(into.set) : vs.set });
    managed.fields.delete(id);
    length--;
    managed.times.set(bucket, managed.times.get(id));
  }
}

/** decodeLive is the live object's managed fields, or none when they do not decode. */
function decodeLive(live: KubeObject | undefined): Managed {
  try {
    return decodeManagedFields(live?.metadata.managedFields);
  } catch {
    return emptyManaged();
  }
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function withManagedFields(obj: KubeObject, managed: Managed): KubeObject {
  const entries = encodeManagedFields(managed);
  const { managedFields: _old, ...metadata } = obj.metadata;
  return { ...obj, metadata: entries ? { ...metadata, managedFields: entries } : metadata };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** splitApiVersion is schema.ParseGroupVersion: `v1` → ['', 'v1'], `apps/v1` → ['apps', 'v1'], more slashes → undefined. */
function splitApiVersion(apiVersion: string): [string, string] | undefined {
  if (apiVersion === '' || apiVersion === '/') return ['', ''];
  const parts = apiVersion.split('/');
  if (parts.length === 1) return ['', parts[0]];
  if (parts.length === 2) return [parts[0], parts[1]];
  return undefined;
}

/** configGroupVersionKind is Unstructured.GroupVersionKind(): empty when apiVersion does not parse. */
function configGroupVersionKind(config: Record<string, unknown>): { group: string; version: string; kind: string } {
  const gv = splitApiVersion(str(config.apiVersion));
  if (!gv) return { group: '', version: '', kind: '' };
  return { group: gv[0], version: gv[1], kind: str(config.kind) };
}
