/**
 * core applies pkg/apis/core/v1's defaults (SetObjectDefaults_*) to the core/v1
 * objects: pods and pod templates live in pod.ts, services in service.ts, the rest
 * here. Decoding-time conversions a Go client never sees (Secret stringData,
 * Node podCIDR) are done here too, since they happen before defaulting upstream.
 */
import type { Namespace, Node } from '../../api/types';
import { defaultClaimSpec, defaultPodSpec, defaultResourceList } from './pod';
import { struct, isStruct } from './structs';

export { defaultPod, defaultPodSpec, imageTag, pullPolicyFor } from './pod';
export { defaultService } from './service';

type Rec = Record<string, unknown>;

const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

/** defaultNamespace is SetDefaults_Namespace: the kubernetes.io/metadata.name label (for named namespaces). */
export function defaultNamespace(ns: Namespace): void {
  const name = ns.metadata?.name;
  if (typeof name !== 'string' || !name) return;
  ns.metadata.labels = { ...(isStruct(ns.metadata.labels) ? ns.metadata.labels : {}), 'kubernetes.io/metadata.name': name };
}

/**
 * defaultNode is SetObjectDefaults_Node after v1→internal conversion: podCIDR and
 * podCIDRs agree (podCIDR wins), allocatable defaults to capacity, quantities are canonical.
 */
export function defaultNode(node: Node): void {
  const spec = struct<Rec>(node, 'spec');
  if (spec && typeof spec.podCIDR === 'string' && spec.podCIDR) {
    const cidrs = arr(spec.podCIDRs);
    if (cidrs.length === 0 || cidrs[0] !== spec.podCIDR) spec.podCIDRs = [spec.podCIDR];
  } else if (spec && arr(spec.podCIDRs).length && typeof arr(spec.podCIDRs)[0] === 'string') {
    spec.podCIDR = arr(spec.podCIDRs)[0];
  }
  if (!isStruct(node.status)) return;
  const status = node.status as Rec;
  if (isStruct(status.capacity) && (status.allocatable === undefined || status.allocatable === null)) status.allocatable = { ...(status.capacity as Rec) };
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatable);
}

/** defaultSecret converts stringData into data (base64), as v1→internal conversion does, and is SetDefaults_Secret (type Opaque). */
export function defaultSecret(secret: Rec): void {
  if (isStruct(secret.stringData)) {
    const data = struct<Rec>(secret, 'data');
    for (const [k, v] of Object.entries(secret.stringData as Rec)) if (data && typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  delete secret.stringData;
  if (!secret.type) secret.type = 'Opaque';
}

/** defaultEndpoints is SetDefaults_Endpoints: ports speak TCP unless told otherwise. */
export function defaultEndpoints(ep: Rec): void {
  for (const subset of arr(ep.subsets)) {
    for (const port of isStruct(subset) ? arr((subset as Rec).ports) : []) if (isStruct(port) && !(port as Rec).protocol) (port as Rec).protocol = 'TCP';
  }
}

/** defaultLimitRange is SetDefaults_LimitRangeItem: a container's default limit from max, default request from default then min. */
export function defaultLimitRange(lr: Rec): void {
  for (const item of isStruct(lr.spec) ? arr((lr.spec as Rec).limits) : []) {
    if (!isStruct(item)) continue;
    const i = item as Rec;
    if (i.type === 'Container') {
      const def = struct<Rec>(i, 'default');
      const defReq = struct<Rec>(i, 'defaultRequest');
      if (def && defReq) {
        for (const [k, v] of Object.entries(isStruct(i.max) ? (i.max as Rec) : {})) if (!(k in def)) def[k] = v;
        for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
        for (const [k, v] of Object.entries(isStruct(i.min) ? (i.min as Rec) : {})) if (!(k in defReq)) defReq[k] = v;
      }
    }
    for (const list of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) defaultResourceList(i[list]);
  }
}

/** defaultResourceQuota is SetObjectDefaults_ResourceQuota: canonical quantities. */
export function defaultResourceQuota(quota: Rec): void {
  if (isStruct(quota.spec)) defaultResourceList((quota.spec as Rec).hard);
  if (isStruct(quota.status)) {
    defaultResourceList((quota.status as Rec).hard);
    defaultResourceList((quota.status as Rec).used);
  }
}

/** defaultPersistentVolume is SetDefaults_PersistentVolume: Retain, Filesystem, a Pending phase. */
export function defaultPersistentVolume(pv: Rec): void {
  const spec = struct<Rec>(pv, 'spec');
  if (spec) {
    if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
    spec.volumeMode ??= 'Filesystem';
    defaultResourceList(spec.capacity);
    if (isStruct(spec.hostPath)) (spec.hostPath as Rec).type ??= '';
  }
  const status = struct<Rec>(pv, 'status');
  if (status && !status.phase) status.phase = 'Pending';
}

/** defaultPersistentVolumeClaim is SetDefaults_PersistentVolumeClaim(Spec): Filesystem, a Pending phase. */
export function defaultPersistentVolumeClaim(pvc: Rec): void {
  defaultClaimSpec(struct(pvc, 'spec'));
  const status = struct<Rec>(pvc, 'status');
  if (!status) return;
  if (!status.phase) status.phase = 'Pending';
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatedResources);
}

/** defaultTemplate applies the pod spec defaults to a held-by-value template's spec. */
function defaultTemplate(template: unknown): void {
  if (isStruct(template)) defaultPodSpec(struct(template, 'spec'));
}

/**
 * defaultReplicationController is SetDefaults_ReplicationController: selector and
 * labels from the template's labels when unset, one replica, and the template's defaults.
 */
export function defaultReplicationController(rc: Rec): void {
  const spec = struct<Rec>(rc, 'spec');
  if (!spec) return;
  const template = isStruct(spec.template) ? (spec.template as Rec) : undefined;
  const labels = template && isStruct(template.metadata) ? (template.metadata as Rec).labels : undefined;
  if (isStruct(labels)) {
    if (!isStruct(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...(labels as Rec) };
    const meta = struct<Rec>(rc, 'metadata');
    if (meta && (!isStruct(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = { ...(labels as Rec) };
  }
  spec.replicas ??= 1;
  defaultTemplate(template);
}

/** defaultPodTemplate is SetObjectDefaults_PodTemplate: its template's spec defaults. */
export function defaultPodTemplate(pt: Rec): void {
  defaultTemplate(struct(pt, 'template'));
}
