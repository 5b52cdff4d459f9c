/**
 * Prober is the kubelet's probe manager (pkg/kubelet/prober/prober_manager.go):
 * it keeps a worker for each probe of each container of the pods it runs, and
 * answers from their results what the pod status says — a container is
 * started once its startup probe succeeded (or it has none), ready once its
 * readiness probe succeeded (or it has none) — and which running containers
 * failed liveness or startup and are to be killed. Workers run on their own
 * timers; a pod without probes costs nothing.
 */
import type { Container, Pod } from '../api/types';
import type { Clock } from '../clock';
import type { Random } from '../random';
import type { Probe, ProbeTarget } from './probeActions';
import { type ProbeType, ProbeWorker, type Result, type WorkerHost } from './probeWorker';
import type { ContainerRecord } from './runtime';

/** PROBE_FIELDS maps each probe type to its container field. */
const PROBE_FIELDS: [ProbeType, 'livenessProbe' | 'readinessProbe' | 'startupProbe'][] = [['Liveness', 'livenessProbe'], ['Readiness', 'readinessProbe'], ['Startup', 'startupProbe']];

/** ProberHost is what the prober needs of its kubelet. */
export interface ProberHost {
  clock: Clock;
  random: Random;
  pod(key: string): Pod | undefined;
  /** container is the newest instance of a container the kubelet has reported. */
  container(podKey: string, name: string): ContainerRecord | undefined;
  target(pod: Pod, container: Container, record: ContainerRecord): ProbeTarget | undefined;
  event(pod: Pod, container: Container, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** resultChanged tells the kubelet a probe's result for a container instance changed, so it syncs the pod. */
  resultChanged(podKey: string, type: ProbeType, result: Result): void;
}

/** ContainerProbeStatus is what the probes say of a running container: started and ready. */
export interface ContainerProbeStatus {
  started: boolean;
  ready: boolean;
}

export class Prober {
  /** workers are keyed by pod (namespace/name), then `container/type`; uids tell a pod from a namesake that replaced it. */
  private readonly workers = new Map<string, Map<string, ProbeWorker>>();
  private readonly uids = new Map<string, string>();
  private startedAt = 0;
  private readonly host: WorkerHost;

  constructor(kubelet: ProberHost) {
    this.host = {
      clock: kubelet.clock,
      random: kubelet.random,
      startedAt: () => this.startedAt,
      pod: (key) => kubelet.pod(key),
      container: (uid, name) => kubelet.container(uid, name),
      started: (key, name, record) => this.started(key, name, record),
      target: (pod, c, record) => kubelet.target(pod, c, record),
      event: (pod, c, type, reason, message) => kubelet.event(pod, c, type, reason, message),
      changed: (worker, _id, result) => kubelet.resultChanged(worker.podKey, worker.type, result),
      done: (worker) => this.removeWorker(worker),
    };
  }

  /** start marks when the kubelet (re)started: workers made within a period of it spread their first probes. */
  start(now: number): void {
    this.startedAt = now;
  }

  /** addPod makes the workers for a pod's probes, once (AddPod); the spec they probe is the pod's as first seen. */
  addPod(pod: Pod): void {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    const uid = pod.metadata.uid ?? '';
    if (this.uids.get(key) === uid) return;
    this.removePod(key);
    const workers = new Map<string, ProbeWorker>();
    this.workers.set(key, workers);
    this.uids.set(key, uid);
    // Sidecars (restartable init containers) are probed as the containers are.
    for (const c of [...(pod.spec.initContainers ?? []).filter((i) => i.restartPolicy === 'Always'), ...pod.spec.containers]) {
      for (const [type, field] of PROBE_FIELDS) {
        const spec = c[field] as Probe | undefined;
        if (!spec || typeof spec !== 'object') continue;
        const worker = new ProbeWorker(this.host, type, key, uid, c, spec);
        workers.set(`${c.name}/${type}`, worker);
        worker.start();
      }
    }
  }

  /** removePod stops the workers of the pod of key (RemovePod); with uid, only if they are that pod's and not a namesake's. */
  removePod(key: string, uid?: string): void {
    if (uid !== undefined && this.uids.get(key) !== uid) return;
    const workers = this.workers.get(key);
    this.workers.delete(key);
    this.uids.delete(key);
    for (const w of workers?.values() ?? []) w.stop();
  }

  /** stop stops every worker, as the kubelet's process ending does. */
  stop(): void {
    for (const uid of [...this.workers.keys()]) this.removePod(uid);
  }

  /** workerCount is how many probe workers run (tests and benchmarks read it). */
  get workerCount(): number {
    let n = 0;
    for (const w of this.workers.values()) n += w.size;
    return n;
  }

  /**
   * status is what the probes make of a running container for its status
   * (UpdatePodStatus): a readiness probe not yet passed is run again at once,
   * as the status manager triggers it.
   */
  status(podKey: string, name: string, record: ContainerRecord): ContainerProbeStatus {
    const started = this.started(podKey, name, record);
    if (!started) return { started, ready: false };
    const readiness = this.worker(podKey, name, 'Readiness');
    if (!readiness) return { started, ready: true };
    if (readiness.containerID === record.id && readiness.result === 'Success') return { started, ready: true };
    readiness.trigger();
    return { started, ready: false };
  }

  /** failed names the probe a running instance failed, which kills it: liveness, else startup. */
  failed(podKey: string, name: string, record: ContainerRecord): 'liveness' | 'startup' | undefined {
    const failing = (type: ProbeType): boolean => {
      const w = this.worker(podKey, name, type);
      return w?.containerID === record.id && w.result === 'Failure';
    };
    if (failing('Liveness')) return 'liveness';
    if (failing('Startup')) return 'startup';
    return undefined;
  }

  /** started tells whether a running instance has passed its startup probe, or has none (isContainerStarted). */
  private started(podKey: string, name: string, record: ContainerRecord): boolean {
    if (record.startedAt === undefined || record.finishedAt !== undefined) return false;
    const startup = this.worker(podKey, name, 'Startup');
    if (!startup) return true;
    return startup.containerID === record.id && startup.result === 'Success';
  }

  private worker(podKey: string, name: string, type: ProbeType): ProbeWorker | undefined {
    return this.workers.get(podKey)?.get(`${name}/${type}`);
  }

  private removeWorker(worker: ProbeWorker): void {
    const workers = this.workers.get(worker.podKey);
    const key = `${worker.container.name}/${worker.type}`;
    if (workers?.get(key) === worker) workers.delete(key);
  }
}
