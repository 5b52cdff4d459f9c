/**
 * status computes a CRD's status as apiextensions-apiserver's naming controller
 * and establishing controller do: NamesAccepted (False with PluralConflict,
 * SingularConflict, KindConflict or ListKindConflict when another CRD of the
 * group already uses a name), Established once names are accepted, and the
 * accepted names and stored versions.
 */
import type { Condition } from '../../api/types';
import { setCondition } from '../../api/meta';
import type { CustomResourceDefinition } from './types';

/** conflict names the first name of crd another CRD in its group already uses, as the naming controller checks them. */
function conflict(crd: CustomResourceDefinition, others: readonly CustomResourceDefinition[]): { reason: string; message: string } | undefined {
  const n = crd.spec.names;
  for (const o of others) {
    if (o.metadata.name === crd.metadata.name || o.spec.group !== crd.spec.group) continue;
    const taken = o.status?.acceptedNames ?? {};
    const used = [taken.plural, taken.singular, ...(taken.shortNames ?? [])];
    if (n.plural && used.includes(n.plural)) return { reason: 'PluralConflict', message: `"${n.plural}" is already in use` };
    if (n.singular && used.includes(n.singular)) return { reason: 'SingularConflict', message: `"${n.singular}" is already in use` };
    const shortName = (n.shortNames ?? []).find((s) => used.includes(s));
    if (shortName) return { reason: 'ShortNamesConflict', message: `"${shortName}" is already in use` };
    if (n.kind && (taken.kind === n.kind || taken.listKind === n.kind)) return { reason: 'KindConflict', message: `"${n.kind}" is already in use` };
    if (n.listKind && (taken.kind === n.listKind || taken.listKind === n.listKind)) return { reason: 'ListKindConflict', message: `"${n.listKind}" is already in use` };
  }
  return undefined;
}

/** crdStatus returns crd's new status given the other CRDs; now stamps changed conditions. */
export function crdStatus(crd: CustomResourceDefinition, others: readonly CustomResourceDefinition[], now: string): NonNullable<CustomResourceDefinition['status']> {
  const status = crd.status ?? {};
  let conditions: Condition[] = status.conditions ?? [];
  const set = (c: Omit<Condition, 'lastTransitionTime'>) => {
    conditions = setCondition(conditions, { ...c, lastTransitionTime: now });
  };
  const clash = conflict(crd, others);
  if (clash) {
    set({ type: 'NamesAccepted', status: 'False', reason: clash.reason, message: clash.message });
    if (!conditions.some((c) => c.type === 'Established' && c.status === 'True')) set({ type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' });
    return { ...status, conditions, acceptedNames: status.acceptedNames ?? {}, storedVersions: status.storedVersions ?? [] };
  }
  set({ type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
  set({ type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
  const storage = crd.spec.versions.find((v) => v.storage)?.name;
  const stored = status.storedVersions ?? [];
  return {
    ...status,
    conditions,
    acceptedNames: { ...crd.spec.names, singular: crd.spec.names.singular ?? crd.spec.names.kind?.toLowerCase() },
    storedVersions: storage && !stored.includes(storage) ? [...stored, storage] : stored,
  };
}

/** isEstablished reports whether the CRD's resources may be served. */
export function isEstablished(crd: CustomResourceDefinition): boolean {
  return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
}
