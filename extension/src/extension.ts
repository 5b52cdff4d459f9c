/**
 * The extension's entry: activate builds the host side — lab host, Cluster
 * tree, status bar, commands — and nothing else; the lab itself starts lazily in
 * its worker when a command or the Cluster view needs it.
 */
import * as vscode from 'vscode';
import type { LabOptions } from './lab/channel';
import { ClusterModel } from './host/clusterModel';
import { ClusterTree } from './host/clusterTree';
import { registerManifestCommands } from './host/codeLens';
import { registerManifestLanguageFeatures } from './host/completion';
import { ManifestDiagnostics } from './host/diagnostics';
import { LabHost } from './host/labHost';
import { ManifestQuickFixes } from './host/quickFixes';
import { LabStatusBar } from './host/statusBar';

function labOptions(storageDir: string): LabOptions {
  const config = vscode.workspace.getConfiguration('kubelab');
  // The front door's PKI and kubeconfig live in the extension's global storage, so terminals keep one KUBECONFIG path.
  return { nodes: config.get<number>('nodes', 3), seed: 1, speed: 1, serve: { port: config.get<number>('apiServerPort', 0), dir: storageDir } };
}

export function activate(context: vscode.ExtensionContext): void {
  try {
    const host = new LabHost(context.extensionPath, () => labOptions(context.globalStorageUri.fsPath));
    // Integrated terminals get KUBECONFIG while the lab serves, so `kubectl` there talks to the lab.
    const env = context.environmentVariableCollection;
    env.persistent = false;
    env.description = 'KUBECONFIG points at the KubeLab cluster';
    const tree = new ClusterTree();
    const statusBar = new LabStatusBar();
    const output = vscode.window.createOutputChannel('KubeLab');
    // Open manifests are dry-run through the lab as you type, with quick fixes for the common mistakes.
    const diagnostics = new ManifestDiagnostics(host, (line) => output.appendLine(line));
    let model: ClusterModel | undefined;

    const showError = (err: unknown) => void vscode.window.showErrorMessage(`KubeLab: ${err instanceof Error ? err.message : String(err)}`);
    const start = () => host.start();

    context.subscriptions.push(
      host, tree, statusBar, output, diagnostics,
      vscode.languages.registerCodeActionsProvider({ language: 'yaml' }, new ManifestQuickFixes(diagnostics), ManifestQuickFixes.metadata),
      host.onDidChangeState((state) => {
        if (state === 'running' && host.client && !model) {
          const m = new ClusterModel(host.client, () => {
            tree.refresh();
            statusBar.update(host.state, m);
          });
          model = m;
          void m.start().then(() => {
            tree.setModel(m, 'running');
            statusBar.update('running', m);
          });
        }
        if (state !== 'running') {
          model?.stop();
          model = undefined;
          tree.setModel(undefined, state);
        }
        statusBar.update(state, model);
      }),
      vscode.commands.registerCommand('kubelab.start', () => start().then(() => undefined, showError)),
      vscode.commands.registerCommand('kubelab.stop', () => host.stop()),
      vscode.commands.registerCommand('kubelab.refresh', () => tree.refresh()),
      // Completion and hover from the schema; Apply, Dry-run, Diff and Delete from the palette, menus and CodeLenses.
      ...registerManifestLanguageFeatures(host),
      ...registerManifestCommands(start, output, showError),
      host.onDidServe((served) => {
        if (served) {
          env.replace('KUBECONFIG', served.kubeconfigPath);
          output.appendLine(`The lab's API server listens on ${served.url}; KUBECONFIG=${served.kubeconfigPath}`);
        } else {
          env.delete('KUBECONFIG');
        }
      }),
      vscode.commands.registerCommand('kubelab.copyKubeconfigPath', async () => {
        try {
          const served = await host.whenServed();
          await vscode.env.clipboard.writeText(served.kubeconfigPath);
          void vscode.window.showInformationMessage(`KubeLab: copied ${served.kubeconfigPath} (export KUBECONFIG=${served.kubeconfigPath})`);
        } catch (err) {
          showError(err);
        }
      }),
      vscode.commands.registerCommand('kubelab.openTerminal', async () => {
        try {
          const served = await host.whenServed();
          const terminal = vscode.window.createTerminal({ name: 'KubeLab', env: { KUBECONFIG: served.kubeconfigPath } });
          terminal.show();
        } catch (err) {
          showError(err);
        }
      }),
    );

    const view = vscode.window.createTreeView('kubelab.cluster', { treeDataProvider: tree, showCollapseAll: true });
    context.subscriptions.push(view, view.onDidChangeVisibility((e) => {
      if (e.visible && host.state === 'stopped' && vscode.workspace.getConfiguration('kubelab').get<boolean>('autoStart', true)) void start().catch(showError);
    }));
    void vscode.commands.executeCommand('setContext', 'kubelab.state', 'stopped');
  } catch (err) {
    void vscode.window.showErrorMessage(`KubeLab failed to activate: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the lab's worker.
}
