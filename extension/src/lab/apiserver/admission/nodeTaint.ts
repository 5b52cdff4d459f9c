/**
 * TaintNodesByCondition registers every new Node with the not-ready NoSchedule
 * taint (plugin/pkg/admission/nodetaint), so nothing lands on a node before its
 * kubelet reports Ready; the node lifecycle controller removes the taint then.
 */
import type { Node, Status } from '../../api/types';
import type { AdmissionPlugin, Attributes } from './admission';
import { TAINT_NODE_NOT_READY } from './defaultTolerationSeconds';
import { TAINT_NODES_BY_CONDITION } from './names';

/** addNotReadyTaint adds node.kubernetes.io/not-ready:NoSchedule unless a taint with that key and effect exists. */
export function addNotReadyTaint(node: Node): void {
  node.spec ??= {};
  const taints = node.spec.taints ?? [];
  if (taints.some((t) => t.key === TAINT_NODE_NOT_READY && t.effect === 'NoSchedule')) return;
  node.spec.taints = [...taints, { key: TAINT_NODE_NOT_READY, effect: 'NoSchedule' }];
}

/** handles tells a node create, the only request the plugin acts on. */
function handles(a: Attributes): boolean {
  return a.operation === 'CREATE' && a.type.group === '' && a.type.resource === 'nodes' && !a.subresource && a.object !== undefined;
}

/** nodeTaint is the TaintNodesByCondition plugin. */
export const nodeTaint = {
  name: TAINT_NODES_BY_CONDITION,
  admit(a: Attributes): Status | undefined {
    if (handles(a)) addNotReadyTaint(a.object as Node);
    return undefined;
  },
  mutates: handles,
} satisfies AdmissionPlugin;
