/**
 * The extension's entry: activate builds the host side — lab host, Cluster
 * tree, status bar, commands — and nothing else; the lab itself starts lazily in
 * its worker when a command or the Cluster view needs it.
 */
import * as vscode from 'vscode';
import type { LabOptions } from './lab/channel';
import { ClusterModel } from './host/clusterModel';
import { ClusterTree } from './host/clusterTree';
import { ControlPlaneTree } from './host/controlPlaneTree';
import { EventsTree } from './host/eventsTree';
import { registerManifestCommands } from './host/codeLens';
import { registerManifestLanguageFeatures } from './host/completion';
import { ManifestDiagnostics } from './host/diagnostics';
import { LabHost } from './host/labHost';
import { registerLabCommands } from './host/labCommands';
import { registerFaultCommands } from './host/faultCommands';
import { labSettings } from './host/labSettings';
import { registerDescribe } from './host/describe';
import { registerLogs } from './host/logs';
import { registerResourceCommands } from './host/resourceCommands';
import { ActiveCluster } from './host/activeCluster';
import { registerSwitchCluster } from './host/switchCluster';
import { ManifestQuickFixes } from './host/quickFixes';
import { LabStatusBar } from './host/statusBar';
import { registerWalkthrough } from './host/walkthrough';
import { PodsPanel } from './host/panels/podsPanel';
import { StorePanel } from './host/panels/storePanel';
import { FlowPanel } from './host/panels/flowPanel';
import { NetworkPanel } from './host/panels/networkPanel';
import { SchedulerPanel } from './host/panels/schedulerPanel';
import { TimeTravel } from './host/panels/timeTravel';
import { registerTimeTravel } from './host/timeTravelCommands';

function labOptions(storageDir: string, workspaceStorage: string | undefined): LabOptions {
  const config = vscode.workspace.getConfiguration('kubelab');
  // The front door's PKI and kubeconfig live in the extension's global storage, so terminals keep one KUBECONFIG path.
  // Node size, kube-proxy mode, admission plugins, speed and persistence come from the kubelab.* settings too.
  // The workers come with a control-plane node, as in a kubeadm cluster: kube-system shows the control plane's static pods.
  return { nodes: config.get<number>('nodes', 3), seed: 1, controlPlaneNode: true, controlPlaneReplicas: 2, ...labSettings(workspaceStorage), hostPorts: true, serve: { port: config.get<number>('apiServerPort', 0), dir: storageDir } };
}

export function activate(context: vscode.ExtensionContext): void {
  try {
    const host = new LabHost(context.extensionPath, () => labOptions(context.globalStorageUri.fsPath, context.storageUri?.fsPath));
    // The editor's features use the active cluster: the lab, or a kubeconfig context after KubeLab: Switch Cluster.
    const active = new ActiveCluster(host);
    // Integrated terminals get KUBECONFIG while the lab serves, so `kubectl` there talks to the lab.
    const env = context.environmentVariableCollection;
    env.persistent = false;
    env.description = 'KUBECONFIG points at the KubeLab cluster';
    const tree = new ClusterTree();
    const controlPlane = new ControlPlaneTree();
    const events = new EventsTree();
    const statusBar = new LabStatusBar();
    const output = vscode.window.createOutputChannel('KubeLab');
    // Open manifests are dry-run through the lab as you type, with quick fixes for the common mistakes.
    const diagnostics = new ManifestDiagnostics(active, (line) => output.appendLine(line));
    let model: ClusterModel | undefined;
    // Time travel: the revision the Pods, Network, Scheduler and Store panels show (live, or one past revision, read-only).
    const timeTravel = new TimeTravel();
    // Panels draw the active cluster from the same model as the trees.
    const podsPanel = new PodsPanel(context.extensionUri, { get name() { return active.name; }, start: () => active.start() }, timeTravel);
    // The Store panel shows the lab's own store, through the lab's control ops; another active cluster gets a note.
    const storePanel = new StorePanel(context.extensionUri, active, (op) => host.control(op), timeTravel);
    // The Request flow panel sends through the active cluster's client and reads its request traces.
    const flowPanel = new FlowPanel(context.extensionUri, active);
    // The Network panel draws the pod network from the same model, and traces packets through the lab's API.
    const networkPanel = new NetworkPanel(context.extensionUri, active, timeTravel);
    // The Scheduler panel reads the scheduler's decisions and configuration through the API, and writes its ConfigMap.
    const schedulerPanel = new SchedulerPanel(context.extensionUri, { get name() { return active.name; }, start: () => active.start() }, timeTravel);

    const showError = (err: unknown) => void vscode.window.showErrorMessage(`KubeLab: ${err instanceof Error ? err.message : String(err)}`);
    const start = () => active.start();
    // Start Lab means the lab: it becomes the active cluster again if a context was.
    const startLab = () => (active.isLab ? host.start() : active.switchTo(undefined).then(() => host.start()));

    context.subscriptions.push(
      host, active, tree, controlPlane, events, statusBar, output, diagnostics, podsPanel,
      storePanel,
      flowPanel,
      networkPanel,
      schedulerPanel,
      vscode.commands.registerCommand('kubelab.openSchedulerPanel', () => {
        schedulerPanel.show();
        if (active.state === 'stopped' && vscode.workspace.getConfiguration('kubelab').get<boolean>('autoStart', true)) void start().catch(showError);
      }),
      vscode.commands.registerCommand('kubelab.openNetworkPanel', () => {
        networkPanel.show();
        if (active.state === 'stopped' && vscode.workspace.getConfiguration('kubelab').get<boolean>('autoStart', true)) void start().catch(showError);
      }),
      vscode.commands.registerCommand('kubelab.openRequestFlowPanel', () => {
        flowPanel.show();
        if (active.state === 'stopped' && vscode.workspace.getConfiguration('kubelab').get<boolean>('autoStart', true)) void start().catch(showError);
      }),
      vscode.commands.registerCommand('kubelab.openStorePanel', () => {
        storePanel.show();
        if (active.isLab && active.state === 'stopped' && vscode.workspace.getConfiguration('kubelab').get<boolean>('autoStart', true)) void start().catch(showError);
      }),
      vscode.commands.registerCommand('kubelab.openPodsPanel', () => {
        podsPanel.show();
        if (active.state === 'stopped' && vscode.workspace.getConfiguration('kubelab').get<boolean>('autoStart', true)) void start().catch(showError);
      }),
      vscode.languages.registerCodeActionsProvider({ language: 'yaml' }, new ManifestQuickFixes(diagnostics), ManifestQuickFixes.metadata),
      active.onDidChangeState((state) => {
        // Menus of the objects follow the active cluster; the lab's own commands (nodes, snapshots) only while it is the active one.
        void vscode.commands.executeCommand('setContext', 'kubelab.clusterState', state);
        void vscode.commands.executeCommand('setContext', 'kubelab.activeIsLab', active.isLab);
        if (state === 'running' && active.client && !model) {
          const m = new ClusterModel(active.client, () => {
            tree.refresh();
            statusBar.update(active.state, m, active);
          });
          model = m;
          void m.start().then(() => {
            if (model !== m) return;
            tree.setModel(m, 'running');
            controlPlane.setModel(m.client, m, 'running');
            events.setModel(m, 'running');
            podsPanel.setModel(m, 'running');
            schedulerPanel.setModel(m, 'running');
            networkPanel.setModel(m, 'running');
            statusBar.update('running', m, active);
          });
        }
        if (state !== 'running') {
          // A stopped or switched cluster's revisions mean nothing to the next one.
          timeTravel.backToLive();
          model?.stop();
          model = undefined;
          tree.setModel(undefined, state);
          controlPlane.setModel(undefined, undefined, state);
          events.setModel(undefined, state);
          podsPanel.setModel(undefined, state);
          schedulerPanel.setModel(undefined, state);
          networkPanel.setModel(undefined, state);
        }
        statusBar.update(state, model, active);
      }),
      ...registerSwitchCluster(active, context.workspaceState, showError),
      ...registerTimeTravel(timeTravel),
      vscode.commands.registerCommand('kubelab.start', () => startLab().then(() => undefined, showError)),
      vscode.commands.registerCommand('kubelab.stop', () => host.stop()),
      vscode.commands.registerCommand('kubelab.refresh', () => {
        tree.refresh();
        controlPlane.refresh();
        events.refresh();
      }),
      // Completion and hover from the schema; Apply, Dry-run, Diff and Delete from the palette, menus and CodeLenses.
      ...registerManifestLanguageFeatures(active),
      // Objects that name no namespace go to the active cluster's default one: the lab's (KubeLab: Set Namespace) or the context's.
      ...registerManifestCommands(Object.assign(() => start(), { namespace: () => active.defaultNamespace, cluster: () => active }), output, showError),
      ...registerLabCommands(host, context),
      ...registerFaultCommands(host),
      // Logs of a pod or a workload's pods, followed into an output channel per target.
      ...registerLogs(active),
      // Describe: `kubectl describe`'s text for any object, in a read-only document.
      ...registerDescribe(active),
      // Delete, Scale, Rollout, Cordon/Drain, Copy Name and Edit Live YAML on the tree's objects (and from the palette).
      ...registerResourceCommands(active, output),
      // The Get started walkthrough's sample manifest, copied into global storage for the learner to edit.
      ...registerWalkthrough(context.extensionPath, context.globalStorageUri.fsPath, showError),
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
    context.subscriptions.push(
      vscode.window.createTreeView('kubelab.controlPlane', { treeDataProvider: controlPlane }),
      vscode.window.createTreeView('kubelab.events', { treeDataProvider: events }),
    );
    context.subscriptions.push(view, view.onDidChangeVisibility((e) => {
      if (e.visible && active.state === 'stopped' && vscode.workspace.getConfiguration('kubelab').get<boolean>('autoStart', true)) void start().catch(showError);
    }));
    void vscode.commands.executeCommand('setContext', 'kubelab.state', 'stopped');
    void vscode.commands.executeCommand('setContext', 'kubelab.clusterState', active.state);
    void vscode.commands.executeCommand('setContext', 'kubelab.activeIsLab', active.isLab);
  } catch (err) {
    void vscode.window.showErrorMessage(`KubeLab failed to activate: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the lab's worker.
}
