/**
 * volumes prints describeVolumes: each volume's name, then a Type line naming
 * its source and the source's fields, worded as describe.go words them.
 */
import type { Obj } from '../apiserver/printers/fields';
import { bool, get, has, num, optBool, optStr, rec, str, strMap } from '../apiserver/printers/fields';
import { quantityString } from '../apiserver/printers/format';
import { toQuantity } from '../api/quantity';
import { items, printAnnotationsMultiline, printLabelsMultiline, sortedKeys } from './multiline';
import type { PrefixWriter } from './prefixWriter';

type SourcePrinter = (src: Obj, w: PrefixWriter) => void;

/** optionalPointer is Go's %v of a *bool: `<nil>` when unset (kubectl prints a set pointer's address; we print its value). */
function optionalPointer(v: boolean | undefined): string {
  return v === undefined ? '<nil>' : String(v);
}

function lines(w: PrefixWriter, first: string, rest: [string, string][]): void {
  w.write(2, `${first}\n${rest.map(([k, v]) => `    ${k}:\t${v}\n`).join('')}`);
}

const hostPath: SourcePrinter = (s, w) => lines(w, 'Type:\tHostPath (bare host directory volume)', [['Path', str(s, 'path')], ['HostPathType', optStr(s, 'type') ?? '<none>']]);

const emptyDir: SourcePrinter = (s, w) => {
  const limit = toQuantity(optStr(s, 'sizeLimit') ?? '');
  const sizeLimit = limit !== undefined && limit.nanos > 0n ? quantityString(str(s, 'sizeLimit')) : '<unset>';
  lines(w, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)", [['Medium', str(s, 'medium')], ['SizeLimit', sizeLimit]]);
};

const gitRepo: SourcePrinter = (s, w) => lines(w, 'Type:\tGitRepo (a volume that is pulled from git when the pod is created)', [['Repository', str(s, 'repository')], ['Revision', str(s, 'revision')]]);

const secret: SourcePrinter = (s, w) => lines(w, 'Type:\tSecret (a volume populated by a Secret)', [['SecretName', str(s, 'secretName')], ['Optional', String(bool(s, 'optional'))]]);

const configMap: SourcePrinter = (s, w) => lines(w, 'Type:\tConfigMap (a volume populated by a ConfigMap)', [['Name', str(s, 'name')], ['Optional', String(bool(s, 'optional'))]]);

const nfs: SourcePrinter = (s, w) => lines(w, 'Type:\tNFS (an NFS mount that lasts the lifetime of a pod)', [['Server', str(s, 'server')], ['Path', str(s, 'path')], ['ReadOnly', String(bool(s, 'readOnly'))]]);

const pvc: SourcePrinter = (s, w) => lines(w, 'Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)', [['ClaimName', str(s, 'claimName')], ['ReadOnly', String(bool(s, 'readOnly'))]]);

const projected: SourcePrinter = (s, w) => {
  w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
  for (const source of items(s, 'sources')) {
    if (has(source, 'secret')) lines(w, `SecretName:\t${str(source, 'secret', 'name')}`, [['SecretOptionalName', optionalPointer(optBool(source, 'secret', 'optional'))]]);
    else if (has(source, 'downwardAPI')) w.write(2, 'DownwardAPI:\ttrue\n');
    else if (has(source, 'configMap')) lines(w, `ConfigMapName:\t${str(source, 'configMap', 'name')}`, [['ConfigMapOptional', optionalPointer(optBool(source, 'configMap', 'optional'))]]);
    else if (has(source, 'serviceAccountToken')) w.write(2, `TokenExpirationSeconds:\t${num(source, 'serviceAccountToken', 'expirationSeconds')}\n`);
  }
};

const downwardAPI: SourcePrinter = (s, w) => {
  w.write(2, 'Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n');
  for (const item of items(s, 'items')) {
    if (has(item, 'fieldRef')) w.write(3, `${str(item, 'fieldRef', 'fieldPath')} -> ${str(item, 'path')}\n`);
    if (has(item, 'resourceFieldRef')) w.write(3, `${str(item, 'resourceFieldRef', 'resource')} -> ${str(item, 'path')}\n`);
  }
};

/** printAttributes is printCSIPersistentVolumeAttributesMultilineIndent at level 2, key=value lines cut at 140 bytes. */
function printAttributes(w: PrefixWriter, title: string, attributes: Record<string, string>): void {
  w.write(2, `${title}:\t`);
  const keys = sortedKeys(attributes);
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) {
      w.write(2, '');
      w.write(2, '\t');
    }
    const line = `${key}=${attributes[key]}`;
    w.write(2, Buffer.byteLength(line) > 140 ? `${Buffer.from(line).subarray(0, 140).toString()}...\n` : `${line}\n`);
  });
}

const csi: SourcePrinter = (s, w) => {
  lines(w, 'Type:\tCSI (a Container Storage Interface (CSI) volume source)', [['Driver', str(s, 'driver')], ['FSType', str(s, 'fsType')], ['ReadOnly', String(bool(s, 'readOnly'))]]);
  printAttributes(w, 'VolumeAttributes', strMap(s, 'volumeAttributes'));
};

const image: SourcePrinter = (s, w) => lines(w, 'Type:\tImage (a container image or OCI artifact)', [['Reference', str(s, 'reference')], ['PullPolicy', str(s, 'pullPolicy')]]);

/** claimClass is storageutil.GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName. */
export function claimClass(claim: unknown): string {
  const beta = strMap(claim, 'metadata', 'annotations')['volume.beta.kubernetes.io/storage-class'];
  return beta ?? str(claim, 'spec', 'storageClassName');
}

const ephemeral: SourcePrinter = (s, w) => {
  w.write(2, 'Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n');
  const template = get(s, 'volumeClaimTemplate');
  if (!has(template)) return;
  const n = w.nested(2);
  n.write(0, `StorageClass:\t${claimClass(template)}\n`);
  n.write(0, `Volume:\t${str(template, 'spec', 'volumeName')}\n`);
  printLabelsMultiline(n, 'Labels', strMap(template, 'metadata', 'labels'));
  printAnnotationsMultiline(n, 'Annotations', strMap(template, 'metadata', 'annotations'));
  n.write(0, 'Capacity:\t\n');
  n.write(0, 'Access Modes:\t\n');
  if (has(template, 'spec', 'volumeMode')) n.write(0, `VolumeMode:\t${str(template, 'spec', 'volumeMode')}\n`);
  const source = get(template, 'spec', 'dataSource');
  if (has(source)) {
    n.write(0, 'DataSource:\n');
    if (has(source, 'apiGroup')) n.write(1, `APIGroup:\t${str(source, 'apiGroup')}\n`);
    n.write(1, `Kind:\t${str(source, 'kind')}\n`);
    n.write(1, `Name:\t${str(source, 'name')}\n`);
  }
};

/** SOURCES is describeVolumes' switch, in its order: the first source a volume sets decides. */
const SOURCES: [string, SourcePrinter][] = [
  ['hostPath', hostPath], ['emptyDir', emptyDir], ['gitRepo', gitRepo], ['secret', secret], ['configMap', configMap],
  ['nfs', nfs], ['persistentVolumeClaim', pvc], ['ephemeral', ephemeral], ['downwardAPI', downwardAPI],
  ['projected', projected], ['csi', csi], ['image', image],
];

/** describeVolumes prints `Volumes:` (`<none>` when empty) with each volume's source. */
export function describeVolumes(volumes: unknown[], w: PrefixWriter, space: string): void {
  if (volumes.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(1, `${space ? ' ' : ''}${str(v, 'name')}:\n`);
    const source = SOURCES.find(([field]) => has(v, field));
    if (source) source[1](rec(v, source[0]), w);
    else w.write(1, '<unknown>\n');
  }
}
