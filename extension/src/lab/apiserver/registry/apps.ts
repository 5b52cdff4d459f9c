/** apps is the `apps/v1` group: deployments, replicasets … */
import type { Deployment, ReplicaSet } from '../../api/types';
import { defaultDeployment, defaultReplicaSet } from '../defaulting/apps';
import { type ResourceType, def } from '../resources';
import type { Strategy } from '../strategy';
import { validateDeployment, validateReplicaSet, validateSelectorImmutable } from '../validation/apps';
import { subdomainName } from '../validation/objectMeta';

const deploymentStrategy: Strategy<Deployment> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultDeployment,
  prepareForCreate(d) {
    d.status = {};
  },
  validate: validateDeployment,
  validateUpdate: (d, old) => [...validateDeployment(d), ...validateSelectorImmutable(d.spec?.selector, old.spec?.selector)],
};

const replicaSetStrategy: Strategy<ReplicaSet> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultReplicaSet,
  prepareForCreate(rs) {
    rs.status = { replicas: 0 };
  },
  validate: validateReplicaSet,
  validateUpdate: (rs, old) => [...validateReplicaSet(rs), ...validateSelectorImmutable(rs.spec?.selector, old.spec?.selector)],
};

export const appsResources: readonly ResourceType[] = [
  def({ group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', singularName: 'deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status'], strategy: deploymentStrategy }),
  def({ group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', singularName: 'replicaset', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status'], strategy: replicaSetStrategy }),
];
