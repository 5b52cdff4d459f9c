/**
 * drain is `kubectl drain` (kubectl's drain.Helper and the drain command): cordon
 * the node, sort its pods through kubectl's filters (mirror pods skipped,
 * DaemonSet pods ignored, pods without a controller refused unless forced), evict
 * each through the `pods/<name>/eviction` subresource (policy/v1) — a refusal by a
 * PodDisruptionBudget (429) is tried again every 5 s — then wait until every
 * evicted pod is gone, reporting each step in kubectl's words.
 */
import type { Clock } from '../clock';
import { controllerOf } from '../api/meta';
import { type KubeObject, type Pod, type Status, isStatus } from '../api/types';
import { cordonNode } from './cordon';
import type { KubeClient } from './kubeClient';
import { type ActionResult, serverError } from './kubectlOutput';
import { NODES, PODS, type ResourceRef } from './resources';

const DAEMONSETS: ResourceRef = { group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true };

/** MIRROR_POD_ANNOTATION marks the API's mirror of a static pod, which drain leaves alone. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** NAMESPACE_TERMINATING is the cause an eviction in a namespace being deleted is refused with. */
const NAMESPACE_TERMINATING = 'NamespaceTerminating';

// The filters' messages, worded as kubectl's (errors read `cannot delete <fatal>: <pods>`).
export const DAEMONSET_FATAL = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
export const DAEMONSET_WARNING = 'ignoring DaemonSet-managed Pods';
export const LOCAL_STORAGE_FATAL = 'Pods with local storage (use --delete-emptydir-data to override)';
export const LOCAL_STORAGE_WARNING = 'deleting Pods with local storage';
export const UNMANAGED_FATAL = 'cannot delete Pods that declare no controller (use --force to override)';
export const UNMANAGED_WARNING = 'deleting Pods that declare no controller';

/** DrainOptions are drain's flags, the time between tries, and a signal that stops it. */
export interface DrainOptions {
  /** force: --force, also evict pods no controller manages (and pods whose DaemonSet is gone). */
  force: boolean;
  /** ignoreDaemonSets: --ignore-daemonsets. */
  ignoreDaemonSets: boolean;
  /** deleteEmptyDirData: --delete-emptydir-data. */
  deleteEmptyDirData: boolean;
  /** gracePeriodSeconds: --grace-period; negative or unset leaves each pod's own. */
  gracePeriodSeconds?: number;
  /** retryDelayMs is EvictErrorRetryDelay, 5 s as kubectl drain sets it. */
  retryDelayMs?: number;
  /** signal cancels the drain, as a cancelled context does. */
  signal?: AbortSignal;
}

/** IGNORE_DAEMONSETS_DELETE_EMPTYDIR is `kubectl drain --ignore-daemonsets --delete-emptydir-data`. */
export const IGNORE_DAEMONSETS_DELETE_EMPTYDIR: DrainOptions = { force: false, ignoreDaemonSets: true, deleteEmptyDirData: true };

const EVICT_RETRY_DELAY_MS = 5_000;
const WAIT_INTERVAL_MS = 1_000;

/** PodDelete is a pod on the node and what the filters decided for it (kubectl's PodDeleteStatus). */
export interface PodDelete {
  pod: Pod;
  delete: boolean;
  reason: 'Okay' | 'Skip' | 'Warning' | 'Error';
  message: string;
}

/** DrainLog receives each line kubectl would print, on stdout ('out') or stderr ('err'). */
export type DrainLog = (line: string, stream: 'out' | 'err') => void;

const okay = (pod: Pod): PodDelete => ({ pod, delete: true, reason: 'Okay', message: '' });
const finished = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * podDeleteStatus runs kubectl's filters in order (daemonSet, mirrorPod,
 * localStorage, unreplicated); the first that keeps a pod decides, and a later
 * filter's verdict replaces an earlier warning, as upstream. daemonSet answers the
 * lookup of a pod's DaemonSet (undefined when it exists).
 */
export async function podDeleteStatus(pod: Pod, options: DrainOptions, daemonSet: (namespace: string, name: string) => Promise<Status | undefined>): Promise<PodDelete> {
  const filters: ((p: Pod) => PodDelete | Promise<PodDelete>)[] = [
    async (p) => {
      const ref = controllerOf(p);
      if (!ref || ref.kind !== 'DaemonSet' || finished(p)) return okay(p);
      const missing = await daemonSet(p.metadata.namespace ?? '', ref.name);
      if (missing) {
        // A pod whose DaemonSet is gone is an orphan: --force deletes it with a warning.
        if (missing.code === 404 && options.force) return { pod: p, delete: true, reason: 'Warning', message: missing.message ?? '' };
        return { pod: p, delete: false, reason: 'Error', message: missing.message ?? '' };
      }
      if (!options.ignoreDaemonSets) return { pod: p, delete: false, reason: 'Error', message: DAEMONSET_FATAL };
      return { pod: p, delete: false, reason: 'Warning', message: DAEMONSET_WARNING };
    },
    (p) => (p.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined ? { pod: p, delete: false, reason: 'Skip', message: '' } : okay(p)),
    (p) => {
      const emptyDir = ((p.spec.volumes ?? []) as { emptyDir?: unknown }[]).some((v) => v.emptyDir !== undefined && v.emptyDir !== null);
      if (!emptyDir || finished(p)) return okay(p);
      if (!options.deleteEmptyDirData) return { pod: p, delete: false, reason: 'Error', message: LOCAL_STORAGE_FATAL };
      return { pod: p, delete: true, reason: 'Warning', message: LOCAL_STORAGE_WARNING };
    },
    (p) => {
      if (finished(p) || controllerOf(p)) return okay(p);
      if (options.force) return { pod: p, delete: true, reason: 'Warning', message: UNMANAGED_WARNING };
      return { pod: p, delete: false, reason: 'Error', message: UNMANAGED_FATAL };
    },
  ];
  let status = okay(pod);
  for (const filter of filters) {
    status = await filter(pod);
    if (!status.delete) break;
  }
  return status;
}

/** podsForDeletion lists the node's pods (every namespace, page by page) and runs the filters on each. */
export async function podsForDeletion(client: KubeClient, nodeName: string, options: DrainOptions): Promise<PodDelete[] | { error: string }> {
  const pods: Pod[] = [];
  let next: string | undefined;
  do {
    const page = await client.list<Pod>(PODS, '', { fieldSelector: `spec.nodeName=${nodeName}`, limit: 500, continue: next });
    if (isStatus(page)) return { error: serverError(page) };
    pods.push(...page.items);
    next = page.metadata.continue || undefined;
  } while (next);
  const daemonSets = new Map<string, Promise<Status | undefined>>();
  const daemonSet = (namespace: string, name: string) => {
    const key = `${namespace}/${name}`;
    let found = daemonSets.get(key);
    if (!found) {
      found = client.get(DAEMONSETS, namespace, name).then((d) => (isStatus(d) ? d : undefined));
      daemonSets.set(key, found);
    }
    return found;
  };
  const out: PodDelete[] = [];
  for (const pod of pods) out.push(await podDeleteStatus(pod, options, daemonSet));
  return out;
}

/** warningsOf is PodDeleteList.Warnings: `<message>: ns/a, ns/b; <message>: …`. */
export function warningsOf(list: readonly PodDelete[]): string {
  return [...group(list, 'Warning')].map(([message, pods]) => `${message}: ${pods.join(', ')}`).join('; ');
}

/** errorsOf is PodDeleteList.errors: `cannot delete <message>: ns/a, ns/b`, one per message. */
export function errorsOf(list: readonly PodDelete[]): string[] {
  return [...group(list, 'Error')].map(([message, pods]) => `cannot delete ${message || 'unexpected error'}: ${pods.join(', ')}`);
}

/** aggregate is utilerrors.Aggregate's Error(): one message as it is, several (once each) in brackets. */
export function aggregate(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

function group(list: readonly PodDelete[], reason: PodDelete['reason']): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const item of list) {
    if (item.reason !== reason) continue;
    const pods = by.get(item.message) ?? [];
    pods.push(`${item.pod.metadata.namespace ?? ''}/${item.pod.metadata.name ?? ''}`);
    by.set(item.message, pods);
  }
  return by;
}

/** sleep waits on the clock; a cancelled signal ends the wait early. */
function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      timer.cancel();
      resolve();
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function evictionOf(pod: Pod, options: DrainOptions): KubeObject {
  const grace = options.gracePeriodSeconds;
  return {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
    deleteOptions: grace !== undefined && grace >= 0 ? { gracePeriodSeconds: grace } : {},
  };
}

const hasCause = (s: Status, type: string) => (s.details?.causes ?? []).some((c) => c.reason === type);

/**
 * evictPod is one pod's part of evictPods: evict until the API server agrees
 * (429s and evictions refused while the namespace terminates are tried again
 * after retryDelayMs), then poll every second until the pod is gone or replaced
 * by one of the same name. It returns the error, or undefined.
 */
async function evictPod(client: KubeClient, pod: Pod, clock: Clock, options: DrainOptions, log: DrainLog): Promise<string | undefined> {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const retry = options.retryDelayMs ?? EVICT_RETRY_DELAY_MS;
  const delay = `${retry / 1000}s`;
  let active = pod;
  for (;;) {
    log(`evicting pod ${ns}/${name}`, 'out');
    if (options.signal?.aborted) return `error when evicting pods/"${name}" -n "${ns}": context canceled`;
    const answer = await client.subresourceCreate(PODS, ns, name, 'eviction', evictionOf(active, options));
    if (answer.status !== 'Failure') break;
    if (answer.code === 404 || answer.reason === 'NotFound') return undefined;
    const terminating = answer.code === 403 && hasCause(answer, NAMESPACE_TERMINATING);
    // A pod already going in a terminating namespace will never be evicted: wait for it to go.
    if (terminating && active.metadata.deletionTimestamp) break;
    if (answer.code === 429 || answer.reason === 'TooManyRequests') {
      log(`error when evicting pods/"${name}" -n "${ns}" (will retry after ${delay}): ${answer.message ?? ''}`, 'err');
    } else if (terminating) {
      log(`error when evicting pod "${name}" from terminating namespace "${ns}" (will retry after ${delay}): ${answer.message ?? ''}`, 'err');
    } else {
      return `error when evicting pods/"${name}" -n "${ns}": ${answer.message ?? ''}`;
    }
    await sleep(clock, retry, options.signal);
    const fresh = await client.get<Pod>(PODS, ns, name);
    if (!isStatus(fresh)) active = fresh;
  }
  for (;;) {
    const current = await client.get<Pod>(PODS, ns, name);
    if ((isStatus(current) && current.code === 404) || (!isStatus(current) && current.metadata.uid !== active.metadata.uid)) {
      log(`pod/${name} evicted`, 'out');
      return undefined;
    }
    const failure = isStatus(current) ? current.message ?? '' : options.signal?.aborted ? 'context canceled' : undefined;
    if (failure !== undefined) return `error when waiting for pod "${name}" in namespace "${ns}" to terminate: ${failure}`;
    await sleep(clock, WAIT_INTERVAL_MS, options.signal);
  }
}

/** evictPods evicts every pod at once and waits for all of them; it returns the errors. */
export async function evictPods(client: KubeClient, pods: readonly Pod[], clock: Clock, options: DrainOptions, log: DrainLog): Promise<string[]> {
  const results = await Promise.all(pods.map((p) => evictPod(client, p, clock, options, log)));
  return results.filter((e): e is string => e !== undefined);
}

/**
 * drainNode is `kubectl drain <node>` with options: cordon, choose the pods,
 * refuse with kubectl's errors, warn, evict, wait, then `node/<name> drained`.
 * Every line goes to log; the result is the last line (the error on failure).
 */
export async function drainNode(client: KubeClient, nodeName: string, clock: Clock, options: DrainOptions, log: DrainLog): Promise<ActionResult> {
  // A node that cannot be read stops drain before it starts; a failed cordon is reported and drain goes on, as kubectl does.
  const node = await client.get(NODES, '', nodeName);
  if (isStatus(node)) {
    const line = serverError(node);
    log(line, 'err');
    return { ok: false, line };
  }
  const cordoned = await cordonNode(client, nodeName, true);
  log(cordoned.line, cordoned.ok ? 'out' : 'err');
  // kubectl reports the node as pending, then (as the command's error) each of the errors on a line.
  const fail = (errors: string[], pending: string[] = []): ActionResult => {
    const error = aggregate(errors);
    for (const line of pending) log(line, 'err');
    log(`error: unable to drain node "${nodeName}" due to error: ${error}, continuing command...`, 'err');
    log('There are pending nodes to be drained:', 'err');
    log(` ${nodeName}`, 'err');
    for (const e of new Set(errors)) log(e, 'err');
    return { ok: false, line: error };
  };
  const list = await podsForDeletion(client, nodeName, options);
  if ('error' in list) return fail([list.error]);
  const errors = errorsOf(list);
  if (errors.length) return fail(errors);
  const warnings = warningsOf(list);
  if (warnings) log(`WARNING: ${warnings}`, 'err');
  const evictionErrors = await evictPods(client, list.filter((p) => p.delete).map((p) => p.pod), clock, options, log);
  if (evictionErrors.length) {
    const error = aggregate(evictionErrors);
    const pending = await podsForDeletion(client, nodeName, options);
    const left = 'error' in pending ? [] : pending.filter((p) => p.delete);
    const lines = left.length ? [`There are pending pods in node "${nodeName}" when an error occurred: ${error}`, ...left.map((p) => `pod/${p.pod.metadata.name ?? ''}`)] : [];
    return fail(evictionErrors, lines);
  }
  const line = `node/${nodeName} drained`;
  log(line, 'out');
  return { ok: true, line };
}
