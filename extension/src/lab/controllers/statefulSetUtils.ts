/**
 * statefulSetUtils holds the StatefulSet controller's pure rules, as upstream's
 * stateful_set_utils.go: pod identity (`<set>-<ordinal>`, hostname, labels),
 * claims from volumeClaimTemplates, the claim owner references a retention
 * policy asks for, pod predicates, and revisions as template patches.
 */
import type { ControllerRevision, KubeObject, OwnerReference, Pod, StatefulSet, StatefulSetStatus } from '../api/types';
import { isPodAvailable, isPodReady } from '../api/pods';
import { newControllerRevision } from './controllerHistory';
import { podFromTemplate } from './controllerUtils';

/** STATEFULSET_POD_NAME_LABEL is apps.StatefulSetPodNameLabel: the pod's own name, for per-pod Services. */
export const STATEFULSET_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** POD_INDEX_LABEL is apps.PodIndexLabel (PodIndexLabel is on by default): the pod's ordinal. */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** STATEFULSET_REVISION_LABEL is apps.StatefulSetRevisionLabel: the name of the ControllerRevision the pod was made from. */
export const STATEFULSET_REVISION_LABEL = 'controller-revision-hash';

/** STATEFULSET_KIND is controllerKind; POD_KIND is podKind. */
export const STATEFULSET_KIND = { apiVersion: 'apps/v1', kind: 'StatefulSet' } as const;
export const POD_KIND = { apiVersion: 'v1', kind: 'Pod' } as const;

/** PersistentVolumeClaim is the part of a claim the controller reads and writes. */
export interface PersistentVolumeClaim extends KubeObject {
  spec?: Record<string, unknown>;
  status?: { phase?: string };
}

/** Volume is a pod volume; the controller only makes persistentVolumeClaim ones. */
interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [source: string]: unknown;
}

const STATEFUL_POD = /^(.*)-([0-9]+)$/;

/** parentNameAndOrdinal is getParentNameAndOrdinal: the set's name and ordinal read from a pod's name, or '' and -1. */
export function parentNameAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const m = STATEFUL_POD.exec(pod.metadata.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  return { parent: m[1], ordinal: n < 2 ** 31 ? n : -1 };
}

export function getOrdinal(pod: Pod): number {
  return parentNameAndOrdinal(pod).ordinal;
}

/** startOrdinal is spec.ordinals.start, 0 when unset. */
export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

/** endOrdinal is the last ordinal the set keeps (inclusive). */
export function endOrdinal(set: StatefulSet): number {
  return startOrdinal(set) + (set.spec.replicas ?? 1) - 1;
}

export function podInOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const ord = getOrdinal(pod);
  return ord >= startOrdinal(set) && ord <= endOrdinal(set);
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name ?? ''}-${ordinal}`;
}

/** claimName is getPersistentVolumeClaimName: `<template>-<set>-<ordinal>`. */
export function claimName(set: StatefulSet, template: KubeObject, ordinal: number): string {
  return `${template.metadata.name ?? ''}-${set.metadata.name ?? ''}-${ordinal}`;
}

/** isMemberOf is true when the pod's name says it belongs to set. */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentNameAndOrdinal(pod).parent === set.metadata.name;
}

/** identityMatches is true when the pod has the name, namespace and pod-name label of a member of set. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentNameAndOrdinal(pod);
  return ordinal >= 0 && parent === set.metadata.name && pod.metadata.name === podName(set, ordinal)
    && pod.metadata.namespace === set.metadata.namespace && pod.metadata.labels?.[STATEFULSET_POD_NAME_LABEL] === pod.metadata.name;
}

function volumesOf(pod: Pod): Volume[] {
  return (pod.spec.volumes as Volume[] | undefined) ?? [];
}

/** storageMatches is true when the pod mounts each of set's claims under the template's name. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = getOrdinal(pod);
  if (ordinal < 0) return false;
  const volumes = new Map(volumesOf(pod).map((v) => [v.name, v]));
  return (set.spec.volumeClaimTemplates ?? []).every((t) => volumes.get(t.metadata.name ?? '')?.persistentVolumeClaim?.claimName === claimName(set, t, ordinal));
}

/** claimsFor is getPersistentVolumeClaims: the claims pod needs, by template name, labelled with the set's matchLabels. */
export function claimsFor(set: StatefulSet, pod: Pod): Map<string, PersistentVolumeClaim> {
  const ordinal = getOrdinal(pod);
  const claims = new Map<string, PersistentVolumeClaim>();
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    const { status: _status, ...template } = structuredClone(t) as PersistentVolumeClaim;
    const claim: PersistentVolumeClaim = {
      ...template,
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { ...template.metadata, name: claimName(set, t, ordinal), namespace: set.metadata.namespace, labels: { ...template.metadata.labels, ...set.spec.selector.matchLabels } },
    };
    claims.set(t.metadata.name ?? '', claim);
  }
  return claims;
}

/** updateStorage points the pod's volumes at its claims, replacing local volumes of the same names. */
export function updateStorage(set: StatefulSet, pod: Pod): void {
  const claims = claimsFor(set, pod);
  const volumes: Volume[] = [...claims].map(([name, c]) => ({ name, persistentVolumeClaim: { claimName: c.metadata.name ?? '' } }));
  for (const v of volumesOf(pod)) if (!claims.has(v.name)) volumes.push(v);
  pod.spec.volumes = volumes;
}

/** updateIdentity gives the pod its name, namespace, pod-name and pod-index labels. */
export function updateIdentity(set: StatefulSet, pod: Pod): void {
  const ordinal = getOrdinal(pod);
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...pod.metadata.labels, [STATEFULSET_POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ordinal) };
}

/** controllerRefTo is metav1.NewControllerRef. */
export function controllerRefTo(owner: KubeObject, kind: { apiVersion: string; kind: string }): OwnerReference {
  return { apiVersion: kind.apiVersion, kind: kind.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** newStatefulSetPod is the pod of ordinal made from set's template: stable name, hostname, subdomain and claims. */
export function newStatefulSetPod(set: StatefulSet, ordinal: number): Pod {
  const pod = podFromTemplate(set.spec.template, set);
  pod.metadata.ownerReferences = [controllerRefTo(set, STATEFULSET_KIND)];
  pod.metadata.name = podName(set, ordinal);
  updateIdentity(set, pod);
  // Hostname and subdomain are immutable, so they are set only when the pod is made.
  pod.spec.hostname = pod.metadata.name;
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  return pod;
}

/**
 * newVersionedStatefulSetPod makes the pod of ordinal at the current revision
 * when it lies below the partition (or, without rollingUpdate, below the current
 * replicas), else at the update revision.
 */
export function newVersionedStatefulSetPod(currentSet: StatefulSet, updateSet: StatefulSet, currentRevision: string, updateRevision: string, ordinal: number): Pod {
  const strategy = currentSet.spec.updateStrategy;
  const start = startOrdinal(currentSet);
  const atCurrent = (strategy?.type === 'RollingUpdate' && !strategy.rollingUpdate && ordinal < start + (currentSet.status?.currentReplicas ?? 0))
    || (strategy?.rollingUpdate !== undefined && ordinal < start + (strategy.rollingUpdate.partition ?? 0));
  const pod = newStatefulSetPod(atCurrent ? currentSet : updateSet, ordinal);
  pod.metadata.labels = { ...pod.metadata.labels, [STATEFULSET_REVISION_LABEL]: atCurrent ? currentRevision : updateRevision };
  return pod;
}

export function podRevision(pod: Pod): string {
  return pod.metadata.labels?.[STATEFULSET_REVISION_LABEL] ?? '';
}

/** isCreated is true once the API server has given the pod a phase. */
export const isCreated = (pod: Pod): boolean => !!pod.status?.phase;
export const isPending = (pod: Pod): boolean => pod.status?.phase === 'Pending';
export const isFailed = (pod: Pod): boolean => pod.status?.phase === 'Failed';
export const isSucceeded = (pod: Pod): boolean => pod.status?.phase === 'Succeeded';
export const isTerminating = (pod: Pod): boolean => !!pod.metadata.deletionTimestamp;
export const isRunningAndReady = (pod: Pod): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: Pod, minReadySeconds: number, now: number): boolean => isPodAvailable(pod, minReadySeconds, now);
/** isHealthy is running, ready and not being deleted. */
export const isHealthy = (pod: Pod): boolean => isRunningAndReady(pod) && !isTerminating(pod);
/** allowsBurst is the Parallel pod management policy. */
export const allowsBurst = (set: StatefulSet): boolean => set.spec.podManagementPolicy === 'Parallel';

/** retentionPolicy is the set's PVC retention policy, Retain/Retain when unset. */
export function retentionPolicy(set: StatefulSet): { whenDeleted: string; whenScaled: string } {
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

function matchesRef(ref: OwnerReference, obj: KubeObject, kind: { apiVersion: string; kind: string }): boolean {
  return ref.apiVersion === kind.apiVersion && ref.kind === kind.kind && ref.name === obj.metadata.name;
}

function hasOwnerRef(target: KubeObject, owner: KubeObject): boolean {
  return (target.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);
}

/** hasStaleOwnerRef is true when target refers to an object of obj's kind and name but another uid (an earlier incarnation). */
export function hasStaleOwnerRef(target: KubeObject, obj: KubeObject, kind: { apiVersion: string; kind: string }): boolean {
  const ref = (target.metadata.ownerReferences ?? []).find((r) => matchesRef(r, obj, kind));
  return ref !== undefined && ref.uid !== (obj.metadata.uid ?? '');
}

/** hasUnexpectedController is true when, under a non-Retain policy, something other than this set or pod controls the claim. */
export function hasUnexpectedController(claim: KubeObject, set: StatefulSet, pod: Pod): boolean {
  const policy = retentionPolicy(set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false;
  for (const ref of claim.metadata.ownerReferences ?? []) {
    if (matchesRef(ref, set, STATEFULSET_KIND)) {
      if (ref.uid !== set.metadata.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod, POD_KIND)) {
      if (ref.uid !== pod.metadata.uid) return true;
      continue;
    }
    if (ref.controller) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: KubeObject, set: StatefulSet, pod: Pod): boolean {
  return (claim.metadata.ownerReferences ?? []).some((r) => (r.uid === set.metadata.uid || r.uid === pod.metadata.uid) && !r.controller);
}

/**
 * isClaimOwnerUpToDate is true when the claim's owners are what the retention
 * policy asks: Retain/Retain none; whenDeleted Delete the set; whenScaled Delete
 * the pod once it is scaled away (and the set until then, under Delete/Delete).
 * Claims with stale or foreign controllers are left alone.
 */
export function isClaimOwnerUpToDate(claim: KubeObject, set: StatefulSet, pod: Pod): boolean {
  if (hasStaleOwnerRef(claim, set, STATEFULSET_KIND) || hasStaleOwnerRef(claim, pod, POD_KIND)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const { whenScaled, whenDeleted } = retentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  if (whenScaled === 'Delete' && whenDeleted === 'Delete') return scaledDown !== hasOwnerRef(claim, set) && scaledDown === hasOwnerRef(claim, pod);
  if (whenScaled === 'Delete') return !hasOwnerRef(claim, set) && scaledDown === hasOwnerRef(claim, pod);
  if (whenDeleted === 'Delete') return hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
  return !hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
}

/** updateClaimOwnerRefs is updateClaimOwnerRefForSetAndPod: it rewrites the claim's refs to this set and pod as the policy asks. */
export function updateClaimOwnerRefs(claim: KubeObject, set: StatefulSet, pod: Pod): void {
  const unexpected = hasUnexpectedController(claim, set, pod);
  let refs = (claim.metadata.ownerReferences ?? []).filter((r) => !matchesRef(r, set, STATEFULSET_KIND) && !matchesRef(r, pod, POD_KIND));
  if (!unexpected) {
    const { whenScaled, whenDeleted } = retentionPolicy(set);
    const scaledDown = !podInOrdinalRange(pod, set);
    const add = (owner: KubeObject, kind: { apiVersion: string; kind: string }): void => {
      if (!refs.some((r) => r.uid === owner.metadata.uid)) refs = [...refs, controllerRefTo(owner, kind)];
    };
    if (whenScaled === 'Delete' && scaledDown) add(pod, POD_KIND);
    if (whenDeleted === 'Delete' && (whenScaled !== 'Delete' || !scaledDown)) add(set, STATEFULSET_KIND);
  }
  claim.metadata.ownerReferences = refs;
}

/**
 * revisionPatch is getPatch: the set's template as a strategic merge patch that
 * replaces spec.template. Its metadata carries `creationTimestamp: null`, as Go
 * writes an empty ObjectMeta, so the data reads as a real cluster's does.
 */
export function revisionPatch(set: StatefulSet): unknown {
  const template = structuredClone(set.spec.template);
  return { spec: { template: { ...template, metadata: { creationTimestamp: null, ...template.metadata }, $patch: 'replace' } } };
}

/** newRevision is the ControllerRevision of the set's current template, numbered revision, carrying the set's annotations. */
export function newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  const cr = newControllerRevision(set, STATEFULSET_KIND, set.spec.template.metadata?.labels, revisionPatch(set), revision, collisionCount);
  cr.metadata.annotations = { ...set.metadata.annotations };
  return cr;
}

/** applyRevision is ApplyRevision: a copy of set whose template is the one revision recorded. */
export function applyRevision(set: StatefulSet, revision: ControllerRevision): StatefulSet {
  const clone = structuredClone(set);
  const recorded = (revision.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (recorded && typeof recorded === 'object') {
    const { $patch: _directive, ...template } = structuredClone(recorded);
    const meta = template.metadata as Record<string, unknown> | undefined;
    if (meta && meta.creationTimestamp === null) delete meta.creationTimestamp;
    clone.spec.template = template as unknown as StatefulSet['spec']['template'];
  }
  return clone;
}

/** inconsistentStatus is true when status says something set's status does not. */
export function inconsistentStatus(set: StatefulSet, status: StatefulSetStatus): boolean {
  const old = set.status;
  return (status.observedGeneration ?? 0) > (old?.observedGeneration ?? 0)
    || status.replicas !== (old?.replicas ?? 0)
    || (status.currentReplicas ?? 0) !== (old?.currentReplicas ?? 0)
    || (status.readyReplicas ?? 0) !== (old?.readyReplicas ?? 0)
    || (status.updatedReplicas ?? 0) !== (old?.updatedReplicas ?? 0)
    || (status.currentRevision ?? '') !== (old?.currentRevision ?? '')
    || (status.availableReplicas ?? 0) !== (old?.availableReplicas ?? 0)
    || (status.updateRevision ?? '') !== (old?.updateRevision ?? '');
}

/** completeRollingUpdate makes the update revision current once every replica runs it and is ready. */
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  const replicas = set.spec.replicas ?? 1;
  if (set.spec.updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === replicas && status.readyReplicas === replicas && status.replicas === replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}
