/**
 * persistentVolume validates PersistentVolumes and PersistentVolumeClaims as
 * core/validation's ValidatePersistentVolume(Update|StatusUpdate) and
 * ValidatePersistentVolumeClaim(Update|StatusUpdate) do (metadata aside).
 */
import type { KubeObject } from '../../../api/types';
import { type FieldError, forbidden, invalidValue, notSupported, required } from '../../fieldErrors';
import { arr, has, obj, str } from '../fields';
import { semanticEqual } from '../generic';
import { cmpQuantity, formatQuantity } from '../quantities';
import { VOLUME_MODES, validateAccessModes, validateClassName, validatePersistentVolumeClaimSpec } from './claimSpec';
import { quantityOf } from './resources';
import { validateNodeSelector } from './scheduling';
import { validateCSIDriverName, validateHostPath, validateNFS } from './volumes';

const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

/** The persistent volume sources, in ValidatePersistentVolumeSpec's order, with the fields each requires. */
const PV_SOURCES: [string, string[]][] = [
  ['hostPath', []], ['gcePersistentDisk', ['pdName']], ['awsElasticBlockStore', ['volumeID']], ['glusterfs', ['endpoints', 'path']],
  ['flocker', []], ['nfs', []], ['rbd', ['monitors', 'image']], ['quobyte', ['volume']], ['cephfs', ['monitors']], ['iscsi', ['targetPortal', 'iqn']],
  ['cinder', ['volumeID']], ['fc', []], ['flexVolume', ['driver']], ['azureFile', ['secretName', 'shareName']], ['vsphereVolume', ['volumePath']],
  ['photonPersistentDisk', ['pdID']], ['portworxVolume', ['volumeID']], ['azureDisk', ['diskName', 'diskURI']], ['scaleIO', ['gateway', 'system', 'volumeName']],
  ['local', ['path']], ['storageos', ['volumeName']], ['csi', ['volumeHandle']],
];
const PV_SOURCE_KEYS = PV_SOURCES.map(([k]) => k);

function validatePVSource(spec: Record<string, unknown>, hasNodeAffinity: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const [key, fields] of PV_SOURCES) {
    if (!has(spec[key])) continue;
    // flexVolume is counted but never reported as a second source upstream.
    if (count > 0 && key !== 'flexVolume') {
      errs.push(forbidden(`spec.${key}`, 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    const source = obj(spec[key]);
    const p = `spec.${key}`;
    if (key === 'hostPath') errs.push(...validateHostPath(source, p));
    else if (key === 'nfs') errs.push(...validateNFS(source, p));
    else if (key === 'csi') errs.push(...validateCSIDriverName(str(source.driver), `${p}.driver`));
    for (const f of fields) if (Array.isArray(source[f]) ? source[f].length === 0 : !str(source[f])) errs.push(required(`${p}.${f}`));
    if (key === 'local' && !hasNodeAffinity) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (count === 0) errs.push(required('spec', 'must specify a volume type'));
  return errs;
}

/** validatePersistentVolume is ValidatePersistentVolumeSpec for a PersistentVolume object. */
export function validatePersistentVolume(pv: KubeObject): FieldError[] {
  const spec = obj(pv.spec);
  const errs: FieldError[] = [];
  if (arr(spec.accessModes).length === 0) errs.push(required('spec.accessModes'));
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes'));
  const capacity = obj(spec.capacity);
  const names = Object.keys(capacity);
  if (names.length === 0) errs.push(required('spec.capacity'));
  if (!('storage' in capacity) || names.length > 1) errs.push(notSupported('spec.capacity', capacity, ['storage']));
  for (const name of names) {
    const p = `spec.capacity[${name}]`;
    const q = quantityOf(capacity[name], p, errs);
    if (!q) continue;
    if (q.value < 0n) errs.push(invalidValue(p, Number(q.value), 'must be a valid resource quantity'));
    if (q.value <= 0n) errs.push(invalidValue(p, formatQuantity(q), 'must be greater than zero'));
  }
  const policy = str(spec.persistentVolumeReclaimPolicy);
  if (policy && !RECLAIM_POLICIES.includes(policy)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, RECLAIM_POLICIES));
  let hasNodeAffinity = false;
  if (has(spec.nodeAffinity)) {
    hasNodeAffinity = true;
    const required_ = obj(spec.nodeAffinity).required;
    if (has(required_)) errs.push(...validateNodeSelector(required_, 'spec.nodeAffinity.required'));
    else errs.push(required('spec.nodeAffinity.required', 'must specify required node constraints'));
  }
  errs.push(...validatePVSource(spec, hasNodeAffinity));
  const hostPath = str(obj(spec.hostPath).path);
  if (has(spec.hostPath) && hostPath.replace(/\/+$/, '') === '' && hostPath.startsWith('/') && policy === 'Recycle') {
    errs.push(forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
  }
  if (str(spec.storageClassName)) errs.push(...validateClassName(str(spec.storageClassName), 'spec.storageClassName'));
  if (has(spec.volumeMode) && !VOLUME_MODES.includes(str(spec.volumeMode))) errs.push(notSupported('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
  if (has(spec.volumeAttributesClassName)) {
    const name = str(spec.volumeAttributesClassName);
    if (!name) errs.push(required('spec.volumeAttributesClassName', 'an empty string is disallowed'));
    else errs.push(...validateClassName(name, 'spec.volumeAttributesClassName'));
    if (!has(spec.csi)) errs.push(required('spec.csi', 'has to be specified when using volumeAttributesClassName'));
  }
  return errs;
}

/** pvSource is the PersistentVolumeSource part of a PV spec (its one source). */
function pvSource(spec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(PV_SOURCE_KEYS.filter((k) => has(spec[k])).map((k) => [k, spec[k]]));
}

/** validatePersistentVolumeUpdate is ValidatePersistentVolumeUpdate: the source, volume mode and node affinity are fixed. */
export function validatePersistentVolumeUpdate(pv: KubeObject, old: KubeObject): FieldError[] {
  const errs = validatePersistentVolume(pv);
  const spec = obj(pv.spec);
  const prev = obj(old.spec);
  const source = pvSource(spec);
  const oldSource = pvSource(prev);
  // Adding a controllerExpandSecretRef to a CSI volume is allowed.
  if (has(oldSource.csi) && has(source.csi) && !has(obj(oldSource.csi).controllerExpandSecretRef)) {
    source.csi = { ...obj(source.csi) };
    delete (source.csi as Record<string, unknown>).controllerExpandSecretRef;
  }
  if (!semanticEqual(source, oldSource)) {
    errs.push(forbidden('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${JSON.stringify(oldSource)} -> ${JSON.stringify(source)}`));
  }
  // Upstream names these two without their spec prefix.
  if (!semanticEqual(spec.volumeMode, prev.volumeMode)) errs.push(invalidValue('volumeMode', spec.volumeMode ?? null, 'field is immutable'));
  if (has(prev.nodeAffinity) && !semanticEqual(spec.nodeAffinity, prev.nodeAffinity)) {
    errs.push(invalidValue('nodeAffinity', spec.nodeAffinity ?? null, 'field is immutable, except for updating from beta label to GA'));
  }
  if (has(prev.volumeAttributesClassName) && !has(spec.volumeAttributesClassName)) {
    errs.push(forbidden('spec.volumeAttributesClassName', 'update from non-nil value to nil is forbidden'));
  }
  return errs;
}

/** validatePersistentVolumeClaim is ValidatePersistentVolumeClaim (metadata aside). */
export function validatePersistentVolumeClaim(pvc: KubeObject): FieldError[] {
  return validatePersistentVolumeClaimSpec(pvc.spec, 'spec');
}

const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

/**
 * validatePersistentVolumeClaimUpdate is ValidatePersistentVolumeClaimUpdate: a
 * claim's spec is fixed, but for its volumeName (set once), its storage request
 * (which may grow when bound) and a storage class given to a claim without one.
 */
export function validatePersistentVolumeClaimUpdate(pvc: KubeObject, old: KubeObject): FieldError[] {
  const errs = validatePersistentVolumeClaim(pvc);
  const spec = { ...obj(pvc.spec) };
  const prev = { ...obj(old.spec) };
  if (!str(prev.volumeName)) prev.volumeName = spec.volumeName;
  const oldAnnotation = obj(obj(old.metadata).annotations)[BETA_STORAGE_CLASS];
  const newAnnotation = obj(obj(pvc.metadata).annotations)[BETA_STORAGE_CLASS];
  if (str(newAnnotation) !== str(oldAnnotation)) {
    errs.push(invalidValue(`metadata.annotations.${BETA_STORAGE_CLASS}`, str(newAnnotation), 'field is immutable'));
  }
  if (!has(prev.storageClassName) && has(spec.storageClassName) && (oldAnnotation === undefined || oldAnnotation === spec.storageClassName)) {
    prev.storageClassName = spec.storageClassName;
  }
  const bound = str(obj(pvc.status).phase) === 'Bound';
  if (bound) {
    const resources = obj(spec.resources);
    spec.resources = { ...resources, requests: { ...obj(resources.requests), storage: obj(obj(prev.resources).requests).storage } };
    spec.volumeAttributesClassName = prev.volumeAttributesClassName;
  }
  if (!semanticEqual(spec, prev)) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const size = quantityOf(obj(obj(obj(pvc.spec).resources).requests).storage ?? '0', 'spec.resources.requests.storage', []);
  const oldSize = quantityOf(obj(obj(prev.resources).requests).storage ?? '0', 'spec.resources.requests.storage', []);
  const statusSize = quantityOf(obj(obj(old.status).capacity).storage ?? '0', 'status.capacity.storage', []);
  if (size && oldSize && statusSize && cmpQuantity(size, oldSize) < 0 && cmpQuantity(size, statusSize) <= 0) {
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  if (!semanticEqual(obj(pvc.spec).volumeMode, obj(old.spec).volumeMode)) errs.push(invalidValue('volumeMode', obj(pvc.spec).volumeMode ?? null, 'field is immutable'));
  return errs;
}

/** validatePersistentVolumeClaimStatusUpdate is ValidatePersistentVolumeClaimStatusUpdate (metadata aside). */
export function validatePersistentVolumeClaimStatusUpdate(pvc: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  // Upstream spells this path with a capital S.
  if (arr(obj(pvc.spec).accessModes).length === 0) errs.push(required('Spec.accessModes'));
  for (const [name, value] of Object.entries(obj(obj(pvc.status).capacity))) {
    const p = `status.capacity[${name}]`;
    const q = quantityOf(value, p, errs);
    if (q && q.value < 0n) errs.push(invalidValue(p, Number(q.value), 'must be a valid resource quantity'));
  }
  return errs;
}
