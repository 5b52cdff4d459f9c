/**
 * resourceTotals is kubectl's resourcehelper.PodRequestsAndLimits as exact
 * quantities: app containers summed, restartable (sidecar) init containers
 * added, the largest init container as a floor, pod overhead on top.
 */
import type { Obj } from '../apiserver/printers/fields';
import { has, rec, str } from '../apiserver/printers/fields';
import { addQuantity, cmpQuantity, type Quantity, toQuantity } from '../api/quantity';
import { items } from './multiline';

/** ResourceTotals maps resource names to quantities. */
export type ResourceTotals = Map<string, Quantity>;

function listOf(v: unknown): ResourceTotals {
  const out: ResourceTotals = new Map();
  for (const [name, s] of Object.entries(rec(v))) {
    const q = toQuantity(s as string);
    if (q) out.set(name, q);
  }
  return out;
}

/** addInto is addResourceList: sums, where the first value keeps its format. */
export function addInto(list: ResourceTotals, more: ResourceTotals): void {
  for (const [name, q] of more) {
    const prior = list.get(name);
    list.set(name, prior ? addQuantity(prior, q) : q);
  }
}

function maxInto(list: ResourceTotals, more: ResourceTotals): void {
  for (const [name, q] of more) {
    const prior = list.get(name);
    if (!prior || cmpQuantity(q, prior) > 0) list.set(name, q);
  }
}

function totals(pod: unknown, field: 'requests' | 'limits'): ResourceTotals {
  const sum: ResourceTotals = new Map();
  for (const c of items(pod, 'spec', 'containers')) addInto(sum, listOf(rec(c, 'resources', field)));
  const sidecars: ResourceTotals = new Map();
  const inits: ResourceTotals = new Map();
  for (const c of items(pod, 'spec', 'initContainers')) {
    const own = listOf(rec(c, 'resources', field));
    let effective: ResourceTotals;
    if (str(c, 'restartPolicy') === 'Always') {
      addInto(sum, own);
      addInto(sidecars, own);
      effective = sidecars;
    } else {
      effective = new Map();
      addInto(effective, own);
      addInto(effective, sidecars);
    }
    maxInto(inits, effective);
  }
  maxInto(sum, inits);
  return sum;
}

/** podRequestsAndLimits is PodRequestsAndLimits (in-place resize is not modelled, so spec requests stand). */
export function podRequestsAndLimits(pod: Obj): { requests: ResourceTotals; limits: ResourceTotals } {
  const requests = totals(pod, 'requests');
  const limits = totals(pod, 'limits');
  if (has(pod, 'spec', 'overhead')) {
    const overhead = listOf(rec(pod, 'spec', 'overhead'));
    addInto(requests, overhead);
    for (const [name, q] of overhead) {
      const lim = limits.get(name);
      if (lim && lim.nanos !== 0n) limits.set(name, addQuantity(lim, q));
    }
  }
  return { requests, limits };
}
