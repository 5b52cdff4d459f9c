/**
 * Kubelet is the node agent: it registers its Node, keeps its status fresh, and
 * runs the pods bound to it — sandbox, image pulls, containers — writing pod
 * status and events through the API server, and finishing graceful deletions.
 */
import type { Clock, Timer } from '../clock';
import { keyOf, setCondition, timestamp } from '../api/meta';
import type { Condition, ContainerStatus, KubeObject, Node, Pod, PodStatus } from '../api/types';
import { isStatus } from '../api/types';
import type { Random } from '../random';
import { EventRecorder } from '../client/eventRecorder';
import { Informer } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { NODES, PODS, type ResourceRef } from '../client/resources';
import { isPodReady } from '../api/pods';
import { milliValue } from '../api/quantity';
import { kubeletUsage } from '../metrics/kubeletUsage';
import type { NodeUsage } from '../metrics/nodeUsage';
import { type LogOptions, readLogs } from './containerLog';
import { type ServiceLike, containerEnvironment, expand } from './containerEnv';
import { podFiles } from './containerRoot';
import { normalizeImage } from './images';
import { type KubeletHttpAnswer, serveKubelet } from './kubeletServer';
import { NodeLease } from './nodeLease';
import { type ContainerRecord, SimulatedRuntime, type Sandbox } from './runtime';
import type { FollowLogOptions, KubeletAnswer, KubeletStreaming, LogSink, PortForwardSession, RemoteCommandOptions, StreamSession } from './streaming';
import { StreamingServer } from './streamingServer';

/** nodeStatusUpdateFrequency: how often the kubelet posts node status. */
export const NODE_STATUS_UPDATE_MS = 10_000;
/** The simulated nodes' kernel, as nodeInfo reports it and containers see it. */
const KERNEL_VERSION = '6.1.0-kubelab';
/** SERVICES are what the kubelet watches to give containers their service environment variables. */
const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services', namespaced: true };
const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const SECRETS: ResourceRef = { group: '', version: 'v1', resource: 'secrets', namespaced: true };

/** ContainerLogRequest is a /containerLogs request's options (v1.PodLogOptions less the container). */
export interface ContainerLogRequest extends LogOptions {
  follow: boolean;
  previous: boolean;
}

export interface KubeletConfig {
  nodeName: string;
  /** podCIDR is the node's pod range, as the kubelet's --pod-cidr flag. */
  podCIDR: string;
  internalIP: string;
  capacity: { cpu: string; memory: string; pods: string; 'ephemeral-storage': string };
}

export class Kubelet implements KubeletStreaming {
  private readonly recorder: EventRecorder;
  /** pods and services are made anew on each start: an informer once stopped does not start again. */
  private pods: Informer<Pod>;
  private services: Informer<ServiceLike>;
  private readonly lease: NodeLease;
  private readonly streaming: StreamingServer;
  readonly runtime: SimulatedRuntime;
  private readonly workers = new Map<string, Promise<void>>();
  private readonly pending = new Set<string>();
  private readonly freeIPs: string[];
  private heartbeat?: Timer;
  private stopped = false;
  private running = false;
  /** epoch counts starts, so a heartbeat in flight across a stop and a start does not schedule a second one. */
  private epoch = 0;
  /** resync holds pods already running when the kubelet came back, whose status is written again on their first sync. */
  private readonly resync = new Set<string>();
  /** startedAt is when the kubelet started: its node's stats begin then. */
  private startedAt?: number;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, random: Random, readonly config: KubeletConfig) {
    const base = config.podCIDR.split('/')[0].split('.').slice(0, 3).join('.');
    this.freeIPs = Array.from({ length: 253 }, (_, i) => `${base}.${i + 2}`);
    const cpus = Math.max(1, Math.floor(milliValue(config.capacity.cpu) / 1000));
    this.runtime = new SimulatedRuntime(clock, random, () => this.freeIPs.shift(), (ip) => this.freeIPs.push(ip), { cpus, kernelVersion: KERNEL_VERSION });
    this.recorder = new EventRecorder(client, clock, { component: 'kubelet', host: config.nodeName });
    this.pods = this.podInformer();
    this.services = new Informer<ServiceLike>(client, SERVICES, clock);
    this.lease = new NodeLease(client, clock, config.nodeName);
    this.streaming = new StreamingServer((ns, name) => this.pods.get(`${ns}/${name}`), this.runtime, clock, (pod, container, options) => this.logContainer(pod, container, options.previous));
  }

  get nodeName(): string {
    return this.config.nodeName;
  }

  /** running tells whether the kubelet is started and not stopped since. */
  get isRunning(): boolean {
    return this.running;
  }

  /**
   * start registers the node, syncs its pods and starts the heartbeats (node status
   * and lease). A stopped kubelet may be started again: it takes its Node back,
   * finishes what was deleted meanwhile and reports its running pods afresh.
   */
  async start(): Promise<void> {
    if (this.running) return;
    const restart = this.startedAt !== undefined;
    this.running = true;
    this.stopped = false;
    const epoch = ++this.epoch;
    if (restart) {
      this.pods = this.podInformer();
      this.services = new Informer<ServiceLike>(this.client, SERVICES, this.clock);
      for (const s of this.runtime.podSandboxes()) this.resync.add(s.podUID);
    }
    this.startedAt = this.clock.now();
    await this.register();
    await this.services.start();
    await this.pods.start();
    if (epoch !== this.epoch) return;
    if (restart) this.removeOrphanedSandboxes();
    this.lease.start();
    this.scheduleHeartbeat(epoch);
  }

  /** stop stops the agent as a stopped kubelet service: no more heartbeats or pod syncs; the containers keep running. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.stopped = true;
    this.epoch++;
    this.heartbeat?.cancel();
    this.lease.stop();
    this.pods.stop();
    this.services.stop();
  }

  private podInformer(): Informer<Pod> {
    const pods = new Informer<Pod>(this.client, PODS, this.clock, { fieldSelector: `spec.nodeName=${this.config.nodeName}` });
    pods.addEventHandler({
      onAdd: (pod) => this.enqueue(pod),
      onUpdate: (_, pod) => this.enqueue(pod),
      onDelete: (pod) => this.runtime.removePodSandbox(pod.metadata.uid ?? ''),
    });
    return pods;
  }

  /** removeOrphanedSandboxes is the housekeeping of HandlePodCleanups: sandboxes of pods deleted while the kubelet was away go. */
  private removeOrphanedSandboxes(): void {
    const live = new Set(this.pods.list().map((p) => p.metadata.uid ?? ''));
    for (const s of this.runtime.podSandboxes()) {
      if (live.has(s.podUID)) continue;
      this.resync.delete(s.podUID);
      this.runtime.removePodSandbox(s.podUID);
    }
  }

  /** resourceUsage is what the kubelet's /metrics/resource tells metrics-server (kubeletUsage); undefined while it is not running. */
  resourceUsage(from: number, to: number): NodeUsage | undefined {
    if (this.startedAt === undefined || this.stopped) return undefined;
    return kubeletUsage({ name: this.nodeName, startedAt: this.startedAt, cpu: this.config.capacity.cpu }, this.pods.list(), (uid) => this.runtime.sandbox(uid), from, to);
  }

  /** serveHttp answers a request to the kubelet's read-only endpoints (kubeletServer): what node proxy reaches. */
  serveHttp(method: string, path: string): KubeletHttpAnswer {
    const { nodeName, podCIDR, capacity } = this.config;
    return serveKubelet({
      nodeName, podCIDR, capacity, nodeStatusUpdateMs: NODE_STATUS_UPDATE_MS, clock: this.clock,
      startedAt: () => (this.stopped ? undefined : this.startedAt),
      pods: () => this.pods.list(),
      resourceUsage: (from, to) => this.resourceUsage(from, to),
    }, method, path);
  }

  /**
   * containerLogs is the kubelet's GET /containerLogs/<namespace>/<pod>/<container>
   * (server.go's getContainerLogs, then GetKubeletContainerLogs): the pod must be one
   * this kubelet runs and the container in its spec; the container's status picks
   * the instance whose log is read. Errors are plain text, as the kubelet writes them.
   */
  containerLogs(namespace: string, name: string, container: string, options: ContainerLogRequest): KubeletAnswer {
    const pod = this.pods.get(`${namespace}/${name}`);
    if (!pod) return { status: 404, body: `pod "${name}" does not exist` };
    const found = this.logContainer(pod, container, options.previous);
    if ('status' in found) return found;
    return { status: 200, body: readLogs(found.log.lines(), options, this.clock.now()) };
  }

  /** followContainerLogs is /containerLogs with follow=true: the log, then its new lines until the container exits. */
  followContainerLogs(namespace: string, name: string, container: string, options: FollowLogOptions, sink: LogSink): KubeletAnswer | { cancel(): void } {
    return this.streaming.followContainerLogs(namespace, name, container, options, sink);
  }

  /** exec is the kubelet's /exec/<namespace>/<pod>/<container>. */
  exec(namespace: string, name: string, container: string, command: string[], options: RemoteCommandOptions): KubeletAnswer | StreamSession {
    return this.streaming.exec(namespace, name, container, command, options);
  }

  /** attach is the kubelet's /attach/<namespace>/<pod>/<container>. */
  attach(namespace: string, name: string, container: string, options: RemoteCommandOptions): KubeletAnswer | StreamSession {
    return this.streaming.attach(namespace, name, container, options);
  }

  /** portForward is the kubelet's /portForward/<namespace>/<pod>. */
  portForward(namespace: string, name: string): KubeletAnswer | PortForwardSession {
    return this.streaming.portForward(namespace, name);
  }

  /**
   * logContainer finds the container instance a log request reads (the pod must
   * be one this kubelet runs, the container in its spec), or the kubelet's
   * plain-text refusal.
   */
  private logContainer(pod: Pod, container: string, previous: boolean): KubeletAnswer | ContainerRecord {
    const name = pod.metadata.name ?? '';
    const spec = pod.spec as Pod['spec'] & { ephemeralContainers?: { name: string }[] };
    const names = [...spec.containers, ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
    if (!names.includes(container)) return { status: 404, body: `container "${container}" not found in pod "${name}"` };
    const id = validateContainerLogStatus(pod, container, previous);
    if (typeof id !== 'string') return { status: 400, body: id.error };
    const record = this.runtime.container(id.slice(id.indexOf('://') + 3));
    if (!record) return { status: 400, body: `unable to retrieve container logs for ${id}` };
    return record;
  }

  /** register creates the Node object, or takes over an existing one, as registerWithAPIServer. */
  private async register(): Promise<void> {
    const node = this.nodeObject();
    await this.recorder.event(this.nodeRef(node), 'Normal', 'Starting', 'Starting kubelet.');
    const created = await this.client.create(NODES, node);
    if (isStatus(created) && created.code === 409) {
      const existing = await this.client.get<Node>(NODES, '', this.nodeName);
      if (isStatus(existing)) return;
      const updated = await this.client.updateStatus(NODES, { ...existing, status: node.status });
      if (!isStatus(updated)) await this.recordReadyTransition(existing);
    }
  }

  /** nodeRef is the object node events are about: the kubelet names its node by name for the UID, as upstream's nodeRef. */
  private nodeRef(node: Node): Node {
    return { ...node, metadata: { ...node.metadata, uid: this.nodeName } };
  }

  /** recordReadyTransition records NodeReady when the kubelet brings back a node its old status called not ready (setNodeReadyCondition). */
  private async recordReadyTransition(old: Node): Promise<void> {
    const was = old.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    if (was === undefined || was === 'True') return;
    await this.recorder.event(this.nodeRef(old), 'Normal', 'NodeReady', `Node ${this.nodeName} status is now: NodeReady`);
  }

  private nodeObject(): Node {
    const now = timestamp(this.clock.now());
    const { capacity, nodeName, internalIP, podCIDR } = this.config;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: nodeName,
        labels: {
          'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64',
        },
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: { podCIDR, podCIDRs: [podCIDR] },
      status: {
        capacity: { ...capacity },
        allocatable: { ...capacity },
        conditions: this.conditions(now),
        addresses: [{ type: 'InternalIP', address: internalIP }, { type: 'Hostname', address: nodeName }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: '', systemUUID: '', bootID: '', kernelVersion: KERNEL_VERSION, osImage: 'KubeLab simulated node',
          containerRuntimeVersion: 'containerd://1.7.24', kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0',
          operatingSystem: 'linux', architecture: 'amd64',
        },
        images: this.runtime.listImages().map((i) => ({ names: [i.imageID, i.ref], sizeBytes: i.sizeBytes })),
      },
    };
  }

  private conditions(now: string): Condition[] {
    const c = (type: string, status: 'True' | 'False', reason: string, message: string): Condition => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
    return [
      c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ];
  }

  private scheduleHeartbeat(epoch: number): void {
    this.heartbeat = this.clock.setTimer(NODE_STATUS_UPDATE_MS, () => {
      void this.updateNodeStatus().finally(() => {
        if (epoch === this.epoch) this.scheduleHeartbeat(epoch);
      });
    });
  }

  /** updateNodeStatus refreshes heartbeat times and the image list, keeping transition times. */
  private async updateNodeStatus(): Promise<void> {
    const node = await this.client.get<Node>(NODES, '', this.nodeName);
    if (isStatus(node)) return;
    const now = timestamp(this.clock.now());
    const conditions = this.conditions(now).map((c) => {
      const old = node.status?.conditions?.find((o) => o.type === c.type);
      return old && old.status === c.status ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
    });
    const images = this.runtime.listImages().map((i) => ({ names: [i.imageID, i.ref], sizeBytes: i.sizeBytes }));
    const updated = await this.client.updateStatus(NODES, { ...node, status: { ...node.status, conditions, images } });
    if (!isStatus(updated)) await this.recordReadyTransition(node);
  }

  /** enqueue runs one sync per pod at a time; a change during a sync triggers one more. */
  private enqueue(pod: Pod): void {
    const key = keyOf(pod);
    if (this.workers.has(key)) {
      this.pending.add(key);
      return;
    }
    const run = async (): Promise<void> => {
      do {
        this.pending.delete(key);
        const current = this.pods.get(key);
        if (current && !this.stopped) await this.syncPod(current);
      } while (this.pending.has(key) && !this.stopped);
      this.workers.delete(key);
    };
    this.workers.set(key, run());
  }

  private async syncPod(pod: Pod): Promise<void> {
    if (pod.metadata.deletionTimestamp) return this.killPod(pod);
    const uid = pod.metadata.uid ?? '';
    const running = this.runtime.sandbox(uid);
    if (running?.containers.size === pod.spec.containers.length) {
      // Back after a stop: the status manager reports the running pod again, undoing the node controller's NotReady mark.
      if (this.resync.delete(uid) && !isPodReady(pod)) await this.writeStatus(pod, this.runningStatus(pod, running));
      return;
    }
    // Once the sandbox exists the pod has been reported Pending; a container still missing is retried, not re-announced.
    if (!this.runtime.sandbox(uid)) await this.writeStatus(pod, this.pendingStatus(pod));
    const sandbox = await this.runtime.runPodSandbox(uid);
    if (!sandbox) {
      await this.recorder.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: no IP addresses available in range set: ${this.config.podCIDR}`);
      return;
    }
    const configErrors = new Map<string, string>();
    for (const c of pod.spec.containers) {
      if (sandbox.containers.has(c.name)) continue;
      const fieldPath = `spec.containers{${c.name}}`;
      const image = String(c.image ?? '');
      let pulled = this.runtime.imageStatus(image);
      if (pulled && c.imagePullPolicy !== 'Always') {
        await this.recorder.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, fieldPath);
      } else {
        await this.recorder.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, fieldPath);
        const started = this.clock.now();
        pulled = await this.runtime.pullImage(image);
        const took = ((this.clock.now() - started) / 1000).toFixed(3).replace(/\.?0+$/, '');
        await this.recorder.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took}s (${took}s including waiting). Image size: ${pulled.sizeBytes} bytes.`, fieldPath);
      }
      if (this.podGone(pod)) return;
      // The runtime sees the pod with its sandbox's IP, which the downward API and /etc/hosts give the container.
      const placed: Pod = { ...pod, status: { ...pod.status, podIP: sandbox.ip, podIPs: [{ ip: sandbox.ip }], hostIP: this.config.internalIP, hostIPs: [{ ip: this.config.internalIP }] } };
      const env = await containerEnvironment(placed, c, this.services.list(), (resource, ns, name) => this.readObject(resource, ns, name));
      if ('error' in env) {
        configErrors.set(c.name, env.error);
        await this.recorder.event(pod, 'Warning', 'Failed', `Error: ${env.error}`, fieldPath);
        continue;
      }
      const lookup = new Map(env);
      const expandAll = (xs: string[] | undefined): string[] | undefined => xs?.map((x) => expand(x, (n) => lookup.get(n)));
      const command = expandAll(c.command);
      const args = expandAll(c.args);
      const record = this.runtime.createContainer(sandbox, c.name, pulled, {
        ...(command ? { command } : {}), ...(args ? { args } : {}), env, files: podFiles(placed, [sandbox.ip]),
        ...(typeof c.workingDir === 'string' ? { workingDir: c.workingDir } : {}),
      });
      await this.recorder.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, fieldPath);
      await this.runtime.startContainer(record);
      await this.recorder.event(pod, 'Normal', 'Started', `Started container ${c.name}`, fieldPath);
    }
    if (this.podGone(pod)) return;
    await this.writeStatus(pod, this.runningStatus(pod, sandbox, configErrors));
  }

  /** readObject gets a ConfigMap or Secret a container's environment refers to. */
  private async readObject(resource: 'configmaps' | 'secrets', namespace: string, name: string): Promise<{ data?: Record<string, string> } | undefined> {
    const got = await this.client.get<KubeObject & { data?: Record<string, string> }>(resource === 'configmaps' ? CONFIGMAPS : SECRETS, namespace, name);
    return isStatus(got) ? undefined : got;
  }

  private podGone(pod: Pod): boolean {
    const current = this.pods.get(keyOf(pod));
    return !current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp !== undefined;
  }

  private pendingStatus(pod: Pod): PodStatus {
    const now = timestamp(this.clock.now());
    const names = pod.spec.containers.map((c) => c.name).join(' ');
    let conditions = pod.status?.conditions ?? [];
    const set = (type: string, status: 'True' | 'False', reason?: string, message?: string) => {
      conditions = setCondition(conditions, { type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}), lastProbeTime: null, lastTransitionTime: now });
    };
    set('PodReadyToStartContainers', 'False');
    set('Initialized', 'True');
    set('Ready', 'False', 'ContainersNotReady', `containers with unready status: [${names}]`);
    set('ContainersReady', 'False', 'ContainersNotReady', `containers with unready status: [${names}]`);
    return {
      ...pod.status,
      phase: 'Pending',
      conditions,
      hostIP: this.config.internalIP,
      hostIPs: [{ ip: this.config.internalIP }],
      startTime: pod.status?.startTime ?? now,
      containerStatuses: pod.spec.containers.map((c): ContainerStatus => ({
        name: c.name, image: String(c.image ?? ''), imageID: '', ready: false, started: false, restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } }, lastState: {},
      })),
    };
  }

  /** runningStatus is the pod once its containers started; one whose config could not be made waits in CreateContainerConfigError. */
  private runningStatus(pod: Pod, sandbox: Sandbox, configErrors = new Map<string, string>()): PodStatus {
    const now = timestamp(this.clock.now());
    let conditions = pod.status?.conditions ?? [];
    const waiting = pod.spec.containers.filter((c) => configErrors.has(c.name)).map((c) => c.name);
    for (const type of ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']) {
      const unready = waiting.length && (type === 'Ready' || type === 'ContainersReady');
      conditions = setCondition(conditions, unready
        ? { type, status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${waiting.join(' ')}]`, lastProbeTime: null, lastTransitionTime: now }
        : { type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
    }
    return {
      ...pod.status,
      phase: waiting.length ? 'Pending' : 'Running',
      conditions,
      hostIP: this.config.internalIP,
      hostIPs: [{ ip: this.config.internalIP }],
      podIP: sandbox.ip,
      podIPs: [{ ip: sandbox.ip }],
      startTime: pod.status?.startTime ?? now,
      containerStatuses: pod.spec.containers.map((c): ContainerStatus => {
        const rec = sandbox.containers.get(c.name);
        const error = configErrors.get(c.name);
        if (error !== undefined) {
          return { name: c.name, image: normalizeImage(String(c.image ?? '')), imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'CreateContainerConfigError', message: error } }, lastState: {} };
        }
        return {
          name: c.name,
          image: rec ? rec.image.ref : normalizeImage(String(c.image ?? '')),
          imageID: rec?.image.imageID ?? '',
          containerID: rec ? `containerd://${rec.id}` : undefined,
          ready: true, started: true, restartCount: 0,
          state: { running: { startedAt: timestamp(rec?.startedAt ?? this.clock.now()) } },
          lastState: {},
        };
      }),
    };
  }

  private async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    const current = this.pods.get(keyOf(pod)) ?? pod;
    if (JSON.stringify(current.status) === JSON.stringify(status)) return;
    const res = await this.client.updateStatus(PODS, { ...current, status });
    if (isStatus(res) && res.code === 409) {
      // Someone else wrote the pod meanwhile; write our view onto the fresh copy.
      const fresh = await this.client.get<Pod>(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      if (!isStatus(fresh)) await this.client.updateStatus(PODS, { ...fresh, status: { ...status, conditions: mergeScheduled(fresh.status?.conditions, status.conditions) } });
    }
  }

  /** killPod stops the containers of a pod being deleted, then finishes the delete with grace 0. */
  private async killPod(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const sandbox = this.runtime.sandbox(uid);
    if (sandbox) {
      for (const c of sandbox.containers.values()) {
        if (c.finishedAt !== undefined) continue;
        await this.recorder.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, `spec.containers{${c.name}}`);
        await this.runtime.stopContainer(c);
      }
    }
    const res = await this.client.delete(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
    if (!isStatus(res) || res.code === 404) this.runtime.removePodSandbox(uid);
  }
}

/** PodLogStatus is the pod status with every kind of container status a log request may name. */
type PodLogStatus = PodStatus & { initContainerStatuses?: ContainerStatus[]; ephemeralContainerStatuses?: ContainerStatus[] };

/**
 * validateContainerLogStatus is the kubelet's choice of the container instance a log
 * request reads (kubelet_pods.go): the previous terminated one, else the running or
 * terminated one; a container still waiting has no log, and says why.
 */
export function validateContainerLogStatus(pod: Pod, container: string, previous: boolean): string | { error: string } {
  const podName = pod.metadata.name ?? '';
  const status: PodLogStatus | undefined = pod.status;
  const all = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? []), ...(status?.ephemeralContainerStatuses ?? [])];
  const cs = all.find((c) => c.name === container);
  const subject = `container "${container}" in pod "${podName}"`;
  if (!cs) return { error: `${subject} is not available` };
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  if (previous) return last?.containerID ? last.containerID : { error: `previous terminated ${subject} not found` };
  if (running) return cs.containerID ?? '';
  if (terminated) return terminated.containerID || last?.containerID || { error: `${subject} is terminated` };
  if (last) return last.containerID || { error: `${subject} is terminated` };
  if (waiting) {
    if (waiting.reason === 'ErrImagePull') return { error: `${subject} is waiting to start: image can't be pulled` };
    if (waiting.reason === 'ImagePullBackOff') return { error: `${subject} is waiting to start: trying and failing to pull image` };
    return { error: `${subject} is waiting to start: ${waiting.reason ?? ''}` };
  }
  return { error: `${subject} is waiting to start - no logs yet` };
}

function mergeScheduled(fresh: Condition[] | undefined, ours: Condition[] | undefined): Condition[] {
  const scheduled = fresh?.find((c) => c.type === 'PodScheduled');
  return scheduled ? setCondition(ours, scheduled) : (ours ?? []);
}
