/**
 * ResourceItem is the one shape the tree views hand to resource commands (the
 * element VS Code passes to a context-menu command): which object, of which
 * resource. Tree nodes that stand for an object carry these fields.
 */
import type { ResourceRef } from '../lab/client/resources';

export interface ResourceItem {
  ref: ResourceRef;
  /** kind as the API names it: "Deployment", "Pod", "Node". */
  kind: string;
  /** namespace is '' for cluster-scoped objects. */
  namespace: string;
  name: string;
}

/**
 * contextValueOf is the tree item's contextValue for an object, which menus match:
 * `resource.<kind in lower case>` plus `.unschedulable` for a cordoned node
 * (`viewItem =~ /^resource\.(deployment|statefulset)$/`).
 */
export function contextValueOf(kind: string, flags: string[] = []): string {
  return ['resource', kind.toLowerCase(), ...flags].join('.');
}

/** isResourceItem tells a resource tree node from a group node. */
export function isResourceItem(x: unknown): x is ResourceItem {
  const o = x as Partial<ResourceItem> | undefined;
  return !!o && typeof o.name === 'string' && typeof o.kind === 'string' && !!o.ref && typeof o.namespace === 'string';
}
