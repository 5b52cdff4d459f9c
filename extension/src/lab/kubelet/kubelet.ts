/**
 * Kubelet is the node agent: it registers its Node, keeps its status fresh, and
 * runs the pods bound to it — sandbox, image pulls, init containers in order,
 * then the containers, restarted as the pod's restartPolicy says with the
 * CrashLoopBackOff delay — writing pod status and events through the API
 * server, and finishing graceful deletions.
 */
import type { Clock, Timer } from '../clock';
import { keyOf, setCondition, timestamp } from '../api/meta';
import type { Condition, Container, ContainerStatus, KubeObject, Node, Pod, PodStatus, Taint } from '../api/types';
import { isStatus } from '../api/types';
import type { Random } from '../random';
import { EventRecorder } from '../client/eventRecorder';
import { Informer } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { NODES, PODS, type ResourceRef } from '../client/resources';
import { milliValue, value } from '../api/quantity';
import { qosClass } from '../api/pods';
import { kubeletUsage } from '../metrics/kubeletUsage';
import type { NodeUsage } from '../metrics/nodeUsage';
import { type LogOptions, readLogs } from './containerLog';
import { type ServiceLike, containerEnvironment, expand } from './containerEnv';
import { podFiles } from './containerRoot';
import { BackOff, goDuration } from './backOff';
import { type KubeletHttpAnswer, serveKubelet } from './kubeletServer';
import { type HookHost, killContainer, lifecycleOf, podFullName, runHandler } from './lifecycleHooks';
import { NodeLease } from './nodeLease';
import { type ContainerView, type Waiting, isSidecar, podStatus } from './podStatus';
import { OomKiller } from './oomKiller';
import { type StaticPodManifest, StaticPods, isMirrorPod } from './staticPods';
import { terminationOrdering } from './terminationOrdering';
import type { ProbeTarget } from './probeActions';
import { Prober } from './prober';
import { Interrupt } from './process';
import { type ContainerRecord, SimulatedRuntime, type Sandbox } from './runtime';
import type { FollowLogOptions, KubeletAnswer, KubeletStreaming, LogSink, PortForwardSession, RemoteCommandOptions, StreamSession } from './streaming';
import { StreamingServer } from './streamingServer';
import { nodeStatusImages } from './nodeStatusImages';
import { EvictionManager, type Termination, terminatedStatus } from './eviction/evictionManager';
import { pressureCondition, pressureEvents } from './eviction/pressureConditions';
import { statsSummary } from './eviction/summary';
import type { PodNetwork } from '../network/dns/podNetwork';

/** nodeStatusUpdateFrequency: how often the kubelet posts node status. */
export const NODE_STATUS_UPDATE_MS = 10_000;
/** REGISTER_FIRST_RETRY_MS and REGISTER_MAX_RETRY_MS bound the waits between registration attempts (registerWithAPIServer's step). */
const REGISTER_FIRST_RETRY_MS = 100;
const REGISTER_MAX_RETRY_MS = 7_000;
/** NETWORK_NOT_READY is the runtime's network error while the node has no pod range (kubenet/CNI before the range is set). */
export const NETWORK_NOT_READY = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
/** POD_RESYNC_MS is how often a pod worker syncs a pod again while a container waits out its back-off (workerResyncInterval). */
const POD_RESYNC_MS = 10_000;
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
  /**
   * podCIDR is the node's pod range, as the kubelet's --pod-cidr flag. Unset,
   * the kubelet takes its Node's spec.podCIDR once the controller manager's node
   * IPAM has set it, and starts no pod outside the host network before then.
   */
  podCIDR?: string;
  internalIP: string;
  capacity: { cpu: string; memory: string; pods: string; 'ephemeral-storage': string };
  /** network is the cluster network the node's pods are plugged into (DNS); none, they reach nothing. */
  network?: PodNetwork;
  /** staticPods are the manifests of the node's static pod folder (--pod-manifest-path, kubeadm's /etc/kubernetes/manifests). */
  staticPods?: StaticPodManifest[];
  /** registerWithTaints are the taints the Node is registered with (--register-with-taints). */
  registerWithTaints?: Taint[];
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
  private freeIPs: string[] = [];
  /** podCIDR is the range pod IPs come from: --pod-cidr, else the Node's spec.podCIDR once set. */
  private podCIDR?: string;
  /** node watches the kubelet's own Node for its pod range (the kubelet's node informer); made anew on each start. */
  private node: Informer<Node>;
  private heartbeat?: Timer;
  private stopped = false;
  private running = false;
  /** epoch counts starts, so a heartbeat in flight across a stop and a start does not schedule a second one. */
  private epoch = 0;
  /** backOff is the containers' restart delays, keyed by pod UID and container name. */
  private readonly backOff: BackOff;
  /** backOffEvents remember, per container, the exit a BackOff event was last recorded for and when. */
  private readonly backOffEvents = new Map<string, { finishedAt: number; at: number }>();
  /** resyncTimers sync a pod again when a container's back-off is over. */
  private readonly resyncTimers = new Map<string, Timer>();
  /** startedAt is when the kubelet started: its node's stats begin then. */
  private startedAt?: number;
  /** prober runs the containers' startup, readiness and liveness probes. */
  readonly prober: Prober;
  /** hooks is what lifecycle hooks and container kills run with. */
  private readonly hooks: HookHost;
  /** starting holds the containers whose postStart hook runs: not yet running as far as status and probes go. */
  private readonly starting = new Set<string>();
  /** cancels end a pod's sync in flight (its postStart hook) when the pod is deleted, as the pod worker's context. */
  private readonly cancels = new Map<string, Interrupt>();
  /** oom kills the containers whose simulated memory passes their limit. */
  private readonly oom: OomKiller;
  /** statics are the node's static pods, run without the API server and mirrored in it. */
  private readonly statics: StaticPods;
  /** eviction is the node-pressure eviction manager; it decides the pressure conditions. */
  readonly eviction: EvictionManager;
  /** hostMemoryBytes is memory taken on the node outside any pod (fault injection's fillNodeMemory); it counts in the node's stats. */
  hostMemoryBytes = 0;
  /** terminated holds the UIDs of pods ended abnormally (evicted): their containers are not started again. */
  private readonly terminated = new Set<string>();

  constructor(private readonly client: KubeClient, private readonly clock: Clock, random: Random, readonly config: KubeletConfig) {
    if (config.podCIDR) this.setPodCIDR(config.podCIDR);
    const cpus = Math.max(1, Math.floor(milliValue(config.capacity.cpu) / 1000));
    this.runtime = new SimulatedRuntime(clock, random, () => this.freeIPs.shift(), (ip) => this.freeIPs.push(ip), { cpus, kernelVersion: KERNEL_VERSION });
    this.runtime.onContainerExit = (c, sandbox) => {
      this.oom.forget(c.id);
      this.containerDied(sandbox.podUID);
    };
    this.oom = new OomKiller(clock, this.runtime, cpus);
    if (config.network) this.runtime.network = config.network;
    this.backOff = new BackOff(clock);
    this.recorder = new EventRecorder(client, clock, { component: 'kubelet', host: config.nodeName });
    this.pods = this.podInformer();
    this.statics = new StaticPods({ nodeName: config.nodeName, client, apiPod: (key) => this.pods.get(key) });
    this.statics.set(config.staticPods ?? [], clock.now());
    this.services = new Informer<ServiceLike>(client, SERVICES, clock);
    this.node = this.nodeInformer();
    this.lease = new NodeLease(client, clock, config.nodeName);
    this.eviction = new EvictionManager({
      clock, recorder: this.recorder, nodeName: config.nodeName,
      summary: () => statsSummary(this.clock.now(), (at) => this.resourceUsage(at, at), this.allPods(), value(config.capacity.memory)),
      activePods: () => this.allPods().filter((p) => !this.terminated.has(p.metadata.uid ?? '') && !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed'),
      terminate: (pod, grace, termination) => this.terminatePod(pod, grace, termination),
    });
    this.streaming = new StreamingServer((ns, name) => this.podFor(`${ns}/${name}`), this.runtime, clock, (pod, container, options) => this.logContainer(pod, container, options.previous));
    const event = (pod: Pod, c: Container | undefined, type: 'Normal' | 'Warning', reason: string, message: string): void => {
      void this.recorder.event(pod, type, reason, message, c ? fieldPathOf(pod, c.name) : undefined);
    };
    const target = (pod: Pod, c: Container, record: ContainerRecord): ProbeTarget | undefined => {
      const sandbox = this.runtime.sandbox(pod.metadata.uid ?? '');
      // The node reaches its pods from the bridge's address, the first of its pod range.
      return sandbox && { runtime: this.runtime, clock, container: c, record, podIP: sandbox.ip, sourceIP: this.bridgeIP(), nodeIPs: [config.internalIP] };
    };
    this.hooks = { clock, runtime: this.runtime, target, event };
    this.prober = new Prober({
      clock, random, target, event,
      pod: (key) => this.podFor(key),
      container: (uid, name) => {
        const record = this.runtime.sandbox(uid)?.containers.get(name);
        return record && !this.starting.has(record.id) ? record : undefined;
      },
      resultChanged: (key, type, result) => {
        // Liveness matters only when it fails; readiness and startup changes show in the status.
        const pod = this.podFor(key);
        if (pod && this.running && (type !== 'Liveness' || result === 'Failure')) this.enqueue(pod);
      },
    });
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
      this.node = this.nodeInformer();
    }
    this.startedAt = this.clock.now();
    this.prober.start(this.startedAt);
    // Static pods need no API server: they start before the node registers, and run on if it cannot be reached.
    for (const pod of this.statics.list()) this.enqueue(pod);
    await this.register(epoch);
    await this.node.start();
    await this.services.start();
    await this.pods.start();
    if (epoch !== this.epoch) return;
    // Now that the Node is registered and the API's pods are known, the static pods get their mirrors.
    for (const pod of this.statics.list()) this.enqueue(pod);
    if (restart) this.removeOrphanedSandboxes();
    this.lease.start();
    this.eviction.start();
    this.scheduleHeartbeat(epoch);
  }

  /** stop stops the agent as a stopped kubelet service: no more heartbeats or pod syncs; the containers keep running. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.stopped = true;
    this.epoch++;
    this.heartbeat?.cancel();
    for (const t of this.resyncTimers.values()) t.cancel();
    this.resyncTimers.clear();
    this.prober.stop();
    this.lease.stop();
    this.eviction.stop();
    this.pods.stop();
    this.services.stop();
    this.node.stop();
  }

  /** nodeInformer watches the kubelet's own Node: its pod range, once the node IPAM sets it, lets the pods waiting for the network start. */
  private nodeInformer(): Informer<Node> {
    const node = new Informer<Node>(this.client, NODES, this.clock, { fieldSelector: `metadata.name=${this.config.nodeName}` });
    const changed = (n: Node): void => {
      const spec = n.spec as { podCIDR?: string; podCIDRs?: string[] } | undefined;
      const cidr = spec?.podCIDRs?.[0] ?? spec?.podCIDR;
      if (!cidr || this.podCIDR) return;
      this.setPodCIDR(cidr);
      if (this.running) for (const pod of this.allPods()) this.enqueue(pod);
    };
    node.addEventHandler({ onAdd: changed, onUpdate: (_, n) => changed(n) });
    return node;
  }

  /** setPodCIDR is updatePodCIDR: the node's range, its first address the bridge's, the rest for pods. */
  private setPodCIDR(cidr: string): void {
    this.podCIDR = cidr;
    const base = cidr.split('/')[0].split('.').slice(0, 3).join('.');
    this.freeIPs = Array.from({ length: 253 }, (_, i) => `${base}.${i + 2}`);
  }

  /** bridgeIP is the address the node reaches its pods from: the bridge's, the first of its pod range (the node's own before it has one). */
  private bridgeIP(): string {
    return this.podCIDR ? `${this.podCIDR.split('/')[0].split('.').slice(0, 3).join('.')}.1` : this.config.internalIP;
  }

  private podInformer(): Informer<Pod> {
    const pods = new Informer<Pod>(this.client, PODS, this.clock, { fieldSelector: `spec.nodeName=${this.config.nodeName}` });
    pods.addEventHandler({
      onAdd: (pod) => this.podChanged(pod),
      onUpdate: (_, pod) => this.podChanged(pod),
      onDelete: (pod) => (isMirrorPod(pod) ? this.mirrorChanged(pod) : this.forgetPod(pod)),
    });
    return pods;
  }

  /** podChanged syncs a pod the API server changed; a mirror pod stands for its static pod. */
  private podChanged(pod: Pod): void {
    if (isMirrorPod(pod)) this.mirrorChanged(pod);
    else this.enqueue(pod);
  }

  /** mirrorChanged syncs the static pod of a mirror that changed or went, which makes it again; a mirror without a static pod is deleted. */
  private mirrorChanged(mirror: Pod): void {
    const pod = this.statics.get(keyOf(mirror));
    if (pod) {
      if (this.running) this.enqueue(pod);
      return;
    }
    if (this.running && !mirror.metadata.deletionTimestamp && this.pods.get(keyOf(mirror))?.metadata.uid === mirror.metadata.uid) {
      void this.statics.deleteMirror(mirror.metadata.namespace ?? '', mirror.metadata.name ?? '', mirror.metadata.uid);
    }
  }

  /** podFor is the pod of a key the kubelet runs: a static pod, else the API's (never a mirror). */
  private podFor(key: string): Pod | undefined {
    const pod = this.statics.get(key) ?? this.pods.get(key);
    return pod && !isMirrorPod(pod) ? pod : undefined;
  }

  /** allPods are the pods the kubelet runs: the API's bound to its node, less the mirrors, and its static pods. */
  private allPods(): Pod[] {
    const statics = this.statics.list();
    const keys = new Set(statics.map(keyOf));
    return [...statics, ...this.pods.list().filter((p) => !isMirrorPod(p) && !keys.has(keyOf(p)))];
  }

  /**
   * setStaticPods replaces the static pod manifests, as writing and removing
   * files in the folder does: new pods start, the pods of removed (or changed)
   * manifests are stopped and their mirrors deleted. It returns why manifests
   * were refused.
   */
  setStaticPods(manifests: readonly StaticPodManifest[]): string[] {
    const { added, removed, errors } = this.statics.set(manifests, this.clock.now());
    for (const pod of removed) void this.removeStaticPod(pod);
    if (this.running) for (const pod of added) this.enqueue(pod);
    return errors;
  }

  /** staticPods lists the static pods the kubelet runs, with the status it computed for each. */
  staticPods(): Pod[] {
    return this.statics.list();
  }

  /** removeStaticPod stops a static pod whose manifest went and deletes its mirror, unless a new manifest took its name. */
  private async removeStaticPod(pod: Pod): Promise<void> {
    await this.killContainers(pod, Math.max(1, pod.spec.terminationGracePeriodSeconds ?? 30));
    const key = keyOf(pod);
    this.forgetPod(pod);
    const mirror = this.pods.get(key);
    if (!this.statics.get(key) && mirror && isMirrorPod(mirror)) await this.statics.deleteMirror(mirror.metadata.namespace ?? '', mirror.metadata.name ?? '', mirror.metadata.uid);
  }

  /** resyncLater syncs the pod of key again after ms. */
  private resyncLater(key: string, ms: number): void {
    this.resyncTimers.get(key)?.cancel();
    this.resyncTimers.set(key, this.clock.setTimer(ms, () => {
      this.resyncTimers.delete(key);
      const current = this.podFor(key);
      if (current && this.running) this.enqueue(current);
    }));
  }

  /** removeOrphanedSandboxes is the housekeeping of HandlePodCleanups: sandboxes of pods deleted while the kubelet was away go. */
  private removeOrphanedSandboxes(): void {
    const live = new Set(this.allPods().map((p) => p.metadata.uid ?? ''));
    for (const s of this.runtime.podSandboxes()) {
      if (live.has(s.podUID)) continue;
      this.runtime.removePodSandbox(s.podUID);
    }
  }

  /** resourceUsage is what the kubelet's /metrics/resource tells metrics-server (kubeletUsage); undefined while it is not running. */
  resourceUsage(from: number, to: number): NodeUsage | undefined {
    if (this.startedAt === undefined || this.stopped) return undefined;
    const usage = kubeletUsage({ name: this.nodeName, startedAt: this.startedAt, cpu: this.config.capacity.cpu }, this.allPods(), (uid) => this.runtime.sandbox(uid), from, to);
    usage.node.memoryWorkingSetBytes += this.hostMemoryBytes;
    return usage;
  }

  /**
   * terminatePod is TerminatePodAbnormallyAndWait (an eviction): the pod's
   * containers are killed within grace seconds and not started again, and the
   * pod ends Failed with the termination's reason, message and condition.
   */
  private async terminatePod(pod: Pod, grace: number, end: Termination): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    this.terminated.add(uid);
    this.prober.removePod(keyOf(pod), uid);
    await this.killContainers(pod, grace);
    const current = this.podFor(keyOf(pod)) ?? pod;
    if (current.metadata.uid !== uid) return;
    await this.writeStatus(current, terminatedStatus(this.statusOf(current, this.runtime.sandbox(uid), new Map()), end, timestamp(this.clock.now())));
  }

  /** serveHttp answers a request to the kubelet's read-only endpoints (kubeletServer): what node proxy reaches. */
  serveHttp(method: string, path: string): KubeletHttpAnswer {
    const { nodeName, capacity } = this.config;
    return serveKubelet({
      nodeName, podCIDR: this.config.podCIDR ?? '', capacity, nodeStatusUpdateMs: NODE_STATUS_UPDATE_MS, clock: this.clock,
      startedAt: () => (this.stopped ? undefined : this.startedAt),
      pods: () => this.allPods(),
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
    const pod = this.podFor(`${namespace}/${name}`);
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
  private async register(epoch: number): Promise<void> {
    const node = this.nodeObject();
    await this.recorder.event(this.nodeRef(node), 'Normal', 'Starting', 'Starting kubelet.');
    // registerWithAPIServer tries until the API server takes the Node, waiting 100 ms more each time, doubling up to 7 s.
    for (let delay = REGISTER_FIRST_RETRY_MS; epoch === this.epoch; delay = Math.min(delay * 2, REGISTER_MAX_RETRY_MS)) {
      const created = await this.client.create(NODES, node);
      if (!isStatus(created)) return;
      if (created.code === 409) {
        const existing = await this.client.get<Node>(NODES, '', this.nodeName);
        if (isStatus(existing)) return;
        const updated = await this.client.updateStatus(NODES, { ...existing, status: node.status });
        if (!isStatus(updated)) await this.recordReadyTransition(existing);
        return;
      }
      if (created.code !== undefined && created.code < 500) return;
      await new Promise<void>((resolve) => this.clock.setTimer(delay, resolve));
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
      spec: { ...(podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {}), ...(this.config.registerWithTaints?.length ? { taints: structuredClone(this.config.registerWithTaints) } : {}) },
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
        images: nodeStatusImages(this.runtime.listImages()),
      },
    };
  }

  private conditions(now: string): Condition[] {
    const c = (type: string, status: 'True' | 'False', reason: string, message: string): Condition => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
    return [
      pressureCondition('MemoryPressure', this.eviction.isUnderMemoryPressure(), now),
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
    const images = nodeStatusImages(this.runtime.listImages());
    const updated = await this.client.updateStatus(NODES, { ...node, status: { ...node.status, conditions, images } });
    if (isStatus(updated)) return;
    await this.recordReadyTransition(node);
    for (const event of pressureEvents(node.status?.conditions, conditions)) await this.recorder.event(this.nodeRef(node), 'Normal', event, `Node ${this.nodeName} status is now: ${event}`);
  }

  /** enqueue runs one sync per pod at a time; a change during a sync triggers one more. */
  private enqueue(pod: Pod): void {
    const key = keyOf(pod);
    if (this.workers.has(key)) {
      this.pending.add(key);
      if (pod.metadata.deletionTimestamp) this.cancels.get(key)?.fire();
      return;
    }
    const run = async (): Promise<void> => {
      do {
        this.pending.delete(key);
        const current = this.podFor(key);
        this.cancels.set(key, new Interrupt());
        if (current && !this.stopped) await this.syncPod(current);
      } while (this.pending.has(key) && !this.stopped);
      this.cancels.delete(key);
      this.workers.delete(key);
    };
    this.workers.set(key, run());
  }

  /**
   * syncPod is SyncPod for a pod that is not being deleted: make the sandbox,
   * run the init containers one at a time until each has completed, then
   * start the containers, restarting exited ones as the restart policy says
   * unless they are backing off; then write the status. A pod whose phase is
   * terminal is left as it is.
   */
  private async syncPod(pod: Pod): Promise<void> {
    if (pod.metadata.deletionTimestamp) return this.killPod(pod);
    // A static pod's mirror is made (again) before its containers start; without the API server, later.
    if (this.statics.get(keyOf(pod))?.metadata.uid === pod.metadata.uid && !(await this.statics.syncMirror(pod))) this.resyncLater(keyOf(pod), POD_RESYNC_MS);
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed' || this.terminated.has(pod.metadata.uid ?? '')) return;
    this.prober.addPod(pod);
    const uid = pod.metadata.uid ?? '';
    let sandbox = this.runtime.sandbox(uid);
    const waiting = new Map<string, Waiting>();
    if (!sandbox) {
      // A pod is admitted once, before its first status: under node pressure the eviction manager may refuse it (rejectPod).
      const refused = pod.status?.startTime ? undefined : this.eviction.admit(pod);
      if (refused) {
        await this.recorder.event(pod, 'Warning', refused.reason, refused.message);
        return this.writeStatus(pod, { ...pod.status, phase: 'Failed', reason: refused.reason, message: `Pod was rejected: ${refused.message}`, qosClass: qosClass(pod) });
      }
      const inits = pod.spec.initContainers ?? [];
      for (const c of [...inits, ...pod.spec.containers]) waiting.set(c.name, { reason: inits.length ? 'PodInitializing' : 'ContainerCreating' });
      await this.writeStatus(pod, this.statusOf(pod, undefined, waiting));
      const hostNetwork = (pod.spec as { hostNetwork?: boolean }).hostNetwork === true;
      // Without a pod range the network is not ready: only host-network pods start (syncPod's networkErrors check); the others wait for the Node's podCIDR.
      if (!hostNetwork && !this.podCIDR) {
        await this.recorder.event(pod, 'Warning', 'NetworkNotReady', `network is not ready: ${NETWORK_NOT_READY}`);
        return;
      }
      sandbox = await this.runtime.runPodSandbox(uid, hostNetwork ? this.config.internalIP : undefined);
      waiting.clear();
      if (!sandbox) {
        await this.recorder.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: no IP addresses available in range set: ${this.podCIDR ?? ''}`);
        return;
      }
    }
    // Once a container has run, initialization is over for good: the other init containers are not run again, and
    // sidecars are kept running until the containers are done for good (restartPolicy Never or OnFailure).
    const started = pod.spec.containers.some((c) => sandbox.containers.has(c.name));
    const done = containersDone(pod, sandbox);
    let initialized = true;
    for (const c of pod.spec.initContainers ?? []) {
      if (started) {
        if (isSidecar(c) && !done) await this.syncContainer(pod, sandbox, c, 'initContainers', waiting);
        continue;
      }
      if (!initialized) {
        if (!sandbox.containers.has(c.name)) waiting.set(c.name, { reason: 'PodInitializing' });
        continue;
      }
      const result = await this.syncContainer(pod, sandbox, c, 'initContainers', waiting);
      // A sidecar lets the next init container start once it runs and its startup probe passed.
      initialized = isSidecar(c) ? result === 'running' && this.hasStarted(pod, sandbox, c) : result === 'completed';
    }
    for (const c of pod.spec.containers) {
      if (!initialized) waiting.set(c.name, { reason: 'PodInitializing' });
      else await this.syncContainer(pod, sandbox, c, 'containers', waiting);
      if (this.podGone(pod)) return;
    }
    if (done) await this.stopSidecars(pod, sandbox);
    if (this.podGone(pod)) return;
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      const record = sandbox.containers.get(c.name);
      if (record) this.oom.watch(pod, c, record);
    }
    await this.writeStatus(pod, this.statusOf(pod, sandbox, waiting));
  }

  /** hasStarted tells whether a container's current instance runs and has passed its startup probe. */
  private hasStarted(pod: Pod, sandbox: Sandbox, c: Container): boolean {
    const record = sandbox.containers.get(c.name);
    return record !== undefined && record.finishedAt === undefined && this.prober.status(keyOf(pod), c.name, record).started;
  }

  /** stopSidecars stops the running sidecars of a pod whose containers are done for good, the last declared first. */
  private async stopSidecars(pod: Pod, sandbox: Sandbox): Promise<void> {
    for (const c of [...(pod.spec.initContainers ?? [])].reverse()) {
      const record = sandbox.containers.get(c.name);
      if (isSidecar(c) && record && record.finishedAt === undefined) await killContainer(this.hooks, pod, c, record, '', 'unknown');
    }
  }

  /**
   * syncContainer brings one container towards what the spec wants: started
   * if it never was, restarted if it exited and the policy restarts it (an
   * init container only when it failed), after its back-off. Its result says
   * whether it completed (exited 0, not to be restarted), runs, or waits.
   */
  private async syncContainer(pod: Pod, sandbox: Sandbox, c: Container, field: 'initContainers' | 'containers', waiting: Map<string, Waiting>): Promise<'completed' | 'running' | 'waiting' | 'ended'> {
    const current = sandbox.containers.get(c.name);
    const policy = pod.spec.restartPolicy ?? 'Always';
    const sidecar = field === 'initContainers' && isSidecar(c);
    if (current && current.finishedAt === undefined) {
      const failed = field === 'containers' || sidecar ? this.prober.failed(keyOf(pod), c.name, current) : undefined;
      if (!failed) return 'running';
      const restart = sidecar || policy !== 'Never';
      await killContainer(this.hooks, pod, c, current, `Container ${c.name} failed ${failed} probe${restart ? ', will be restarted' : ''}`, failed);
      if (!restart) return 'ended';
      // The restart's back-off counts from the instance that exited before the killed one, as doBackOff reads the status from before the kill.
      const before = sandbox.previous.get(c.name)?.finishedAt;
      const key = `${pod.metadata.uid ?? ''}/${c.name}`;
      if (before !== undefined && this.backOff.isInBackOffSince(key, before)) {
        await this.backingOff(pod, c.name, key, current.finishedAt ?? before, `spec.${field}{${c.name}}`);
        waiting.set(c.name, { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(this.backOff.get(key))} restarting failed container=${c.name} pod=${podFullName(pod)}` });
        return 'waiting';
      }
      if (before !== undefined) this.backOff.next(key, before);
    } else if (current) {
      const code = current.exitCode ?? 0;
      // A sidecar is restarted whatever the pod's restartPolicy, as a container is under Always.
      const restart = sidecar || (field === 'initContainers' ? code !== 0 && policy !== 'Never' : policy === 'Always' || (policy === 'OnFailure' && code !== 0));
      if (!restart) return code === 0 ? 'completed' : 'ended';
      const key = `${pod.metadata.uid ?? ''}/${c.name}`;
      const finishedAt = current.finishedAt ?? 0;
      if (this.backOff.isInBackOffSince(key, finishedAt)) {
        await this.backingOff(pod, c.name, key, finishedAt, `spec.${field}{${c.name}}`);
        waiting.set(c.name, { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(this.backOff.get(key))} restarting failed container=${c.name} pod=${podFullName(pod)}` });
        return 'waiting';
      }
      this.backOff.next(key, finishedAt);
    }
    const failed = await this.startContainer(pod, sandbox, c, field);
    if (failed !== undefined) waiting.set(c.name, failed);
    return failed === undefined ? 'running' : 'waiting';
  }

  /** backingOff records the BackOff event, again at each resync, and syncs the pod again when the back-off is over. */
  private async backingOff(pod: Pod, name: string, key: string, finishedAt: number, fieldPath: string): Promise<void> {
    const now = this.clock.now();
    const last = this.backOffEvents.get(key);
    if (!last || last.finishedAt !== finishedAt || now - last.at >= POD_RESYNC_MS) {
      this.backOffEvents.set(key, { finishedAt, at: now });
      await this.recorder.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${podFullName(pod)}`, fieldPath);
    }
    const podKey = keyOf(pod);
    this.resyncTimers.get(podKey)?.cancel();
    const wait = Math.min(finishedAt + this.backOff.get(key) - now, POD_RESYNC_MS);
    this.resyncTimers.set(podKey, this.clock.setTimer(Math.max(0, wait), () => {
      this.resyncTimers.delete(podKey);
      const current = this.podFor(podKey);
      if (current && this.running) this.enqueue(current);
    }));
  }

  /** containerDied is the PLEG's ContainerDied: the pod is synced again, to restart the container or report its end. */
  private containerDied(podUID: string): void {
    if (!this.running) return;
    const pod = this.allPods().find((p) => p.metadata.uid === podUID);
    if (pod) this.enqueue(pod);
  }

  /** forgetPod drops what the kubelet kept for a deleted pod: its sandbox, back-offs and resync. */
  private forgetPod(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    this.prober.removePod(keyOf(pod), uid);
    this.oom.forgetAll([...(this.runtime.sandbox(uid)?.containers.values() ?? [])].map((c) => c.id));
    this.runtime.removePodSandbox(uid);
    this.resyncTimers.get(keyOf(pod))?.cancel();
    this.resyncTimers.delete(keyOf(pod));
    this.backOff.forget((key) => !key.startsWith(`${uid}/`));
    for (const key of [...this.backOffEvents.keys()]) if (key.startsWith(`${uid}/`)) this.backOffEvents.delete(key);
    this.terminated.delete(uid);
  }

  /**
   * startContainer pulls the image if needed, makes the container's
   * environment, starts a new instance and runs its postStart hook; a config
   * error (a missing ConfigMap key: no container is made) or a failed hook
   * (the container is killed) is the result, as the state it waits in.
   */
  private async startContainer(pod: Pod, sandbox: Sandbox, c: Container, field: 'initContainers' | 'containers'): Promise<Waiting | undefined> {
    const fieldPath = `spec.${field}{${c.name}}`;
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
    if (this.podGone(pod)) return undefined;
    // The runtime sees the pod with its sandbox's IP, which the downward API and /etc/hosts give the container.
    const placed: Pod = { ...pod, status: { ...pod.status, podIP: sandbox.ip, podIPs: [{ ip: sandbox.ip }], hostIP: this.config.internalIP, hostIPs: [{ ip: this.config.internalIP }] } };
    const env = await containerEnvironment(placed, c, this.services.list(), (resource, ns, name) => this.readObject(resource, ns, name));
    if ('error' in env) {
      await this.recorder.event(pod, 'Warning', 'Failed', `Error: ${env.error}`, fieldPath);
      return { reason: 'CreateContainerConfigError', message: env.error };
    }
    const lookup = new Map(env);
    const expandAll = (xs: string[] | undefined): string[] | undefined => xs?.map((x) => expand(x, (n) => lookup.get(n)));
    const command = expandAll(c.command);
    const args = expandAll(c.args);
    const record = this.runtime.createContainer(sandbox, c.name, pulled, {
      ...(command ? { command } : {}), ...(args ? { args } : {}), env, files: podFiles(placed, [sandbox.ip]),
      ...(typeof c.workingDir === 'string' ? { workingDir: c.workingDir } : {}),
      stdin: c.stdin === true, stdinOnce: c.stdinOnce === true, tty: c.tty === true,
      serviceAccount: { namespace: pod.metadata.namespace ?? 'default', name: typeof pod.spec.serviceAccountName === 'string' && pod.spec.serviceAccountName ? pod.spec.serviceAccountName : 'default' },
    });
    await this.recorder.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, fieldPath);
    const failed = await this.runtime.startContainer(record);
    if (failed !== undefined) await this.recorder.event(pod, 'Warning', 'Failed', `Error: ${failed}`, fieldPath);
    else await this.recorder.event(pod, 'Normal', 'Started', `Started container ${c.name}`, fieldPath);
    const postStart = lifecycleOf(c)?.postStart;
    if (failed !== undefined || !postStart) return undefined;
    this.starting.add(record.id);
    const hookFailed = await runHandler(this.hooks, pod, c, record, postStart, this.cancels.get(keyOf(pod)) ?? new Interrupt());
    this.starting.delete(record.id);
    if (hookFailed === undefined) return undefined;
    // The message stays out of the event so that secrets in it do not leak; the status carries it.
    await this.recorder.event(pod, 'Warning', 'FailedPostStartHook', 'PostStartHook failed', fieldPath);
    await killContainer(this.hooks, pod, c, record, 'FailedPostStartHook', 'postStart');
    return { reason: 'PostStartHookError', message: hookFailed };
  }

  /** readObject gets a ConfigMap or Secret a container's environment refers to. */
  private async readObject(resource: 'configmaps' | 'secrets', namespace: string, name: string): Promise<{ data?: Record<string, string> } | undefined> {
    const got = await this.client.get<KubeObject & { data?: Record<string, string> }>(resource === 'configmaps' ? CONFIGMAPS : SECRETS, namespace, name);
    return isStatus(got) ? undefined : got;
  }

  private podGone(pod: Pod): boolean {
    const current = this.podFor(keyOf(pod));
    return !current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp !== undefined;
  }

  /** statusOf is the pod's status from its sandbox's containers and what keeps others waiting. */
  private statusOf(pod: Pod, sandbox: Sandbox | undefined, waiting: Map<string, Waiting>): PodStatus {
    return podStatus(pod, {
      now: this.clock.now(), hostIP: this.config.internalIP, ...(sandbox ? { podIP: sandbox.ip } : {}),
      view: (name): ContainerView => {
        const current = sandbox?.containers.get(name);
        const running = current !== undefined && current.finishedAt === undefined;
        return { current, previous: sandbox?.previous.get(name), waiting: waiting.get(name), ...(running ? { probe: this.prober.status(keyOf(pod), name, current) } : {}) };
      },
    });
  }

  private async writeStatus(pod: Pod, status: PodStatus): Promise<void> {
    if (this.statics.get(keyOf(pod))?.metadata.uid === pod.metadata.uid) return this.statics.writeStatus(pod, status);
    const current = this.pods.get(keyOf(pod)) ?? pod;
    if (JSON.stringify(current.status) === JSON.stringify(status)) return;
    const res = await this.client.updateStatus(PODS, { ...current, status });
    if (isStatus(res) && res.code === 409) {
      // Someone else wrote the pod meanwhile; write our view onto the fresh copy.
      const fresh = await this.client.get<Pod>(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
      if (!isStatus(fresh)) await this.client.updateStatus(PODS, { ...fresh, status: { ...status, conditions: mergeScheduled(fresh.status?.conditions, status.conditions) } });
    }
  }

  /**
   * killPod stops the containers of a pod being deleted — SIGTERM, then
   * SIGKILL once the deletion's grace period is over — then finishes the
   * delete with grace 0.
   */
  private async killPod(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    // The pod worker's effective grace period: the deletion's, else the pod's, never under 1 s; it overrides each container's.
    await this.killContainers(pod, Math.max(1, pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30));
    const res = await this.client.delete(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
    if (!isStatus(res) || res.code === 404) this.runtime.removePodSandbox(uid);
  }

  /** killContainers stops a pod's running containers within grace seconds: its sidecars after the others. */
  private async killContainers(pod: Pod, grace: number): Promise<void> {
    const sandbox = this.runtime.sandbox(pod.metadata.uid ?? '');
    if (sandbox) {
      const running = [...sandbox.containers.values()].filter((c) => c.finishedAt === undefined);
      // Sidecars go after the containers, the last declared first.
      const turn = terminationOrdering(this.clock, pod, running);
      await Promise.all(running.map(async (c) => {
        const spec = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((s) => s.name === c.name);
        await killContainer(this.hooks, pod, spec, c, '', 'unknown', grace, turn(c.name));
      }));
    }
  }
}

/** containersDone tells whether a pod's containers have all exited for good: none is to be restarted (restartPolicy Never, or OnFailure after success). */
function containersDone(pod: Pod, sandbox: Sandbox): boolean {
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (policy === 'Always') return false;
  return pod.spec.containers.every((c) => {
    const r = sandbox.containers.get(c.name);
    return r?.finishedAt !== undefined && (policy === 'Never' || r.exitCode === 0);
  });
}

/** fieldPathOf is the field path events about a container name it by: spec.containers{name} or spec.initContainers{name}. */
function fieldPathOf(pod: Pod, name: string): string {
  return `spec.${pod.spec.initContainers?.some((i) => i.name === name) ? 'initContainers' : 'containers'}{${name}}`;
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
