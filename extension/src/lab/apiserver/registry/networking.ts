/** networking is the `networking.k8s.io/v1` group: networkpolicies, ingresses. */
import type { ResourceType } from '../resources';

export const networkingResources: readonly ResourceType[] = [];
