/**
 * ClusterTree is the Cluster view: Namespaces → kinds → objects; Workloads
 * (Deployments → their ReplicaSets → their Pods, and every Pod); Nodes → the
 * Pods on each. ClusterTreeModel decides the rows; this class hands them to
 * VS Code and redraws when the model reports changes (already coalesced).
 */
import * as vscode from 'vscode';
import type { LabState } from '../lab/lab';
import type { ClusterModel } from './clusterModel';
import { type ClusterNode, ClusterTreeModel } from './clusterTreeModel';
import { markdown, treeItem } from './treeItems';

export type { ClusterNode };

export class ClusterTree implements vscode.TreeDataProvider<ClusterNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private tree?: ClusterTreeModel;
  private state: LabState = 'stopped';

  /** setModel switches the tree to a running cluster's model (or to nothing when it stops). */
  setModel(model: ClusterModel | undefined, state: LabState): void {
    this.tree = model ? new ClusterTreeModel(model) : undefined;
    this.state = state;
    this.refresh();
  }

  /** refresh redraws the tree from the informers (ClusterModel already coalesces bursts of changes). */
  refresh(): void {
    this.tree?.invalidate();
    this.changed.fire(undefined);
  }

  getChildren(node?: ClusterNode): ClusterNode[] {
    if (!this.tree || this.state !== 'running') return [];
    return this.tree.children(node);
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    if (!this.tree) return new vscode.TreeItem(node.id);
    return treeItem(this.tree.item(node));
  }

  /** resolveTreeItem fills in the tooltip when the row is hovered, so a refresh never builds 10,000 of them. */
  resolveTreeItem(item: vscode.TreeItem, node: ClusterNode): vscode.TreeItem {
    const md = this.tree?.tooltip(node, Date.now());
    if (md) item.tooltip = markdown(md);
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
