/**
 * Kubelet is the node agent: it registers its Node, keeps its status fresh, and
 * runs the pods bound to it — sandbox, image pulls, init containers in order,
 * then the containers, restarted as the pod's restartPolicy says with the
 * CrashLoopBackOff delay — writing pod status and events through the API
 * server, and finishing graceful deletions.
 */
import type { Clock } from '../clock';
import { keyOf, timestamp } from '../api/meta';
import type { Container, Node, Pod, Taint } from '../api/types';
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
import type { ServiceLike } from './containerEnv';
import { ContainerSync, POD_RESYNC_MS } from './containerSync';
import { type KubeletHttpAnswer, serveKubelet } from './kubeletServer';
import { containersDone, fieldPathOf } from './kubeletHelpers';
import type { HookHost } from './lifecycleHooks';
import { type ContainerLogRequest, containerLogs, logContainer } from './logRequest';
import { NodeLease } from './nodeLease';
import { KERNEL_VERSION, NODE_STATUS_UPDATE_MS, NodeStatusReporter } from './nodeStatus';
import { type Waiting, isSidecar } from './podStatus';
import { OomKiller } from './oomKiller';
import { PodRange } from './podRange';
import { PodStatusWriter } from './podStatusWriter';
import { PodWorkers } from './podWorkers';
import { type StaticPodManifest, StaticPods, isMirrorPod } from './staticPods';
import type { ProbeTarget } from './probeActions';
import { Prober } from './prober';
import { type ContainerRecord, SimulatedRuntime } from './runtime';
import type { FollowLogOptions, KubeletAnswer, KubeletStreaming, LogSink, PortForwardSession, RemoteCommandOptions, StreamSession } from './streaming';
import { StreamingServer } from './streamingServer';
import { EvictionManager, type Termination, terminatedStatus } from './eviction/evictionManager';
import { statsSummary } from './eviction/summary';
import type { PodNetwork } from '../network/dns/podNetwork';

export { NODE_STATUS_UPDATE_MS } from './nodeStatus';
export { type ContainerLogRequest, validateContainerLogStatus } from './logRequest';
/** NETWORK_NOT_READY is the runtime's network error while the node has no pod range (kubenet/CNI before the range is set). */
export const NETWORK_NOT_READY = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
/** SERVICES are what the kubelet watches to give containers their service environment variables. */
const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services', namespaced: true };

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
  /** workers run the pods' syncs, one at a time per pod. */
  private readonly workers: PodWorkers;
  /** range is the node's pod range, which pod IPs come from. */
  private readonly range = new PodRange();
  /** node watches the kubelet's own Node for its pod range (the kubelet's node informer); made anew on each start. */
  private node: Informer<Node>;
  /** nodeStatus registers the Node and posts its status. */
  private readonly nodeStatus: NodeStatusReporter;
  private stopped = false;
  private running = false;
  /** epoch counts starts, so a heartbeat in flight across a stop and a start does not schedule a second one. */
  private epoch = 0;
  /** statusWriter makes the pods' statuses and writes them. */
  private readonly statusWriter: PodStatusWriter;
  /** containers start, restart, back off and kill the pods' containers. */
  private readonly containers: ContainerSync;
  /** startedAt is when the kubelet started: its node's stats begin then. */
  private startedAt?: number;
  /** prober runs the containers' startup, readiness and liveness probes. */
  readonly prober: Prober;
  /** hooks is what lifecycle hooks and container kills run with. */
  private readonly hooks: HookHost;
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
    if (config.podCIDR) this.range.set(config.podCIDR);
    const cpus = Math.max(1, Math.floor(milliValue(config.capacity.cpu) / 1000));
    this.runtime = new SimulatedRuntime(clock, random, () => this.range.take(), (ip) => this.range.release(ip), { cpus, kernelVersion: KERNEL_VERSION });
    this.runtime.onContainerExit = (c, sandbox) => {
      this.oom.forget(c.id);
      this.containerDied(sandbox.podUID);
    };
    this.oom = new OomKiller(clock, this.runtime, cpus);
    if (config.network) this.runtime.network = config.network;
    this.recorder = new EventRecorder(client, clock, { component: 'kubelet', host: config.nodeName });
    this.workers = new PodWorkers({
      clock, podFor: (key) => this.podFor(key), syncPod: (pod) => this.syncPod(pod),
      running: () => this.running, stopped: () => this.stopped,
    });
    this.pods = this.podInformer();
    this.statics = new StaticPods({ nodeName: config.nodeName, client, apiPod: (key) => this.pods.get(key) });
    this.statics.set(config.staticPods ?? [], clock.now());
    this.services = new Informer<ServiceLike>(client, SERVICES, clock);
    this.node = this.nodeInformer();
    this.lease = new NodeLease(client, clock, config.nodeName);
    this.nodeStatus = new NodeStatusReporter({
      client, clock, recorder: this.recorder, config,
      images: () => this.runtime.listImages(),
      memoryPressure: () => this.eviction.isUnderMemoryPressure(),
      epoch: () => this.epoch,
    });
    this.eviction = new EvictionManager({
      clock, recorder: this.recorder, nodeName: config.nodeName,
      summary: () => statsSummary(this.clock.now(), (at) => this.resourceUsage(at, at), this.allPods(), value(config.capacity.memory)),
      activePods: () => this.allPods().filter((p) => !this.terminated.has(p.metadata.uid ?? '') && !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed'),
      terminate: (pod, grace, termination) => this.terminatePod(pod, grace, termination),
    });
    this.streaming = new StreamingServer((ns, name) => this.podFor(`${ns}/${name}`), this.runtime, clock, (pod, container, options) => logContainer(pod, container, options.previous, (id) => this.runtime.container(id)));
    const event = (pod: Pod, c: Container | undefined, type: 'Normal' | 'Warning', reason: string, message: string): void => {
      void this.recorder.event(pod, type, reason, message, c ? fieldPathOf(pod, c.name) : undefined);
    };
    const target = (pod: Pod, c: Container, record: ContainerRecord): ProbeTarget | undefined => {
      const sandbox = this.runtime.sandbox(pod.metadata.uid ?? '');
      // The node reaches its pods from the bridge's address, the first of its pod range.
      return sandbox && { runtime: this.runtime, clock, container: c, record, podIP: sandbox.ip, sourceIP: this.range.bridgeIP() ?? config.internalIP, nodeIPs: [config.internalIP] };
    };
    this.hooks = { clock, runtime: this.runtime, target, event };
    this.prober = new Prober({
      clock, random, target, event,
      pod: (key) => this.podFor(key),
      container: (uid, name) => {
        const record = this.runtime.sandbox(uid)?.containers.get(name);
        return record && !this.containers.isStarting(record.id) ? record : undefined;
      },
      resultChanged: (key, type, result) => {
        // Liveness matters only when it fails; readiness and startup changes show in the status.
        const pod = this.podFor(key);
        if (pod && this.running && (type !== 'Liveness' || result === 'Failure')) this.workers.enqueue(pod);
      },
    });
    this.statusWriter = new PodStatusWriter({
      client, clock, prober: this.prober, statics: this.statics, internalIP: config.internalIP, apiPod: (key) => this.pods.get(key),
    });
    this.containers = new ContainerSync({
      client, clock, recorder: this.recorder, runtime: this.runtime, prober: this.prober, hooks: this.hooks, internalIP: config.internalIP,
      services: () => this.services.list(),
      podGone: (pod) => this.podGone(pod),
      cancel: (key) => this.workers.cancel(key),
      resyncLater: (key, ms) => this.workers.resyncLater(key, ms),
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
    for (const pod of this.statics.list()) this.workers.enqueue(pod);
    await this.nodeStatus.register(epoch);
    await this.node.start();
    await this.services.start();
    await this.pods.start();
    if (epoch !== this.epoch) return;
    // Now that the Node is registered and the API's pods are known, the static pods get their mirrors.
    for (const pod of this.statics.list()) this.workers.enqueue(pod);
    if (restart) this.removeOrphanedSandboxes();
    this.lease.start();
    this.eviction.start();
    this.nodeStatus.scheduleHeartbeat(epoch);
  }

  /** stop stops the agent as a stopped kubelet service: no more heartbeats or pod syncs; the containers keep running. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.stopped = true;
    this.epoch++;
    this.nodeStatus.stopHeartbeat();
    this.workers.stopResyncs();
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
      if (!cidr || this.range.cidr) return;
      this.range.set(cidr);
      if (this.running) for (const pod of this.allPods()) this.workers.enqueue(pod);
    };
    node.addEventHandler({ onAdd: changed, onUpdate: (_, n) => changed(n) });
    return node;
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
    else this.workers.enqueue(pod);
  }

  /** mirrorChanged syncs the static pod of a mirror that changed or went, which makes it again; a mirror without a static pod is deleted. */
  private mirrorChanged(mirror: Pod): void {
    const pod = this.statics.get(keyOf(mirror));
    if (pod) {
      if (this.running) this.workers.enqueue(pod);
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
    if (this.running) for (const pod of added) this.workers.enqueue(pod);
    return errors;
  }

  /** staticPods lists the static pods the kubelet runs, with the status it computed for each. */
  staticPods(): Pod[] {
    return this.statics.list();
  }

  /** removeStaticPod stops a static pod whose manifest went and deletes its mirror, unless a new manifest took its name. */
  private async removeStaticPod(pod: Pod): Promise<void> {
    await this.containers.killContainers(pod, Math.max(1, pod.spec.terminationGracePeriodSeconds ?? 30));
    const key = keyOf(pod);
    this.forgetPod(pod);
    const mirror = this.pods.get(key);
    if (!this.statics.get(key) && mirror && isMirrorPod(mirror)) await this.statics.deleteMirror(mirror.metadata.namespace ?? '', mirror.metadata.name ?? '', mirror.metadata.uid);
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
    await this.containers.killContainers(pod, grace);
    const current = this.podFor(keyOf(pod)) ?? pod;
    if (current.metadata.uid !== uid) return;
    await this.statusWriter.writeStatus(current, terminatedStatus(this.statusWriter.statusOf(current, this.runtime.sandbox(uid), new Map()), end, timestamp(this.clock.now())));
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
    return containerLogs(this.podFor(`${namespace}/${name}`), name, container, options, (id) => this.runtime.container(id), this.clock);
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
   * syncPod is SyncPod for a pod that is not being deleted: make the sandbox,
   * run the init containers one at a time until each has completed, then
   * start the containers, restarting exited ones as the restart policy says
   * unless they are backing off; then write the status. A pod whose phase is
   * terminal is left as it is.
   */
  private async syncPod(pod: Pod): Promise<void> {
    if (pod.metadata.deletionTimestamp) return this.killPod(pod);
    // A static pod's mirror is made (again) before its containers start; without the API server, later.
    if (this.statics.get(keyOf(pod))?.metadata.uid === pod.metadata.uid && !(await this.statics.syncMirror(pod))) this.workers.resyncLater(keyOf(pod), POD_RESYNC_MS);
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
        return this.statusWriter.writeStatus(pod, { ...pod.status, phase: 'Failed', reason: refused.reason, message: `Pod was rejected: ${refused.message}`, qosClass: qosClass(pod) });
      }
      const inits = pod.spec.initContainers ?? [];
      for (const c of [...inits, ...pod.spec.containers]) waiting.set(c.name, { reason: inits.length ? 'PodInitializing' : 'ContainerCreating' });
      await this.statusWriter.writeStatus(pod, this.statusWriter.statusOf(pod, undefined, waiting));
      const hostNetwork = (pod.spec as { hostNetwork?: boolean }).hostNetwork === true;
      // Without a pod range the network is not ready: only host-network pods start (syncPod's networkErrors check); the others wait for the Node's podCIDR.
      if (!hostNetwork && !this.range.cidr) {
        await this.recorder.event(pod, 'Warning', 'NetworkNotReady', `network is not ready: ${NETWORK_NOT_READY}`);
        return;
      }
      sandbox = await this.runtime.runPodSandbox(uid, hostNetwork ? this.config.internalIP : undefined);
      waiting.clear();
      if (!sandbox) {
        await this.recorder.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: no IP addresses available in range set: ${this.range.cidr ?? ''}`);
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
        if (isSidecar(c) && !done) await this.containers.syncContainer(pod, sandbox, c, 'initContainers', waiting);
        continue;
      }
      if (!initialized) {
        if (!sandbox.containers.has(c.name)) waiting.set(c.name, { reason: 'PodInitializing' });
        continue;
      }
      const result = await this.containers.syncContainer(pod, sandbox, c, 'initContainers', waiting);
      // A sidecar lets the next init container start once it runs and its startup probe passed.
      initialized = isSidecar(c) ? result === 'running' && this.containers.hasStarted(pod, sandbox, c) : result === 'completed';
    }
    for (const c of pod.spec.containers) {
      if (!initialized) waiting.set(c.name, { reason: 'PodInitializing' });
      else await this.containers.syncContainer(pod, sandbox, c, 'containers', waiting);
      if (this.podGone(pod)) return;
    }
    if (done) await this.containers.stopSidecars(pod, sandbox);
    if (this.podGone(pod)) return;
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      const record = sandbox.containers.get(c.name);
      if (record) this.oom.watch(pod, c, record);
    }
    await this.statusWriter.writeStatus(pod, this.statusWriter.statusOf(pod, sandbox, waiting));
  }

  /** containerDied is the PLEG's ContainerDied: the pod is synced again, to restart the container or report its end. */
  private containerDied(podUID: string): void {
    if (!this.running) return;
    const pod = this.allPods().find((p) => p.metadata.uid === podUID);
    if (pod) this.workers.enqueue(pod);
  }

  /** forgetPod drops what the kubelet kept for a deleted pod: its sandbox, back-offs and resync. */
  private forgetPod(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    this.prober.removePod(keyOf(pod), uid);
    this.oom.forgetAll([...(this.runtime.sandbox(uid)?.containers.values() ?? [])].map((c) => c.id));
    this.runtime.removePodSandbox(uid);
    this.workers.forget(keyOf(pod));
    this.containers.forget(uid);
    this.terminated.delete(uid);
  }

  private podGone(pod: Pod): boolean {
    const current = this.podFor(keyOf(pod));
    return !current || current.metadata.uid !== pod.metadata.uid || current.metadata.deletionTimestamp !== undefined;
  }

  /**
   * killPod stops the containers of a pod being deleted — SIGTERM, then
   * SIGKILL once the deletion's grace period is over — then finishes the
   * delete with grace 0.
   */
  private async killPod(pod: Pod): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    // The pod worker's effective grace period: the deletion's, else the pod's, never under 1 s; it overrides each container's.
    await this.containers.killContainers(pod, Math.max(1, pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30));
    const res = await this.client.delete(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
    if (!isStatus(res) || res.code === 404) this.runtime.removePodSandbox(uid);
  }
}
