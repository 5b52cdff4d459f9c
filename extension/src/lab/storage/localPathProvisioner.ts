/**
 * LocalPathProvisioner is the lab's dynamic provisioner for the default
 * StorageClass, as kind ships rancher's local-path-provisioner: an API client of
 * its own (the local-path-storage service account) running
 * sig-storage-lib-external-provisioner's loop. It provisions a claim the PV
 * controller handed to `rancher.io/local-path` — for a WaitForFirstConsumer
 * class, once a node is selected — as a hostPath volume `pvc-<claim uid>` on
 * that node, pre-bound to the claim, and deletes released volumes it made whose
 * policy is Delete. The directories are simulated: no helper pods run.
 */
import type { Clock } from '../clock';
import { keyOf } from '../api/meta';
import type { KubeObject, Node } from '../api/types';
import { isStatus } from '../api/types';
import type { UserInfo } from '../apiserver/auth/types';
import { EventRecorder } from '../client/eventRecorder';
import { type Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { NODES, PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, type ResourceRef, STORAGECLASSES } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER,
  type PersistentVolume, type PersistentVolumeClaim, type StorageClass, claimClass, claimKey, claimRefTo,
} from '../controllers/persistentVolumeUtil';
import { type Random, uuid } from '../random';

/** LOCAL_PATH_PROVISIONER is the provisioner name the default class names. */
export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
/** LOCAL_PATH_NAMESPACE and LOCAL_PATH_SERVICE_ACCOUNT are where kind runs the provisioner and as whom. */
export const LOCAL_PATH_NAMESPACE = 'local-path-storage';
export const LOCAL_PATH_SERVICE_ACCOUNT = 'local-path-provisioner-service-account';
/** LOCAL_PATH_ROOT is kind's base directory for the volumes on each node. */
export const LOCAL_PATH_ROOT = '/var/local-path-provisioner';
/** DEFAULT_STORAGE_CLASS is the class kind makes the cluster default. */
export const DEFAULT_STORAGE_CLASS = 'standard';

/** LOCAL_PATH_PROVISIONER_USER is the provisioner's identity: its service account. */
export const LOCAL_PATH_PROVISIONER_USER: UserInfo = {
  username: `system:serviceaccount:${LOCAL_PATH_NAMESPACE}:${LOCAL_PATH_SERVICE_ACCOUNT}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${LOCAL_PATH_NAMESPACE}`, 'system:authenticated'],
};

const CLUSTER_ROLES: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false };
const CLUSTER_ROLE_BINDINGS: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', namespaced: false };

/** localPathStorageObjects are the parts of kind's storage manifest the lab installs: the provisioner's RBAC and the default class. */
export function localPathStorageObjects(): [ResourceRef, KubeObject][] {
  const role = 'local-path-provisioner-role';
  return [
    [CLUSTER_ROLES, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'persistentvolumeclaims', 'configmaps', 'pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
      ],
    }],
    [CLUSTER_ROLE_BINDINGS, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'local-path-provisioner-bind' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: LOCAL_PATH_SERVICE_ACCOUNT, namespace: LOCAL_PATH_NAMESPACE }],
    }],
    [STORAGECLASSES, {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
      metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: LOCAL_PATH_PROVISIONER, reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer',
    }],
  ];
}

/** installLocalPathStorage creates those objects, as kind applies its storage manifest after the control plane is up. */
export async function installLocalPathStorage(client: KubeClient): Promise<void> {
  for (const [ref, obj] of localPathStorageObjects()) {
    const res = await client.create(ref, obj);
    if (isStatus(res) && res.code !== 409) throw new Error(`installing ${obj.kind ?? ''} ${obj.metadata.name ?? ''}: ${res.message ?? ''}`);
  }
}

/**
 * localPathError is local-path's refusal of a claim it cannot serve (the
 * library's block check first, then the provisioner's own), or undefined.
 */
export function localPathError(claim: PersistentVolumeClaim, node: Node | undefined): string | undefined {
  if (claim.spec.volumeMode === 'Block') return `${LOCAL_PATH_PROVISIONER} does not support block volume provisioning`;
  if (claim.spec.selector) return 'claim.Spec.Selector is not supported';
  if ((claim.spec.accessModes ?? []).some((m) => m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod')) return 'NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes';
  if (!node) return 'configuration error, no node was specified';
  return undefined;
}

/** localPathVolume is the volume local-path makes for a claim on a node: a hostPath directory there, pinned by node affinity. */
export function localPathVolume(claim: PersistentVolumeClaim, cls: StorageClass, node: Node): PersistentVolume {
  const name = `pvc-${claim.metadata.uid ?? ''}`;
  const hostname = node.metadata.labels?.['kubernetes.io/hostname'] ?? node.metadata.name ?? '';
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name, annotations: { [ANN_DYNAMICALLY_PROVISIONED]: LOCAL_PATH_PROVISIONER, 'local.path.provisioner/selected-node': node.metadata.name ?? '' } },
    spec: {
      accessModes: claim.spec.accessModes,
      capacity: { storage: claim.spec.resources?.requests?.storage ?? '0' },
      claimRef: claimRefTo(claim),
      hostPath: { path: `${LOCAL_PATH_ROOT}/${name}_${claim.metadata.namespace ?? ''}_${claim.metadata.name ?? ''}`, type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [hostname] }] }] } },
      persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? 'Delete',
      storageClassName: claimClass(claim),
      volumeMode: 'Filesystem',
      ...(cls.mountOptions ? { mountOptions: cls.mountOptions } : {}),
    },
  };
}

/** POD_ALPHABET is the one Kubernetes draws generated name suffixes from. */
const POD_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class LocalPathProvisioner {
  private readonly factory: InformerFactory;
  private readonly claimQueue: WorkQueue;
  private readonly volumeQueue: WorkQueue;
  private readonly recorder: EventRecorder;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly classes: Informer<StorageClass>;

  constructor(private readonly client: KubeClient, clock: Clock, random: Random) {
    this.factory = new InformerFactory(client, clock);
    this.claimQueue = new WorkQueue(clock);
    this.volumeQueue = new WorkQueue(clock);
    // The library names its event source `<provisioner>_<identity>`, the identity being the pod's name and a uuid.
    const suffix = (n: number) => Array.from({ length: n }, () => POD_ALPHABET[random.int(POD_ALPHABET.length)]).join('');
    this.recorder = new EventRecorder(client, clock, { component: `${LOCAL_PATH_PROVISIONER}_local-path-provisioner-${suffix(10)}-${suffix(5)}_${uuid(random)}` });
    this.claims = this.factory.informer<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS);
    this.volumes = this.factory.informer<PersistentVolume>(PERSISTENTVOLUMES);
    this.classes = this.factory.informer<StorageClass>(STORAGECLASSES);
    this.claims.addEventHandler({ onAdd: (c) => this.claimQueue.add(claimKey(c)), onUpdate: (_, c) => this.claimQueue.add(claimKey(c)) });
    this.volumes.addEventHandler({ onAdd: (v) => this.volumeQueue.add(keyOf(v)), onUpdate: (_, v) => this.volumeQueue.add(keyOf(v)) });
  }

  async start(): Promise<void> {
    await this.factory.start();
    this.claimQueue.run((key) => this.process(this.claimQueue, key, () => this.syncClaim(key)), 1);
    this.volumeQueue.run((key) => this.process(this.volumeQueue, key, () => this.syncVolume(key)), 1);
  }

  stop(): void {
    this.claimQueue.shutDown();
    this.volumeQueue.shutDown();
    this.factory.stop();
  }

  private async process(queue: WorkQueue, key: string, sync: () => Promise<boolean>): Promise<void> {
    if (await sync()) queue.forget(key);
    else queue.addRateLimited(key);
  }

  /** shouldProvision is the library's: an unbound claim handed to this provisioner, with a selected node when its class waits for a consumer. */
  private shouldProvision(claim: PersistentVolumeClaim): StorageClass | undefined {
    if (claim.spec.volumeName || claim.metadata.deletionTimestamp) return undefined;
    const annotations = claim.metadata.annotations ?? {};
    if ((annotations[ANN_STORAGE_PROVISIONER] ?? annotations[ANN_BETA_STORAGE_PROVISIONER]) !== LOCAL_PATH_PROVISIONER) return undefined;
    const cls = this.classes.get(claimClass(claim));
    if (!cls || cls.provisioner !== LOCAL_PATH_PROVISIONER) return undefined;
    if (cls.volumeBindingMode === 'WaitForFirstConsumer' && !annotations[ANN_SELECTED_NODE]) return undefined;
    return cls;
  }

  /** syncClaim provisions a claim that should be: true when done (or nothing to do), false to retry with back-off. */
  private async syncClaim(key: string): Promise<boolean> {
    const claim = this.claims.get(key);
    if (!claim) return true;
    const cls = this.shouldProvision(claim);
    if (!cls) return true;
    const name = `pvc-${claim.metadata.uid ?? ''}`;
    // A volume made for this claim already: the PV controller binds it.
    if (this.volumes.get(name)) return true;
    const existing = await this.client.get<PersistentVolume>(PERSISTENTVOLUMES, '', name);
    if (!isStatus(existing)) return true;
    await this.recorder.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${claimKey(claim)}"`);
    const nodeName = claim.metadata.annotations?.[ANN_SELECTED_NODE];
    let node: Node | undefined;
    if (nodeName) {
      const got = await this.client.get<Node>(NODES, '', nodeName);
      if (isStatus(got)) {
        await this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `failed to get target node: ${got.message ?? ''}`);
        return false;
      }
      node = got;
    }
    const refused = localPathError(claim, node);
    if (refused !== undefined || !node) {
      await this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${cls.metadata.name ?? ''}": ${refused ?? ''}`);
      return false;
    }
    const created = await this.client.create(PERSISTENTVOLUMES, localPathVolume(claim, cls, node));
    if (isStatus(created) && created.code !== 409) {
      await this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${cls.metadata.name ?? ''}": ${created.message ?? ''}`);
      return false;
    }
    await this.recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
    return true;
  }

  /** syncVolume deletes a released volume this provisioner made whose policy is Delete (the library's shouldDelete and deleteVolumeOperation). */
  private async syncVolume(name: string): Promise<boolean> {
    const volume = this.volumes.get(name);
    if (!volume || volume.metadata.deletionTimestamp) return true;
    if (volume.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] !== LOCAL_PATH_PROVISIONER) return true;
    if (volume.status?.phase !== 'Released' || volume.spec.persistentVolumeReclaimPolicy !== 'Delete') return true;
    const res = await this.client.delete(PERSISTENTVOLUMES, '', name);
    if (isStatus(res) && res.status === 'Failure' && res.code !== 404) {
      await this.recorder.event(volume, 'Warning', 'VolumeFailedDelete', res.message ?? '');
      return false;
    }
    return true;
  }
}
