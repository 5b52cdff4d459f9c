/**
 * nodeTaints writes taints onto Nodes as the node controllers do
 * (pkg/controller/controller_utils.go AddOrUpdateTaintOnNode and
 * RemoveTaintOffNode, pkg/controller/util/node SwapNodeControllerTaint): read the
 * node, change only its taints, and patch them with the resourceVersion read, so
 * a concurrent change is a conflict to retry rather than a lost write.
 */
import { timestamp } from '../api/meta';
import { sameTaint, taintExists } from '../api/taints';
import type { Node, Taint } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { NODES } from '../client/resources';

/** UPDATE_TAINT_ATTEMPTS is UpdateTaintBackoff's steps. */
const UPDATE_TAINT_ATTEMPTS = 5;

/** addOrUpdateTaints is taintutils.AddOrUpdateTaint over a list: each taint replaces the one of its key and effect, or joins. */
export function addOrUpdateTaints(taints: readonly Taint[] | undefined, add: readonly Taint[]): Taint[] {
  let out = [...(taints ?? [])];
  for (const t of add) {
    const i = out.findIndex((o) => sameTaint(o, t));
    if (i < 0) out = [...out, t];
    else if (JSON.stringify(out[i]) !== JSON.stringify(t)) out = out.map((o, j) => (j === i ? t : o));
  }
  return out;
}

/** removeTaints drops every taint with the key and effect of one of remove (taintutils.RemoveTaint). */
export function removeTaints(taints: readonly Taint[] | undefined, remove: readonly Taint[]): Taint[] {
  return (taints ?? []).filter((t) => !remove.some((r) => sameTaint(t, r)));
}

/** patchTaints retries change on the current node until it writes, changes nothing, or fails for another reason than a conflict. */
async function patchTaints(client: KubeClient, nodeName: string, change: (taints: Taint[] | undefined) => Taint[]): Promise<boolean> {
  for (let attempt = 0; attempt < UPDATE_TAINT_ATTEMPTS; attempt++) {
    const node = await client.get<Node>(NODES, '', nodeName);
    if (isStatus(node)) return false;
    const next = change(node.spec?.taints);
    if (JSON.stringify(next) === JSON.stringify(node.spec?.taints ?? [])) return true;
    const res = await client.patch(NODES, '', nodeName, { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: next.length ? next : null } });
    if (!isStatus(res)) return true;
    if (res.code !== 409) return false;
  }
  return false;
}

/** addOrUpdateTaintOnNode is AddOrUpdateTaintOnNode. */
export function addOrUpdateTaintOnNode(client: KubeClient, nodeName: string, taints: readonly Taint[]): Promise<boolean> {
  if (taints.length === 0) return Promise.resolve(true);
  return patchTaints(client, nodeName, (current) => addOrUpdateTaints(current, taints));
}

/** removeTaintOffNode is RemoveTaintOffNode: nothing is read or written when the cached node has none of the taints. */
export function removeTaintOffNode(client: KubeClient, node: Node, taints: readonly Taint[]): Promise<boolean> {
  if (taints.length === 0 || !taints.some((t) => taintExists(node.spec?.taints, t))) return Promise.resolve(true);
  return patchTaints(client, node.metadata.name ?? '', (current) => removeTaints(current, taints));
}

/** swapNodeControllerTaint is SwapNodeControllerTaint: the added taints are stamped with the time they were added. */
export async function swapNodeControllerTaint(client: KubeClient, now: number, node: Node, add: readonly Taint[], remove: readonly Taint[]): Promise<boolean> {
  const stamped = add.map((t) => ({ ...t, timeAdded: timestamp(now) }));
  if (!(await addOrUpdateTaintOnNode(client, node.metadata.name ?? '', stamped))) return false;
  return removeTaintOffNode(client, node, remove);
}
