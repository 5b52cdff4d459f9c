/**
 * node is kubectl's NodeDescriber: roles, labels, taints, lease, conditions,
 * addresses, capacity, system info, the non-terminated pods with their share
 * of allocatable resources, and events (recorded against the node's uid or,
 * by kubelets, its name).
 */
import type { KubeObject } from '../api/types';
import { isStatus } from '../api/types';
import type { Obj } from '../apiserver/printers/fields';
import { arr, bool, get, has, rec, str } from '../apiserver/printers/fields';
import { goStringLess, since } from '../apiserver/printers/format';
import { formatQuantity, type Quantity, quantityMilliValue, quantityValue, toQuantity } from '../api/quantity';
import { NODES, PODS } from '../client/resources';
import { sortedResourceNames } from './containers';
import { type DescribeContext, getObject, listAll } from './context';
import { describeEvents, refOf, searchEvents } from './events';
import { annotationsOf, items, labelsOf, printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline } from './multiline';
import { tabbedString, type PrefixWriter } from './prefixWriter';
import { addInto, podRequestsAndLimits, type ResourceTotals } from './resourceTotals';
import { LEASES } from './refs';
import { rfc1123z } from './timeFormat';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ZERO: Quantity = { nanos: 0n, format: 'DecimalSI' };

/** findNodeRoles is the set of node-role.kubernetes.io/<role> labels and the kubernetes.io/role value, sorted. */
export function findNodeRoles(labels: Record<string, string>): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort(goStringLess);
}

function q(list: ResourceTotals | Obj, name: string): Quantity {
  if (list instanceof Map) return list.get(name) ?? ZERO;
  const v = list[name];
  return (typeof v === 'string' || typeof v === 'number' ? toQuantity(v) : undefined) ?? ZERO;
}

/** percent is int64(float64(a) / float64(b) * 100); Go on amd64 turns the NaN or Inf of a zero b into the minimum int64. */
function percent(a: bigint, b: bigint): string {
  return b === 0n ? '-9223372036854775808' : String(Math.trunc((Number(a) / Number(b)) * 100));
}

/** cell is `quantity (N%)`; unguarded is false for the totals, which print 0% against a zero allocatable. */
function cell(used: Quantity, of: Quantity, milli: boolean, guarded: boolean): string {
  const [a, b] = milli ? [quantityMilliValue(used), quantityMilliValue(of)] : [quantityValue(used), quantityValue(of)];
  return `${formatQuantity(used)} (${guarded && b === 0n ? '0' : percent(a, b)}%)`;
}

function podRow(pod: KubeObject, allocatable: Obj, now: number): string {
  const { requests, limits } = podRequestsAndLimits(pod);
  const cpu = q(allocatable, 'cpu');
  const mem = q(allocatable, 'memory');
  const cells = [cell(q(requests, 'cpu'), cpu, true, false), cell(q(limits, 'cpu'), cpu, true, false), cell(q(requests, 'memory'), mem, false, false), cell(q(limits, 'memory'), mem, false, false)];
  return `${pod.metadata.namespace ?? ''}\t${pod.metadata.name ?? ''}\t\t${cells.join('\t')}\t${since(pod.metadata.creationTimestamp, now)}\n`;
}

/** describeNodeResource prints the non-terminated pods table and the allocated totals. */
function describeNodeResource(pods: KubeObject[], node: KubeObject, w: PrefixWriter, now: number): void {
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const allocatable = Object.keys(rec(node, 'status', 'allocatable')).length > 0 ? rec(node, 'status', 'allocatable') : rec(node, 'status', 'capacity');
  for (const pod of pods) w.write(1, podRow(pod, allocatable, now));
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  const reqs: ResourceTotals = new Map();
  const limits: ResourceTotals = new Map();
  for (const pod of pods) {
    const t = podRequestsAndLimits(pod);
    addInto(reqs, t.requests);
    addInto(limits, t.limits);
  }
  for (const [name, milli] of [['cpu', true], ['memory', false], ['ephemeral-storage', false]] as const) {
    const of = q(allocatable, name);
    w.write(1, `${name}\t${cell(q(reqs, name), of, milli, true)}\t${cell(q(limits, name), of, milli, true)}\n`);
  }
  const names = Object.keys(allocatable).sort(goStringLess);
  for (const name of names.filter((n) => n.startsWith('hugepages-'))) {
    const of = q(allocatable, name);
    w.write(1, `${name}\t${cell(q(reqs, name), of, false, true)}\t${cell(q(limits, name), of, false, true)}\n`);
  }
  for (const name of names.filter((n) => !n.startsWith('hugepages-') && !['cpu', 'memory', 'ephemeral-storage', 'pods'].includes(n))) {
    w.write(1, `${name}\t${formatQuantity(q(reqs, name))}\t${formatQuantity(q(limits, name))}\n`);
  }
}

function describeLease(lease: KubeObject | string, w: PrefixWriter, ctx: DescribeContext): void {
  if (typeof lease === 'string') {
    w.write(0, `Lease:\tFailed to get lease: ${lease}\n`);
    return;
  }
  const spec = get(lease, 'spec');
  w.write(0, 'Lease:\n');
  w.write(1, `HolderIdentity:\t${has(spec, 'holderIdentity') ? str(spec, 'holderIdentity') : '<unset>'}\n`);
  w.write(1, `AcquireTime:\t${has(spec, 'acquireTime') ? rfc1123z(get(spec, 'acquireTime'), ctx.zone) : '<unset>'}\n`);
  w.write(1, `RenewTime:\t${has(spec, 'renewTime') ? rfc1123z(get(spec, 'renewTime'), ctx.zone) : '<unset>'}\n`);
}

function describeConditions(node: KubeObject, w: PrefixWriter, ctx: DescribeContext): void {
  const conditions = items(node, 'status', 'conditions');
  if (conditions.length === 0) return;
  w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
  w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
  for (const c of conditions) {
    w.write(1, `${str(c, 'type')} \t${str(c, 'status')} \t${rfc1123z(get(c, 'lastHeartbeatTime'), ctx.zone)} \t${rfc1123z(get(c, 'lastTransitionTime'), ctx.zone)} \t${str(c, 'reason')} \t${str(c, 'message')}\n`);
  }
}

function describeResourceLists(node: KubeObject, w: PrefixWriter): void {
  for (const [field, title] of [['capacity', 'Capacity'], ['allocatable', 'Allocatable']] as const) {
    const list = rec(node, 'status', field);
    const names = sortedResourceNames(list);
    if (names.length === 0) continue;
    w.write(0, `${title}:\n`);
    for (const name of names) w.write(0, `  ${name}:\t${formatQuantity(q(list, name))}\n`);
  }
}

const SYSTEM_INFO: [string, string][] = [
  ['Machine ID', 'machineID'], ['System UUID', 'systemUUID'], ['Boot ID', 'bootID'], ['Kernel Version', 'kernelVersion'],
  ['OS Image', 'osImage'], ['Operating System', 'operatingSystem'], ['Architecture', 'architecture'],
  ['Container Runtime Version', 'containerRuntimeVersion'], ['Kubelet Version', 'kubeletVersion'], ['Kube-Proxy Version', 'kubeProxyVersion'],
];

/** describeNodeObject is the NodeDescriber. */
export async function describeNodeObject(ctx: DescribeContext, name: string): Promise<string> {
  const node = await getObject(ctx, NODES, '', name);
  const pods = await listAll(ctx, PODS, '', { fieldSelector: `spec.nodeName=${name},status.phase!=Succeeded,status.phase!=Failed` });
  if (isStatus(pods) && pods.code !== 403) throw new Error(pods.message);
  const ref = refOf(node, 'Node');
  const events = [...(await searchEvents(ctx, ref)), ...(await searchEvents(ctx, { ...ref, uid: ref.name }))];
  const leaseRes = await ctx.client.get(LEASES, 'kube-node-lease', name);
  const lease = isStatus(leaseRes) ? leaseRes.message ?? '' : leaseRes;
  return tabbedString((w) => {
    const spec = get(node, 'spec');
    w.write(0, `Name:\t${name}\n`);
    const roles = findNodeRoles(labelsOf(node));
    w.write(0, `Roles:\t${roles.length > 0 ? roles.join(',') : '<none>'}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(node));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(node));
    w.write(0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp, ctx.zone)}\n`);
    printTaintsMultiline(w, 'Taints', arr(spec, 'taints'));
    w.write(0, `Unschedulable:\t${bool(spec, 'unschedulable')}\n`);
    describeLease(lease, w, ctx);
    describeConditions(node, w, ctx);
    w.write(0, 'Addresses:\n');
    for (const a of items(node, 'status', 'addresses')) w.write(1, `${str(a, 'type')}:\t${str(a, 'address')}\n`);
    describeResourceLists(node, w);
    w.write(0, 'System Info:\n');
    for (const [title, field] of SYSTEM_INFO) w.write(0, `  ${title}:\t${str(node, 'status', 'nodeInfo', field)}\n`);
    if (str(spec, 'podCIDR')) w.write(0, `PodCIDR:\t${str(spec, 'podCIDR')}\n`);
    if (arr(spec, 'podCIDRs').length > 0) w.write(0, `PodCIDRs:\t${arr(spec, 'podCIDRs').map(String).join(',')}\n`);
    if (str(spec, 'providerID')) w.write(0, `ProviderID:\t${str(spec, 'providerID')}\n`);
    if (isStatus(pods)) w.write(0, 'Pods:\tnot authorized\n');
    else describeNodeResource(pods, node, w, ctx.now);
    describeEvents(events, w, ctx.now);
  });
}
