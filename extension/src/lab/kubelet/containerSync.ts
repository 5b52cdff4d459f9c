/**
 * ContainerSync brings a pod's containers towards their spec, one container at a
 * time, as the kubelet's SyncPod does: the image pulled, the environment made,
 * a new instance started and its postStart hook run; an exited container
 * restarted as the restart policy says once its CrashLoopBackOff delay is over,
 * a container failing its liveness or startup probe killed and restarted; and
 * a pod's containers stopped, its sidecars last.
 */
import type { Clock } from '../clock';
import { keyOf } from '../api/meta';
import type { Container, KubeObject, Pod } from '../api/types';
import { isStatus } from '../api/types';
import type { EventRecorder } from '../client/eventRecorder';
import type { KubeClient } from '../client/kubeClient';
import type { ResourceRef } from '../client/resources';
import { type ServiceLike, containerEnvironment, expand } from './containerEnv';
import { podFiles } from './containerRoot';
import { BackOff, goDuration } from './backOff';
import { type HookHost, killContainer, lifecycleOf, podFullName, runHandler } from './lifecycleHooks';
import { type Waiting, isSidecar } from './podStatus';
import type { Prober } from './prober';
import { Interrupt } from './process';
import { terminationOrdering } from './terminationOrdering';
import type { SimulatedRuntime, Sandbox } from './runtime';

/** POD_RESYNC_MS is how often a pod worker syncs a pod again while a container waits out its back-off (workerResyncInterval). */
export const POD_RESYNC_MS = 10_000;
const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const SECRETS: ResourceRef = { group: '', version: 'v1', resource: 'secrets', namespaced: true };

/** ContainerSyncHost is what container syncs need of their kubelet. */
export interface ContainerSyncHost {
  client: KubeClient;
  clock: Clock;
  recorder: EventRecorder;
  runtime: SimulatedRuntime;
  prober: Prober;
  hooks: HookHost;
  /** internalIP is the node's address, the pods' hostIP. */
  internalIP: string;
  /** services are the services whose environment variables containers get. */
  services(): ServiceLike[];
  /** podGone tells whether the pod was deleted, or replaced by another of its name, since the sync began. */
  podGone(pod: Pod): boolean;
  /** cancel is what ends the pod's sync in flight (its pod worker's context). */
  cancel(podKey: string): Interrupt | undefined;
  /** resyncLater syncs the pod of podKey again after ms. */
  resyncLater(podKey: string, ms: number): void;
}

export class ContainerSync {
  /** backOff is the containers' restart delays, keyed by pod UID and container name. */
  private readonly backOff: BackOff;
  /** backOffEvents remember, per container, the exit a BackOff event was last recorded for and when. */
  private readonly backOffEvents = new Map<string, { finishedAt: number; at: number }>();
  /** starting holds the containers whose postStart hook runs: not yet running as far as status and probes go. */
  private readonly starting = new Set<string>();

  constructor(private readonly host: ContainerSyncHost) {
    this.backOff = new BackOff(host.clock);
  }

  /** isStarting tells whether a container instance's postStart hook still runs. */
  isStarting(containerID: string): boolean {
    return this.starting.has(containerID);
  }

  /** forget drops the back-offs of a deleted pod's containers. */
  forget(podUID: string): void {
    this.backOff.forget((key) => !key.startsWith(`${podUID}/`));
    for (const key of [...this.backOffEvents.keys()]) if (key.startsWith(`${podUID}/`)) this.backOffEvents.delete(key);
  }

  /** hasStarted tells whether a container's current instance runs and has passed its startup probe. */
  hasStarted(pod: Pod, sandbox: Sandbox, c: Container): boolean {
    const record = sandbox.containers.get(c.name);
    return record !== undefined && record.finishedAt === undefined && this.host.prober.status(keyOf(pod), c.name, record).started;
  }

  /** stopSidecars stops the running sidecars of a pod whose containers are done for good, the last declared first. */
  async stopSidecars(pod: Pod, sandbox: Sandbox): Promise<void> {
    for (const c of [...(pod.spec.initContainers ?? [])].reverse()) {
      const record = sandbox.containers.get(c.name);
      if (isSidecar(c) && record && record.finishedAt === undefined) await killContainer(this.host.hooks, pod, c, record, '', 'unknown');
    }
  }

  /**
   * syncContainer brings one container towards what the spec wants: started
   * if it never was, restarted if it exited and the policy restarts it (an
   * init container only when it failed), after its back-off. Its result says
   * whether it completed (exited 0, not to be restarted), runs, or waits.
   */
  async syncContainer(pod: Pod, sandbox: Sandbox, c: Container, field: 'initContainers' | 'containers', waiting: Map<string, Waiting>): Promise<'completed' | 'running' | 'waiting' | 'ended'> {
    const current = sandbox.containers.get(c.name);
    const policy = pod.spec.restartPolicy ?? 'Always';
    const sidecar = field === 'initContainers' && isSidecar(c);
    if (current && current.finishedAt === undefined) {
      const failed = field === 'containers' || sidecar ? this.host.prober.failed(keyOf(pod), c.name, current) : undefined;
      if (!failed) return 'running';
      const restart = sidecar || policy !== 'Never';
      await killContainer(this.host.hooks, pod, c, current, `Container ${c.name} failed ${failed} probe${restart ? ', will be restarted' : ''}`, failed);
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
    const now = this.host.clock.now();
    const last = this.backOffEvents.get(key);
    if (!last || last.finishedAt !== finishedAt || now - last.at >= POD_RESYNC_MS) {
      this.backOffEvents.set(key, { finishedAt, at: now });
      await this.host.recorder.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${podFullName(pod)}`, fieldPath);
    }
    const wait = Math.min(finishedAt + this.backOff.get(key) - now, POD_RESYNC_MS);
    this.host.resyncLater(keyOf(pod), Math.max(0, wait));
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
    let pulled = this.host.runtime.imageStatus(image);
    if (pulled && c.imagePullPolicy !== 'Always') {
      await this.host.recorder.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, fieldPath);
    } else {
      await this.host.recorder.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, fieldPath);
      const started = this.host.clock.now();
      pulled = await this.host.runtime.pullImage(image);
      const took = ((this.host.clock.now() - started) / 1000).toFixed(3).replace(/\.?0+$/, '');
      await this.host.recorder.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took}s (${took}s including waiting). Image size: ${pulled.sizeBytes} bytes.`, fieldPath);
    }
    if (this.host.podGone(pod)) return undefined;
    // The runtime sees the pod with its sandbox's IP, which the downward API and /etc/hosts give the container.
    const placed: Pod = { ...pod, status: { ...pod.status, podIP: sandbox.ip, podIPs: [{ ip: sandbox.ip }], hostIP: this.host.internalIP, hostIPs: [{ ip: this.host.internalIP }] } };
    const env = await containerEnvironment(placed, c, this.host.services(), (resource, ns, name) => this.readObject(resource, ns, name));
    if ('error' in env) {
      await this.host.recorder.event(pod, 'Warning', 'Failed', `Error: ${env.error}`, fieldPath);
      return { reason: 'CreateContainerConfigError', message: env.error };
    }
    const lookup = new Map(env);
    const expandAll = (xs: string[] | undefined): string[] | undefined => xs?.map((x) => expand(x, (n) => lookup.get(n)));
    const command = expandAll(c.command);
    const args = expandAll(c.args);
    const record = this.host.runtime.createContainer(sandbox, c.name, pulled, {
      ...(command ? { command } : {}), ...(args ? { args } : {}), env, files: podFiles(placed, [sandbox.ip]),
      ...(typeof c.workingDir === 'string' ? { workingDir: c.workingDir } : {}),
      stdin: c.stdin === true, stdinOnce: c.stdinOnce === true, tty: c.tty === true,
      serviceAccount: { namespace: pod.metadata.namespace ?? 'default', name: typeof pod.spec.serviceAccountName === 'string' && pod.spec.serviceAccountName ? pod.spec.serviceAccountName : 'default' },
    });
    await this.host.recorder.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, fieldPath);
    const failed = await this.host.runtime.startContainer(record);
    if (failed !== undefined) await this.host.recorder.event(pod, 'Warning', 'Failed', `Error: ${failed}`, fieldPath);
    else await this.host.recorder.event(pod, 'Normal', 'Started', `Started container ${c.name}`, fieldPath);
    const postStart = lifecycleOf(c)?.postStart;
    if (failed !== undefined || !postStart) return undefined;
    this.starting.add(record.id);
    const hookFailed = await runHandler(this.host.hooks, pod, c, record, postStart, this.host.cancel(keyOf(pod)) ?? new Interrupt());
    this.starting.delete(record.id);
    if (hookFailed === undefined) return undefined;
    // The message stays out of the event so that secrets in it do not leak; the status carries it.
    await this.host.recorder.event(pod, 'Warning', 'FailedPostStartHook', 'PostStartHook failed', fieldPath);
    await killContainer(this.host.hooks, pod, c, record, 'FailedPostStartHook', 'postStart');
    return { reason: 'PostStartHookError', message: hookFailed };
  }

  /** readObject gets a ConfigMap or Secret a container's environment refers to. */
  private async readObject(resource: 'configmaps' | 'secrets', namespace: string, name: string): Promise<{ data?: Record<string, string> } | undefined> {
    const got = await this.host.client.get<KubeObject & { data?: Record<string, string> }>(resource === 'configmaps' ? CONFIGMAPS : SECRETS, namespace, name);
    return isStatus(got) ? undefined : got;
  }

  /** killContainers stops a pod's running containers within grace seconds: its sidecars after the others. */
  async killContainers(pod: Pod, grace: number): Promise<void> {
    const sandbox = this.host.runtime.sandbox(pod.metadata.uid ?? '');
    if (sandbox) {
      const running = [...sandbox.containers.values()].filter((c) => c.finishedAt === undefined);
      // Sidecars go after the containers, the last declared first.
      const turn = terminationOrdering(this.host.clock, pod, running);
      await Promise.all(running.map(async (c) => {
        const spec = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((s) => s.name === c.name);
        await killContainer(this.host.hooks, pod, spec, c, '', 'unknown', grace, turn(c.name));
      }));
    }
  }
}
