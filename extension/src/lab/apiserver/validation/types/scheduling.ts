/** scheduling types scheduling.k8s.io/v1 PriorityClass, coordination.k8s.io/v1 Lease and policy/v1 PodDisruptionBudget. */
import type { KubeObject, LabelSelector } from '../../../api/types';
import type { IntOrString } from './apps';

export interface PriorityClass extends KubeObject {
  value?: number;
  globalDefault?: boolean;
  description?: string;
  preemptionPolicy?: string | null;
}

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number | null;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number | null;
    strategy?: string | null;
    preferredHolder?: string | null;
  };
}

/** MetaCondition is metav1.Condition, the condition shape of newer APIs (PDBs, admission policies). */
export interface MetaCondition {
  type?: string;
  status?: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface PodDisruptionBudget extends KubeObject {
  spec?: {
    minAvailable?: IntOrString | null;
    maxUnavailable?: IntOrString | null;
    selector?: LabelSelector | null;
    unhealthyPodEvictionPolicy?: string | null;
  };
  status?: {
    observedGeneration?: number;
    disruptedPods?: Record<string, string>;
    disruptionsAllowed?: number;
    currentHealthy?: number;
    desiredHealthy?: number;
    expectedPods?: number;
    conditions?: MetaCondition[];
  };
}
