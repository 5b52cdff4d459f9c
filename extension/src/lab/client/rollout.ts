/**
 * rollout is `kubectl rollout restart` and `kubectl rollout undo` for a
 * Deployment, as kubectl's polymorphic helpers do them. Restart stamps the pod
 * template with `kubectl.kubernetes.io/restartedAt` (a strategic merge patch), so
 * the controller rolls every pod. Undo (DeploymentRollbacker) finds the
 * ReplicaSet of the previous revision by `deployment.kubernetes.io/revision` and
 * puts its template back with a JSON patch, together with the annotations
 * kubectl copies from that ReplicaSet.
 */
import { controllerOf, timestamp } from '../api/meta';
import { type Deployment, type KubeObject, type PodTemplateSpec, type ReplicaSet, isStatus } from '../api/types';
import type { KubeClient } from './kubeClient';
import { type ActionResult, done, failed, serverError, typeName } from './kubectlOutput';
import { DEPLOYMENTS, REPLICASETS, type ResourceRef } from './resources';

/** RESTARTED_AT is the template annotation `kubectl rollout restart` sets. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
/** REVISION is the deployment controller's revision annotation on each ReplicaSet. */
export const REVISION = 'deployment.kubernetes.io/revision';
/** POD_TEMPLATE_HASH is the label the controller adds to a ReplicaSet's template (DefaultDeploymentUniqueLabelKey). */
export const POD_TEMPLATE_HASH = 'pod-template-hash';
/** The kinds ObjectRestarter knows. */
export const RESTARTABLE_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet'] as const;

/**
 * ANNOTATIONS_TO_SKIP are kept from the Deployment and never copied from the
 * ReplicaSet when rolling back (rollback.go's annotationsToSkip).
 */
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

const ROLLBACK_SUCCESS = 'rolled back';
const ROLLBACK_SKIPPED = 'skipped rollback';

interface Templated extends KubeObject {
  spec?: { template?: PodTemplateSpec; paused?: boolean };
}

/**
 * restartPatch is ObjectRestarter followed by the two-way merge patch kubectl
 * sends: the template's restartedAt annotation at now (RFC 3339, whole
 * seconds). It refuses a paused Deployment and a kind that has no pod template to
 * roll, and a restart within the same second (the patch would be empty).
 */
export function restartPatch(obj: KubeObject, now: number): { patch: Record<string, unknown> } | { error: string } {
  const o = obj as Templated;
  if (!(RESTARTABLE_KINDS as readonly string[]).includes(o.kind ?? '')) return { error: 'restarting is not supported' };
  if (o.kind === 'Deployment' && o.spec?.paused) return { error: "can't restart paused deployment (run rollout resume first)" };
  const at = timestamp(now);
  if (o.spec?.template?.metadata?.annotations?.[RESTARTED_AT] === at) {
    return { error: `failed to create patch for ${o.metadata.name ?? ''}: if restart has already been triggered within the past second, please wait before attempting to trigger another` };
  }
  return { patch: { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } } };
}

/** rolloutRestart restarts a Deployment, DaemonSet or StatefulSet's pods, answering kubectl's line. */
export async function rolloutRestart(client: KubeClient, ref: ResourceRef, namespace: string, name: string, now: number): Promise<ActionResult> {
  const obj = await client.get(ref, namespace, name);
  if (isStatus(obj)) return { ok: false, line: serverError(obj) };
  const plan = restartPatch(obj, now);
  if ('error' in plan) {
    // Refusals of the object name it as `<resource>.<group> "<name>"`; the empty patch names only the object.
    return plan.error.startsWith('failed to create patch') ? failed(plan.error) : { ok: false, line: `error: ${ref.resource}${ref.group ? `.${ref.group}` : ''} "${name}" ${plan.error}` };
  }
  const patched = await client.patch(ref, namespace, name, plan.patch, 'application/strategic-merge-patch+json');
  if (isStatus(patched)) return failed(`failed to patch: ${patched.message ?? ''}`);
  return done(obj.kind ?? 'Deployment', ref.group, name, 'restarted');
}

/** JsonPatchOperation is one RFC 6902 operation. */
export interface JsonPatchOperation {
  op: 'replace';
  path: string;
  value: unknown;
}

/** RollbackPlan is what undo does: the patch to send, a skip with kubectl's reason, or kubectl's error. */
export type RollbackPlan = { patch: JsonPatchOperation[]; replicaSet: ReplicaSet } | { skipped: string } | { error: string };

/** revisionOf is deploymentutil.Revision: the ReplicaSet's revision, undefined when it has none that parses. */
export function revisionOf(rs: ReplicaSet): number | undefined {
  const v = rs.metadata.annotations?.[REVISION];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * revisionReplicaSet is deploymentRevision: the ReplicaSet of toRevision, or for
 * 0 the one with the second-highest revision (the newest is the current one).
 */
export function revisionReplicaSet(deployment: Deployment, replicaSets: readonly ReplicaSet[], toRevision: number): { replicaSet: ReplicaSet } | { error: string } {
  let latest: ReplicaSet | undefined;
  let latestRevision = -1;
  let previous: ReplicaSet | undefined;
  let previousRevision = -1;
  for (const rs of replicaSets) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (toRevision !== 0) {
      if (v === toRevision) return { replicaSet: rs };
    } else if (latestRevision < v) {
      previousRevision = latestRevision;
      previous = latest;
      latestRevision = v;
      latest = rs;
    } else if (previousRevision < v) {
      previousRevision = v;
      previous = rs;
    }
  }
  if (toRevision > 0) return { error: revisionNotFound(toRevision) };
  if (!previous) return { error: `no rollout history found for deployment "${deployment.metadata.name ?? ''}"` };
  return { replicaSet: previous };
}

/**
 * rollbackPlan is DeploymentRollbacker.Rollback without the requests: which
 * ReplicaSet's template to restore, whether the Deployment already runs it, and
 * the JSON patch that replaces spec.template (without the pod-template-hash
 * label) and metadata.annotations (the Deployment's own bookkeeping annotations,
 * then the ReplicaSet's others).
 */
export function rollbackPlan(deployment: Deployment, replicaSets: readonly ReplicaSet[], toRevision = 0): RollbackPlan {
  if (toRevision < 0) return { error: revisionNotFound(toRevision) };
  const found = revisionReplicaSet(deployment, replicaSets, toRevision);
  if ('error' in found) return found;
  const rs = found.replicaSet;
  if (deployment.spec.paused) {
    return { error: `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${deployment.metadata.name ?? ''}' and try again` };
  }
  if (equalIgnoreHash(rs.spec.template, deployment.spec.template)) {
    return { skipped: `${ROLLBACK_SKIPPED} (current template already matches revision ${toRevision})` };
  }
  const template = withoutHash(rs.spec.template);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(deployment.metadata.annotations ?? {})) if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return {
    replicaSet: rs,
    patch: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
  };
}

/** ownedReplicaSets is GetAllReplicaSets' list: the namespace's ReplicaSets whose controller is the Deployment. */
export async function ownedReplicaSets(client: KubeClient, deployment: Deployment): Promise<ReplicaSet[] | { error: string }> {
  const list = await client.list<ReplicaSet>(REPLICASETS, deployment.metadata.namespace ?? '');
  if (isStatus(list)) return { error: `failed to retrieve replica sets from deployment ${deployment.metadata.name ?? ''}: ${list.message ?? ''}` };
  return list.items.filter((rs) => controllerOf(rs)?.uid === deployment.metadata.uid);
}

/** rolloutUndo rolls a Deployment back to toRevision (0: the previous one), answering kubectl's line. */
export async function rolloutUndo(client: KubeClient, namespace: string, name: string, toRevision = 0): Promise<ActionResult> {
  const deployment = await client.get<Deployment>(DEPLOYMENTS, namespace, name);
  if (isStatus(deployment)) return { ok: false, line: serverError(deployment) };
  const replicaSets = await ownedReplicaSets(client, deployment);
  if ('error' in replicaSets) return failed(replicaSets.error);
  const plan = rollbackPlan(deployment, replicaSets, toRevision);
  if ('error' in plan) return failed(plan.error);
  const type = typeName('Deployment', DEPLOYMENTS.group);
  if ('skipped' in plan) return { ok: true, line: `${type}/${name} ${plan.skipped}` };
  const patched = await client.patch(DEPLOYMENTS, namespace, name, plan.patch, 'application/json-patch+json');
  if (isStatus(patched)) return failed(`failed restoring revision ${toRevision}: ${patched.message ?? ''}`);
  return done('Deployment', DEPLOYMENTS.group, name, ROLLBACK_SUCCESS);
}

function revisionNotFound(revision: number): string {
  return `unable to find specified revision ${revision} in history`;
}

/** withoutHash is a copy of the template without the pod-template-hash label (and without labels, if that was the only one). */
function withoutHash(template: PodTemplateSpec): PodTemplateSpec {
  const copy = structuredClone(template);
  const labels = copy.metadata?.labels;
  if (labels) {
    delete labels[POD_TEMPLATE_HASH];
    if (Object.keys(labels).length === 0 && copy.metadata) delete copy.metadata.labels;
  }
  return copy;
}

/**
 * equalIgnoreHash compares two templates as apiequality.Semantic.DeepEqual does
 * after dropping the hash label from both: an empty map, list or string and a
 * missing field are the same value, as they are after Go decodes the JSON.
 */
export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return JSON.stringify(normalized(withoutHash(a))) === JSON.stringify(normalized(withoutHash(b)));
}

/** normalized drops empty values and sorts keys, so two encodings of one value compare equal. */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalized);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = normalized((value as Record<string, unknown>)[key]);
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)) continue;
    out[key] = v;
  }
  return out;
}
