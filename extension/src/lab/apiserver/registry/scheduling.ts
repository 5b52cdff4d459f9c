/** scheduling is the `scheduling.k8s.io/v1` group: priorityclasses. */
import type { ResourceType } from '../resources';

export const schedulingResources: readonly ResourceType[] = [];
