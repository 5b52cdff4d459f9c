/**
 * storage validates StorageClasses, CSIDrivers, CSINodes and VolumeAttachments
 * with the messages of pkg/apis/storage/validation/validation.go.
 */
import { type FieldError, duplicate, forbidden, invalidValue, notSupported, required } from '../fieldErrors';
import { validateCSIDriverName } from './core/volumes';
import { str, tooLong } from './fields';
import { entries, isSet, list, record, semanticEqual, validateImmutableField, validateNonnegativeField } from './generic';
import { isQualifiedName } from './labels';
import { isDNS1123Subdomain } from './names';
import type { CSIDriver, CSINode, StorageClass, VolumeAttachment } from './types/storage';

const MAX_PARAMETER_COUNT = 512;
const MAX_PARAMETER_SIZE = 256 * 1024;
const RECLAIM_POLICIES = ['Delete', 'Retain'];
const VOLUME_BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];

function qualifiedNameErrors(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((m) => invalidValue(path, value, m));
}

/** validateStorageClass is ValidateStorageClass (object meta aside): a provisioner, parameters in bounds, known policies. */
export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = str(sc.provisioner);
  if (provisioner === '') errs.push(required('provisioner'));
  else errs.push(...qualifiedNameErrors(provisioner.toLowerCase(), 'provisioner'));
  const params = entries(sc.parameters);
  if (params.length > MAX_PARAMETER_COUNT) {
    errs.push(tooLong('parameters', MAX_PARAMETER_COUNT));
  } else {
    let size = 0;
    for (const [k, v] of params) {
      if (k.length < 1) errs.push(invalidValue('parameters', k, 'field can not be empty.'));
      size += k.length + String(v).length;
    }
    if (size > MAX_PARAMETER_SIZE) errs.push(tooLong('parameters', MAX_PARAMETER_SIZE));
  }
  const reclaim = str(sc.reclaimPolicy);
  if (reclaim !== '' && !RECLAIM_POLICIES.includes(reclaim)) errs.push(notSupported('reclaimPolicy', reclaim, RECLAIM_POLICIES));
  if (!isSet(sc.volumeBindingMode)) errs.push(required('volumeBindingMode'));
  else if (!VOLUME_BINDING_MODES.includes(sc.volumeBindingMode)) errs.push(notSupported('volumeBindingMode', sc.volumeBindingMode, VOLUME_BINDING_MODES));
  errs.push(...validateAllowedTopologies(sc.allowedTopologies));
  return errs;
}

/** validateAllowedTopologies is ValidateTopologySelectorTerm for each term: keys qualified, values present and unique. */
function validateAllowedTopologies(topologies: StorageClass['allowedTopologies']): FieldError[] {
  const errs: FieldError[] = [];
  const seen: unknown[] = [];
  list(topologies).forEach((term, i) => {
    const p = `allowedTopologies[${i}]`;
    const byKey: Record<string, string[]> = {};
    list(term?.matchLabelExpressions).forEach((req, j) => {
      const rp = `${p}.matchLabelExpressions[${j}]`;
      const key = str(req?.key);
      errs.push(...qualifiedNameErrors(key, `${rp}.key`));
      const values = list(req?.values).map(String);
      if (values.length === 0) errs.push(required(`${rp}.values`, 'must specify as least one value'));
      const unique = new Set<string>();
      values.forEach((v, k) => {
        if (unique.has(v)) errs.push(duplicate(`${rp}.values[${k}]`, v));
        unique.add(v);
      });
      if (key in byKey) errs.push(duplicate(`${rp}.key`, key));
      byKey[key] = [...unique].sort();
    });
    if (seen.some((t) => semanticEqual(t, byKey))) errs.push(duplicate(`${p}.matchLabelExpressions`, ''));
    seen.push(byKey);
  });
  return errs;
}

/** validateStorageClassUpdate is ValidateStorageClassUpdate: parameters, provisioner, reclaim policy and binding mode are fixed. */
export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): FieldError[] {
  const errs: FieldError[] = [];
  if (!semanticEqual(sc.parameters, old.parameters)) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if ((str(sc.provisioner)) !== (str(old.provisioner))) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if ((str(sc.reclaimPolicy)) !== (str(old.reclaimPolicy))) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}

const FS_GROUP_POLICIES = ['File', 'None', 'ReadWriteOnceWithFSType'];
const LIFECYCLE_MODES = ['Ephemeral', 'Persistent'];
const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 2 ** 32;

/** validateCSIDriver is ValidateCSIDriver: a CSI driver name, and a spec whose defaults are set and whose enums are known. */
export function validateCSIDriver(driver: CSIDriver): FieldError[] {
  const errs = validateCSIDriverName(str(driver.metadata.name), 'name');
  const spec = record<NonNullable<CSIDriver['spec']>>(driver.spec) ?? {};
  // Upstream names this path "attachedRequired".
  if (!isSet(spec.attachRequired)) errs.push(required('spec.attachedRequired'));
  if (!isSet(spec.podInfoOnMount)) errs.push(required('spec.podInfoOnMount'));
  if (!isSet(spec.storageCapacity)) errs.push(required('spec.storageCapacity'));
  if (isSet(spec.fsGroupPolicy) && !FS_GROUP_POLICIES.includes(spec.fsGroupPolicy)) errs.push(notSupported('spec.fsGroupPolicy', spec.fsGroupPolicy, FS_GROUP_POLICIES));
  const audiences = new Set<string>();
  list(spec.tokenRequests).forEach((t, i) => {
    const p = `spec.tokenRequests[${i}]`;
    const audience = str(t?.audience);
    if (audiences.has(audience)) errs.push(duplicate(`${p}.audience`, audience));
    audiences.add(audience);
    const seconds = t?.expirationSeconds;
    if (typeof seconds === 'number') {
      if (seconds < MIN_TOKEN_SECONDS) errs.push(invalidValue(`${p}.expirationSeconds`, seconds, 'may not specify a duration less than 10 minutes'));
      if (seconds > MAX_TOKEN_SECONDS) errs.push(invalidValue(`${p}.expirationSeconds`, seconds, 'may not specify a duration larger than 2^32 seconds'));
    }
  });
  list(spec.volumeLifecycleModes).forEach((mode, i) => {
    if (!LIFECYCLE_MODES.includes(mode)) errs.push(notSupported(`spec.volumeLifecycleModes[${i}]`, mode, LIFECYCLE_MODES));
  });
  return errs;
}

/** validateCSIDriverUpdate is ValidateCSIDriverUpdate: attachRequired, fsGroupPolicy and lifecycle modes are fixed. */
export function validateCSIDriverUpdate(driver: CSIDriver, old: CSIDriver): FieldError[] {
  const errs = validateCSIDriver(driver);
  errs.push(...validateImmutableField(driver.spec?.attachRequired, old.spec?.attachRequired, 'spec.attachedRequired'));
  errs.push(...validateImmutableField(driver.spec?.fsGroupPolicy, old.spec?.fsGroupPolicy, 'spec.fsGroupPolicy'));
  errs.push(...validateImmutableField(driver.spec?.volumeLifecycleModes, old.spec?.volumeLifecycleModes, 'spec.volumeLifecycleModes'));
  return errs;
}

const MAX_NODE_ID_LENGTH = 192;

/** validateCSINode is ValidateCSINode (object meta aside): drivers named once, each with a node ID and qualified topology keys. */
export function validateCSINode(node: CSINode): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(record<NonNullable<CSINode['spec']>>(node.spec)?.drivers).forEach((d, i) => {
    const p = `spec.drivers[${i}]`;
    const name = str(d?.name);
    errs.push(...validateCSIDriverName(name, `${p}.name`));
    const nodeID = str(d?.nodeID);
    if (nodeID === '') errs.push(required(`${p}.nodeID`));
    if (nodeID.length > MAX_NODE_ID_LENGTH) errs.push(invalidValue(`${p}.nodeID`, nodeID, `must be ${MAX_NODE_ID_LENGTH} characters or less`));
    if (isSet(d?.allocatable)) errs.push(...validateNonnegativeField(d.allocatable.count, `${p}.allocatable.count`));
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    names.add(name);
    const keys = new Set<string>();
    for (const key of list(d?.topologyKeys).map(String)) {
      if (key === '') errs.push(required(p));
      if (keys.has(key)) errs.push(duplicate(p, key));
      keys.add(key);
      errs.push(...qualifiedNameErrors(key, p));
    }
  });
  return errs;
}

/** validateVolumeAttachment is ValidateVolumeAttachment and its v1 additions: a CSI attacher, exactly one source, a node name. */
export function validateVolumeAttachment(va: VolumeAttachment): FieldError[] {
  const spec = record<NonNullable<VolumeAttachment['spec']>>(va.spec) ?? {};
  const errs: FieldError[] = [];
  const attacher = str(spec.attacher);
  if (attacher === '') errs.push(required('spec.attacher'));
  const source = record<NonNullable<NonNullable<VolumeAttachment['spec']>['source']>>(spec.source) ?? {};
  const pvName = isSet(source.persistentVolumeName) ? str(source.persistentVolumeName) : undefined;
  if (!isSet(source.inlineVolumeSpec) && !isSet(pvName)) errs.push(required('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (isSet(source.inlineVolumeSpec) && isSet(pvName)) errs.push(forbidden('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (isSet(pvName) && pvName === '') errs.push(required('spec.source.persistentVolumeName', 'must specify non empty persistentVolumeName'));
  const nodeName = str(spec.nodeName);
  errs.push(...isDNS1123Subdomain(nodeName).map((m) => invalidValue('spec.nodeName', nodeName, m)));
  if (attacher !== '') errs.push(...validateCSIDriverName(attacher, 'spec.attacher'));
  if (isSet(pvName) && pvName !== '') errs.push(...isDNS1123Subdomain(pvName).map((m) => invalidValue('spec.source.persistentVolumeName', pvName, m)));
  return errs;
}

/** validateVolumeAttachmentUpdate: the spec of an attachment never changes. */
export function validateVolumeAttachmentUpdate(va: VolumeAttachment, old: VolumeAttachment): FieldError[] {
  return [...validateVolumeAttachment(va), ...validateImmutableField(va.spec, old.spec, 'spec')];
}
