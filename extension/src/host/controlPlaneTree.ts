/**
 * ControlPlaneTree is the Control Plane view: API server, etcd, scheduler and
 * controller manager with their health, version, revision and leaders, as
 * ControlPlaneModel reads them from the cluster's API.
 */
import * as vscode from 'vscode';
import type { KubeClient } from '../lab/client/kubeClient';
import type { LabState } from '../lab/lab';
import type { ClusterModel } from './clusterModel';
import { type ComponentNode, ControlPlaneModel } from './controlPlaneModel';
import { markdown, treeItem } from './treeItems';

export class ControlPlaneTree implements vscode.TreeDataProvider<ComponentNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ComponentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private controlPlane?: ControlPlaneModel;

  /** setModel switches the view to a running cluster (its client and model), or to nothing when it stops. */
  setModel(client: KubeClient | undefined, model: ClusterModel | undefined, state: LabState): void {
    this.controlPlane?.dispose();
    this.controlPlane = undefined;
    if (client && model && state === 'running') {
      // It fetches and watches once the view first shows its rows.
      this.controlPlane = new ControlPlaneModel(client, model, () => this.changed.fire(undefined));
    }
    this.changed.fire(undefined);
  }

  /** refresh fetches the components' health now and redraws. */
  refresh(): void {
    void this.controlPlane?.refresh();
  }

  getChildren(node?: ComponentNode): ComponentNode[] {
    return node || !this.controlPlane ? [] : this.controlPlane.components();
  }

  getTreeItem(node: ComponentNode): vscode.TreeItem {
    return this.controlPlane ? treeItem(this.controlPlane.item(node, Date.now())) : new vscode.TreeItem(node.id);
  }

  resolveTreeItem(item: vscode.TreeItem, node: ComponentNode): vscode.TreeItem {
    const md = this.controlPlane?.tooltip(node, Date.now());
    if (md) item.tooltip = markdown(md);
    return item;
  }

  dispose(): void {
    this.controlPlane?.dispose();
    this.changed.dispose();
  }
}
