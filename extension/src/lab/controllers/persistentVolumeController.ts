/**
 * PersistentVolumeController is kube-controller-manager's persistent volume
 * binder (pkg/controller/volume/persistentvolume, `persistentvolume-controller`):
 * it binds claims to volumes both ways (the volume's claimRef first, then the
 * claim's volumeName), keeps both phases, asks external provisioners for a
 * volume when none fits, and reclaims a volume whose claim is gone as its
 * reclaim policy says. One worker per queue, as upstream, since syncClaim is not
 * reentrant; it remembers the objects it wrote, so a stale informer does not
 * make it redo a binding (upstream's local caches).
 *
 * The scheduler's VolumeBinding plugin is not in the lab yet. Until it is, the
 * binder stands in for its part of a WaitForFirstConsumer claim: once a pod that
 * uses the claim is on a node, it binds a fitting static volume there, or marks
 * the claim with that node (volume.kubernetes.io/selected-node) so the class's
 * provisioner makes one — what the plugin's PreBind would have done.
 */
import type { Clock, Timer } from '../clock';
import { keyOf } from '../api/meta';
import type { Node, Pod } from '../api/types';
import { isStatus } from '../api/types';
import { defaultClass } from '../apiserver/admission/defaultStorageClass';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { NODES, PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, PODS, STORAGECLASSES } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER,
  BETA_STORAGE_CLASS_ANNOTATION, type ClaimPhase, type PersistentVolume, type PersistentVolumeClaim, type StorageClass, type VolumePhase,
  bindClaimToVolume, bindVolumeToClaim, checkVolumeModeMismatches, checkVolumeSatisfyClaim, claimClass, claimKey, claimRefKey,
  findBestMatchForClaim, findMatchingVolume, isPodTerminated, isVolumeBoundToClaim, podClaimKeys, sameQuantity, volumeClass,
} from './persistentVolumeUtil';
import { reclaimAction } from './persistentVolumeReclaim';

/** RESYNC_MS is --pvclaimbinder-sync-period's default: every claim and volume is looked at again this often. */
export const RESYNC_MS = 15_000;

/** POD_PVC_INDEX is common.PodPVCIndex: pods by the `namespace/claim` keys they use. */
export const POD_PVC_INDEX = 'pod-pvc-index';

/** The event reasons of pkg/controller/volume/events the binder records. */
export const EVENTS = {
  failedBinding: 'FailedBinding', volumeMismatch: 'VolumeMismatch', waitForFirstConsumer: 'WaitForFirstConsumer', waitForPodScheduled: 'WaitForPodScheduled',
  externalProvisioning: 'ExternalProvisioning', provisioningFailed: 'ProvisioningFailed', volumeFailedDelete: 'VolumeFailedDelete',
  volumeFailedRecycle: 'VolumeFailedRecycle', volumeRecycled: 'VolumeRecycled', volumeUnknownReclaimPolicy: 'VolumeUnknownReclaimPolicy',
} as const;

/** failure is the message of a failed call, undefined for a success. */
function failure(res: unknown): string | undefined {
  return isStatus(res) && res.status === 'Failure' ? (res.message ?? 'error') : undefined;
}

/** newer picks whichever copy of an object has the higher resourceVersion (storeObjectUpdate's rule). */
function newer<T extends { metadata: { resourceVersion?: string } }>(informed: T, cached: T | undefined): T {
  if (!cached) return informed;
  return Number(cached.metadata.resourceVersion ?? 0) > Number(informed.metadata.resourceVersion ?? 0) ? cached : informed;
}

export class PersistentVolumeController {
  private readonly claimQueue: WorkQueue;
  private readonly volumeQueue: WorkQueue;
  private readonly recorder: EventRecorder;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly classes: Informer<StorageClass>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  /** The copies the controller wrote itself, newer than its informers for a while. */
  private readonly volumeCache = new Map<string, PersistentVolume>();
  private readonly claimCache = new Map<string, PersistentVolumeClaim>();
  private resyncTimer?: Timer;
  private stopped = false;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, factory: InformerFactory) {
    this.claimQueue = new WorkQueue(clock);
    this.volumeQueue = new WorkQueue(clock);
    this.recorder = new EventRecorder(client, clock, { component: 'persistentvolume-controller' });
    this.volumes = factory.informer<PersistentVolume>(PERSISTENTVOLUMES);
    this.claims = factory.informer<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS);
    this.classes = factory.informer<StorageClass>(STORAGECLASSES);
    this.pods = factory.informer<Pod>(PODS);
    this.nodes = factory.informer<Node>(NODES);
    this.pods.addIndexer(POD_PVC_INDEX, podClaimKeys);
    this.volumes.addEventHandler({
      onAdd: (v) => this.volumeQueue.add(keyOf(v)),
      onUpdate: (_, v) => this.volumeQueue.add(keyOf(v)),
      onDelete: (v) => {
        this.volumeCache.delete(keyOf(v));
        // The claim bound to a deleted volume is Lost: look at it now.
        if (v.spec.claimRef) this.claimQueue.add(claimRefKey(v.spec.claimRef));
      },
    });
    this.claims.addEventHandler({
      onAdd: (c) => this.claimQueue.add(claimKey(c)),
      onUpdate: (_, c) => this.claimQueue.add(claimKey(c)),
      onDelete: (c) => {
        this.claimCache.delete(claimKey(c));
        // Its volume is released: reclaim it now rather than at the next resync.
        if (c.spec.volumeName) this.volumeQueue.add(c.spec.volumeName);
      },
    });
    // The VolumeBinding stand-in: a claim waiting for its first consumer is looked at when one lands on a node.
    const podPlaced = (pod: Pod): void => {
      if (!pod.spec.nodeName || isPodTerminated(pod)) return;
      for (const key of podClaimKeys(pod)) {
        const claim = this.claims.get(key);
        if (claim && !claim.spec.volumeName) this.claimQueue.add(key);
      }
    };
    this.pods.addEventHandler({ onAdd: podPlaced, onUpdate: (old, pod) => { if (!old.spec.nodeName) podPlaced(pod); } });
  }

  run(): void {
    this.claimQueue.run((key) => this.process(this.claimQueue, key, () => this.syncClaim(key)), 1);
    this.volumeQueue.run((key) => this.process(this.volumeQueue, key, () => this.syncVolume(key)), 1);
    this.scheduleResync();
  }

  stop(): void {
    this.stopped = true;
    this.resyncTimer?.cancel();
    this.claimQueue.shutDown();
    this.volumeQueue.shutDown();
  }

  private async process(queue: WorkQueue, key: string, sync: () => Promise<string | undefined>): Promise<void> {
    const error = await sync();
    if (error) queue.addRateLimited(key);
    else queue.forget(key);
  }

  /** scheduleResync is the periodic resync: every claim and volume is synced again, which retries waiting claims. */
  private scheduleResync(): void {
    if (this.stopped) return;
    this.resyncTimer = this.clock.setTimer(RESYNC_MS, () => {
      for (const c of this.claims.list()) this.claimQueue.add(claimKey(c));
      for (const v of this.volumes.list()) this.volumeQueue.add(keyOf(v));
      this.scheduleResync();
    });
  }

  private volume(name: string): PersistentVolume | undefined {
    const informed = this.volumes.get(name);
    if (!informed) return undefined;
    return newer(informed, this.volumeCache.get(name));
  }

  private claim(key: string): PersistentVolumeClaim | undefined {
    const informed = this.claims.get(key);
    if (!informed) return undefined;
    return newer(informed, this.claimCache.get(key));
  }

  private allVolumes(): PersistentVolume[] {
    return this.volumes.list().map((v) => newer(v, this.volumeCache.get(keyOf(v))));
  }

  private storeVolume(v: PersistentVolume): PersistentVolume {
    this.volumeCache.set(keyOf(v), v);
    return v;
  }

  private storeClaim(c: PersistentVolumeClaim): PersistentVolumeClaim {
    this.claimCache.set(claimKey(c), c);
    return c;
  }

  /** isDelayBindingMode is IsDelayBindingMode: the claim's class (if it exists) binds WaitForFirstConsumer. */
  private isDelayBindingMode(claim: PersistentVolumeClaim): boolean {
    const name = claimClass(claim);
    return name !== '' && this.classes.get(name)?.volumeBindingMode === 'WaitForFirstConsumer';
  }

  /** syncClaim decides what to do with a claim, bound or not (pv_controller.go's syncClaim). */
  private async syncClaim(key: string): Promise<string | undefined> {
    const claim = this.claim(key);
    if (!claim) return undefined;
    if (claim.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined) return this.syncUnboundClaim(claim);
    return this.syncBoundClaim(claim);
  }

  private async syncUnboundClaim(claim: PersistentVolumeClaim): Promise<string | undefined> {
    if (!claim.spec.volumeName) {
      const delayBinding = this.isDelayBindingMode(claim);
      const volume = findBestMatchForClaim(claim, this.allVolumes(), delayBinding);
      if (volume) return this.bind(volume, claim);
      const assigned = await this.assignDefaultStorageClass(claim);
      if (assigned !== false) return assigned === true ? undefined : assigned;
      if (delayBinding && claim.metadata.annotations?.[ANN_SELECTED_NODE] === undefined) {
        const consumer = this.scheduledConsumer(claim);
        if (consumer) return this.bindForScheduledPod(claim, consumer);
        await this.emitEventForUnboundDelayBindingClaim(claim);
      } else if (claimClass(claim) !== '') {
        return this.provisionClaim(claim);
      } else {
        await this.recorder.event(claim, 'Normal', EVENTS.failedBinding, 'no persistent volumes available for this claim and no storage class is set');
      }
      return (await this.updateClaimStatus(claim, 'Pending', undefined)).error;
    }
    const volume = this.volume(claim.spec.volumeName);
    if (!volume) return (await this.updateClaimStatus(claim, 'Pending', undefined)).error;
    if (!volume.spec.claimRef) {
      const mismatch = checkVolumeSatisfyClaim(volume, claim);
      if (mismatch === undefined) return this.bind(volume, claim);
      await this.recorder.event(claim, 'Warning', EVENTS.volumeMismatch, `Cannot bind to requested volume "${volume.metadata.name ?? ''}": ${mismatch}`);
      return (await this.updateClaimStatus(claim, 'Pending', undefined)).error;
    }
    if (isVolumeBoundToClaim(volume, claim)) return this.bind(volume, claim);
    await this.recorder.event(claim, 'Warning', EVENTS.failedBinding, `volume "${volume.metadata.name ?? ''}" already bound to a different claim.`);
    if (claim.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] === undefined) return (await this.updateClaimStatus(claim, 'Pending', undefined)).error;
    return `invalid binding of claim "${claimKey(claim)}" to volume "${claim.spec.volumeName}": volume already claimed by "${claimRefKey(volume.spec.claimRef)}"`;
  }

  private async syncBoundClaim(claim: PersistentVolumeClaim): Promise<string | undefined> {
    if (!claim.spec.volumeName) {
      return this.updateClaimStatusWithEvent(claim, 'Lost', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
    }
    const volume = this.volume(claim.spec.volumeName);
    if (!volume) return this.updateClaimStatusWithEvent(claim, 'Lost', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    if (!volume.spec.claimRef || volume.spec.claimRef.uid === claim.metadata.uid) return this.bind(volume, claim);
    return this.updateClaimStatusWithEvent(claim, 'Lost', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  }

  /** syncVolume decides what to do with a volume (pv_controller.go's syncVolume). */
  private async syncVolume(name: string): Promise<string | undefined> {
    let volume = this.volume(name);
    if (!volume) return undefined;
    const ref = volume.spec.claimRef;
    if (!ref || !ref.uid) return (await this.updateVolumePhase(volume, 'Available', '')).error;
    let claim = this.claim(claimRefKey(ref));
    if (!claim && volume.status?.phase !== 'Released' && volume.status?.phase !== 'Failed') {
      // A provisioner or binder may have written the volume before this informer saw the claim: ask the API before reclaiming.
      const live = await this.client.get<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, ref.namespace ?? '', ref.name ?? '');
      if (isStatus(live) && live.code !== 404) return live.message ?? 'error';
      if (!isStatus(live)) claim = live;
    }
    if (claim && claim.metadata.uid !== ref.uid) {
      const live = await this.client.get<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, ref.namespace ?? '', ref.name ?? '');
      if (isStatus(live) && live.code !== 404) return live.message ?? 'error';
      claim = isStatus(live) || live.metadata.uid !== ref.uid ? undefined : live;
    }
    if (!claim) {
      if (volume.status?.phase !== 'Released' && volume.status?.phase !== 'Failed') {
        const released = await this.updateVolumePhase(volume, 'Released', '');
        if (released.error) return released.error;
        volume = released.volume ?? volume;
      }
      return this.reclaimVolume(volume);
    }
    if (!claim.spec.volumeName) {
      if (checkVolumeModeMismatches(claim, volume)) {
        await this.recorder.event(volume, 'Warning', EVENTS.volumeMismatch, `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata.name ?? ''}" due to incompatible volumeMode.`);
        await this.recorder.event(claim, 'Warning', EVENTS.volumeMismatch, `Cannot bind PersistentVolume "${volume.metadata.name ?? ''}" to requested PersistentVolumeClaim due to incompatible volumeMode.`);
        return undefined;
      }
      // The claim's sync finishes the binding; a provisioned volume waits on it.
      this.claimQueue.add(claimKey(claim));
      return undefined;
    }
    if (claim.spec.volumeName === volume.metadata.name) return (await this.updateVolumePhase(volume, 'Bound', '')).error;
    if (volume.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] !== undefined && volume.spec.persistentVolumeReclaimPolicy === 'Delete') {
      // Provisioned for a claim that got another volume: not needed.
      if (volume.status?.phase !== 'Released' && volume.status?.phase !== 'Failed') {
        const released = await this.updateVolumePhase(volume, 'Released', '');
        if (released.error) return released.error;
        volume = released.volume ?? volume;
      }
      return this.reclaimVolume(volume);
    }
    return this.unbindVolume(volume);
  }

  /** scheduledConsumer is a running pod on a node that uses the claim, for the VolumeBinding stand-in. */
  private scheduledConsumer(claim: PersistentVolumeClaim): Pod | undefined {
    return this.pods.byIndex(POD_PVC_INDEX, claimKey(claim)).find((p) => p.spec.nodeName && !isPodTerminated(p));
  }

  /**
   * bindForScheduledPod does what VolumeBinding's PreBind would for a pod placed
   * on a node: bind a static volume that fits there, or select the node for the
   * class's provisioner (a class without one leaves the claim Pending).
   */
  private async bindForScheduledPod(claim: PersistentVolumeClaim, pod: Pod): Promise<string | undefined> {
    const nodeName = pod.spec.nodeName ?? '';
    const node = this.nodes.get(nodeName);
    const inClass = this.allVolumes().filter((v) => volumeClass(v) === claimClass(claim));
    const volume = node ? findMatchingVolume(claim, inClass, node, true) : undefined;
    if (volume) return this.bind(volume, claim);
    if (this.classes.get(claimClass(claim))?.provisioner === NO_PROVISIONER) return (await this.updateClaimStatus(claim, 'Pending', undefined)).error;
    const updated = await this.client.update(PERSISTENTVOLUMECLAIMS, { ...claim, metadata: { ...claim.metadata, annotations: { ...claim.metadata.annotations, [ANN_SELECTED_NODE]: nodeName } } });
    const error = failure(updated);
    if (!error) this.storeClaim(updated as PersistentVolumeClaim);
    return error;
  }

  private async emitEventForUnboundDelayBindingClaim(claim: PersistentVolumeClaim): Promise<void> {
    const waiting = this.pods.byIndex(POD_PVC_INDEX, claimKey(claim)).filter((p) => !isPodTerminated(p) && !p.spec.nodeName).map((p) => p.metadata.name ?? '');
    if (waiting.length === 0) {
      await this.recorder.event(claim, 'Normal', EVENTS.waitForFirstConsumer, 'waiting for first consumer to be created before binding');
      return;
    }
    const message = waiting.length > 1 ? `waiting for pods ${waiting.join(',')} to be scheduled` : `waiting for pod ${waiting[0]} to be scheduled`;
    await this.recorder.event(claim, 'Normal', EVENTS.waitForPodScheduled, message);
  }

  /** assignDefaultStorageClass gives a claim without a class the default one (RetroactiveDefaultStorageClass): true when written, false when not needed, or the error. */
  private async assignDefaultStorageClass(claim: PersistentVolumeClaim): Promise<boolean | string> {
    const hasClass = (claim.spec.storageClassName !== undefined && claim.spec.storageClassName !== null) || claim.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined;
    if (hasClass) return false;
    const def = defaultClass(this.classes.list());
    if (!def) return false;
    const updated = await this.client.update(PERSISTENTVOLUMECLAIMS, { ...claim, spec: { ...claim.spec, storageClassName: def.metadata.name } });
    const error = failure(updated);
    return error === undefined ? true : `can't update PersistentVolumeClaim["${claimKey(claim)}"]: ${error}`;
  }

  /**
   * provisionClaim asks for a volume: the lab has no in-tree provisioner, so a
   * kubernetes.io/ provisioner fails and any other is external — the claim is
   * annotated for it and told so (provisionClaimOperationExternal).
   */
  private async provisionClaim(claim: PersistentVolumeClaim): Promise<string | undefined> {
    const name = claimClass(claim);
    const cls = this.classes.get(name);
    if (!cls) {
      await this.recorder.event(claim, 'Warning', EVENTS.provisioningFailed, `storageclass.storage.k8s.io "${name}" not found`);
      return undefined;
    }
    if (cls.provisioner.startsWith('kubernetes.io/')) {
      await this.recorder.event(claim, 'Warning', EVENTS.provisioningFailed, `no volume plugin matched name: ${cls.provisioner}`);
      return undefined;
    }
    let current = claim;
    const annotations = claim.metadata.annotations ?? {};
    if (annotations[ANN_STORAGE_PROVISIONER] !== cls.provisioner) {
      const updated = await this.client.update(PERSISTENTVOLUMECLAIMS, {
        ...claim, metadata: { ...claim.metadata, annotations: { ...annotations, [ANN_BETA_STORAGE_PROVISIONER]: cls.provisioner, [ANN_STORAGE_PROVISIONER]: cls.provisioner } },
      });
      const error = failure(updated);
      if (error) {
        await this.recorder.event(claim, 'Warning', EVENTS.provisioningFailed, `Error saving claim: ${error}`);
        return error;
      }
      current = this.storeClaim(updated as PersistentVolumeClaim);
    }
    await this.recorder.event(current, 'Normal', EVENTS.externalProvisioning,
      `Waiting for a volume to be created either by the external provisioner '${cls.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
    return undefined;
  }

  /** bind writes the binding both ways and both phases, volume first; it stops at the first failure, which a later sync finishes. */
  private async bind(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<string | undefined> {
    const bound = bindVolumeToClaim(volume, claim);
    let v = volume;
    if (bound.dirty) {
      const res = await this.client.update(PERSISTENTVOLUMES, bound.volume);
      const error = failure(res);
      if (error) return error;
      v = this.storeVolume(res as PersistentVolume);
    }
    const phased = await this.updateVolumePhase(v, 'Bound', '');
    if (phased.error) return phased.error;
    v = phased.volume ?? v;
    const claimed = bindClaimToVolume(claim, v);
    let c = claim;
    if (claimed.dirty) {
      const res = await this.client.update(PERSISTENTVOLUMECLAIMS, claimed.claim);
      const error = failure(res);
      if (error) return error;
      c = this.storeClaim(res as PersistentVolumeClaim);
    }
    return (await this.updateClaimStatus(c, 'Bound', v)).error;
  }

  /** unbindVolume rolls a volume's binding back: a controller-made one entirely, a user's pre-binding down to its uid. */
  private async unbindVolume(volume: PersistentVolume): Promise<string | undefined> {
    const clone = structuredClone(volume);
    const annotations = { ...clone.metadata.annotations };
    if (annotations[ANN_BOUND_BY_CONTROLLER] !== undefined) {
      clone.spec.claimRef = null;
      delete annotations[ANN_BOUND_BY_CONTROLLER];
      clone.metadata.annotations = Object.keys(annotations).length ? annotations : undefined;
    } else if (clone.spec.claimRef) {
      clone.spec.claimRef = { ...clone.spec.claimRef, uid: '' };
    }
    const res = await this.client.update(PERSISTENTVOLUMES, clone);
    const error = failure(res);
    if (error) return error;
    return (await this.updateVolumePhase(this.storeVolume(res as PersistentVolume), 'Available', '')).error;
  }

  /** reclaimVolume carries out a released volume's reclaim policy. */
  private async reclaimVolume(volume: PersistentVolume): Promise<string | undefined> {
    const action = reclaimAction(volume);
    switch (action.kind) {
      case 'retain':
      case 'external':
        return undefined;
      case 'recycled':
        await this.recorder.event(volume, 'Normal', EVENTS.volumeRecycled, 'Volume recycled');
        return this.unbindVolume(volume);
      case 'delete':
        return this.deleteVolume(volume);
      case 'failed':
        return this.updateVolumePhaseWithEvent(volume, 'Failed', action.reason, action.message);
    }
  }

  /** deleteVolume is deleteVolumeOperation for a volume an in-tree deleter removes: re-read, still released, then the object goes. */
  private async deleteVolume(volume: PersistentVolume): Promise<string | undefined> {
    const fresh = await this.client.get<PersistentVolume>(PERSISTENTVOLUMES, '', volume.metadata.name ?? '');
    if (isStatus(fresh)) return undefined;
    const ref = fresh.spec.claimRef;
    if (!ref?.uid) return undefined;
    const claim = this.claim(claimRefKey(ref));
    if (claim && claim.metadata.uid === ref.uid && (!claim.spec.volumeName || claim.spec.volumeName === fresh.metadata.name)) return undefined;
    const res = await this.client.delete(PERSISTENTVOLUMES, '', fresh.metadata.name ?? '');
    const error = failure(res);
    return error && !(isStatus(res) && res.code === 404) ? error : undefined;
  }

  /**
   * updateClaimStatus writes the claim's phase, and the volume's access modes
   * and (when the claim becomes Bound) capacity; nothing when already so.
   */
  private async updateClaimStatus(claim: PersistentVolumeClaim, phase: ClaimPhase, volume: PersistentVolume | undefined): Promise<{ claim?: PersistentVolumeClaim; error?: string }> {
    const status = { ...claim.status };
    let dirty = false;
    if (claim.status?.phase !== phase) {
      status.phase = phase;
      dirty = true;
    }
    if (!volume) {
      if (status.accessModes !== undefined) { delete status.accessModes; dirty = true; }
      if (status.capacity !== undefined) { delete status.capacity; dirty = true; }
    } else {
      if (JSON.stringify(status.accessModes) !== JSON.stringify(volume.spec.accessModes)) { status.accessModes = volume.spec.accessModes; dirty = true; }
      // Only a claim becoming Bound takes the volume's capacity: a later difference may be a resize in progress.
      if (claim.status?.phase !== phase && !sameQuantity(volume.spec.capacity?.storage, status.capacity?.storage)) { status.capacity = volume.spec.capacity; dirty = true; }
    }
    if (!dirty) return { claim };
    const res = await this.client.updateStatus(PERSISTENTVOLUMECLAIMS, { ...claim, status });
    const error = failure(res);
    return error ? { error } : { claim: this.storeClaim(res as PersistentVolumeClaim) };
  }

  /** updateClaimStatusWithEvent writes a new phase and records why, only when the phase changes. */
  private async updateClaimStatusWithEvent(claim: PersistentVolumeClaim, phase: ClaimPhase, reason: string, message: string): Promise<string | undefined> {
    if (claim.status?.phase === phase) return undefined;
    const written = await this.updateClaimStatus(claim, phase, undefined);
    if (written.error) return written.error;
    await this.recorder.event(written.claim ?? claim, 'Warning', reason, message);
    return undefined;
  }

  /** updateVolumePhase writes the volume's phase and message when the phase changes. */
  private async updateVolumePhase(volume: PersistentVolume, phase: VolumePhase, message: string): Promise<{ volume?: PersistentVolume; error?: string }> {
    if (volume.status?.phase === phase) return { volume };
    const status: NonNullable<PersistentVolume['status']> = { ...volume.status, phase };
    if (message) status.message = message;
    else delete status.message;
    const res = await this.client.updateStatus(PERSISTENTVOLUMES, { ...volume, status });
    const error = failure(res);
    return error ? { error } : { volume: this.storeVolume(res as PersistentVolume) };
  }

  /** updateVolumePhaseWithEvent writes a new phase and records why, only when the phase changes. */
  private async updateVolumePhaseWithEvent(volume: PersistentVolume, phase: VolumePhase, reason: string, message: string): Promise<string | undefined> {
    if (volume.status?.phase === phase) return undefined;
    const written = await this.updateVolumePhase(volume, phase, message);
    if (written.error) return written.error;
    await this.recorder.event(written.volume ?? volume, 'Warning', reason, message);
    return undefined;
  }
}

/** NO_PROVISIONER is the provisioner of classes for statically made local volumes: nothing provisions for them. */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
