/**
 * apps types the apps/v1 objects beyond Deployment and ReplicaSet (which live in
 * api/types.ts because controllers read them): only the fields validation and
 * defaulting read; the rest is carried through untouched.
 */
import type { Condition, KubeObject, LabelSelector, PodTemplateSpec } from '../../../api/types';

/** IntOrString is intstr.IntOrString on the wire: a number or a string such as "25%". */
export type IntOrString = number | string;

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  serviceName?: string;
  volumeClaimTemplates?: KubeObject[];
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: IntOrString } | null };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string } | null;
  ordinals?: { start?: number } | null;
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

export interface StatefulSet extends KubeObject {
  spec?: StatefulSetSpec;
  status?: StatefulSetStatus;
}

export interface DaemonSetSpec {
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } | null };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  templateGeneration?: number;
}

export interface DaemonSetStatus {
  currentNumberScheduled?: number;
  numberMisscheduled?: number;
  desiredNumberScheduled?: number;
  numberReady?: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

export interface DaemonSet extends KubeObject {
  spec?: DaemonSetSpec;
  status?: DaemonSetStatus;
}

export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision?: number;
}
