/**
 * podDetail gathers what the Pods panel shows for the selected pod: its
 * conditions as a timeline, its containers, the events about it (as `kubectl
 * describe` lists them) and the tail of its log — all read through the
 * cluster's API. No `vscode` here.
 */
import { qosClass } from '../../lab/api/pods';
import type { KubeObject, Pod } from '../../lab/api/types';
import { isStatus } from '../../lab/api/types';
import type { KubeClient } from '../../lab/client/kubeClient';
import { EVENTS, PODS } from '../../lab/client/resources';
import type { ContainerView, EventView, PodDetail } from '../../../../webview/src/shared/protocol';

/** LOG_TAIL_LINES is how much of the log the panel shows; Logs in the tree's menu follows the whole of it. */
export const LOG_TAIL_LINES = 20;

interface EventObject extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  firstTimestamp?: string | null;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
}

/** podDetail reads the pod and what is known about it; undefined when the pod is gone. */
export async function podDetail(client: KubeClient, namespace: string, name: string): Promise<PodDetail | undefined> {
  const pod = await client.get<Pod>(PODS, namespace, name);
  if (isStatus(pod)) return undefined;
  const [events, logTail] = await Promise.all([podEvents(client, pod), podLogTail(client, pod)]);
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const containers: ContainerView[] = pod.spec.containers.map((c) => {
    const s = statuses.get(c.name);
    return { name: c.name, image: c.image ?? '', state: containerState(s?.state), ready: s?.ready === true, restarts: s?.restartCount ?? 0 };
  });
  const conditions = [...(pod.status?.conditions ?? [])]
    .map((c) => ({ type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime ?? '', reason: c.reason ?? '', message: c.message ?? '' }))
    .sort((a, b) => (a.lastTransitionTime < b.lastTransitionTime ? -1 : a.lastTransitionTime > b.lastTransitionTime ? 1 : 0));
  return {
    uid: pod.metadata.uid ?? '',
    namespace,
    name,
    node: pod.spec.nodeName ?? '',
    podIP: pod.status?.podIP ?? '',
    qosClass: pod.status?.qosClass ?? qosClass(pod),
    conditions,
    containers,
    events,
    logTail,
  };
}

/** containerState is `Running`, `Waiting (CrashLoopBackOff)` or `Terminated (Completed, exit 0)`. */
export function containerState(state: { running?: unknown; waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number } } | undefined): string {
  if (!state) return 'Waiting';
  if (state.running) return 'Running';
  if (state.waiting) return state.waiting.reason ? `Waiting (${state.waiting.reason})` : 'Waiting';
  if (state.terminated) return `Terminated (${state.terminated.reason ?? 'Error'}, exit ${state.terminated.exitCode ?? 0})`;
  return 'Waiting';
}

/** podEvents lists the events whose involved object is this pod (by uid, as describe does), oldest first. */
async function podEvents(client: KubeClient, pod: Pod): Promise<EventView[]> {
  const ns = pod.metadata.namespace ?? '';
  const fieldSelector = `involvedObject.name=${pod.metadata.name ?? ''},involvedObject.namespace=${ns},involvedObject.uid=${pod.metadata.uid ?? ''}`;
  const list = await client.list<EventObject>(EVENTS, ns, { fieldSelector });
  if (isStatus(list)) return [];
  const when = (e: EventObject) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '';
  return list.items
    .sort((a, b) => (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0))
    .map((e) => ({
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
      message: e.message ?? '',
      count: e.count ?? 1,
      lastTimestamp: when(e),
      source: e.source?.component ?? e.reportingComponent ?? '',
    }));
}

/** podLogTail is the last lines of the first container's log, or a line saying why there is none yet. */
async function podLogTail(client: KubeClient, pod: Pod): Promise<string> {
  const container = pod.spec.containers[0]?.name;
  if (!container || !pod.spec.nodeName) return '(not scheduled yet: no log)';
  const path = `/api/v1/namespaces/${pod.metadata.namespace ?? ''}/pods/${pod.metadata.name ?? ''}/log`;
  try {
    const body = await client.raw({ method: 'GET', path, query: { container, tailLines: String(LOG_TAIL_LINES) } });
    if (typeof body === 'string') return body;
    const message = (body as { message?: unknown } | undefined)?.message;
    return typeof message === 'string' ? `(${message})` : '';
  } catch (err) {
    return `(${err instanceof Error ? err.message : String(err)})`;
  }
}
