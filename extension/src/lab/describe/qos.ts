/**
 * qos is kubectl's qos.ComputePodQOS, used when a pod's status has no
 * qosClass yet: BestEffort without any cpu/memory request or limit,
 * Guaranteed when every container limits both and requests equal limits,
 * Burstable otherwise.
 */
import type { Obj } from '../apiserver/printers/fields';
import { has, rec } from '../apiserver/printers/fields';
import { addQuantity, cmpQuantity, type Quantity, toQuantity } from '../api/quantity';
import { items } from './multiline';

const QOS_RESOURCES = ['cpu', 'memory'];

/** positive is the list's cpu and memory quantities above zero. */
function positive(list: Obj): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, v] of Object.entries(list)) {
    const q = QOS_RESOURCES.includes(name) ? toQuantity(v as string) : undefined;
    if (q && q.nanos > 0n) out.set(name, q);
  }
  return out;
}

function addInto(sum: Map<string, Quantity>, list: Map<string, Quantity>): void {
  for (const [name, q] of list) sum.set(name, sum.has(name) ? addQuantity(q, sum.get(name)!) : q);
}

/** qosClassOf computes a pod spec's QoS class. */
export function qosClassOf(spec: Obj): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const podLevel = has(spec, 'resources');
  const sources = podLevel ? [rec(spec, 'resources')] : [...items(spec, 'containers'), ...items(spec, 'initContainers')].map((c) => rec(c, 'resources'));
  for (const r of sources) {
    addInto(requests, positive(rec(r, 'requests')));
    const lim = positive(rec(r, 'limits'));
    addInto(limits, lim);
    // Pod-level resources without limits leave the verdict to the requests-equal-limits check.
    if ((!podLevel || has(r, 'limits')) && !(lim.has('cpu') && lim.has('memory'))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || cmpQuantity(lim, req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
