/**
 * logs is KubeLab: Logs, from the Cluster view's context menu on a pod or a
 * workload (or from the palette, picking a pod): the logs followed into an
 * output channel per target, `KubeLab Logs: pod/web-abc`, reused and cleared
 * when asked again. Following stops when the channel is disposed, when it is
 * asked for again, or when the cluster stops. What is followed, and how, is
 * LogFollower's.
 */
import * as vscode from 'vscode';
import { podStatusText } from '../lab/api/pods';
import { isStatus, type Pod } from '../lab/api/types';
import type { KubeClient } from '../lab/client/kubeClient';
import { PODS } from '../lab/client/resources';
import type { Cluster } from './cluster';
import { LOG_KINDS, LogFollower, type LogSelection, type LogTarget } from './logFollower';
import { type ResourceItem, isResourceItem } from './resourceItem';

/** ALL_CONTAINERS is the container pick that follows every container of the pod. */
const ALL_CONTAINERS = 'All containers';

/** DEFAULT_CONTAINER_ANNOTATION names the container kubectl reads when none is given. */
const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

interface Session {
  channel: vscode.OutputChannel;
  follower?: LogFollower;
}

/** channelName is the output channel's name for a target: `KubeLab Logs: pod/web-abc`, with ` -n <namespace>` outside default. */
export function channelName(target: Pick<ResourceItem, 'kind' | 'namespace' | 'name'>): string {
  const ns = target.namespace && target.namespace !== 'default' ? ` -n ${target.namespace}` : '';
  return `KubeLab Logs: ${target.kind.toLowerCase()}/${target.name}${ns}`;
}

/** registerLogs registers the kubelab.logs command; the disposables stop every follow and close the channels. */
export function registerLogs(cluster: Cluster): vscode.Disposable[] {
  const sessions = new Map<string, Session>();
  const stopAll = (): void => {
    for (const s of sessions.values()) {
      s.follower?.stop();
      s.follower = undefined;
    }
  };
  const showError = (message: string): void => void vscode.window.showErrorMessage(`KubeLab: ${message}`);

  const logs = async (arg?: unknown): Promise<void> => {
    const client = await cluster.start();
    const target: LogTarget | undefined = isResourceItem(arg) ? arg : await pickPod(client);
    if (!target) return;
    if (!(LOG_KINDS as readonly string[]).includes(target.kind)) {
      showError(`Logs are for pods and the workloads that own them (${LOG_KINDS.join(', ')}), not ${target.kind}.`);
      return;
    }
    let selection: LogSelection = { all: true };
    if (target.kind === 'Pod') {
      const pod = await client.get<Pod>(PODS, target.namespace, target.name);
      if (isStatus(pod)) {
        showError(pod.message ?? `pods "${target.name}" could not be read`);
        return;
      }
      const picked = await pickContainer(pod);
      if (!picked) return;
      selection = picked;
    }
    const name = channelName(target);
    let session = sessions.get(name);
    if (session) {
      session.follower?.stop();
      session.channel.clear();
    } else {
      session = { channel: vscode.window.createOutputChannel(name) };
      sessions.set(name, session);
    }
    session.channel.show(true);
    const channel = session.channel;
    const follower = new LogFollower(client, target, selection, (text) => channel.append(text));
    session.follower = follower;
    await follower.start();
  };

  return [
    vscode.commands.registerCommand('kubelab.logs', (arg?: unknown) => logs(arg).catch((err: unknown) => showError(err instanceof Error ? err.message : String(err)))),
    cluster.onDidChangeState((state) => {
      if (state !== 'running') stopAll();
    }),
    new vscode.Disposable(() => {
      stopAll();
      for (const s of sessions.values()) s.channel.dispose();
      sessions.clear();
    }),
  ];
}

/** pickPod asks which pod, from every namespace's. */
async function pickPod(client: KubeClient): Promise<LogTarget | undefined> {
  const list = await client.list<Pod>(PODS);
  if (isStatus(list)) throw new Error(list.message ?? 'the pods could not be listed');
  if (!list.items.length) {
    void vscode.window.showInformationMessage('KubeLab: there are no pods to show the logs of.');
    return undefined;
  }
  const items = list.items
    .map((pod) => ({ label: pod.metadata.name ?? '', description: `${pod.metadata.namespace ?? ''} · ${podStatusText(pod)}`, pod }))
    .sort((a, b) => a.description.localeCompare(b.description) || a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Pod to show the logs of', matchOnDescription: true });
  if (!picked) return undefined;
  return { ref: PODS, kind: 'Pod', namespace: picked.pod.metadata.namespace ?? 'default', name: picked.label };
}

/** pickContainer asks which of a pod's containers to follow when it has several; the default container is offered first. */
async function pickContainer(pod: Pod): Promise<LogSelection | undefined> {
  const spec = pod.spec as Pod['spec'] & { ephemeralContainers?: { name: string }[] };
  const names = [
    ...(spec.initContainers ?? []).map((c) => ({ label: c.name, description: 'init container' })),
    ...spec.containers.map((c) => ({ label: c.name, description: '' })),
    ...(spec.ephemeralContainers ?? []).map((c) => ({ label: c.name, description: 'ephemeral container' })),
  ];
  if (names.length === 0) return { all: true };
  if (names.length === 1) return { container: names[0].label };
  const preferred = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION] ?? spec.containers[0]?.name;
  const ordered = [...names.filter((n) => n.label === preferred), ...names.filter((n) => n.label !== preferred)];
  const picked = await vscode.window.showQuickPick([{ label: ALL_CONTAINERS, description: 'each line prefixed [pod/<pod>/<container>]' }, ...ordered], {
    placeHolder: `Container of pod ${pod.metadata.name ?? ''} to show the logs of`,
  });
  if (!picked) return undefined;
  return picked.label === ALL_CONTAINERS ? { all: true } : { container: picked.label };
}
