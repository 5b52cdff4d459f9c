/**
 * LogFollower follows the logs of a pod or of a workload's pods, as `kubectl
 * logs -f` does, and writes them to one sink. For a workload every container
 * of every pod it owns is followed, each line prefixed `[pod/<pod>/<container>] `
 * as `kubectl logs -f deploy/web --all-containers --prefix` writes it; pods
 * that appear later are picked up from a watch on the workload's selector, and
 * a container that starts later (or restarts) is followed from its start.
 * No `vscode` here: the editor's side is logs.ts.
 */
import { controllerOf } from '../lab/api/meta';
import { isStatus, type ContainerStatus, type KubeObject, type LabelSelector, type Pod, type Status, type WatchEvent } from '../lab/api/types';
import type { KubeClient } from '../lab/client/kubeClient';
import { PODS, REPLICASETS, type ResourceRef } from '../lab/client/resources';
import type { WatchHandle } from '../lab/client/transport';

/** LOG_KINDS are the kinds whose logs can be followed: a pod, and the workloads that own pods. */
export const LOG_KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'] as const;

/** LogTarget is what to follow: a pod or a workload, by its resource. */
export interface LogTarget {
  ref: ResourceRef;
  kind: string;
  namespace: string;
  name: string;
}

/** LogSelection picks a pod's containers: one by name, or all of them (each line then prefixed). */
export type LogSelection = { container: string } | { all: true };

/** How long to wait before listing again after the pod watch ended. */
const REWATCH_MS = 1000;

type Workload = KubeObject & { spec?: { selector?: LabelSelector } };
type PodWithAll = Pod & {
  spec: Pod['spec'] & { ephemeralContainers?: { name: string }[] };
  status?: Pod['status'] & { initContainerStatuses?: ContainerStatus[]; ephemeralContainerStatuses?: ContainerStatus[] };
};

interface ContainerStream {
  /** followed is the container instance being (or last) followed; undefined after a try before it started. */
  followed?: string;
  handle?: WatchHandle;
  open: boolean;
  /** prefix starts each of its lines: `[pod/<pod>/<container>] `, or nothing. */
  prefix: string;
  /** partial is the text after the last newline, held until its line is complete. */
  partial: string;
}

export class LogFollower {
  private stopped = false;
  private watch?: WatchHandle;
  private timer?: ReturnType<typeof setTimeout>;
  private workloadUID = '';
  /** replicaSets maps a ReplicaSet's uid to whether the followed Deployment controls it. */
  private readonly replicaSets = new Map<string, boolean>();
  private readonly pods = new Map<string, PodWithAll>();
  private readonly streams = new Map<string, ContainerStream>();

  /** prefix is on for a workload and for all of a pod's containers. */
  private readonly prefix: boolean;

  constructor(private readonly client: KubeClient, private readonly target: LogTarget, private readonly selection: LogSelection, private readonly write: (text: string) => void) {
    this.prefix = target.kind !== 'Pod' || 'all' in selection;
  }

  /** start finds what to follow (one of LOG_KINDS) and starts following; a target that is not there is written as the API's error, and nothing is followed. */
  async start(): Promise<void> {
    const { ref, kind, namespace, name } = this.target;
    if (kind === 'Pod') return this.listAndWatch({ fieldSelector: `metadata.name=${name}` });
    const workload = await this.client.get<Workload>(ref, namespace, name);
    if (this.stopped) return;
    if (isStatus(workload)) return this.fail(workload);
    this.workloadUID = workload.metadata.uid ?? '';
    const selector = workload.spec?.selector;
    // A workload without a selector selects nothing (metav1.LabelSelectorAsSelector of nil).
    if (!selector) return;
    return this.listAndWatch({ labelSelector: selectorString(selector) });
  }

  /** stop ends every stream and the pod watch; nothing more is written. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.watch?.cancel();
    for (const s of this.streams.values()) s.handle?.cancel();
    this.streams.clear();
  }

  private async listAndWatch(options: { labelSelector?: string; fieldSelector?: string }): Promise<void> {
    const list = await this.client.list<Pod>(PODS, this.target.namespace, options);
    if (this.stopped) return;
    if (isStatus(list)) return this.fail(list);
    const seen = new Set<string>();
    for (const pod of list.items) {
      seen.add(pod.metadata.name ?? '');
      await this.podChanged(pod);
    }
    // Pods deleted while the watch was down.
    for (const name of [...this.pods.keys()]) if (!seen.has(name)) this.podGone(name);
    if (this.stopped) return;
    if (this.target.kind === 'Pod' && !list.items.length) return this.fail(notFound(this.target.name));
    this.watch = await this.client.watch<Pod>(PODS, this.target.namespace, { ...options, resourceVersion: list.metadata.resourceVersion }, (e) => void this.event(e), () => {
      // The watch ended (expired, or the server closed it): list again and carry on.
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.listAndWatch(options), REWATCH_MS);
    });
    if (this.stopped) this.watch.cancel();
  }

  private async event(e: WatchEvent<Pod>): Promise<void> {
    if (this.stopped || (e.type !== 'ADDED' && e.type !== 'MODIFIED' && e.type !== 'DELETED') || isStatus(e.object)) return;
    const pod = e.object;
    if (e.type === 'DELETED') this.podGone(pod.metadata.name ?? '');
    else await this.podChanged(pod);
  }

  private async podChanged(pod: PodWithAll): Promise<void> {
    const name = pod.metadata.name ?? '';
    const known = this.pods.get(name);
    // The same name may come back as a new pod (a StatefulSet's): its containers are new too.
    if (known && known.metadata.uid !== pod.metadata.uid) this.podGone(name);
    if (!(await this.owned(pod)) || this.stopped) return;
    this.pods.set(name, pod);
    for (const container of this.containersOf(pod)) this.reconcile(pod, container);
  }

  private podGone(name: string): void {
    this.pods.delete(name);
    for (const [key, s] of this.streams) {
      if (!key.startsWith(`${name}/`)) continue;
      this.flush(s);
      s.handle?.cancel();
      this.streams.delete(key);
    }
  }

  /** owned follows the owner chain: the pod's controller is the workload, or (for a Deployment) one of its ReplicaSets; a pod no one controls is one the workload would adopt. */
  private async owned(pod: Pod): Promise<boolean> {
    if (this.target.kind === 'Pod') return true;
    const owner = controllerOf(pod);
    if (!owner) return true;
    if (this.target.kind !== 'Deployment') return owner.uid === this.workloadUID;
    if (owner.kind !== 'ReplicaSet') return false;
    let mine = this.replicaSets.get(owner.uid);
    if (mine === undefined) {
      const rs = await this.client.get(REPLICASETS, this.target.namespace, owner.name);
      mine = !isStatus(rs) && rs.metadata.uid === owner.uid && controllerOf(rs)?.uid === this.workloadUID;
      this.replicaSets.set(owner.uid, mine);
    }
    return mine;
  }

  /** containersOf lists the containers to follow, in podutil.VisitContainers' order: init, regular, ephemeral. */
  private containersOf(pod: PodWithAll): string[] {
    if ('container' in this.selection) return [this.selection.container];
    const spec = pod.spec;
    return [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  }

  /**
   * reconcile opens a container's stream when there is something new to read:
   * the first time the container is seen (started or not: a refusal is the API
   * server's word on why), and each time a new instance of it has started.
   */
  private reconcile(pod: PodWithAll, container: string): void {
    const podName = pod.metadata.name ?? '';
    const key = `${podName}/${container}`;
    const status = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])].find((c) => c.name === container);
    const started = !!(status?.state.running || status?.state.terminated);
    const instance = started ? status?.containerID ?? '' : undefined;
    let s = this.streams.get(key);
    if (s && (s.open || instance === undefined || instance === s.followed)) return;
    if (!s) {
      s = { open: false, partial: '', prefix: this.prefix ? `[pod/${podName}/${container}] ` : '' };
      this.streams.set(key, s);
    }
    this.open(podName, container, key, s, instance);
  }

  private open(pod: string, container: string, key: string, s: ContainerStream, instance: string | undefined): void {
    s.followed = instance;
    s.open = true;
    void this.client.streamLog(this.target.namespace, pod, { container, follow: true }, (chunk) => {
      if (this.streams.get(key) === s) this.text(s, chunk);
    }, (error) => {
      if (this.streams.get(key) !== s) return;
      s.open = false;
      s.handle = undefined;
      this.flush(s);
      // A started container's stream ending NotFound is its pod deleted (a rollout, a drain): the log just ends, as kubectl's.
      const podGone = error?.reason === 'NotFound' && s.followed !== undefined;
      if (error && !podGone) this.write(`${s.prefix}${error.message ?? error.reason ?? 'the log stream failed'}\n`);
      // The pod may have moved on while the stream ran (a restart): follow the instance it shows now.
      const latest = this.pods.get(pod);
      if (latest && !this.stopped) this.reconcile(latest, container);
    }).then((handle) => {
      if (this.streams.get(key) === s && s.open) s.handle = handle;
      else handle.cancel();
    });
  }

  /** text writes a chunk; with a prefix, whole lines only, each prefixed, so lines of different containers never interleave. */
  private text(s: ContainerStream, chunk: string): void {
    if (!s.prefix) {
      this.write(chunk);
      return;
    }
    const text = s.partial + chunk;
    const end = text.lastIndexOf('\n');
    s.partial = text.slice(end + 1);
    if (end < 0) return;
    this.write(text.slice(0, end).split('\n').map((line) => `${s.prefix}${line}\n`).join(''));
  }

  /** flush writes a prefixed stream's unfinished last line when the stream ends. */
  private flush(s: ContainerStream): void {
    if (!s.partial) return;
    this.write(`${s.prefix}${s.partial}\n`);
    s.partial = '';
  }

  private fail(status: Status): void {
    this.write(`${status.message ?? status.reason ?? 'the request failed'}\n`);
  }
}

/** selectorString writes a LabelSelector in the `?labelSelector=` form (`app=web,tier in (a,b),!canary`). */
export function selectorString(ls: LabelSelector): string {
  const parts = Object.entries(ls.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of ls.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In': parts.push(`${e.key} in (${(e.values ?? []).join(',')})`); break;
      case 'NotIn': parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`); break;
      case 'Exists': parts.push(e.key); break;
      case 'DoesNotExist': parts.push(`!${e.key}`); break;
    }
  }
  return parts.join(',');
}

/** notFound is the API server's 404 for a pod. */
function notFound(name: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `pods "${name}" not found`, reason: 'NotFound', details: { name, kind: 'pods' }, code: 404 };
}
