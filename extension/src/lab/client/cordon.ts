/**
 * cordon is `kubectl cordon` / `kubectl uncordon` (kubectl's CordonHelper):
 * nothing to do when spec.unschedulable already has the wanted value, otherwise
 * the two-way strategic merge patch of that one field.
 */
import { type Node, isStatus } from '../api/types';
import type { KubeClient } from './kubeClient';
import { type ActionResult, serverError } from './kubectlOutput';
import { NODES } from './resources';

/** cordonPatch is the patch from the node's spec to the wanted one; false is Go's zero value, so it is removed rather than set. */
export function cordonPatch(desired: boolean): { spec: { unschedulable: true | null } } {
  return { spec: { unschedulable: desired ? true : null } };
}

/** cordonNode marks a node unschedulable (desired) or schedulable again, answering kubectl's line. */
export async function cordonNode(client: KubeClient, nodeName: string, desired: boolean): Promise<ActionResult> {
  const verb = desired ? 'cordon' : 'uncordon';
  const node = await client.get<Node>(NODES, '', nodeName);
  if (isStatus(node)) return { ok: false, line: serverError(node) };
  if ((node.spec?.unschedulable ?? false) === desired) return { ok: true, line: `node/${nodeName} already ${verb}ed` };
  const patched = await client.patch(NODES, '', nodeName, cordonPatch(desired), 'application/strategic-merge-patch+json');
  if (isStatus(patched)) return { ok: false, line: `error: unable to ${verb} node "${nodeName}": ${patched.message ?? ''}` };
  return { ok: true, line: `node/${nodeName} ${verb}ed` };
}
