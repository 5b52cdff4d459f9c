/** discovery is the `discovery.k8s.io/v1` group: endpointslices. */
import type { ResourceType } from '../resources';

export const discoveryResources: readonly ResourceType[] = [];
