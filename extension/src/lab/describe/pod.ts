/**
 * pod is kubectl's PodDescriber: the pod's identity, node, status, IPs,
 * containers with their state, conditions, volumes, QoS class, scheduling
 * hints and events (searched by name, namespace and uid, not kind).
 */
import type { KubeObject } from '../api/types';
import type { Obj } from '../apiserver/printers/fields';
import { arr, get, has, optNum, rec, str, strMap } from '../apiserver/printers/fields';
import { since } from '../apiserver/printers/format';
import { PODS } from '../client/resources';
import { describeContainers, describeResources, type EnvResolver } from './containers';
import { type DescribeContext, DescribeError, getObject } from './context';
import { describeEvents, searchEvents } from './events';
import { annotationsOf, items, labelsOf, printAnnotationsMultiline, printController, printLabelsMultiline, printTolerationsMultiline } from './multiline';
import { describeTopologySpreadConstraints } from './podTemplate';
import { tabbedString, type PrefixWriter } from './prefixWriter';
import { qosClassOf } from './qos';
import { rfc1123z } from './timeFormat';
import { describeVolumes } from './volumes';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** envResolver is EnvValueRetriever: client-go's scheme converts only metadata.name and metadata.namespace, so only those resolve. */
function envResolver(pod: KubeObject): EnvResolver {
  return (env) => {
    const path = str(env, 'valueFrom', 'fieldRef', 'fieldPath');
    if (path === 'metadata.name') return pod.metadata.name ?? '';
    if (path === 'metadata.namespace') return pod.metadata.namespace ?? '';
    return '';
  };
}

/** describePodNotFound is what kubectl prints when the pod is gone but events about it remain. */
async function describePodNotFound(ctx: DescribeContext, namespace: string, name: string, err: DescribeError): Promise<string> {
  const events = await searchEvents(ctx, { kind: '', namespace, name, uid: '' });
  if (events.length === 0) throw err;
  return tabbedString((w) => {
    w.write(0, `Pod '${name}': error '${err.message}', but found events.\n`);
    describeEvents(events, w, ctx.now);
  });
}

/** describePodObject fetches the pod and its events and renders them. */
export async function describePodObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  let pod: KubeObject;
  try {
    pod = await getObject(ctx, PODS, namespace, name);
  } catch (err) {
    if (err instanceof DescribeError) return describePodNotFound(ctx, namespace, name, err);
    throw err;
  }
  const mirror = annotationsOf(pod)[MIRROR_POD_ANNOTATION];
  const events = await searchEvents(ctx, { kind: '', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: mirror ?? pod.metadata.uid ?? '' });
  return describePod(pod, events, ctx);
}

function describePodIPs(pod: KubeObject, w: PrefixWriter): void {
  const ips = arr(pod, 'status', 'podIPs');
  if (ips.length === 0) {
    w.write(0, 'IPs:\t<none>\n');
    return;
  }
  w.write(0, 'IPs:\n');
  for (const ip of ips) w.write(1, `IP:\t${str(ip, 'ip')}\n`);
}

function describeHeader(pod: KubeObject, w: PrefixWriter, ctx: DescribeContext): void {
  const spec = get(pod, 'spec');
  const status = get(pod, 'status');
  w.write(0, `Name:\t${pod.metadata.name ?? ''}\n`);
  w.write(0, `Namespace:\t${pod.metadata.namespace ?? ''}\n`);
  const priority = optNum(spec, 'priority');
  if (priority !== undefined) w.write(0, `Priority:\t${priority}\n`);
  if (str(spec, 'priorityClassName')) w.write(0, `Priority Class Name:\t${str(spec, 'priorityClassName')}\n`);
  if (str(spec, 'runtimeClassName')) w.write(0, `Runtime Class Name:\t${str(spec, 'runtimeClassName')}\n`);
  if (str(spec, 'serviceAccountName')) w.write(0, `Service Account:\t${str(spec, 'serviceAccountName')}\n`);
  w.write(0, str(spec, 'nodeName') === '' ? 'Node:\t<none>\n' : `Node:\t${str(spec, 'nodeName')}/${str(status, 'hostIP')}\n`);
  if (has(status, 'startTime')) w.write(0, `Start Time:\t${rfc1123z(get(status, 'startTime'), ctx.zone)}\n`);
  printLabelsMultiline(w, 'Labels', labelsOf(pod));
  printAnnotationsMultiline(w, 'Annotations', annotationsOf(pod));
  const phase = str(status, 'phase');
  if (pod.metadata.deletionTimestamp && phase !== 'Failed' && phase !== 'Succeeded') {
    w.write(0, `Status:\tTerminating (lasts ${since(pod.metadata.deletionTimestamp, ctx.now)})\n`);
    w.write(0, `Termination Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 0}s\n`);
  } else {
    w.write(0, `Status:\t${phase}\n`);
  }
  if (str(status, 'reason')) w.write(0, `Reason:\t${str(status, 'reason')}\n`);
  if (str(status, 'message')) w.write(0, `Message:\t${str(status, 'message')}\n`);
  const seccomp = get(spec, 'securityContext', 'seccompProfile');
  if (has(seccomp)) {
    w.write(0, `SeccompProfile:\t${str(seccomp, 'type')}\n`);
    if (str(seccomp, 'type') === 'Localhost') w.write(0, `LocalhostProfile:\t${str(seccomp, 'localhostProfile')}\n`);
  }
  w.write(0, `IP:\t${str(status, 'podIP')}\n`);
  describePodIPs(pod, w);
  const controlledBy = printController(pod);
  if (controlledBy) w.write(0, `Controlled By:\t${controlledBy}\n`);
  if (str(status, 'nominatedNodeName')) w.write(0, `NominatedNodeName:\t${str(status, 'nominatedNodeName')}\n`);
}

function describeConditions(pod: KubeObject, w: PrefixWriter): void {
  const conditions = items(pod, 'status', 'conditions');
  const gates = items(pod, 'spec', 'readinessGates');
  if (gates.length > 0) {
    w.write(0, 'Readiness Gates:\n  Type\tStatus\n');
    for (const g of gates) {
      const c = conditions.find((x) => str(x, 'type') === str(g, 'conditionType'));
      w.write(1, `${str(g, 'conditionType')} \t${c ? str(c, 'status') : '<none>'} \n`);
    }
  }
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of conditions) w.write(1, `${str(c, 'type')} \t${str(c, 'status')} \n`);
  }
}

/** describePod renders a pod already read, with its events. */
export function describePod(pod: KubeObject, events: KubeObject[] | undefined, ctx: DescribeContext): string {
  return tabbedString((w) => {
    const spec = get(pod, 'spec');
    const status = get(pod, 'status');
    describeHeader(pod, w, ctx);
    if (has(spec, 'resources')) {
      w.write(0, 'Resources:\n');
      describeResources(rec(spec, 'resources'), w, 1);
    }
    const resolver = envResolver(pod);
    if (arr(spec, 'initContainers').length > 0) describeContainers('Init Containers', items(spec, 'initContainers'), items(status, 'initContainerStatuses'), resolver, w, '', ctx.zone);
    describeContainers('Containers', items(spec, 'containers'), items(status, 'containerStatuses'), resolver, w, '', ctx.zone);
    const ephemeral = items(spec, 'ephemeralContainers');
    if (ephemeral.length > 0) describeContainers('Ephemeral Containers', ephemeral, items(status, 'ephemeralContainerStatuses'), resolver, w, '', ctx.zone);
    describeConditions(pod, w);
    describeVolumes(arr(spec, 'volumes'), w, '');
    w.write(0, `QoS Class:\t${str(status, 'qosClass') || qosClassOf(spec as Obj)}\n`);
    printLabelsMultiline(w, 'Node-Selectors', strMap(spec, 'nodeSelector'));
    printTolerationsMultiline(w, 'Tolerations', arr(spec, 'tolerations'));
    describeTopologySpreadConstraints(items(spec, 'topologySpreadConstraints'), w, '');
    if (events) describeEvents(events, w, ctx.now);
  });
}
