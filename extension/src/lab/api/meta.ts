/** meta holds small helpers over object metadata shared by every component. */
import type { Condition, KubeObject, OwnerReference } from './types';

/** keyOf is client-go's MetaNamespaceKeyFunc: `namespace/name`, or `name` for cluster objects. */
export function keyOf(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

/** timestamp renders clock milliseconds as metav1.Time does (RFC 3339, whole seconds). */
export function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** microTimestamp renders clock milliseconds as metav1.MicroTime does (RFC 3339 with microseconds). */
export function microTimestamp(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** controllerOf returns the owner reference marked controller, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** getCondition finds a condition by type. */
export function getCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * setCondition returns conditions with c put in place of its type; lastTransitionTime
 * is kept when the status did not change, as upstream's condition helpers do.
 */
export function setCondition(conditions: readonly Condition[] | undefined, c: Condition): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  if (i < 0) return [...list, c];
  const old = list[i];
  list[i] = old.status === c.status && old.lastTransitionTime ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
  return list;
}

