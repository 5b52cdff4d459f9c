/**
 * labCommands are the palette's verbs on the lab itself: Reset, Add / Remove /
 * Stop / Start Node (the last two also on a node in the Cluster view), Set
 * Namespace, and Snapshot Save / Restore. Long work shows progress. Changing a
 * setting the lab reads at start offers to restart it.
 */
import * as vscode from 'vscode';
import { rm } from 'node:fs/promises';
import { isStatus, type Namespace } from '../lab/api/types';
import { NAMESPACES } from '../lab/client/resources';
import type { KubeletState } from '../lab/labControl';
import { SNAPSHOT_EXTENSION, parseSnapshot, snapshotBytes } from '../lab/snapshotFile';
import { setKubeconfigNamespace } from './kubeconfigNamespace';
import type { LabHost } from './labHost';
import { RESTART_SETTINGS, kubelabFolder, persistencePath } from './labSettings';
import { isResourceItem } from './resourceItem';

/** NAMESPACE_KEY is where the workspace state keeps the namespace chosen by Set Namespace. */
const NAMESPACE_KEY = 'kubelab.namespace';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** registerLabCommands registers the lab's own commands and the restart prompt for its settings. */
export function registerLabCommands(host: LabHost, context: vscode.ExtensionContext): vscode.Disposable[] {
  host.defaultNamespace = context.workspaceState.get<string>(NAMESPACE_KEY, 'default');
  const run = (body: (...args: unknown[]) => Promise<unknown>) => (...args: unknown[]) =>
    body(...args).then(() => undefined, (err: unknown) => void vscode.window.showErrorMessage(`KubeLab: ${message(err)}`));
  const progress = <T>(title: string, task: () => Promise<T>): Thenable<T> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `KubeLab: ${title}` }, task);
  /** kubeconfigFollows points the terminals' kubeconfig context at the chosen namespace, as kubectl config set-context --current --namespace. */
  const kubeconfigFollows = async (): Promise<void> => {
    const served = host.served;
    if (served) await setKubeconfigNamespace(served.kubeconfigPath, host.defaultNamespace);
  };

  return [
    vscode.commands.registerCommand('kubelab.reset', run(async () => {
      const nodes = vscode.workspace.getConfiguration('kubelab').get<number>('nodes', 3);
      const saved = persistencePath(context.storageUri?.fsPath);
      const detail = `Every object in the cluster is deleted and the lab starts again empty, with ${nodes} node${nodes === 1 ? '' : 's'}.${saved ? ` The state kept for this workspace (${saved}) is deleted too.` : ''}`;
      if ((await vscode.window.showWarningMessage('Reset the lab?', { modal: true, detail }, 'Reset')) !== 'Reset') return;
      await progress('resetting the lab', async () => {
        await host.stop();
        if (saved) await rm(saved, { recursive: true, force: true });
        await host.start();
      });
      void vscode.window.showInformationMessage(`KubeLab: the lab was reset and runs ${nodes} empty node${nodes === 1 ? '' : 's'}.`);
    })),

    vscode.commands.registerCommand('kubelab.addNode', run(async () => {
      const { node } = await progress('adding a node', async () => {
        await host.start();
        return host.control({ op: 'addNode' });
      });
      void vscode.window.showInformationMessage(`KubeLab: ${node} joined the cluster.`);
    })),

    vscode.commands.registerCommand('kubelab.removeNode', run(async (element?: unknown) => {
      const name = await nodeName(host, element, 'Node to remove from the lab', () => true);
      if (!name) return;
      const detail = `Its kubelet stops and the Node object is deleted, as when a cloud provider's machine goes away. Pods bound to ${name} stay until deleted.`;
      if ((await vscode.window.showWarningMessage(`Remove ${name} from the lab?`, { modal: true, detail }, 'Remove')) !== 'Remove') return;
      const { pods } = await progress(`removing ${name}`, () => host.control({ op: 'removeNode', name }));
      const left = pods.length === 0 ? 'no pods were bound to it' : `${pods.length} pod${pods.length === 1 ? ' is' : 's are'} still bound to it (${pods.slice(0, 3).join(', ')}${pods.length > 3 ? ', …' : ''})`;
      void vscode.window.showInformationMessage(`KubeLab: ${name} was removed; ${left}.`);
    })),

    vscode.commands.registerCommand('kubelab.stopNode', run(async (element?: unknown) => {
      const name = await nodeName(host, element, 'Node whose kubelet to stop', (k) => k === 'running');
      if (!name) return;
      await host.control({ op: 'stopNode', name });
      void vscode.window.showInformationMessage(`KubeLab: the kubelet of ${name} stopped: no more node status or lease renewals; its containers keep running.`);
    })),

    vscode.commands.registerCommand('kubelab.startNode', run(async (element?: unknown) => {
      const name = await nodeName(host, element, 'Node whose kubelet to start', (k) => k === 'stopped');
      if (!name) return;
      await host.control({ op: 'startNode', name });
      void vscode.window.showInformationMessage(`KubeLab: the kubelet of ${name} is running again.`);
    })),

    vscode.commands.registerCommand('kubelab.setNamespace', run(async () => {
      const client = await host.start();
      const list = await client.list<Namespace>(NAMESPACES);
      if (isStatus(list)) throw new Error(list.message ?? 'listing namespaces failed');
      const current = host.defaultNamespace;
      const picks = list.items.map((n) => n.metadata.name ?? '').sort().map((name) => ({ label: name, ...(name === current ? { description: 'current' } : {}) }));
      const picked = await vscode.window.showQuickPick(picks, { title: 'KubeLab: Set Namespace', placeHolder: 'Namespace for objects that name none (Apply, Dry-run, Diff, Delete) and for kubectl in the lab\'s terminals' });
      if (!picked) return;
      host.defaultNamespace = picked.label;
      await context.workspaceState.update(NAMESPACE_KEY, picked.label);
      await kubeconfigFollows();
      void vscode.window.showInformationMessage(`KubeLab: the namespace is now ${picked.label}.`);
    })),

    vscode.commands.registerCommand('kubelab.snapshotSave', run(async () => {
      if (host.state !== 'running') throw new Error('the lab is not running: start it to save a snapshot');
      const folder = kubelabFolder();
      const snapshots = folder ? vscode.Uri.joinPath(folder, 'snapshots') : undefined;
      if (snapshots) await vscode.workspace.fs.createDirectory(snapshots);
      const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
      const target = await vscode.window.showSaveDialog({
        title: 'KubeLab: Save Snapshot',
        filters: { 'KubeLab snapshot': [SNAPSHOT_EXTENSION] },
        ...(snapshots ? { defaultUri: vscode.Uri.joinPath(snapshots, `${stamp}.${SNAPSHOT_EXTENSION}`) } : {}),
      });
      if (!target) return;
      const snapshot = await progress('saving a snapshot', async () => {
        const s = await host.control({ op: 'snapshotSave' });
        await vscode.workspace.fs.writeFile(target, snapshotBytes(s));
        return s;
      });
      void vscode.window.showInformationMessage(`KubeLab: saved ${snapshot.kvs.length} objects at revision ${snapshot.revision} to ${vscode.workspace.asRelativePath(target)}.`);
    })),

    vscode.commands.registerCommand('kubelab.snapshotRestore', run(async () => {
      const folder = kubelabFolder();
      const picked = await vscode.window.showOpenDialog({
        title: 'KubeLab: Restore Snapshot',
        canSelectMany: false,
        // Snapshots saved before they had a trailer are plain JSON.
        filters: { 'KubeLab snapshot': [SNAPSHOT_EXTENSION, 'json'] },
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'snapshots') } : {}),
      });
      const file = picked?.[0];
      if (!file) return;
      const name = vscode.workspace.asRelativePath(file);
      const snapshot = parseSnapshot(await vscode.workspace.fs.readFile(file));
      if ('error' in snapshot) throw new Error(`${name}: ${snapshot.error}`);
      const detail = `The cluster goes back to revision ${snapshot.revision} (${snapshot.kvs.length} objects): what changed since is lost, the components restart and open watches start over.`;
      if ((await vscode.window.showWarningMessage(`Restore the lab from ${name}?`, { modal: true, detail }, 'Restore')) !== 'Restore') return;
      const restored = await progress(`restoring ${name}`, async () => {
        await host.start();
        return host.control({ op: 'snapshotRestore', snapshot });
      });
      void vscode.window.showInformationMessage(`KubeLab: restored revision ${restored.revision} from ${name}; nodes ${restored.nodes.join(', ') || 'none'}.`);
    })),

    // A new front door writes a fresh kubeconfig: it takes the chosen namespace again.
    host.onDidServe((served) => {
      if (served && host.defaultNamespace !== 'default') void kubeconfigFollows().catch((err: unknown) => vscode.window.showWarningMessage(`KubeLab: the terminals' kubeconfig keeps namespace default: ${message(err)}`));
    }),

    host.onDidPersist((saved) => {
      if (saved.error) void vscode.window.showWarningMessage(`KubeLab: the cluster could not be saved to ${vscode.workspace.asRelativePath(saved.path)}: ${saved.error}`);
    }),

    vscode.workspace.onDidChangeConfiguration(async (e) => {
      const changed = RESTART_SETTINGS.filter((s) => e.affectsConfiguration(`kubelab.${s}`));
      if (changed.length === 0 || host.state !== 'running') return;
      const names = changed.map((s) => `kubelab.${s}`).join(', ');
      const pick = await vscode.window.showInformationMessage(`KubeLab: ${names} ${changed.length === 1 ? 'applies' : 'apply'} when the lab next starts.`, 'Restart Lab');
      if (pick !== 'Restart Lab') return;
      await progress('restarting the lab', async () => {
        await host.stop();
        await host.start();
      }).then(undefined, (err: unknown) => void vscode.window.showErrorMessage(`KubeLab: ${message(err)}`));
    }),
  ];
}

/**
 * nodeName is the node a command acts on: the tree's node it was run on, or one
 * picked from the lab's nodes whose kubelet is as the command needs.
 */
async function nodeName(host: LabHost, element: unknown, placeHolder: string, fits: (kubelet: KubeletState) => boolean): Promise<string | undefined> {
  if (isResourceItem(element) && element.kind === 'Node') return element.name;
  if (host.state !== 'running') throw new Error('the lab is not running');
  const { nodes } = await host.control({ op: 'listNodes' });
  const picks = nodes.filter((n) => fits(n.kubelet)).map((n) => ({ label: n.name, description: n.kubelet === 'none' ? 'no kubelet in the lab' : `kubelet ${n.kubelet}` }));
  if (picks.length === 0) {
    void vscode.window.showInformationMessage('KubeLab: no node fits.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(picks, { placeHolder }))?.label;
}
