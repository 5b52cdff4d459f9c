/** refs names the resources describers read beyond those client/resources.ts already names. */
import type { ResourceRef } from '../client/resources';

const core = (resource: string, namespaced = true): ResourceRef => ({ group: '', version: 'v1', resource, namespaced });

export const SERVICES = core('services');
export const ENDPOINTS = core('endpoints');
export const CONFIGMAPS = core('configmaps');
export const SECRETS = core('secrets');
export const LIMITRANGES = core('limitranges');
export const STATEFULSETS: ResourceRef = { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true };
export const DAEMONSETS: ResourceRef = { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true };
export const JOBS: ResourceRef = { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true };
export const CRONJOBS: ResourceRef = { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true };
export const ENDPOINTSLICES: ResourceRef = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true };
export const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true };
