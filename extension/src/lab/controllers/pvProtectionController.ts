/**
 * PVProtectionController is upstream's pv-protection-controller
 * (pkg/controller/volume/pvprotection): a volume being deleted keeps its
 * kubernetes.io/pv-protection finalizer while it is Bound to a claim, and loses
 * it once it is not; a volume made before the admission plugin was on gets it.
 */
import type { Clock } from '../clock';
import { keyOf } from '../api/meta';
import { isStatus } from '../api/types';
import { PV_PROTECTION_FINALIZER } from '../apiserver/admission/storageObjectInUseProtection';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { PERSISTENTVOLUMES } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import type { PersistentVolume } from './persistentVolumeUtil';
import { isDeletionCandidate, needToAddFinalizer } from './pvcProtectionController';

export class PVProtectionController {
  private readonly queue: WorkQueue;
  private readonly volumes: Informer<PersistentVolume>;

  constructor(private readonly client: KubeClient, clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.volumes = factory.informer<PersistentVolume>(PERSISTENTVOLUMES);
    const changed = (v: PersistentVolume): void => {
      if (needToAddFinalizer(v, PV_PROTECTION_FINALIZER) || isDeletionCandidate(v, PV_PROTECTION_FINALIZER)) this.queue.add(keyOf(v));
    };
    this.volumes.addEventHandler({ onAdd: changed, onUpdate: (_, v) => changed(v) });
  }

  run(workers = 1): void {
    this.queue.run((key) => this.process(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  private async process(key: string): Promise<void> {
    const error = await this.processPV(key);
    if (error) this.queue.addRateLimited(key);
    else this.queue.forget(key);
  }

  private async processPV(name: string): Promise<string | undefined> {
    const volume = this.volumes.get(name);
    if (!volume) return undefined;
    // A Bound volume is in use: its claim still points at it.
    if (isDeletionCandidate(volume, PV_PROTECTION_FINALIZER) && volume.status?.phase !== 'Bound') {
      return this.writeFinalizers(volume, (volume.metadata.finalizers ?? []).filter((f) => f !== PV_PROTECTION_FINALIZER));
    }
    if (needToAddFinalizer(volume, PV_PROTECTION_FINALIZER)) return this.writeFinalizers(volume, [...(volume.metadata.finalizers ?? []), PV_PROTECTION_FINALIZER]);
    return undefined;
  }

  private async writeFinalizers(volume: PersistentVolume, finalizers: string[]): Promise<string | undefined> {
    const res = await this.client.update(PERSISTENTVOLUMES, { ...volume, metadata: { ...volume.metadata, finalizers } });
    return isStatus(res) && res.status === 'Failure' && res.code !== 404 ? (res.message ?? 'error') : undefined;
  }
}
