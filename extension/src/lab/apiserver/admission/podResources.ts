/**
 * podResources sums a pod's resource requests and limits exactly, as
 * k8s.io/component-helpers/resource PodRequests/PodLimits do for LimitRanger's
 * Pod limits and ResourceQuota's compute usage: app containers add up, sidecars
 * (restartable init containers) add up and run beside every later init
 * container, the largest init container sets a floor, pod-level cpu and memory
 * override the sum, and overhead is added on request.
 */
import type { Container, Pod, ResourceList } from '../../api/types';
import { type Quantity, addQuantity, cmpQuantity, toQuantity } from '../../api/quantity';

/** Quantities is a ResourceList parsed exactly, in the order its keys were written. */
export type Quantities = Record<string, Quantity>;

/** quantities parses a ResourceList, dropping values that are not quantities (validation reports those). */
export function quantities(list: ResourceList | undefined): Quantities {
  const out: Quantities = {};
  for (const [name, raw] of Object.entries(list ?? {})) {
    const q = toQuantity(raw);
    if (q) out[name] = q;
  }
  return out;
}

/** addInto is addResourceList: adds each quantity into list, keeping the format of the first one added. */
export function addInto(list: Quantities, add: Quantities): void {
  for (const [name, q] of Object.entries(add)) list[name] = name in list ? addQuantity(list[name], q) : q;
}

/** maxInto is maxResourceList: keeps the larger of each quantity. */
function maxInto(list: Quantities, other: Quantities): void {
  for (const [name, q] of Object.entries(other)) if (!(name in list) || cmpQuantity(q, list[name]) > 0) list[name] = q;
}

type Side = 'requests' | 'limits';

function containerList(c: Container, side: Side): Quantities {
  return quantities(c.resources?.[side]);
}

/** aggregate is AggregateContainerRequests/AggregateContainerLimits: the sidecar-aware sum over containers. */
function aggregate(pod: Pod, side: Side): Quantities {
  const sum: Quantities = {};
  for (const c of pod.spec?.containers ?? []) addInto(sum, containerList(c, side));
  const sidecars: Quantities = {};
  const initFloor: Quantities = {};
  for (const c of pod.spec?.initContainers ?? []) {
    const own = containerList(c, side);
    if (c.restartPolicy === 'Always') {
      addInto(sum, own);
      addInto(sidecars, own);
      maxInto(initFloor, sidecars);
    } else {
      const running: Quantities = {};
      addInto(running, own);
      addInto(running, sidecars);
      maxInto(initFloor, running);
    }
  }
  maxInto(sum, initFloor);
  return sum;
}

/** POD_LEVEL_RESOURCES are the resources spec.resources may set for the whole pod (supportedPodLevelResources). */
const POD_LEVEL_RESOURCES = new Set(['cpu', 'memory']);

function overridePodLevel(pod: Pod, side: Side, sum: Quantities): void {
  const podLevel = (pod.spec?.resources as { requests?: ResourceList; limits?: ResourceList } | undefined)?.[side];
  for (const [name, q] of Object.entries(quantities(podLevel))) if (POD_LEVEL_RESOURCES.has(name)) sum[name] = q;
}

/** podRequests is resourcehelper.PodRequests (spec only, pod-level resources honoured). */
export function podRequests(pod: Pod, opts: { overhead: boolean }): Quantities {
  const sum = aggregate(pod, 'requests');
  overridePodLevel(pod, 'requests', sum);
  if (opts.overhead) addInto(sum, quantities(pod.spec?.overhead));
  return sum;
}

/** podLimits is resourcehelper.PodLimits: overhead only adds to resources that have a limit. */
export function podLimits(pod: Pod, opts: { overhead: boolean }): Quantities {
  const sum = aggregate(pod, 'limits');
  overridePodLevel(pod, 'limits', sum);
  if (opts.overhead) {
    for (const [name, q] of Object.entries(quantities(pod.spec?.overhead))) if (name in sum) sum[name] = addQuantity(sum[name], q);
  }
  return sum;
}
