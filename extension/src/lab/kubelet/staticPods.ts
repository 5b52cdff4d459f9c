/**
 * StaticPods is the kubelet's file pod source and its mirror client
 * (pkg/kubelet/config/file.go, common.go; pkg/kubelet/pod/mirror_client.go):
 * the pods of the node's manifests folder (/etc/kubernetes/manifests; in the
 * lab, the kubelet's staticPods option) run without the API server — named
 * `<name>-<node>`, their UID the hash of the manifest — and each gets a mirror
 * pod in the API so `kubectl get pods` shows it: a copy with the
 * `kubernetes.io/config.mirror` annotation, owned by the Node. A deleted or
 * stale mirror is made again; the static pod itself runs on regardless.
 */
import { createHash } from 'node:crypto';
import { timestamp } from '../api/meta';
import { isStatus, type Node, type Pod, type PodStatus, type Toleration } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { NODES, PODS } from '../client/resources';

/** The kubelet's config annotations (pkg/kubelet/types/pod_update.go). */
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';
/** STATIC_POD_PATH is kubeadm's staticPodPath, where the file source reads its manifests. */
export const STATIC_POD_PATH = '/etc/kubernetes/manifests';

/** StaticPodManifest is one file of the manifests folder: its name (`kube-apiserver.yaml`) and the Pod it holds. */
export interface StaticPodManifest {
  file: string;
  pod: Pod;
}

/** isMirrorPod tells a mirror pod by its annotation (kubetypes.IsMirrorPod). */
export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined;
}

/**
 * staticPod is the file source's applyDefaults: the UID hashes the manifest
 * with the node and the file, the name gets `-<node>`, the namespace defaults
 * to default, the pod is bound to the node, tolerates every NoExecute taint,
 * and carries the hash, the source and when it was first seen. A manifest
 * without a name or containers is the kubelet's refusal.
 */
export function staticPod(manifest: StaticPodManifest, nodeName: string, seenAt: number): { pod: Pod } | { error: string } {
  const source = `${STATIC_POD_PATH}/${manifest.file}`;
  const pod = manifest.pod as Partial<Pod> | undefined;
  if (!pod || typeof pod !== 'object' || pod.kind !== 'Pod') return { error: `${source}: the manifest is not a Pod` };
  const name = pod.metadata?.name;
  if (!name) return { error: `${source}: invalid pod: metadata.name: Required value: name or generateName is required` };
  if (!Array.isArray(pod.spec?.containers) || pod.spec.containers.length === 0) return { error: `${source}: invalid pod: spec.containers: Required value` };
  const hasher = createHash('md5');
  hasher.update(JSON.stringify({ metadata: pod.metadata, spec: pod.spec }));
  hasher.update(`host:${nodeName}`);
  hasher.update(`file:${source}`);
  const uid = hasher.digest('hex');
  const tolerations: Toleration[] = [...(pod.spec.tolerations ?? [])];
  if (!tolerations.some((t) => t.operator === 'Exists' && !t.key && t.effect === 'NoExecute')) tolerations.push({ operator: 'Exists', effect: 'NoExecute' });
  const made: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...structuredClone(pod.metadata ?? {}),
      name: `${name}-${nodeName.toLowerCase()}`,
      namespace: pod.metadata?.namespace || 'default',
      uid,
      annotations: {
        ...(pod.metadata?.annotations ?? {}),
        [CONFIG_HASH_ANNOTATION]: uid,
        [CONFIG_SEEN_ANNOTATION]: timestamp(seenAt),
        [CONFIG_SOURCE_ANNOTATION]: 'file',
      },
    },
    spec: { ...structuredClone(pod.spec), nodeName, restartPolicy: pod.spec.restartPolicy || 'Always', tolerations },
  };
  return { pod: made };
}

/** MirrorHost is what the mirror client needs of its kubelet. */
export interface MirrorHost {
  nodeName: string;
  client: KubeClient;
  /** apiPod is the pod of a key as the kubelet's informer sees it (a mirror, or a namesake). */
  apiPod(key: string): Pod | undefined;
}

export class StaticPods {
  /** pods are the static pods by key (namespace/name), with the status the kubelet last computed for each. */
  private readonly pods = new Map<string, Pod>();

  constructor(private readonly host: MirrorHost) {}

  get(key: string): Pod | undefined {
    return this.pods.get(key);
  }

  list(): Pod[] {
    return [...this.pods.values()];
  }

  /**
   * set replaces the manifests, as files written to and removed from the
   * folder: it answers which static pods are new (or changed: a new UID) and
   * which went, and why a manifest was refused. A pod whose manifest did not
   * change keeps its UID, its status and its first-seen time.
   */
  set(manifests: readonly StaticPodManifest[], now: number): { added: Pod[]; removed: Pod[]; errors: string[] } {
    const next = new Map<string, Pod>();
    const errors: string[] = [];
    for (const m of manifests) {
      const made = staticPod(m, this.host.nodeName, now);
      if ('error' in made) {
        errors.push(made.error);
        continue;
      }
      const pod = made.pod;
      const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
      if (next.has(key)) {
        errors.push(`${STATIC_POD_PATH}/${m.file}: a static pod named ${key} comes from another manifest`);
        continue;
      }
      const old = this.pods.get(key);
      next.set(key, old && old.metadata.uid === pod.metadata.uid ? old : pod);
    }
    const removed = [...this.pods].filter(([key, pod]) => next.get(key)?.metadata.uid !== pod.metadata.uid).map(([, pod]) => pod);
    const added = [...next].filter(([key, pod]) => this.pods.get(key)?.metadata.uid !== pod.metadata.uid).map(([, pod]) => pod);
    this.pods.clear();
    for (const [key, pod] of next) this.pods.set(key, pod);
    return { added, removed, errors };
  }

  /**
   * syncMirror makes sure a static pod has its mirror: one being deleted, or
   * made from an older manifest, is deleted (grace 0) and made again from the
   * pod as it is now. It resolves false when the API server could not be
   * reached, for the kubelet to try again later.
   */
  async syncMirror(pod: Pod): Promise<boolean> {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    const hash = pod.metadata.uid ?? '';
    const mirror = this.host.apiPod(key);
    if (mirror && isMirrorPod(mirror) && mirror.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION] === hash && !mirror.metadata.deletionTimestamp) return true;
    if (mirror) {
      // Only a mirror pod is the kubelet's to delete; a namesake made through the API blocks the mirror until it goes.
      if (!isMirrorPod(mirror)) return true;
      const deleted = await this.host.client.delete(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: mirror.metadata.uid ?? '' } });
      if (isStatus(deleted) && deleted.status === 'Failure' && deleted.code !== 404 && deleted.code !== 409) return false;
    }
    return this.createMirror(pod);
  }

  /** createMirror is CreateMirrorPod: the static pod with the mirror annotation, owned by the Node; its status follows. */
  private async createMirror(pod: Pod): Promise<boolean> {
    const node = await this.host.client.get<Node>(NODES, '', this.host.nodeName);
    if (isStatus(node)) return false;
    const { status, ...rest } = pod;
    const copy: Pod = {
      ...rest,
      metadata: {
        ...rest.metadata,
        annotations: { ...rest.metadata.annotations, [CONFIG_MIRROR_ANNOTATION]: pod.metadata.uid ?? '' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.host.nodeName, uid: node.metadata.uid ?? '', controller: true }],
      },
    };
    delete copy.metadata.uid;
    const created = await this.host.client.create<Pod>(PODS, copy);
    if (isStatus(created)) return created.code === 409;
    if (status) await this.host.client.updateStatus(PODS, { ...created, status });
    return true;
  }

  /** writeStatus keeps the status the kubelet computed for a static pod and writes it onto its mirror, when there is one. */
  async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    const current = this.pods.get(key);
    if (!current || current.metadata.uid !== pod.metadata.uid) return;
    current.status = status;
    const mirror = this.host.apiPod(key);
    if (!mirror || !isMirrorPod(mirror) || mirror.metadata.deletionTimestamp || JSON.stringify(mirror.status) === JSON.stringify(status)) return;
    await this.host.client.updateStatus(PODS, { ...mirror, status });
  }

  /** deleteMirror deletes the mirror of a static pod that went (DeleteMirrorPod), or an orphaned mirror. */
  async deleteMirror(namespace: string, name: string, uid?: string): Promise<void> {
    await this.host.client.delete(PODS, namespace, name, { gracePeriodSeconds: 0, ...(uid ? { preconditions: { uid } } : {}) });
  }
}
