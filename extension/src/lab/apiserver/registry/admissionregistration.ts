/** admissionregistration is the `admissionregistration.k8s.io/v1` group: webhook configurations, validating admission policies and bindings. */
import type { ResourceType } from '../resources';

export const admissionregistrationResources: readonly ResourceType[] = [];
