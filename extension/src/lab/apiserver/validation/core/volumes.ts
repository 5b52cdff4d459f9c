/**
 * volumes validates pod volumes as core/validation's ValidateVolumes and
 * validateVolumeSource do: unique DNS-label names, exactly one source, and each
 * source's own rules (secrets, config maps, projections, the downward API, claims,
 * ephemeral claims, images and the in-tree plugins' required fields), with
 * upstream's field paths, typos included.
 */
import { type FieldError, forbidden, invalidValue, notSupported, required } from '../../fieldErrors';
import { arr, has, num, obj, str, tooLong } from '../fields';
import { isDNS1123Label, isDNS1123Subdomain } from '../names';
import { subdomainName } from '../objectMeta';
import { asQuantity } from '../quantities';
import { validatePersistentVolumeClaimTemplate } from './claimSpec';
import { VOLUME_FIELD_PATHS, validateObjectFieldSelector, validateResourceFieldSelector } from './downwardAPI';
import { validateLocalDescendingPath, validateLocalNonReservedPath, validatePathNoBacksteps } from './paths';

/** VolumeInfo is what mounts and devices need to know of a valid volume. */
export interface VolumeInfo {
  /** pvc: backed by a claim (persistentVolumeClaim or ephemeral), so usable as a block device. */
  pvc: boolean;
  image: boolean;
}

/** VolumeSet maps each valid volume's name to what mounts need of it. */
export type VolumeSet = Map<string, VolumeInfo>;

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
/** validatePullPolicy is validatePullPolicy (shared with image volumes). */
export function validatePullPolicy(policy: unknown, path: string): FieldError[] {
  const p = str(policy);
  if (p === '') return [required(path)];
  return PULL_POLICIES.includes(p) ? [] : [notSupported(path, p, PULL_POLICIES)];
}

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';

function validateMode(mode: unknown, path: string): FieldError[] {
  return has(mode) && (num(mode) > 0o777 || num(mode) < 0) ? [invalidValue(path, num(mode), FILE_MODE_ERROR)] : [];
}

function validateKeyToPath(item: unknown, path: string): FieldError[] {
  const kp = obj(item);
  const errs: FieldError[] = [];
  if (!str(kp.key)) errs.push(required(`${path}.key`));
  if (!str(kp.path)) errs.push(required(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(str(kp.path), `${path}.path`));
  errs.push(...validateMode(kp.mode, `${path}.mode`));
  return errs;
}

/** validateDownwardAPIFile is validateDownwardAPIVolumeFile; upstream names its errors by the source, not the item. */
function validateDownwardAPIFile(file: unknown, path: string): FieldError[] {
  const f = obj(file);
  const errs: FieldError[] = [];
  if (!str(f.path)) errs.push(required(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(str(f.path), `${path}.path`));
  if (has(f.fieldRef)) {
    errs.push(...validateObjectFieldSelector(f.fieldRef, VOLUME_FIELD_PATHS, `${path}.fieldRef`));
    if (has(f.resourceFieldRef)) errs.push(invalidValue(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (has(f.resourceFieldRef)) {
    errs.push(...validateResourceFieldSelector(f.resourceFieldRef, `${path}.resourceFieldRef`, true));
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateMode(f.mode, `${path}.mode`));
  return errs;
}

/** claimPath records a projected file's path, or the conflict when another source already projects it. */
function claimPath(paths: Set<string>, p: string, errs: FieldError[], conflict: () => FieldError): void {
  if (paths.has(p)) errs.push(conflict());
  else paths.add(p);
}

function validateProjected(projected: Record<string, unknown>, path: string): FieldError[] {
  const errs = validateMode(projected.defaultMode, `${path}.defaultMode`);
  const paths = new Set<string>();
  arr(projected.sources).forEach((raw, i) => {
    const source = obj(raw);
    const sp = `${path}.sources[${i}]`;
    let count = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      if (!has(source[kind])) continue;
      count++;
      const s = obj(source[kind]);
      if (!str(s.name)) errs.push(required(`${sp}.${kind}.name`));
      arr(s.items).forEach((item, j) => {
        errs.push(...validateKeyToPath(item, `${sp}.${kind}.items[${j}]`));
        const p = str(obj(item).path);
        if (p) claimPath(paths, p, errs, () => invalidValue(path, str(s.name), 'conflicting duplicate paths'));
      });
    }
    if (has(source.downwardAPI)) {
      count++;
      for (const file of arr(obj(source.downwardAPI).items)) {
        errs.push(...validateDownwardAPIFile(file, `${sp}.downwardAPI`));
        const p = str(obj(file).path);
        if (p) claimPath(paths, p, errs, () => invalidValue(path, p, 'conflicting duplicate paths'));
      }
    }
    if (has(source.serviceAccountToken)) {
      count++;
      const t = obj(source.serviceAccountToken);
      const expiration = num(t.expirationSeconds);
      if (expiration < 600) errs.push(invalidValue(`${sp}.serviceAccountToken.expirationSeconds`, expiration, 'may not specify a duration less than 10 minutes'));
      if (expiration > 2 ** 32) errs.push(invalidValue(`${sp}.serviceAccountToken.expirationSeconds`, expiration, 'may not specify a duration larger than 2^32 seconds'));
      if (!str(t.path)) errs.push(required(`${path}.path`));
      else errs.push(...validateLocalNonReservedPath(str(t.path), `${path}.path`));
    }
    if (has(source.clusterTrustBundle)) {
      count++;
      const b = obj(source.clusterTrustBundle);
      const bp = `${sp}.clusterTrustBundle`;
      if (has(b.name) && has(b.signerName)) errs.push(invalidValue(bp, source.clusterTrustBundle, 'only one of name and signerName may be used'));
      else if (!has(b.name) && !has(b.signerName)) errs.push(required(bp, 'either name or signerName must be specified'));
      if (!str(b.path)) errs.push(required(`${bp}.path`));
      errs.push(...validateLocalNonReservedPath(str(b.path), `${bp}.path`));
      claimPath(paths, str(b.path), errs, () => invalidValue(path, str(b.path), 'conflicting duplicate paths'));
    }
    if (count > 1) errs.push(forbidden(sp, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

/** validateHostPath is validateHostPathVolumeSource (shared with persistent volumes). */
export function validateHostPath(source: Record<string, unknown>, path: string): FieldError[] {
  const p = str(source.path);
  if (!p) return [required(`${path}.path`)];
  const errs = validatePathNoBacksteps(p, `${path}.path`);
  if (has(source.type) && !HOST_PATH_TYPES.includes(str(source.type))) errs.push(notSupported(`${path}.type`, source.type, HOST_PATH_TYPES));
  return errs;
}

/** validateNFS is validateNFSVolumeSource (shared with persistent volumes). */
export function validateNFS(source: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(source.server)) errs.push(required(`${path}.server`));
  if (!str(source.path)) errs.push(required(`${path}.path`));
  if (!str(source.path).startsWith('/')) errs.push(invalidValue(`${path}.path`, str(source.path), 'must be an absolute path'));
  return errs;
}

/** validateCSIDriverName is ValidateCSIDriverName. */
export function validateCSIDriverName(driver: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!driver) errs.push(required(path));
  if (driver.length > 63) errs.push(tooLong(path, 63));
  for (const m of isDNS1123Subdomain(driver.toLowerCase())) errs.push(invalidValue(path, driver, m));
  return errs;
}

/** requiredFields reports each named field that is empty, as the in-tree plugins' validators do. */
function requiredFields(source: Record<string, unknown>, path: string, fields: readonly string[]): FieldError[] {
  return fields.filter((f) => (Array.isArray(source[f]) ? source[f].length === 0 : !str(source[f]))).map((f) => required(`${path}.${f}`));
}

const PARTITION_ERROR = 'must be between 1 and 255, inclusive';

interface SourceRule {
  /** key is the v1 field; forbiddenKey the name upstream uses when it is a second source. */
  key: string;
  forbiddenKey?: string;
  validate?(source: Record<string, unknown>, path: string, ctx: SourceContext): FieldError[];
}

interface SourceContext {
  volumeName: string;
  podName: string;
  resourceIsPod: boolean;
}

/** SOURCES are the volume sources in validateVolumeSource's order, which decides which one is "more than 1". */
const SOURCES: SourceRule[] = [
  {
    key: 'emptyDir',
    validate: (s, p) => {
      const q = asQuantity(s.sizeLimit);
      return q && q.value < 0n ? [forbidden(`${p}.sizeLimit`, 'SizeLimit field must be a valid resource quantity')] : [];
    },
  },
  { key: 'hostPath', validate: validateHostPath },
  { key: 'gitRepo', validate: (s, p) => [...requiredFields(s, p, ['repository']), ...validateLocalDescendingPath(str(s.directory), `${p}.directory`)] },
  {
    key: 'gcePersistentDisk',
    validate: (s, p) => {
      const errs = requiredFields(s, p.replace(/gcePersistentDisk$/, 'persistentDisk'), ['pdName']);
      const partition = num(s.partition);
      if (partition < 0 || partition > 255) errs.push(invalidValue(`${p.replace(/gcePersistentDisk$/, 'persistentDisk')}.partition`, partition, PARTITION_ERROR));
      return errs;
    },
  },
  {
    key: 'awsElasticBlockStore',
    validate: (s, p) => {
      const errs = requiredFields(s, p, ['volumeID']);
      const partition = num(s.partition);
      if (partition < 0 || partition > 255) errs.push(invalidValue(`${p}.partition`, partition, PARTITION_ERROR));
      return errs;
    },
  },
  {
    key: 'secret',
    validate: (s, p) => [
      ...requiredFields(s, p, ['secretName']),
      ...validateMode(s.defaultMode, `${p}.defaultMode`),
      ...arr(s.items).flatMap((item, i) => validateKeyToPath(item, `${p}.items[${i}]`)),
    ],
  },
  { key: 'nfs', validate: validateNFS },
  {
    key: 'iscsi',
    validate: (s, p, ctx) => {
      const errs = requiredFields(s, p, ['targetPortal', 'iqn']);
      const lun = num(s.lun);
      if (lun < 0 || lun > 255) errs.push(invalidValue(`${p}.lun`, lun, 'must be between 0 and 255, inclusive'));
      if ((s.discoveryCHAPAuth === true || s.sessionCHAPAuth === true) && !has(s.secretRef)) errs.push(required(`${p}.secretRef`));
      if (has(s.initiatorName) && `${ctx.volumeName}:${str(s.targetPortal)}`.length > 64) {
        errs.push(invalidValue(p.replace(/\.iscsi$/, '.name'), ctx.volumeName, 'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.'));
      }
      return errs;
    },
  },
  { key: 'glusterfs', validate: (s, p) => requiredFields(s, p, ['endpoints', 'path']) },
  {
    key: 'flocker',
    validate: (s, p) => {
      const name = str(s.datasetName);
      const uuid = str(s.datasetUUID);
      const errs: FieldError[] = [];
      if (!name && !uuid) errs.push(required(p, 'one of datasetName and datasetUUID is required'));
      if (name && uuid) errs.push(invalidValue(p, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
      if (name.includes('/')) errs.push(invalidValue(`${p}.datasetName`, name, "must not contain '/'"));
      return errs;
    },
  },
  { key: 'persistentVolumeClaim', validate: (s, p) => requiredFields(s, p, ['claimName']) },
  { key: 'rbd', validate: (s, p) => requiredFields(s, p, ['monitors', 'image']) },
  {
    key: 'cinder',
    validate: (s, p) => [...requiredFields(s, p, ['volumeID']), ...(has(s.secretRef) && !str(obj(s.secretRef).name) ? [required(`${p}.secretRef.name`)] : [])],
  },
  { key: 'cephfs', forbiddenKey: 'cephFS', validate: (s, p) => requiredFields(s, p, ['monitors']) },
  {
    key: 'quobyte',
    validate: (s, p) => {
      const errs: FieldError[] = [];
      if (!str(s.registry)) errs.push(required(`${p}.registry`, 'must be a host:port pair or multiple pairs separated by commas'));
      else if (str(s.tenant).length >= 65) errs.push(required(`${p}.tenant`, 'must be a UUID and may not exceed a length of 64 characters'));
      return [...errs, ...requiredFields(s, p, ['volume'])];
    },
  },
  {
    key: 'downwardAPI',
    forbiddenKey: 'downwarAPI',
    validate: (s, p) => [...validateMode(s.defaultMode, `${p}.defaultMode`), ...arr(s.items).flatMap((f) => validateDownwardAPIFile(f, p))],
  },
  {
    key: 'fc',
    validate: (s, p) => {
      const wwns = arr(s.targetWWNs);
      const wwids = arr(s.wwids);
      const errs: FieldError[] = [];
      if (wwns.length === 0 && wwids.length === 0) errs.push(required(`${p}.targetWWNs`, 'must specify either targetWWNs or wwids, but not both'));
      if (wwns.length && wwids.length) errs.push(invalidValue(`${p}.targetWWNs`, wwns, 'targetWWNs and wwids can not be specified simultaneously'));
      if (wwns.length) {
        if (!has(s.lun)) errs.push(required(`${p}.lun`, 'lun is required if targetWWNs is specified'));
        else if (num(s.lun) < 0 || num(s.lun) > 255) errs.push(invalidValue(`${p}.lun`, num(s.lun), 'must be between 0 and 255, inclusive'));
      }
      return errs;
    },
  },
  { key: 'flexVolume', validate: (s, p) => requiredFields(s, p, ['driver']) },
  {
    key: 'configMap',
    validate: (s, p) => [
      ...requiredFields(s, p, ['name']),
      ...validateMode(s.defaultMode, `${p}.defaultMode`),
      ...arr(s.items).flatMap((item, i) => validateKeyToPath(item, `${p}.items[${i}]`)),
    ],
  },
  { key: 'azureFile', validate: (s, p) => requiredFields(s, p, ['secretName', 'shareName']) },
  { key: 'vsphereVolume', validate: (s, p) => requiredFields(s, p, ['volumePath']) },
  { key: 'photonPersistentDisk', validate: (s, p) => requiredFields(s, p, ['pdID']) },
  { key: 'portworxVolume', validate: (s, p) => requiredFields(s, p, ['volumeID']) },
  { key: 'azureDisk', validate: (s, p) => requiredFields(s, p, ['diskName', 'diskURI']) },
  {
    key: 'storageos',
    validate: (s, p) => {
      const errs: FieldError[] = [];
      const name = str(s.volumeName);
      if (!name) errs.push(required(`${p}.volumeName`));
      else for (const m of isDNS1123Label(name)) errs.push(invalidValue(`${p}.volumeName`, name, m));
      const ns = str(s.volumeNamespace);
      if (ns) for (const m of isDNS1123Label(ns)) errs.push(invalidValue(`${p}.volumeNamespace`, ns, m));
      return errs;
    },
  },
  { key: 'projected', validate: validateProjected },
  { key: 'scaleIO', validate: (s, p) => requiredFields(s, p, ['gateway', 'system', 'volumeName']) },
  {
    key: 'csi',
    validate: (s, p) => {
      const errs = validateCSIDriverName(str(s.driver), `${p}.driver`);
      if (has(s.nodePublishSecretRef)) {
        const name = str(obj(s.nodePublishSecretRef).name);
        if (!name) errs.push(required(`${p}.nodePublishSecretRef.name`));
        else for (const m of subdomainName(name, false)) errs.push(invalidValue(`${p}.name`, name, m));
      }
      return errs;
    },
  },
  {
    key: 'ephemeral',
    validate: (s, p, ctx) => {
      if (!has(s.volumeClaimTemplate)) return [required(`${p}.volumeClaimTemplate`)];
      const errs = validatePersistentVolumeClaimTemplate(s.volumeClaimTemplate, `${p}.volumeClaimTemplate`);
      if (ctx.podName && ctx.volumeName) {
        const claim = `${ctx.podName}-${ctx.volumeName}`;
        for (const m of isDNS1123Subdomain(claim)) errs.push(invalidValue(`${p}.name`, ctx.volumeName, `PVC name ${JSON.stringify(claim)}: ${m}`));
      }
      return errs;
    },
  },
  {
    key: 'image',
    validate: (s, p, ctx) => [...(ctx.resourceIsPod && !str(s.reference) ? [required(`${p}.reference`)] : []), ...validatePullPolicy(s.pullPolicy, `${p}.pullPolicy`)],
  },
];

/** volumeSourceKeys lists the v1 volume source fields, for defaulting an empty volume to emptyDir. */
export const VOLUME_SOURCE_KEYS: readonly string[] = SOURCES.map((s) => s.key);

function validateVolumeSource(volume: Record<string, unknown>, path: string, ctx: SourceContext): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const rule of SOURCES) {
    if (!has(volume[rule.key])) continue;
    if (count > 0) {
      errs.push(forbidden(`${path}.${rule.forbiddenKey ?? rule.key}`, 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...(rule.validate?.(obj(volume[rule.key]), `${path}.${rule.key}`, ctx) ?? []));
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/** validateVolumes is ValidateVolumes: it returns the valid volumes (for mounts to refer to) and the errors. */
export function validateVolumes(volumes: unknown, podName: string, path: string, resourceIsPod: boolean): { volumes: VolumeSet; errs: FieldError[] } {
  const list = arr(volumes).map(obj);
  const valid: VolumeSet = new Map();
  const errs: FieldError[] = [];
  const createdClaims = new Set(podName ? list.filter((v) => has(v.ephemeral)).map((v) => `${podName}-${str(v.name)}`) : []);
  list.forEach((v, i) => {
    const p = `${path}[${i}]`;
    const name = str(v.name);
    const el = validateVolumeSource(v, p, { volumeName: name, podName, resourceIsPod });
    if (!name) el.push(required(`${p}.name`));
    else for (const m of isDNS1123Label(name)) el.push(invalidValue(`${p}.name`, name, m));
    if (valid.has(name)) el.push({ type: 'FieldValueDuplicate', field: `${p}.name`, value: name });
    if (el.length === 0) valid.set(name, { pvc: has(v.persistentVolumeClaim) || has(v.ephemeral), image: has(v.image) });
    else errs.push(...el);
    const claimName = str(obj(v.persistentVolumeClaim).claimName);
    if (has(v.persistentVolumeClaim) && createdClaims.has(claimName)) {
      errs.push(invalidValue(`${p}.persistentVolumeClaim.claimName`, claimName, 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { volumes: valid, errs };
}
