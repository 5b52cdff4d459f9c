/**
 * workloads holds the apps/v1 describers: Deployment (with its old and new
 * ReplicaSets), ReplicaSet, StatefulSet and DaemonSet, each with the pod
 * phase counts kubectl gathers from the pods the object controls.
 */
import type { KubeObject } from '../api/types';
import { isStatus } from '../api/types';
import { arr, get, num, optNum, str, strMap } from '../apiserver/printers/fields';
import { formatLabels, goStringLess, parseTime, quantityString } from '../apiserver/printers/format';
import { formatLabelSelector, labelSelectorString } from '../apiserver/printers/labelSelector';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../client/resources';
import { intOrString } from './containers';
import { type DescribeContext, getObject, listAll } from './context';
import { describeEvents, refOf, searchEvents } from './events';
import { goSort } from './goSort';
import { annotationsOf, items, labelsOf, printAnnotationsMultiline, printController, printLabelsMultiline } from './multiline';
import { describePodTemplate } from './podTemplate';
import { tabbedString, type PrefixWriter } from './prefixWriter';
import { DAEMONSETS, STATEFULSETS } from './refs';
import { rfc1123z } from './timeFormat';
import { claimClass } from './volumes';

/** PodCounts are getPodStatusForController's counts, or the error that stopped it. */
export type PodCounts = { running: number; waiting: number; succeeded: number; failed: number } | { error: string };

/** podCounts counts, by phase, the pods matching the selector whose controller is uid. */
export async function podCounts(ctx: DescribeContext, obj: KubeObject): Promise<PodCounts> {
  const pods = await listAll(ctx, PODS, obj.metadata.namespace ?? '', { labelSelector: labelSelectorString(get(obj, 'spec', 'selector')) ?? '' });
  if (isStatus(pods)) return { error: pods.message ?? '' };
  const counts = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const pod of pods) {
    if (pod.metadata.ownerReferences?.find((r) => r.controller === true)?.uid !== obj.metadata.uid) continue;
    const phase = str(pod, 'status', 'phase');
    if (phase === 'Running') counts.running++;
    else if (phase === 'Pending') counts.waiting++;
    else if (phase === 'Succeeded') counts.succeeded++;
    else if (phase === 'Failed') counts.failed++;
  }
  return counts;
}

/** podsStatus is the `N Running / N Waiting / N Succeeded / N Failed` cell. */
export function podsStatus(c: PodCounts): string {
  return 'error' in c ? `error in fetching pods: ${c.error}` : `${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed`;
}

function describeConditions(obj: KubeObject, w: PrefixWriter): void {
  const conditions = items(obj, 'status', 'conditions');
  if (conditions.length === 0) return;
  w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(1, '----\t------\t------\n');
  for (const c of conditions) w.write(1, `${str(c, 'type')} \t${str(c, 'status')}\t${str(c, 'reason')}\n`);
}

/** describeReplicaSetObject is the ReplicaSetDescriber. */
export async function describeReplicaSetObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const rs = await getObject(ctx, REPLICASETS, namespace, name);
  const counts = await podCounts(ctx, rs);
  const events = await searchEvents(ctx, refOf(rs, 'ReplicaSet'));
  return tabbedString((w) => {
    w.write(0, `Name:\t${name}\n`);
    w.write(0, `Namespace:\t${rs.metadata.namespace ?? ''}\n`);
    w.write(0, `Selector:\t${formatLabelSelector(get(rs, 'spec', 'selector'))}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(rs));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(rs));
    const controlledBy = printController(rs);
    if (controlledBy) w.write(0, `Controlled By:\t${controlledBy}\n`);
    w.write(0, `Replicas:\t${num(rs, 'status', 'replicas')} current / ${num(rs, 'spec', 'replicas')} desired\n`);
    w.write(0, `Pods Status:\t${podsStatus(counts)}\n`);
    describePodTemplate(get(rs, 'spec', 'template'), w, ctx.zone);
    describeConditions(rs, w);
    describeEvents(events, w, ctx.now);
  });
}

/** withoutHash is a pod template with the pod-template-hash label removed and empty fields dropped, for equalIgnoreHash. */
function withoutHash(template: unknown): unknown {
  const copy = structuredClone(template ?? {}) as { metadata?: { labels?: Record<string, string> } };
  delete copy.metadata?.labels?.['pod-template-hash'];
  return prune(copy);
}

/** prune drops nulls and empty lists and maps, which Semantic.DeepEqual treats as unset. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(prune);
  if (typeof v !== 'object' || v === null) return v ?? undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort(goStringLess)) {
    const x = prune((v as Record<string, unknown>)[k]);
    if (x !== undefined) out[k] = x;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function creationLess(a: KubeObject, b: KubeObject): boolean {
  const ta = parseTime(a.metadata.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata.creationTimestamp) ?? 0;
  return ta === tb ? (a.metadata.name ?? '') < (b.metadata.name ?? '') : ta < tb;
}

/** replicaSetsOf is deploymentutil.GetAllReplicaSetsInChunks: the owned ReplicaSets, oldest first, split into the new one and all others. */
async function replicaSetsOf(ctx: DescribeContext, d: KubeObject): Promise<{ old: KubeObject[]; latest: KubeObject[] }> {
  const selector = labelSelectorString(get(d, 'spec', 'selector'));
  if (selector === undefined) return { old: [], latest: [] };
  const all = await listAll(ctx, REPLICASETS, d.metadata.namespace ?? '', { labelSelector: selector });
  if (isStatus(all)) return { old: [], latest: [] };
  const owned = goSort(all.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller === true && r.uid === d.metadata.uid)), creationLess);
  const template = JSON.stringify(withoutHash(get(d, 'spec', 'template')));
  const latest = owned.find((rs) => JSON.stringify(withoutHash(get(rs, 'spec', 'template'))) === template);
  return { old: owned.filter((rs) => rs !== latest), latest: latest ? [latest] : [] };
}

function replicaSetsByLabels(list: KubeObject[]): string {
  const s = list.map((rs) => `${rs.metadata.name ?? ''} (${num(rs, 'status', 'replicas')}/${num(rs, 'spec', 'replicas')} replicas created)`).join(', ');
  return s === '' ? '<none>' : s;
}

/** describeDeploymentObject is the DeploymentDescriber. */
export async function describeDeploymentObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const d = await getObject(ctx, DEPLOYMENTS, namespace, name);
  const events = await searchEvents(ctx, refOf(d, 'Deployment'));
  const { old, latest } = await replicaSetsOf(ctx, d);
  return tabbedString((w) => {
    w.write(0, `Name:\t${name}\n`);
    w.write(0, `Namespace:\t${d.metadata.namespace ?? ''}\n`);
    w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp, ctx.zone)}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(d));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(d));
    w.write(0, `Selector:\t${labelSelectorString(get(d, 'spec', 'selector')) ?? ''}\n`);
    const st = (f: string) => num(d, 'status', f);
    w.write(0, `Replicas:\t${num(d, 'spec', 'replicas')} desired | ${st('updatedReplicas')} updated | ${st('replicas')} total | ${st('availableReplicas')} available | ${st('unavailableReplicas')} unavailable\n`);
    w.write(0, `StrategyType:\t${str(d, 'spec', 'strategy', 'type')}\n`);
    w.write(0, `MinReadySeconds:\t${num(d, 'spec', 'minReadySeconds')}\n`);
    const ru = get(d, 'spec', 'strategy', 'rollingUpdate');
    if (ru !== undefined && ru !== null) w.write(0, `RollingUpdateStrategy:\t${intOrStringPtr(get(ru, 'maxUnavailable'))} max unavailable, ${intOrStringPtr(get(ru, 'maxSurge'))} max surge\n`);
    describePodTemplate(get(d, 'spec', 'template'), w, ctx.zone);
    describeConditions(d, w);
    if (old.length > 0 || latest.length > 0) {
      w.write(0, `OldReplicaSets:\t${replicaSetsByLabels(old)}\n`);
      w.write(0, `NewReplicaSet:\t${replicaSetsByLabels(latest)}\n`);
    }
    describeEvents(events, w, ctx.now);
  });
}

/** intOrStringPtr is (*IntOrString).String(): `<nil>` for an unset pointer. */
function intOrStringPtr(v: unknown): string {
  return v === undefined || v === null ? '<nil>' : intOrString(v);
}

function describeVolumeClaimTemplates(templates: unknown[], w: PrefixWriter): void {
  if (templates.length === 0) {
    w.write(0, 'Volume Claims:\t<none>\n');
    return;
  }
  w.write(0, 'Volume Claims:\n');
  for (const pvc of templates) {
    w.write(1, `Name:\t${str(pvc, 'metadata', 'name')}\n`);
    w.write(1, `StorageClass:\t${claimClass(pvc)}\n`);
    printLabelsMultiline(w, 'Labels', strMap(pvc, 'metadata', 'labels'), '  ');
    printLabelsMultiline(w, 'Annotations', strMap(pvc, 'metadata', 'annotations'), '  ');
    const capacity = str(pvc, 'spec', 'resources', 'requests', 'storage');
    w.write(1, `Capacity:\t${capacity === '' ? '<default>' : quantityString(capacity)}\n`);
    w.write(1, `Access Modes:\t[${arr(pvc, 'spec', 'accessModes').map(String).join(' ')}]\n`);
  }
}

/** describeStatefulSetObject is the StatefulSetDescriber. */
export async function describeStatefulSetObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const ss = await getObject(ctx, STATEFULSETS, namespace, name);
  const counts = await podCounts(ctx, ss);
  if ('error' in counts) throw new Error(counts.error);
  const events = await searchEvents(ctx, refOf(ss, 'StatefulSet'));
  return tabbedString((w) => {
    w.write(0, `Name:\t${name}\n`);
    w.write(0, `Namespace:\t${ss.metadata.namespace ?? ''}\n`);
    w.write(0, `CreationTimestamp:\t${rfc1123z(ss.metadata.creationTimestamp, ctx.zone)}\n`);
    w.write(0, `Selector:\t${labelSelectorString(get(ss, 'spec', 'selector')) ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(ss));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(ss));
    w.write(0, `Replicas:\t${num(ss, 'spec', 'replicas')} desired | ${num(ss, 'status', 'replicas')} total\n`);
    w.write(0, `Update Strategy:\t${str(ss, 'spec', 'updateStrategy', 'type')}\n`);
    const partition = optNum(ss, 'spec', 'updateStrategy', 'rollingUpdate', 'partition');
    if (partition !== undefined) {
      w.write(1, `Partition:\t${partition}\n`);
      const maxUnavailable = get(ss, 'spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable');
      if (maxUnavailable !== undefined && maxUnavailable !== null) w.write(1, `MaxUnavailable:\t${intOrString(maxUnavailable)}\n`);
    }
    w.write(0, `Pods Status:\t${podsStatus(counts)}\n`);
    describePodTemplate(get(ss, 'spec', 'template'), w, ctx.zone);
    describeVolumeClaimTemplates(items(ss, 'spec', 'volumeClaimTemplates'), w);
    describeEvents(events, w, ctx.now);
  });
}

/** describeDaemonSetObject is the DaemonSetDescriber. */
export async function describeDaemonSetObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const ds = await getObject(ctx, DAEMONSETS, namespace, name);
  const counts = await podCounts(ctx, ds);
  if ('error' in counts) throw new Error(counts.error);
  const events = await searchEvents(ctx, refOf(ds, 'DaemonSet'));
  return tabbedString((w) => {
    const st = (f: string) => num(ds, 'status', f);
    w.write(0, `Name:\t${name}\n`);
    w.write(0, `Selector:\t${labelSelectorString(get(ds, 'spec', 'selector')) ?? ''}\n`);
    w.write(0, `Node-Selector:\t${formatLabels(strMap(ds, 'spec', 'template', 'spec', 'nodeSelector'))}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(ds));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(ds));
    w.write(0, `Desired Number of Nodes Scheduled: ${st('desiredNumberScheduled')}\n`);
    w.write(0, `Current Number of Nodes Scheduled: ${st('currentNumberScheduled')}\n`);
    w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${st('updatedNumberScheduled')}\n`);
    w.write(0, `Number of Nodes Scheduled with Available Pods: ${st('numberAvailable')}\n`);
    w.write(0, `Number of Nodes Misscheduled: ${st('numberMisscheduled')}\n`);
    w.write(0, `Pods Status:\t${podsStatus(counts)}\n`);
    describePodTemplate(get(ds, 'spec', 'template'), w, ctx.zone);
    describeEvents(events, w, ctx.now);
  });
}
