/**
 * scale is `kubectl scale`: read the object's Scale (autoscaling/v1) from its
 * `scale` subresource, and write the new replica count back through the same
 * subresource as kubectl's ScaleSimple does without preconditions — a merge
 * patch `{"spec":{"replicas":N}}` to `<resource>/<name>/scale`.
 */
import { type KubeObject, type Status, isStatus } from '../api/types';
import type { KubeClient } from './kubeClient';
import { type ActionResult, done, serverError } from './kubectlOutput';
import { type ResourceRef, resourcePath } from './resources';

/** SCALABLE lists the built-in resources with a scale subresource (`kubectl scale` accepts these). */
export const SCALABLE = ['deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'replicationcontrollers'] as const;

/** REPLICAS_REQUIRED is kubectl scale's validation message for a negative count. */
export const REPLICAS_REQUIRED = 'The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0';

/** isScalable tells whether a resource has the scale subresource kubectl scale writes. */
export function isScalable(ref: ResourceRef): boolean {
  return (SCALABLE as readonly string[]).includes(ref.group ? `${ref.resource}.${ref.group}` : ref.resource);
}

/**
 * parseReplicas reads a replica count as kubectl's --replicas flag does: an
 * integer (strconv.ParseInt's errors otherwise) that is not negative. It returns
 * the count, or the message that refuses the text.
 */
export function parseReplicas(text: string): number | { error: string } {
  const s = text.trim();
  const flag = (why: string) => ({ error: `invalid argument "${s}" for "--replicas" flag: strconv.ParseInt: parsing "${s}": ${why}` });
  if (!/^[+-]?\d+$/.test(s)) return flag('invalid syntax');
  const n = Number(s);
  if (!Number.isSafeInteger(n)) return flag('value out of range');
  if (n < 0) return { error: REPLICAS_REQUIRED };
  // `-0` is a valid way to write 0.
  return n === 0 ? 0 : n;
}

/** Scale is the autoscaling/v1 Scale the subresource serves. */
export interface Scale extends KubeObject {
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

/** getScale reads an object's Scale. */
export async function getScale(client: KubeClient, ref: ResourceRef, namespace: string, name: string): Promise<Scale | Status> {
  return (await client.raw({ method: 'GET', path: resourcePath(ref, namespace, name, 'scale') })) as Scale | Status;
}

/** scaleResource sets the object's spec replicas through its scale subresource; it answers kubectl's line. */
export async function scaleResource(client: KubeClient, ref: ResourceRef, kind: string, namespace: string, name: string, replicas: number): Promise<ActionResult> {
  const answer = await client.patch<Scale>(ref, namespace, name, { spec: { replicas } }, 'application/merge-patch+json', { subresource: 'scale' });
  return isStatus(answer) ? { ok: false, line: serverError(answer) } : done(kind, ref.group, name, 'scaled');
}
