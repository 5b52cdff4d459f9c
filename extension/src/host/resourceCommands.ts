/**
 * resourceCommands are the Cluster tree's context-menu commands on an object —
 * Delete, Scale, Restart and Undo Rollout, Cordon, Uncordon and Drain, Copy Name,
 * Edit Live YAML — each also run from the palette, where it asks which object.
 * They do what kubectl does (lab/client/scale, rollout, cordon, drain) and report
 * in kubectl's words, in the KubeLab output channel and a notification.
 */
import * as vscode from 'vscode';
import { RealClock } from '../lab/clock';
import { isStatus } from '../lab/api/types';
import { cordonNode } from '../lab/client/cordon';
import { IGNORE_DAEMONSETS_DELETE_EMPTYDIR, UNMANAGED_FATAL, drainNode, errorsOf, podsForDeletion, warningsOf } from '../lab/client/drain';
import type { KubeClient } from '../lab/client/kubeClient';
import { type ActionResult, objectName, serverError, typeName } from '../lab/client/kubectlOutput';
import { rolloutRestart, rolloutUndo } from '../lab/client/rollout';
import { getScale, parseReplicas, scaleResource } from '../lab/client/scale';
import type { Cluster } from './cluster';
import { LIVE_SCHEME, LiveYamlFs, liveUri } from './liveYamlFs';
import type { ResourceItem } from './resourceItem';
import { type Applies, DAEMONSET, DEPLOYMENT, NODE, REPLICASET, REPLICATIONCONTROLLER, STATEFULSET, resourceTarget } from './resourcePick';

const SCALABLE: Applies = { kinds: [DEPLOYMENT, REPLICASET, STATEFULSET, REPLICATIONCONTROLLER] };
const RESTARTABLE: Applies = { kinds: [DEPLOYMENT, STATEFULSET, DAEMONSET] };
const NODES: Applies = { kinds: [NODE] };

/** Context is what each command needs: the cluster's client, where to write kubectl's lines, and how to report. */
interface Context {
  client: () => Promise<KubeClient>;
  output: vscode.OutputChannel;
  /** report writes the result to the output channel and tells the user. */
  report: (result: ActionResult) => void;
}

/** nsFlag is the ` -n <namespace>` a kubectl command line has for a namespaced object. */
function nsFlag(item: ResourceItem): string {
  return item.namespace ? ` -n ${item.namespace}` : '';
}

/** registerResourceCommands registers the object commands and the `kubelab:` file system Edit Live YAML opens. */
export function registerResourceCommands(cluster: Cluster, output: vscode.OutputChannel): vscode.Disposable[] {
  const fs = new LiveYamlFs(cluster);
  const ctx: Context = {
    client: () => (cluster.client ? Promise.resolve(cluster.client) : cluster.start()),
    output,
    report: (result) => {
      output.appendLine(result.line);
      if (result.ok) void vscode.window.showInformationMessage(`KubeLab: ${result.line}`);
      else void vscode.window.showErrorMessage(`KubeLab: ${result.line}`, 'Show Output').then((pick) => pick && output.show(true));
    },
  };
  const command = (id: string, title: string, applies: Applies, body: (item: ResourceItem, ctx: Context) => Promise<void>) =>
    vscode.commands.registerCommand(id, async (arg?: unknown) => {
      try {
        const item = await resourceTarget(arg, ctx.client, applies, title);
        if (item) await body(item, ctx);
      } catch (err) {
        void vscode.window.showErrorMessage(`KubeLab: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  return [
    fs,
    vscode.workspace.registerFileSystemProvider(LIVE_SCHEME, fs, { isCaseSensitive: true }),
    command('kubelab.deleteResource', 'Delete', { verb: 'delete' }, deleteResource),
    command('kubelab.scale', 'Scale', SCALABLE, scale),
    command('kubelab.rolloutRestart', 'Restart Rollout', RESTARTABLE, async (item, c) => {
      c.output.appendLine(`$ kubectl rollout restart ${typeName(item.kind, item.ref.group)}/${item.name}${nsFlag(item)}`);
      c.report(await rolloutRestart(await c.client(), item.ref, item.namespace, item.name, Date.now()));
    }),
    command('kubelab.rolloutUndo', 'Undo Rollout', { kinds: [DEPLOYMENT] }, async (item, c) => {
      c.output.appendLine(`$ kubectl rollout undo deployment.apps/${item.name}${nsFlag(item)}`);
      c.report(await rolloutUndo(await c.client(), item.namespace, item.name));
    }),
    command('kubelab.cordon', 'Cordon', NODES, async (item, c) => {
      c.output.appendLine(`$ kubectl cordon ${item.name}`);
      c.report(await cordonNode(await c.client(), item.name, true));
    }),
    command('kubelab.uncordon', 'Uncordon', NODES, async (item, c) => {
      c.output.appendLine(`$ kubectl uncordon ${item.name}`);
      c.report(await cordonNode(await c.client(), item.name, false));
    }),
    command('kubelab.drain', 'Drain', NODES, drain),
    command('kubelab.copyName', 'Copy Name', { verb: 'get' }, async (item) => {
      await vscode.env.clipboard.writeText(item.name);
      vscode.window.setStatusBarMessage(`KubeLab: copied "${item.name}"`, 3000);
    }),
    command('kubelab.editLive', 'Edit Live YAML', { verb: 'update' }, async (item) => {
      fs.remember(item.ref);
      const doc = await vscode.workspace.openTextDocument(liveUri(item));
      await vscode.window.showTextDocument(doc, { preview: false });
    }),
  ];
}

/** deleteResource is `kubectl delete`, after a modal confirmation. */
async function deleteResource(item: ResourceItem, c: Context): Promise<void> {
  const ref = objectName(item.kind, item.ref.group, item.name);
  const where = item.namespace ? ` in namespace ${item.namespace}` : '';
  const confirmed = await vscode.window.showWarningMessage(`Delete ${ref}${where}?`, { modal: true, detail: 'Objects it owns are deleted by the garbage collector in the background.' }, 'Delete');
  if (confirmed !== 'Delete') return;
  const client = await c.client();
  c.output.appendLine(`$ kubectl delete ${typeName(item.kind, item.ref.group)} ${item.name}${nsFlag(item)}`);
  const answer = await client.delete(item.ref, item.namespace, item.name, { propagationPolicy: 'Background' });
  const failed = isStatus(answer) && answer.status === 'Failure';
  c.report(failed ? { ok: false, line: serverError(answer) } : { ok: true, line: `${typeName(item.kind, item.ref.group)} "${item.name}" deleted` });
}

/** scale asks for the replica count (the current one filled in) and writes it through the scale subresource. */
async function scale(item: ResourceItem, c: Context): Promise<void> {
  const client = await c.client();
  const current = await getScale(client, item.ref, item.namespace, item.name);
  if (isStatus(current)) return c.report({ ok: false, line: serverError(current) });
  const ref = objectName(item.kind, item.ref.group, item.name);
  const now = current.spec.replicas ?? 0;
  const text = await vscode.window.showInputBox({
    title: `KubeLab: Scale ${ref}`,
    prompt: `Replicas (now ${now}; ${current.status.replicas} running)`,
    value: String(now),
    validateInput: (value) => {
      const parsed = parseReplicas(value);
      return typeof parsed === 'number' ? undefined : parsed.error;
    },
  });
  if (text === undefined) return;
  const replicas = parseReplicas(text);
  if (typeof replicas !== 'number') return c.report({ ok: false, line: `error: ${replicas.error}` });
  c.output.appendLine(`$ kubectl scale ${ref} --replicas=${replicas}${nsFlag(item)}`);
  c.report(await scaleResource(client, item.ref, item.kind, item.namespace, item.name, replicas));
}

/**
 * drain is `kubectl drain --ignore-daemonsets --delete-emptydir-data`. A modal
 * says what it will do first; pods no controller manages make kubectl refuse,
 * which the user may override with Force (`--force`). Progress shows each line.
 */
async function drain(item: ResourceItem, c: Context): Promise<void> {
  const client = await c.client();
  const preview = await podsForDeletion(client, item.name, IGNORE_DAEMONSETS_DELETE_EMPTYDIR);
  if ('error' in preview) return c.report({ ok: false, line: preview.error });
  const evicted = preview.filter((p) => p.delete).length;
  const errors = errorsOf(preview);
  const unmanaged = preview.some((p) => p.reason === 'Error' && p.message === UNMANAGED_FATAL);
  const warnings = warningsOf(preview);
  const detail = [
    `Cordons node/${item.name}, then evicts its ${evicted} ${evicted === 1 ? 'pod' : 'pods'} through the Eviction API (PodDisruptionBudgets apply); their controllers recreate them on other nodes.`,
    ...(warnings ? [`Warning: ${warnings}`] : []),
    ...(errors.length ? [`kubectl drain refuses: ${errors.join('; ')}`] : []),
    ...(unmanaged ? ['Force deletes the pods no controller manages too: nothing recreates them.'] : []),
  ].join('\n\n');
  const choice = await vscode.window.showWarningMessage(`Drain node/${item.name}?`, { modal: true, detail }, 'Drain', ...(unmanaged ? ['Force'] : []));
  if (!choice) return;
  const force = choice === 'Force';
  c.output.appendLine(`$ kubectl drain ${item.name} --ignore-daemonsets --delete-emptydir-data${force ? ' --force' : ''}`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Draining node/${item.name}`, cancellable: true },
    (progress, token) => {
      const stop = new AbortController();
      token.onCancellationRequested(() => stop.abort());
      return drainNode(client, item.name, new RealClock(), { ...IGNORE_DAEMONSETS_DELETE_EMPTYDIR, force, signal: stop.signal }, (line, stream) => {
        c.output.appendLine(line);
        if (stream === 'out') progress.report({ message: line });
      });
    },
  );
  // drainNode wrote every line already; only the notification is left.
  if (result.ok) void vscode.window.showInformationMessage(`KubeLab: ${result.line}`);
  else void vscode.window.showErrorMessage(`KubeLab: ${result.line}`, 'Show Output').then((pick) => pick && c.output.show(true));
}
