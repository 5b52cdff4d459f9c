/**
 * claimSpec validates a PersistentVolumeClaimSpec as core/validation's
 * ValidatePersistentVolumeClaimSpec does, for claims and for the claim templates
 * of ephemeral volumes (ValidatePersistentVolumeClaimTemplate).
 */
import { type FieldError, forbidden, invalidValue, notSupported, required } from '../../fieldErrors';
import { arr, has, isObj, obj, str } from '../fields';
import { validateLabelSelector, validateLabels } from '../labels';
import { isDNS1123Label, isDNS1123Subdomain } from '../names';
import { validateAnnotations } from '../objectMeta';
import { formatQuantity } from '../quantities';
import { quantityOf, validateResourceQuantityValue } from './resources';

/** ACCESS_MODES is supportedAccessModes as sets.List sorts it. */
export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
/** VOLUME_MODES is supportedVolumeModes as sets.List sorts it. */
export const VOLUME_MODES = ['Block', 'Filesystem'];

/** validateAccessModes checks each mode is supported and ReadWriteOncePod stands alone. */
export function validateAccessModes(modes: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let rwop = false;
  let other = false;
  for (const m of arr(modes).map(str)) {
    if (!ACCESS_MODES.includes(m)) errs.push(notSupported(path, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** validateClassName is ValidateClassName: a DNS subdomain. */
export function validateClassName(name: string, path: string): FieldError[] {
  return isDNS1123Subdomain(name).map((m) => invalidValue(path, name, m));
}

function validateDataSource(ref: unknown, path: string, withNamespace: boolean): FieldError[] {
  const r = obj(ref);
  const errs: FieldError[] = [];
  if (!str(r.name)) errs.push(required(`${path}.name`));
  if (!str(r.kind)) errs.push(required(`${path}.kind`));
  const apiGroup = str(r.apiGroup);
  if (!apiGroup && r.kind !== 'PersistentVolumeClaim') errs.push(invalidValue(path, str(r.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  if (apiGroup) for (const m of isDNS1123Subdomain(apiGroup)) errs.push(invalidValue(`${path}.apiGroup`, apiGroup, m));
  if (withNamespace && str(r.namespace)) {
    for (const m of isDNS1123Label(str(r.namespace))) errs.push(invalidValue(`${path}.namespace`, str(r.namespace), m));
  }
  return errs;
}

/** validatePersistentVolumeClaimSpec is ValidatePersistentVolumeClaimSpec. */
export function validatePersistentVolumeClaimSpec(spec: unknown, path: string): FieldError[] {
  const s = obj(spec);
  const errs: FieldError[] = [];
  if (arr(s.accessModes).length === 0) errs.push(required(`${path}.accessModes`, 'at least 1 access mode is required'));
  errs.push(...validateLabelSelector(s.selector, `${path}.selector`));
  errs.push(...validateAccessModes(s.accessModes, `${path}.accessModes`));
  const requests = obj(obj(s.resources).requests);
  const storagePath = `${path}.resources[storage]`;
  if (!('storage' in requests)) errs.push(required(storagePath));
  else {
    const q = quantityOf(requests.storage, storagePath, errs);
    if (q && q.value <= 0n) errs.push(invalidValue(storagePath, formatQuantity(q), 'must be greater than zero'));
    else if (q) errs.push(...validateResourceQuantityValue('storage', q, storagePath));
  }
  if (str(s.storageClassName)) errs.push(...validateClassName(str(s.storageClassName), `${path}.storageClassName`));
  if (has(s.volumeMode) && !VOLUME_MODES.includes(str(s.volumeMode))) errs.push(notSupported(`${path}.volumeMode`, s.volumeMode, VOLUME_MODES));
  if (has(s.dataSource)) errs.push(...validateDataSource(s.dataSource, `${path}.dataSource`, false));
  if (has(s.dataSourceRef)) errs.push(...validateDataSource(s.dataSourceRef, `${path}.dataSourceRef`, true));
  const refNamespace = str(obj(s.dataSourceRef).namespace);
  if (refNamespace) {
    if (has(s.dataSource)) errs.push(invalidValue(path, `${path}.dataSource`, 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (has(s.dataSource) && has(s.dataSourceRef)) {
    const a = obj(s.dataSource);
    const b = obj(s.dataSourceRef);
    if (str(a.apiGroup) !== str(b.apiGroup) || has(a.apiGroup) !== has(b.apiGroup) || str(a.kind) !== str(b.kind) || str(a.name) !== str(b.name)) {
      errs.push(invalidValue(path, `${path}.dataSource`, 'must match dataSourceRef'));
    }
  }
  if (str(s.volumeAttributesClassName)) errs.push(...validateClassName(str(s.volumeAttributesClassName), `${path}.volumeAttributesClassName`));
  return errs;
}

/** The ObjectMeta fields a template may not set, with the names upstream's reflection gives them. */
const TEMPLATE_FORBIDDEN_META: [string, string][] = [
  ['name', 'name'], ['generateName', 'generateName'], ['namespace', 'namespace'], ['selfLink', 'selfLink'], ['uid', 'uID'],
  ['resourceVersion', 'resourceVersion'], ['generation', 'generation'], ['creationTimestamp', 'creationTimestamp'],
  ['deletionTimestamp', 'deletionTimestamp'], ['deletionGracePeriodSeconds', 'deletionGracePeriodSeconds'],
  ['ownerReferences', 'ownerReferences'], ['finalizers', 'finalizers'], ['managedFields', 'managedFields'],
];

/** validatePersistentVolumeClaimTemplate is ValidatePersistentVolumeClaimTemplate: labels and annotations only, and a valid spec. */
export function validatePersistentVolumeClaimTemplate(template: unknown, path: string): FieldError[] {
  const t = obj(template);
  const meta = obj(t.metadata);
  const errs = validateAnnotations(meta.annotations, `${path}.metadata.annotations`);
  errs.push(...validateLabels(meta.labels, `${path}.metadata.labels`));
  for (const [key, goName] of TEMPLATE_FORBIDDEN_META) {
    const v = meta[key];
    const set = Array.isArray(v) ? v.length > 0 : isObj(v) ? Object.keys(v).length > 0 : v !== undefined && v !== null && v !== '' && v !== 0;
    if (set) errs.push(forbidden(`${path}.metadata.${goName}`, 'cannot be set'));
  }
  errs.push(...validatePersistentVolumeClaimSpec(t.spec, `${path}.spec`));
  return errs;
}
