/**
 * podReferences lists the objects a pod or persistent volume names, as
 * pkg/api/v1/pod's VisitPodSecretNames / VisitPodConfigmapNames and
 * pkg/api/v1/persistentvolume's VisitPVSecretNames: what the Node authorizer
 * lets the pod's kubelet read.
 */
import type { KubeObject } from '../../api/types';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Obj => x !== undefined) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
/** nameAt reads `field.name` of a reference such as `secretRef`. */
const nameAt = (o: Obj | undefined, field: string): string => str(obj(o?.[field])?.name);

/** MIRROR_POD_ANNOTATION marks a static pod's mirror, which grants its node nothing beyond the pod itself. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** Volume sources whose `secretRef` names a secret in the pod's (or the claim's) namespace. */
const SECRET_REF_SOURCES = ['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos'];

function containers(spec: Obj): Obj[] {
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)];
}

/** podSecretNames is VisitPodSecretNames: pull secrets, env and envFrom references, and secret-bearing volumes. */
export function podSecretNames(pod: KubeObject): Set<string> {
  const spec = obj(pod.spec) ?? {};
  const names = new Set<string>();
  const add = (n: string): void => void (n && names.add(n));
  for (const s of arr(spec.imagePullSecrets)) add(str(s.name));
  for (const c of containers(spec)) {
    for (const e of arr(c.envFrom)) add(nameAt(e, 'secretRef'));
    for (const e of arr(c.env)) add(nameAt(obj(e.valueFrom), 'secretKeyRef'));
  }
  for (const v of arr(spec.volumes)) {
    add(str(obj(v.secret)?.secretName));
    add(str(obj(v.azureFile)?.secretName));
    add(nameAt(obj(v.csi), 'nodePublishSecretRef'));
    for (const source of SECRET_REF_SOURCES) add(nameAt(obj(v[source]), 'secretRef'));
    for (const p of arr(obj(v.projected)?.sources)) add(str(obj(p.secret)?.name));
  }
  return names;
}

/** podConfigMapNames is VisitPodConfigmapNames: env and envFrom references, configMap and projected volumes. */
export function podConfigMapNames(pod: KubeObject): Set<string> {
  const spec = obj(pod.spec) ?? {};
  const names = new Set<string>();
  const add = (n: string): void => void (n && names.add(n));
  for (const c of containers(spec)) {
    for (const e of arr(c.envFrom)) add(nameAt(e, 'configMapRef'));
    for (const e of arr(c.env)) add(nameAt(obj(e.valueFrom), 'configMapKeyRef'));
  }
  for (const v of arr(spec.volumes)) {
    add(str(obj(v.configMap)?.name));
    for (const p of arr(obj(v.projected)?.sources)) add(str(obj(p.configMap)?.name));
  }
  return names;
}

/** podClaimNames lists the pod's PVCs: persistentVolumeClaim volumes and generic ephemeral ones (`<pod>-<volume>`). */
export function podClaimNames(pod: KubeObject): Set<string> {
  const names = new Set<string>();
  for (const v of arr(obj(pod.spec)?.volumes)) {
    const claim = str(obj(v.persistentVolumeClaim)?.claimName);
    if (claim) names.add(claim);
    else if (obj(v.ephemeral)) names.add(`${pod.metadata.name ?? ''}-${str(v.name)}`);
  }
  return names;
}

/** pvSecretRefs is VisitPVSecretNames keeping the secrets the kubelet reads: `namespace/name` keys. */
export function pvSecretRefs(pv: KubeObject): Set<string> {
  const spec = obj(pv.spec) ?? {};
  const claimNamespace = str(obj(spec.claimRef)?.namespace);
  const refs = new Set<string>();
  const add = (ref: Obj | undefined): void => {
    const name = str(ref?.name);
    if (name) refs.add(`${str(ref?.namespace) || claimNamespace}/${name}`);
  };
  const csi = obj(spec.csi);
  for (const field of ['nodePublishSecretRef', 'nodeStageSecretRef', 'nodeExpandSecretRef']) add(obj(csi?.[field]));
  for (const source of SECRET_REF_SOURCES) add(obj(obj(spec[source])?.secretRef));
  const azure = obj(spec.azureFile);
  if (azure) add({ name: azure.secretName, namespace: azure.secretNamespace });
  return refs;
}
