/**
 * scaleHandler translates managed fields between a resource and its `scale`
 * subresource, as upstream's managedfields.ScaleHandler does: the Scale's field
 * manager sees the parent's owners of the spec replicas field as owners of the
 * Scale's `.spec.replicas` (in autoscaling/v1), and what it records goes back to
 * the parent under the parent's version and replicas path.
 */
import { FieldSet, type Path } from './fieldSet';
import { type ManagedFieldsEntry, decodeManagedFields, emptyManaged, encodeManagedFields } from './managedFields';
import { fieldElement } from './pathElement';

/** SCALE_GROUP_VERSION is the version the Scale's managed fields are recorded in. */
export const SCALE_GROUP_VERSION = 'autoscaling/v1';

const REPLICAS_IN_SCALE: Path = [fieldElement('spec'), fieldElement('replicas')];

/** ReplicasPaths maps the parent's group/versions to their spec replicas path; null for a version without a scale subresource. */
export type ReplicasPaths = ReadonlyMap<string, Path | null>;

/** replicasPaths reads JSON paths (`.spec.replicas`) by group/version into field paths. */
export function replicasPaths(byVersion: Readonly<Record<string, string | null>>): ReplicasPaths {
  const out = new Map<string, Path | null>();
  for (const [gv, jsonPath] of Object.entries(byVersion)) {
    out.set(gv, jsonPath === null ? null : jsonPath.split('.').filter((f) => f !== '').map(fieldElement));
  }
  return out;
}

/**
 * toSubresource is ScaleHandler.ToSubresource: the parent's entries that own the
 * replicas path of their version, each as an autoscaling/v1 entry owning
 * `.spec.replicas`; entries of versions without a mapping are left out. It throws
 * ManagedFieldsError when the parent's entries do not decode.
 */
export function toSubresource(parentEntries: unknown, mappings: ReplicasPaths): ManagedFieldsEntry[] | undefined {
  const parent = decodeManagedFields(parentEntries);
  const out = emptyManaged();
  for (const [id, vs] of parent.fields) {
    const path = mappings.get(vs.apiVersion);
    if (!path || !vs.set.has(path)) continue;
    out.fields.set(id, { set: FieldSet.of(REPLICAS_IN_SCALE), apiVersion: SCALE_GROUP_VERSION, applied: vs.applied });
    out.times.set(id, parent.times.get(id));
  }
  return encodeManagedFields(out);
}

/**
 * toParent is ScaleHandler.ToParent: the parent's entries with the replicas path
 * taken from the managers the Scale no longer lists (an entry left with nothing is
 * dropped), entries of unknown versions dropped, and each Scale manager that owns
 * `.spec.replicas` added in the parent's version (groupVersion) with its replicas
 * path. A manager new to the parent gets no time, as upstream's handler reads the
 * time from the parent's entries.
 */
export function toParent(parentEntries: unknown, scaleEntries: unknown, groupVersion: string, mappings: ReplicasPaths): ManagedFieldsEntry[] | undefined {
  const parent = decodeManagedFields(parentEntries);
  const scaleFields = new Map(decodeManagedFields(scaleEntries).fields);
  const out = emptyManaged();
  const keep = (id: string, set: FieldSet, apiVersion: string, applied: boolean): void => {
    out.fields.set(id, { set, apiVersion, applied });
    out.times.set(id, parent.times.get(id));
  };
  for (const [id, vs] of parent.fields) {
    const path = mappings.get(vs.apiVersion);
    if (path === undefined) continue;
    if (path === null || !vs.set.has(path)) {
      keep(id, vs.set, vs.apiVersion, vs.applied);
    } else if (!scaleFields.has(id)) {
      const rest = vs.set.difference(FieldSet.of(path));
      if (!rest.isEmpty()) keep(id, rest, vs.apiVersion, vs.applied);
    } else {
      keep(id, vs.set, vs.apiVersion, vs.applied);
      scaleFields.delete(id);
    }
  }
  const parentPath = mappings.get(groupVersion);
  for (const [id, vs] of scaleFields) {
    if (!parentPath || !vs.set.has(REPLICAS_IN_SCALE)) continue;
    keep(id, FieldSet.of(parentPath), groupVersion, vs.applied);
  }
  return encodeManagedFields(out);
}
