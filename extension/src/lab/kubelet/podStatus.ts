/**
 * podStatus is the kubelet's generateAPIPodStatus over the simulated runtime:
 * each container's status from its current and previous instance (running,
 * terminated, or waiting to be restarted with its last termination), the
 * pod's phase as getPhase decides it from the restart policy, and the
 * Initialized, Ready and ContainersReady conditions.
 */
import { setCondition, timestamp } from '../api/meta';
import type { Condition, Container, ContainerState, ContainerStatus, Pod, PodStatus } from '../api/types';
import { normalizeImage } from './images';
import type { ContainerRecord } from './runtime';

/** FullPodStatus is the pod status with its init containers' statuses. */
export type FullPodStatus = PodStatus & { initContainerStatuses?: ContainerStatus[] };

/** Waiting is why a container is not running: ContainerCreating, PodInitializing, CrashLoopBackOff, a config error. */
export interface Waiting {
  reason: string;
  message?: string;
}

/** ContainerView is what the kubelet knows of one container of the spec. */
export interface ContainerView {
  /** current is the newest instance, running or exited. */
  current?: ContainerRecord;
  /** previous is the instance before it, whose end is the last state of a running one. */
  previous?: ContainerRecord;
  /** waiting, when set, is the state reported instead of the current instance's: it is to be (re)started. */
  waiting?: Waiting;
  /** probe is what the probes say of a running current instance; without probes it is started and ready. */
  probe?: { started: boolean; ready: boolean };
}

/** PodStatusInput is what the status is made of besides the pod. */
export interface PodStatusInput {
  now: number;
  hostIP: string;
  /** podIP is the sandbox's IP once it has one. */
  podIP?: string;
  view(name: string): ContainerView;
}

/** terminatedState is an exited instance as a terminated state. */
export function terminatedState(c: ContainerRecord): NonNullable<ContainerState['terminated']> {
  return {
    exitCode: c.exitCode ?? 0, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}),
    startedAt: timestamp(c.startedAt ?? 0), finishedAt: timestamp(c.finishedAt ?? 0), containerID: `containerd://${c.id}`,
  };
}

/** containerStatus is one container's status (convertToAPIContainerStatuses). */
export function containerStatus(spec: Container, v: ContainerView): ContainerStatus {
  const c = v.current;
  const image = c ? c.image.ref : normalizeImage(String(spec.image ?? ''));
  const base = { name: spec.name, image, imageID: c?.image.imageID ?? '', ...(c ? { containerID: `containerd://${c.id}` } : {}) };
  const restartCount = c?.restartCount ?? 0;
  const exited = c !== undefined && c.finishedAt !== undefined;
  if (v.waiting) {
    const lastState: ContainerState = exited ? { terminated: terminatedState(c) } : {};
    return { ...base, ready: false, started: false, restartCount, state: { waiting: { ...v.waiting } }, lastState };
  }
  if (!c) return { ...base, ready: false, started: false, restartCount, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} };
  const lastState: ContainerState = v.previous?.finishedAt !== undefined ? { terminated: terminatedState(v.previous) } : {};
  if (exited) return { ...base, ready: false, started: false, restartCount, state: { terminated: terminatedState(c) }, lastState };
  const { started, ready } = v.probe ?? { started: true, ready: true };
  return { ...base, ready, started, restartCount, state: { running: { startedAt: timestamp(c.startedAt ?? 0) } }, lastState };
}

/** isSidecar is IsRestartableInitContainer: an init container with restartPolicy Always runs beside the containers. */
export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/**
 * initContainerStatus is an init container's status: one that completed is
 * ready, and never counts as started; a sidecar's is a container's, started
 * and ready as its probes say.
 */
function initContainerStatus(spec: Container, v: ContainerView): ContainerStatus {
  const s = containerStatus(spec, v);
  if (isSidecar(spec)) return s;
  if (s.state.terminated) return { ...s, ready: s.state.terminated.exitCode === 0, started: false };
  if (s.state.running) return { ...s, ready: false };
  return s;
}

/** initialized tells whether an init container has done its part: a sidecar once started, another once it exited with 0 (now, or before a restart it waits for). */
function initialized(spec: Container, s: ContainerStatus): boolean {
  if (isSidecar(spec)) return s.state.running !== undefined && s.started === true;
  const t = s.state.terminated ?? (s.state.waiting ? s.lastState.terminated : undefined);
  return t?.exitCode === 0;
}

/** anyRegularContainerStarted is HasAnyRegularContainerStarted: once one has, initialization is over for good. */
function anyRegularContainerStarted(main: ContainerStatus[]): boolean {
  return main.some((s) => s.state.running !== undefined || s.state.terminated !== undefined);
}

/** failed tells whether an init container's last run failed. */
function failed(s: ContainerStatus): boolean {
  const t = s.state.terminated ?? (s.state.waiting ? s.lastState.terminated : undefined);
  return t !== undefined && t.exitCode !== 0;
}

/**
 * podPhase is the kubelet's getPhase: regular init containers pending or
 * failed keep the pod Pending (Failed under Never); a sidecar not yet started
 * does too until a container has run; running sidecars count as running.
 */
export function podPhase(pod: Pod, init: ContainerStatus[], main: ContainerStatus[]): NonNullable<PodStatus['phase']> {
  const policy = pod.spec.restartPolicy ?? 'Always';
  const specs = pod.spec.initContainers ?? [];
  const regular = init.filter((_, i) => !isSidecar(specs[i] ?? { name: '' }));
  const sidecars = init.filter((_, i) => isSidecar(specs[i] ?? { name: '' }));
  const pendingInit = regular.filter((s) => !initialized({ name: s.name }, s) && !failed(s)).length;
  const failedInit = regular.filter(failed).length;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  let pendingSidecars = 0;
  for (const s of sidecars) {
    if (s.state.running) {
      running++;
      if (!s.started) pendingSidecars++;
    } else if (!s.state.terminated && !s.lastState.terminated) {
      pendingSidecars++;
      waiting++;
    }
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0 || failedInit > 0 || (pendingSidecars > 0 && !anyRegularContainerStarted(main))) return 'Pending';
  for (const s of main) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return policy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

/** podStatus is the status the kubelet writes for a pod with a sandbox. */
export function podStatus(pod: Pod, input: PodStatusInput): FullPodStatus {
  const now = timestamp(input.now);
  const inits = pod.spec.initContainers ?? [];
  const initStatuses = inits.map((c) => initContainerStatus(c, input.view(c.name)));
  const statuses = pod.spec.containers.map((c) => containerStatus(c, input.view(c.name)));
  const sidecarStatuses = initStatuses.filter((_, i) => isSidecar(inits[i]));
  const phase = podPhase(pod, initStatuses, statuses);
  let conditions: Condition[] = pod.status?.conditions ?? [];
  const set = (type: string, ok: boolean, reason?: string, message?: string): void => {
    conditions = setCondition(conditions, { type, status: ok ? 'True' : 'False', ...(reason ? { reason } : {}), ...(message ? { message } : {}), lastProbeTime: null, lastTransitionTime: now });
  };
  const incomplete = anyRegularContainerStarted(statuses) ? [] : initStatuses.filter((s, i) => !initialized(inits[i], s)).map((s) => s.name);
  // Sidecars' readiness counts towards the pod's, before the containers'.
  const unready = [...sidecarStatuses, ...statuses].filter((s) => !s.ready).map((s) => s.name);
  set('PodReadyToStartContainers', input.podIP !== undefined);
  set('Initialized', incomplete.length === 0, incomplete.length ? 'ContainersNotInitialized' : undefined, incomplete.length ? `containers with incomplete status: [${incomplete.join(' ')}]` : undefined);
  const terminal = phase === 'Succeeded' ? 'PodCompleted' : phase === 'Failed' ? 'PodFailed' : undefined;
  for (const type of ['Ready', 'ContainersReady']) {
    if (terminal) set(type, false, terminal);
    else set(type, unready.length === 0, unready.length ? 'ContainersNotReady' : undefined, unready.length ? `containers with unready status: [${unready.join(' ')}]` : undefined);
  }
  const status: FullPodStatus = {
    ...pod.status,
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(input.podIP !== undefined ? { podIP: input.podIP, podIPs: [{ ip: input.podIP }] } : {}),
    startTime: pod.status?.startTime ?? now,
    ...(inits.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
  };
  return status;
}
