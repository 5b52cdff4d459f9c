/**
 * describe is `kubectl describe` for the lab (kubectl 1.32, pkg/describe):
 * the same text, byte for byte, for the kinds kubectl has describers for that
 * the lab serves, and kubectl's generic describer for every other kind. The
 * lab core has no clock of its own, so ages are measured from `now`.
 */
import type { KubeClient } from '../client/kubeClient';
import type { ResourceRef } from '../client/resources';
import { describeCronJobObject, describeJobObject } from './batch';
import { describeConfigMapObject, describeNamespaceObject, describeSecretObject, describeServiceAccountObject } from './config';
import type { DescribeContext } from './context';
import { describeGeneric } from './generic';
import { describeEndpointsObject, describeServiceObject } from './network';
import { describeNodeObject } from './node';
import { describePodObject } from './pod';
import { UTC, type ZoneOffset } from './timeFormat';
import { describeDaemonSetObject, describeDeploymentObject, describeReplicaSetObject, describeStatefulSetObject } from './workloads';

export { DescribeError } from './context';
export { UTC, type ZoneOffset } from './timeFormat';

type Describer = (ctx: DescribeContext, namespace: string, name: string) => Promise<string>;

/** DESCRIBERS maps `group/Kind` to its describer, as describerMap does. */
const DESCRIBERS: Record<string, Describer> = {
  '/Pod': describePodObject,
  '/Node': (ctx, _ns, name) => describeNodeObject(ctx, name),
  '/Namespace': (ctx, _ns, name) => describeNamespaceObject(ctx, name),
  '/Service': describeServiceObject,
  '/Endpoints': describeEndpointsObject,
  '/ConfigMap': describeConfigMapObject,
  '/Secret': describeSecretObject,
  '/ServiceAccount': describeServiceAccountObject,
  'apps/Deployment': describeDeploymentObject,
  'apps/ReplicaSet': describeReplicaSetObject,
  'apps/StatefulSet': describeStatefulSetObject,
  'apps/DaemonSet': describeDaemonSetObject,
  'batch/Job': describeJobObject,
  'batch/CronJob': describeCronJobObject,
};

/** hasDescriber reports whether kind of ref's group has a describer of its own (otherwise the generic one answers). */
export function hasDescriber(ref: ResourceRef, kind: string): boolean {
  return `${ref.group}/${kind}` in DESCRIBERS;
}

/**
 * describe renders `kubectl describe <kind> <name> -n <namespace>` for an object
 * of resource ref. It rejects with a DescribeError carrying the server's Status
 * when the object cannot be read. zone is kubectl's local time zone (UTC unless given).
 */
export function describe(client: KubeClient, ref: ResourceRef, kind: string, namespace: string, name: string, now: number, zone: ZoneOffset = UTC): Promise<string> {
  const ctx: DescribeContext = { client, now, zone };
  const describer = DESCRIBERS[`${ref.group}/${kind}`];
  return describer ? describer(ctx, ref.namespaced ? namespace : '', name) : describeGeneric(ctx, ref, kind, namespace, name);
}
