/**
 * controllerHistory is upstream's pkg/controller/history: a workload's past
 * templates kept as ControllerRevisions (named `<parent>-<hash>`, labelled with
 * the hash, owned by the parent), used by the StatefulSet and DaemonSet
 * controllers to tell current pods from updated ones and to roll back.
 */
import { controllerOf } from '../api/meta';
import { fromLabelSelector, matches } from '../api/labels';
import type { ControllerRevision, KubeObject, LabelSelector, Status } from '../api/types';
import { isStatus } from '../api/types';
import type { Informer } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { CONTROLLER_REVISIONS } from '../client/resources';
import { safeEncodeString } from '../random';

/** CONTROLLER_REVISION_HASH_LABEL is ControllerRevisionHashLabel: the hash of a revision's data. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

/** UPDATE_ATTEMPTS bounds update's retries on conflict, as retry.DefaultBackoff's four steps (plus the first try). */
const UPDATE_ATTEMPTS = 5;

/** fnv32 is FNV-1 (not 1a) over a string's UTF-8 bytes: upstream hashes revisions with fnv.New32. */
export function fnv32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h ^= byte;
  }
  return h >>> 0;
}

/** sortedKeys is a JSON.stringify replacer that writes every object's keys in order, as Go's encoding of a map does. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * revisionData is a revision's Data.Raw: its data as JSON with sorted keys. The
 * controllers build data by marshalling maps, which Go writes in key order, so
 * the same template gives the same bytes however the object came back from the API.
 */
export function revisionData(data: unknown): string {
  return data === undefined ? '' : JSON.stringify(data, sortedKeys);
}

/** controllerRevisionName is ControllerRevisionName: `prefix-hash`, the prefix cut to 223 bytes so the name fits 253. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/**
 * hashControllerRevision is HashControllerRevision: FNV-1 32 of the revision's
 * data, then the decimal collision probe if one is given (0 counts), safe-encoded.
 */
export function hashControllerRevision(revision: ControllerRevision, probe?: number): string {
  return safeEncodeString(String(fnv32(revisionData(revision.data) + (probe === undefined ? '' : String(probe)))));
}

/**
 * newControllerRevision is NewControllerRevision: a revision of data owned by
 * parent, labelled with templateLabels and its hash, named `<parent>-<hash>`.
 */
export function newControllerRevision(
  parent: KubeObject,
  parentKind: { apiVersion: string; kind: string },
  templateLabels: Record<string, string> | undefined,
  data: unknown,
  revision: number,
  collisionCount?: number,
): ControllerRevision {
  const cr: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      namespace: parent.metadata.namespace,
      labels: { ...templateLabels },
      ownerReferences: [{ apiVersion: parentKind.apiVersion, kind: parentKind.kind, name: parent.metadata.name ?? '', uid: parent.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    data,
    revision,
  };
  const hash = hashControllerRevision(cr, collisionCount);
  cr.metadata.name = controllerRevisionName(parent.metadata.name ?? '', hash);
  (cr.metadata.labels as Record<string, string>)[CONTROLLER_REVISION_HASH_LABEL] = hash;
  return cr;
}

/** sortControllerRevisions is SortControllerRevisions: by revision, then creation time, then name; it returns a sorted copy. */
export function sortControllerRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    if (ta !== tb) return ta - tb;
    const na = a.metadata.name ?? '';
    const nb = b.metadata.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/** labelHash reads the hash label as strconv.ParseInt(hs, 10, 32) does; most safe-encoded hashes hold letters and do not parse. */
function labelHash(r: ControllerRevision): number | undefined {
  const hs = r.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  if (hs === undefined || !/^[+-]?\d+$/.test(hs)) return undefined;
  const n = Number(hs);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n >>> 0 : undefined;
}

/** equalRevision is EqualRevision: both missing, or the same data (revisions whose numeric hash labels differ are never equal). */
export function equalRevision(a: ControllerRevision | undefined, b: ControllerRevision | undefined): boolean {
  if (!a || !b) return a === b;
  const ha = labelHash(a);
  const hb = labelHash(b);
  if (ha !== undefined && hb !== undefined && ha !== hb) return false;
  return revisionData(a.data) === revisionData(b.data);
}

/** findEqualRevisions is FindEqualRevisions: the revisions equal to needle, in their order. */
export function findEqualRevisions(revisions: readonly ControllerRevision[], needle: ControllerRevision): ControllerRevision[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/** nextRevision is one more than the highest revision, 1 for none. */
export function nextRevision(revisions: readonly ControllerRevision[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
}

/**
 * ControllerHistory is history.Interface over the API. Reads come from the
 * ControllerRevision informer given to the constructor (the lister upstream
 * reads); writes go to the API server with the controller's own client.
 */
export class ControllerHistory {
  constructor(private readonly client: KubeClient, private readonly revisions: Informer<ControllerRevision>) {}

  /**
   * list is ListControllerRevisions: the namespace's revisions matching selector;
   * given parent, only those it controls or that no one controls (so they can be adopted).
   */
  list(namespace: string, selector: LabelSelector, parent?: KubeObject): ControllerRevision[] {
    const sel = fromLabelSelector(selector);
    if (!sel) return [];
    return this.revisions.list().filter((r) => {
      if (r.metadata.namespace !== namespace || !matches(sel, r.metadata.labels)) return false;
      if (!parent) return true;
      const ref = controllerOf(r);
      return !ref || ref.uid === parent.metadata.uid;
    });
  }

  /**
   * create is CreateControllerRevision: it names the revision by its hash with
   * collisionCount as probe; when the name is taken by a revision with other
   * data, collisionCount goes up and it tries again. An existing revision with
   * the same data is returned as is. It answers with the API's Status on failure.
   */
  async create(parent: KubeObject, revision: ControllerRevision, collisionCount: number): Promise<{ revision: ControllerRevision; collisionCount: number } | Status> {
    const namespace = parent.metadata.namespace ?? '';
    for (let count = collisionCount; ; count++) {
      const clone: ControllerRevision = structuredClone(revision);
      clone.metadata.name = controllerRevisionName(parent.metadata.name ?? '', hashControllerRevision(revision, count));
      clone.metadata.namespace = namespace;
      const created = await this.client.create(CONTROLLER_REVISIONS, clone);
      if (!isStatus(created)) return { revision: created, collisionCount: count };
      if (created.reason !== 'AlreadyExists') return created;
      const exists = await this.client.get<ControllerRevision>(CONTROLLER_REVISIONS, namespace, clone.metadata.name);
      if (isStatus(exists)) return exists;
      if (revisionData(exists.data) === revisionData(clone.data)) return { revision: exists, collisionCount: count };
    }
  }

  /**
   * update is UpdateControllerRevision: it sets the revision number, re-reading
   * the object and trying again on a conflict, a few times as RetryOnConflict.
   */
  async update(revision: ControllerRevision, newRevision: number): Promise<ControllerRevision | Status> {
    let clone: ControllerRevision = structuredClone(revision);
    let last: Status | undefined;
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      if (clone.revision === newRevision) return clone;
      const updated = await this.client.update(CONTROLLER_REVISIONS, { ...clone, revision: newRevision });
      if (!isStatus(updated)) return updated;
      if (updated.code !== 409) return updated;
      last = updated;
      const fresh = await this.client.get<ControllerRevision>(CONTROLLER_REVISIONS, clone.metadata.namespace ?? '', clone.metadata.name ?? '');
      if (isStatus(fresh)) return fresh;
      clone = fresh;
    }
    return last as Status;
  }

  /** delete is DeleteControllerRevision. */
  async delete(revision: ControllerRevision): Promise<Status | undefined> {
    const res = await this.client.delete(CONTROLLER_REVISIONS, revision.metadata.namespace ?? '', revision.metadata.name ?? '');
    return isStatus(res) && res.status === 'Failure' ? res : undefined;
  }

  /** adopt is AdoptControllerRevision: it makes parent the controller of an orphaned revision, refusing one already owned. */
  async adopt(parent: KubeObject, parentKind: { apiVersion: string; kind: string }, revision: ControllerRevision): Promise<ControllerRevision | Status> {
    const owner = controllerOf(revision);
    if (owner) return adoptRefused(revision, `attempt to adopt revision owned by ${JSON.stringify(owner)}`);
    const patch = {
      metadata: {
        ownerReferences: [{ apiVersion: parentKind.apiVersion, kind: parentKind.kind, name: parent.metadata.name ?? '', uid: parent.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
        uid: revision.metadata.uid,
      },
    };
    return this.client.patch<ControllerRevision>(CONTROLLER_REVISIONS, parent.metadata.namespace ?? '', revision.metadata.name ?? '', patch, 'application/strategic-merge-patch+json');
  }

  /**
   * release is ReleaseControllerRevision: it drops parent's owner reference. A
   * revision already gone or no longer owned is not an error (undefined).
   */
  async release(parent: KubeObject, revision: ControllerRevision): Promise<ControllerRevision | Status | undefined> {
    const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: parent.metadata.uid }], uid: revision.metadata.uid } };
    const res = await this.client.patch<ControllerRevision>(CONTROLLER_REVISIONS, revision.metadata.namespace ?? '', revision.metadata.name ?? '', patch, 'application/strategic-merge-patch+json');
    if (isStatus(res) && (res.code === 404 || res.code === 422)) return undefined;
    return res;
  }
}

/** adoptRefused is the error upstream returns, as a Status so callers handle it like any failed call. */
function adoptRefused(revision: ControllerRevision, message: string): Status {
  return {
    apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 409, reason: 'Conflict', message,
    details: { name: revision.metadata.name, group: 'apps', kind: 'controllerrevisions' },
  };
}
