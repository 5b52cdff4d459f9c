/**
 * nodeLifecycleEvents are the node controller's writes about nodes and their pods
 * (pkg/controller/util/node): node events named and worded as upstream's, and
 * MarkPodsNotReady, which turns the Ready condition of a lost node's pods False.
 */
import { timestamp } from '../api/meta';
import type { Node, Pod } from '../api/types';
import { isStatus } from '../api/types';
import type { EventRecorder } from '../client/eventRecorder';
import type { KubeClient } from '../client/kubeClient';
import { PODS } from '../client/resources';

/** nodeRef is the reference node events carry: kind, name and UID, no namespace. */
function nodeRef(node: Node): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, uid: node.metadata.uid }, spec: {} };
}

/** recordNodeEvent is RecordNodeEvent: `Node <name> event: <event>`. */
export function recordNodeEvent(recorder: EventRecorder, node: Node, reason: string, event: string): Promise<void> {
  return recorder.event(nodeRef(node), 'Normal', reason, `Node ${node.metadata.name ?? ''} event: ${event}`);
}

/** recordNodeStatusChange is RecordNodeStatusChange: `Node <name> status is now: <status>`, a Normal event unless type says otherwise. */
export function recordNodeStatusChange(recorder: EventRecorder, node: Node, newStatus: string, type: 'Normal' | 'Warning' = 'Normal'): Promise<void> {
  return recorder.event(nodeRef(node), type, newStatus, `Node ${node.metadata.name ?? ''} status is now: ${newStatus}`);
}

/**
 * markPodsNotReady is MarkPodsNotReady: each pod on nodeName whose Ready condition
 * is not already False gets it False (the transition time now) and a NodeNotReady
 * event. It reports whether every write succeeded (a pod gone meanwhile counts).
 */
export async function markPodsNotReady(client: KubeClient, recorder: EventRecorder, now: number, pods: readonly Pod[], nodeName: string): Promise<boolean> {
  let ok = true;
  for (const pod of pods) {
    if (pod.spec.nodeName !== nodeName) continue;
    const conditions = pod.status?.conditions ?? [];
    const i = conditions.findIndex((c) => c.type === 'Ready');
    if (i < 0 || conditions[i].status === 'False') continue;
    const next = conditions.map((c, j) => (j === i ? { ...c, status: 'False' as const, lastTransitionTime: timestamp(now) } : c));
    const updated = await client.updateStatus(PODS, { ...pod, status: { ...pod.status, conditions: next } });
    if (isStatus(updated)) {
      if (updated.code === 404) continue;
      ok = false;
    }
    await recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
  }
  return ok;
}
