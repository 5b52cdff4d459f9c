/**
 * lifecycleHooks are the kubelet's container lifecycle handlers and the way it
 * kills a container (pkg/kubelet/lifecycle/handlers.go and kuberuntime's
 * killContainer): postStart runs once the container has started and must end
 * before the container counts as running; preStop runs before SIGTERM and
 * its time comes out of the grace period, which never drops below 2 s; then
 * the runtime sends SIGTERM and, once the grace period is over, SIGKILL.
 */
import type { Container, Pod } from '../api/types';
import type { Clock } from '../clock';
import { type ProbeHandler, type ProbeTarget, execInContainer, goQuote, httpGet } from './probeActions';
import { Interrupt } from './process';
import type { ContainerRecord, SimulatedRuntime } from './runtime';

/** MINIMUM_GRACE_PERIOD_SECONDS is the shortest window between SIGTERM and SIGKILL the kubelet gives (minimumGracePeriodInSeconds). */
export const MINIMUM_GRACE_PERIOD_SECONDS = 2;

/** KillReason is why a container is killed, which decides whose terminationGracePeriodSeconds applies. */
export type KillReason = 'liveness' | 'startup' | 'postStart' | 'unknown';

/** Lifecycle is v1.Lifecycle. */
export interface Lifecycle {
  postStart?: ProbeHandler;
  preStop?: ProbeHandler;
}

/** HookHost is what hooks and kills need of the kubelet. */
export interface HookHost {
  clock: Clock;
  runtime: SimulatedRuntime;
  target(pod: Pod, container: Container, record: ContainerRecord): ProbeTarget | undefined;
  /** event records an event about a container (fieldPath set) or about the pod. */
  event(pod: Pod, container: Container | undefined, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** podFullName is how the kubelet names a pod in messages (format.Pod): name_namespace(uid). */
export function podFullName(pod: Pod): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
}

/** lifecycleOf is a container's lifecycle, when it has one. */
export function lifecycleOf(c: Container): Lifecycle | undefined {
  return c.lifecycle && typeof c.lifecycle === 'object' ? c.lifecycle : undefined;
}

/**
 * runHandler is handlerRunner.Run: it runs a lifecycle handler in or against
 * the container and resolves with nothing when it succeeded, or the message
 * that says how it failed. An HTTP hook fails only when no answer comes: its
 * status code does not matter. cancel ends it early (the pod worker's context).
 */
export async function runHandler(host: HookHost, pod: Pod, c: Container, record: ContainerRecord, handler: ProbeHandler, cancel: Interrupt): Promise<string | undefined> {
  const subject = `for Container ${goQuote(c.name)} in Pod ${goQuote(podFullName(pod))}`;
  const target = host.target(pod, c, record);
  if (handler.exec) {
    const command = handler.exec.command ?? [];
    const res = target ? await execInContainer(target, command, 0, cancel) : { error: 'rpc error: code = NotFound desc = an error occurred when try to find container' };
    if ('exitCode' in res && res.exitCode === 0) return undefined;
    const error = 'exitCode' in res ? `command '${command.join(' ')}' exited with ${res.exitCode}: ${res.stderr}` : 'timedOut' in res ? res.timedOut : res.error;
    const output = 'exitCode' in res ? res.stdout + res.stderr : '';
    return `Exec lifecycle hook ([${command.join(' ')}]) ${subject} failed - error: ${error}, message: ${goQuote(output)}`;
  }
  if (handler.httpGet) {
    const path = handler.httpGet.path ?? '';
    const error = target ? await httpHook(host, pod, target, handler, cancel) : 'failed to find networking container';
    return error === undefined ? undefined : `HTTP lifecycle hook (${path}) ${subject} failed - error: ${error}`;
  }
  if (handler.sleep) {
    const seconds = handler.sleep.seconds;
    const slept = await new Promise<boolean>((resolve) => {
      const timer = host.clock.setTimer(seconds * 1000, () => {
        off();
        resolve(true);
      });
      const off = cancel.onFire(() => {
        timer.cancel();
        resolve(false);
      });
    });
    return slept ? undefined : `Sleep lifecycle hook (${seconds}) ${subject} failed - error: container terminated before sleep hook finished`;
  }
  const tcp = handler.tcpSocket;
  const shown = tcp ? `TCPSocket:&TCPSocketAction{Port:{${typeof tcp.port === 'number' ? `0 ${tcp.port} ` : `1 0 ${tcp.port}`}},Host:${tcp.host ?? ''},}` : 'TCPSocket:nil';
  return `Cannot run handler: invalid handler: &LifecycleHandler{Exec:nil,HTTPGet:nil,${shown},Sleep:nil,}`;
}

/** httpHook sends the hook's GET; an HTTPS hook answered in plain HTTP is sent again over HTTP, with a warning event. */
async function httpHook(host: HookHost, pod: Pod, target: ProbeTarget, handler: ProbeHandler, cancel: Interrupt): Promise<string | undefined> {
  const action = handler.httpGet;
  if (!action) return undefined;
  const res = await httpGet(target, action, Infinity, 'lifecycle', cancel);
  if ('invalid' in res) return res.invalid;
  if (!('error' in res)) return undefined;
  if (!res.error.endsWith('server gave HTTP response to HTTPS client')) return res.error;
  const headers = (action.httpHeaders ?? []).filter((h) => h.name.toLowerCase() !== 'authorization');
  const retried = await httpGet(target, { ...action, scheme: 'HTTP', httpHeaders: headers }, Infinity, 'lifecycle', cancel);
  if ('invalid' in retried || 'error' in retried) return res.error;
  const port = typeof action.port === 'number' ? action.port : (target.container.ports ?? []).find((p) => p.name === action.port)?.containerPort;
  host.event(pod, undefined, 'Warning', 'LifecycleHTTPFallback', `request to HTTPS lifecycle hook ${action.host || target.podIP}:${port ?? ''} got HTTP response, retry with HTTP succeeded`);
  return undefined;
}

/**
 * terminationGracePeriod is setTerminationGracePeriod: a pod being deleted
 * gets its deletion's grace period; a container killed for failing liveness
 * or startup gets that probe's terminationGracePeriodSeconds when set; else
 * the pod's.
 */
export function terminationGracePeriod(pod: Pod, c: Container | undefined, reason: KillReason): number {
  if (pod.metadata.deletionGracePeriodSeconds !== undefined) return pod.metadata.deletionGracePeriodSeconds;
  const podGrace = pod.spec.terminationGracePeriodSeconds;
  if (podGrace === undefined) return MINIMUM_GRACE_PERIOD_SECONDS;
  const probe = reason === 'liveness' ? c?.livenessProbe : reason === 'startup' ? c?.startupProbe : undefined;
  const probeGrace = probe && typeof probe === 'object' ? (probe as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds : undefined;
  return probeGrace ?? podGrace;
}

/**
 * killContainer is kuberuntime's killContainer: the Killing event (message, or
 * `Stopping container <name>`), the preStop hook within the grace period
 * (gracePeriodOverride replaces the computed one), the wait for its turn
 * when the pod orders its containers' ends (waitForTurn), then StopContainer with
 * what is left, at least 2 s: SIGTERM, and SIGKILL when that runs out.
 */
export async function killContainer(host: HookHost, pod: Pod, c: Container | undefined, record: ContainerRecord, message: string, reason: KillReason, gracePeriodOverride?: number,
  waitForTurn?: (gracePeriod: number) => Promise<number>): Promise<void> {
  let grace = terminationGracePeriod(pod, c, reason);
  const spec = c ?? { name: record.name };
  host.event(pod, spec, 'Normal', 'Killing', message || `Stopping container ${record.name}`);
  if (gracePeriodOverride !== undefined) grace = gracePeriodOverride;
  const preStop = c ? lifecycleOf(c)?.preStop : undefined;
  if (c && preStop && grace > 0 && record.finishedAt === undefined) grace -= await executePreStopHook(host, pod, c, record, preStop, grace);
  // A sidecar waits for the containers it serves to exit first (terminationOrdering), within its grace period.
  if (waitForTurn && grace > 0) grace -= await waitForTurn(grace);
  grace = Math.max(grace, MINIMUM_GRACE_PERIOD_SECONDS);
  await host.runtime.stopContainer(record, grace * 1000);
}

/**
 * executePreStopHook runs preStop and waits for it at most gracePeriod
 * seconds; a failure, even one that comes later, is the FailedPreStopHook
 * event. It resolves with the whole seconds it waited.
 */
async function executePreStopHook(host: HookHost, pod: Pod, c: Container, record: ContainerRecord, handler: ProbeHandler, gracePeriod: number): Promise<number> {
  const start = host.clock.now();
  const done = runHandler(host, pod, c, record, handler, new Interrupt()).then((failed) => {
    // The message stays out of the event so that secrets in it do not leak.
    if (failed !== undefined) host.event(pod, c, 'Warning', 'FailedPreStopHook', 'PreStopHook failed');
  });
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<void>((resolve) => (timer = host.clock.setTimer(gracePeriod * 1000, resolve)));
  await Promise.race([done, timeout]);
  timer?.cancel();
  return Math.floor((host.clock.now() - start) / 1000);
}
