/**
 * admissionInputs watches the objects that change what a dry run answers without
 * the manifest changing — quotas and their usage, limit ranges, namespaces (and
 * their PodSecurity labels), service accounts, priority and storage classes,
 * admission policies and webhooks, CRDs — so open manifests are checked again
 * when the cluster's rules move.
 */
import type { KubeObject } from '../lab/api/types';
import type { Clock } from '../lab/clock';
import { Informer } from '../lab/client/informer';
import type { KubeClient } from '../lab/client/kubeClient';
import type { ResourceRef } from '../lab/client/resources';

const ADMISSION = 'admissionregistration.k8s.io';

/** ADMISSION_INPUTS are the resources whose changes can change a dry run's answer. */
export const ADMISSION_INPUTS: readonly ResourceRef[] = [
  { group: '', version: 'v1', resource: 'namespaces', namespaced: false },
  { group: '', version: 'v1', resource: 'resourcequotas', namespaced: true },
  { group: '', version: 'v1', resource: 'limitranges', namespaced: true },
  { group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true },
  { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', namespaced: false },
  { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', namespaced: false },
  { group: ADMISSION, version: 'v1', resource: 'validatingadmissionpolicies', namespaced: false },
  { group: ADMISSION, version: 'v1', resource: 'validatingadmissionpolicybindings', namespaced: false },
  { group: ADMISSION, version: 'v1', resource: 'validatingwebhookconfigurations', namespaced: false },
  { group: ADMISSION, version: 'v1', resource: 'mutatingwebhookconfigurations', namespaced: false },
  { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false },
];

/** AdmissionInputs runs one informer per input resource and calls onChange on every add, update and delete after the first sync. */
export class AdmissionInputs {
  private readonly informers: Informer<KubeObject>[];
  private synced = false;

  constructor(client: KubeClient, clock: Clock, onChange: () => void) {
    const changed = (): void => {
      if (this.synced) onChange();
    };
    this.informers = ADMISSION_INPUTS.map((ref) => {
      const informer = new Informer<KubeObject>(client, ref, clock);
      informer.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
      return informer;
    });
  }

  /** start lists and watches every input; it resolves once all have listed. */
  async start(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.start()));
    this.synced = true;
  }

  stop(): void {
    for (const i of this.informers) i.stop();
  }
}
