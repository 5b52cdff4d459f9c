/** LabStatusBar shows the lab's state and counts, and starts the lab when clicked while stopped. */
import * as vscode from 'vscode';
import { podStatusText } from '../lab/api/pods';
import type { LabState } from '../lab/lab';
import type { ClusterModel } from './clusterModel';
import type { Cluster } from './cluster';

export class LabStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kubelab.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'KubeLab';
    this.update('stopped', undefined);
    this.item.show();
  }

  /** update shows cluster's state (the lab when not given); a kubeconfig context is named, and clicking it offers to switch. */
  update(state: LabState, model: ClusterModel | undefined, cluster?: Pick<Cluster, 'name' | 'isLab'>): void {
    const icon = state === 'running' ? '$(server-process)' : state === 'stopped' ? '$(circle-slash)' : '$(loading~spin)';
    if (cluster && !cluster.isLab) {
      const counts = state === 'running' && model ? ` · ${model.nodes.list().length} nodes · ${model.pods.list().length} pods` : '';
      this.item.text = `${icon} ${cluster.name}: ${state}${counts}`;
      this.item.tooltip = `KubeLab is using kubeconfig context "${cluster.name}", which is ${state}. Click to switch cluster.`;
      this.item.command = 'kubelab.switchCluster';
      return;
    }
    if (state === 'running' && model) {
      const pods = model.pods.list();
      const running = pods.filter((p) => podStatusText(p) === 'Running').length;
      this.item.text = `${icon} KubeLab: running · ${model.nodes.list().length} nodes · ${pods.length} pods`;
      this.item.tooltip = `KubeLab lab cluster is running: ${model.nodes.list().length} nodes, ${running}/${pods.length} pods Running. Click to stop.`;
      this.item.command = 'kubelab.stop';
    } else {
      this.item.text = `${icon} KubeLab: ${state}`;
      this.item.tooltip = state === 'stopped' ? 'KubeLab lab cluster is stopped. Click to start.' : `KubeLab lab cluster is ${state}…`;
      this.item.command = state === 'stopped' ? 'kubelab.start' : undefined;
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
