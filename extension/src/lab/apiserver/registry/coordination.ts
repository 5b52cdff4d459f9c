/** coordination is the `coordination.k8s.io/v1` group: leases. */
import type { ResourceType } from '../resources';

export const coordinationResources: readonly ResourceType[] = [];
