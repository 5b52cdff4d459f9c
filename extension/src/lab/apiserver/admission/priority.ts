/**
 * Priority resolves a new pod's priorityClassName into spec.priority and
 * spec.preemptionPolicy (plugin/pkg/admission/priority): a pod without a class
 * gets the globalDefault class (the lowest-valued one if several), or priority
 * 0; a class that does not exist, or a priority or policy that disagrees with
 * the class, is refused. It also keeps a second PriorityClass from becoming the
 * global default.
 */
import type { KubeObject, Pod, Status } from '../../api/types';
import type { ObjectCache } from '../auth/types';
import type { AdmissionContext, AdmissionPlugin, Attributes } from './admission';
import { admissionForbidden } from './errors';
import { PRIORITY } from './names';

/** PriorityClass is the scheduling.k8s.io/v1 object as the plugin reads it. */
export interface PriorityClass extends KubeObject {
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

/**
 * SYSTEM_PRIORITY_CLASSES are the classes kube-apiserver creates at start-up
 * (scheduling.SystemPriorityClasses); the plugin knows them even before they are stored.
 */
export const SYSTEM_PRIORITY_CLASSES: readonly PriorityClass[] = [
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-node-critical' }, value: 2000001000, preemptionPolicy: 'PreemptLowerPriority', description: 'Used for system critical pods that must not be moved from their current node.' },
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-cluster-critical' }, value: 2000000000, preemptionPolicy: 'PreemptLowerPriority', description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

const GROUP = 'scheduling.k8s.io';

/** defaultPriorityClass is getDefaultPriorityClass: among globalDefault classes, the lowest value wins. */
export function defaultPriorityClass(classes: readonly KubeObject[]): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const pc of classes as readonly PriorityClass[]) if (pc.globalDefault && (!best || pc.value < best.value)) best = pc;
  return best;
}

function lookUpClass(cache: ObjectCache, name: string): PriorityClass | undefined {
  return (cache.get(GROUP, 'priorityclasses', '', name) as PriorityClass | undefined) ?? SYSTEM_PRIORITY_CLASSES.find((pc) => pc.metadata.name === name);
}

/** newPriority returns the plugin; it recomputes the default class only when the cached classes change. */
/** admitsPod tells whether admit looks at the request: creates and updates of pods, without subresource. */
function admitsPod(a: Attributes): boolean {
  if (a.subresource || a.type.group !== '' || a.type.resource !== 'pods' || !a.object) return false;
  return a.operation === 'CREATE' || a.operation === 'UPDATE';
}

export function newPriority(): AdmissionPlugin {
  let seen = -1;
  let current: PriorityClass | undefined;
  const defaultClass = (cache: ObjectCache) => {
    const version = cache.version(GROUP, 'priorityclasses');
    if (version !== seen) {
      current = defaultPriorityClass(cache.list(GROUP, 'priorityclasses'));
      seen = version;
    }
    return current;
  };

  const admitPod = (a: Attributes, ctx: AdmissionContext): Status | undefined => {
    const spec = (a.object as Pod).spec as { priorityClassName?: string; priority?: number; preemptionPolicy?: string } | undefined;
    if (!spec || typeof spec !== 'object') return undefined;
    if (a.operation === 'UPDATE') {
      // The plugin set these on create; an update that drops them keeps them (validation forbids changing them).
      const old = (a.oldObject as Pod | undefined)?.spec;
      if (spec.priority === undefined && old?.priority !== undefined) spec.priority = old.priority;
      if (spec.preemptionPolicy === undefined && old?.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy as string;
      return undefined;
    }
    let priority = 0;
    // A class stored without a policy reads as PreemptLowerPriority, as SetDefaults_PriorityClass would have stored it.
    let policy = 'PreemptLowerPriority';
    if (!spec.priorityClassName) {
      const def = defaultClass(ctx.cache);
      if (def) {
        spec.priorityClassName = def.metadata.name;
        priority = def.value;
        policy = def.preemptionPolicy ?? 'PreemptLowerPriority';
      }
    } else {
      const pc = lookUpClass(ctx.cache, spec.priorityClassName);
      if (!pc) return admissionForbidden(a, `no PriorityClass with name ${spec.priorityClassName} was found`);
      priority = pc.value;
      policy = pc.preemptionPolicy ?? 'PreemptLowerPriority';
    }
    if (spec.priority !== undefined && spec.priority !== priority) {
      return admissionForbidden(a, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
    }
    spec.priority = priority;
    if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
      return admissionForbidden(a, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    }
    spec.preemptionPolicy = policy;
    return undefined;
  };

  return {
    name: PRIORITY,
    mutates: admitsPod,
    admit(a: Attributes, ctx: AdmissionContext): Status | undefined {
      return admitsPod(a) ? admitPod(a, ctx) : undefined;
    },
    validate(a: Attributes, ctx: AdmissionContext): Status | undefined {
      if (a.subresource || a.type.group !== GROUP || a.type.resource !== 'priorityclasses' || !a.object) return undefined;
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return undefined;
      const pc = a.object as PriorityClass;
      if (!pc.globalDefault) return undefined;
      const current = defaultClass(ctx.cache);
      if (current && (a.operation === 'CREATE' || current.metadata.name !== pc.metadata.name)) {
        return admissionForbidden(a, `PriorityClass ${current.metadata.name ?? ''} is already marked as default. Only one default can exist`);
      }
      return undefined;
    },
  };
}
