/** registry gathers the built-in resource types of every API group the lab serves. */
import type { ResourceType } from '../resources';
import { apiextensionsResources } from '../apiextensions/customResourceDefinitions';
import { admissionregistrationResources } from './admissionregistration';
import { appsResources } from './apps';
import { autoscalingResources } from './autoscaling';
import { batchResources } from './batch';
import { coordinationResources } from './coordination';
import { coreResources } from './core';
import { discoveryResources } from './discovery';
import { labResources } from '../../network/proxyRuleSet';
import { packetTraceResource } from '../../network/packetTrace';
import { eventsResources } from './events';
import { networkingResources } from './networking';
import { policyResources } from './policy';
import { rbacResources } from './rbac';
import { schedulingResources } from './scheduling';
import { storageResources } from './storage';

/** builtinResources is every built-in resource the lab serves, core group first. */
export const builtinResources: readonly ResourceType[] = [
  ...coreResources, ...appsResources, ...autoscalingResources, ...batchResources, ...coordinationResources, ...discoveryResources, ...eventsResources, ...rbacResources, ...admissionregistrationResources, ...schedulingResources, ...storageResources, ...policyResources, ...networkingResources, ...apiextensionsResources, ...labResources, packetTraceResource,
];
