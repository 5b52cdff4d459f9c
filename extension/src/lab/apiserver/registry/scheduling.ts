/** scheduling is the `scheduling.k8s.io/v1` group: priorityclasses. */
import { defaultPriorityClass } from '../defaulting/scheduling';
import { type ResourceType, def } from '../resources';
import type { Strategy } from '../strategy';
import { subdomainName } from '../validation/objectMeta';
import { validatePriorityClass, validatePriorityClassUpdate } from '../validation/scheduling';
import type { PriorityClass } from '../validation/types/scheduling';

const priorityClassStrategy: Strategy<PriorityClass> = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  defaults: defaultPriorityClass,
  validate: validatePriorityClass,
  validateUpdate: validatePriorityClassUpdate,
};

export const schedulingResources: readonly ResourceType[] = [
  def({ group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', kind: 'PriorityClass', singularName: 'priorityclass', namespaced: false, shortNames: ['pc'], subresources: [], strategy: priorityClassStrategy }),
];
