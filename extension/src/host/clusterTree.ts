/**
 * ClusterTree is the Cluster view: Namespaces → kinds → objects; Workloads
 * (Deployments → their ReplicaSets → their Pods, and every Pod); Nodes → the
 * Pods on each. ClusterTreeModel decides the rows; this class hands them to
 * VS Code and redraws when the model reports changes (already coalesced) that
 * change a row VS Code shows.
 */
import * as vscode from 'vscode';
import type { LabState } from '../lab/lab';
import type { ClusterModel } from './clusterModel';
import { type ClusterNode, ClusterTreeModel, viewText } from './clusterTreeModel';
import { markdown, treeItem } from './treeItems';

export type { ClusterNode };

export class ClusterTree implements vscode.TreeDataProvider<ClusterNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private tree?: ClusterTreeModel;
  private state: LabState = 'stopped';
  /**
   * shown holds, by parent id ('' for the top), the rows VS Code last asked for
   * under each parent (their ids), and drawn what each row it was handed showed.
   * A redraw that would change none of them is skipped: the cluster changes
   * every few seconds in ways the tree does not show (heartbeats, leases,
   * events), and each redraw from the top makes VS Code drop its rows until it
   * asks again — a right-click landing then would reach its command without the
   * row it was made on.
   */
  private shown = new Map<string, { node?: ClusterNode; ids: string }>();
  private drawn = new Map<string, string>();

  /** setModel switches the tree to a running cluster's model (or to nothing when it stops). */
  setModel(model: ClusterModel | undefined, state: LabState): void {
    this.tree = model ? new ClusterTreeModel(model) : undefined;
    this.state = state;
    this.forget();
    this.changed.fire(undefined);
  }

  /** refresh redraws the tree from the informers (ClusterModel already coalesces bursts of changes) when a row VS Code shows would change. */
  refresh(): void {
    const tree = this.tree;
    tree?.invalidate();
    if (tree && this.state === 'running' && this.shown.size > 0 && !this.wouldChange(tree)) return;
    this.forget();
    this.changed.fire(undefined);
  }

  getChildren(node?: ClusterNode): ClusterNode[] {
    if (!this.tree || this.state !== 'running') return [];
    const kids = this.tree.children(node);
    this.shown.set(node?.id ?? '', { node, ids: idsOf(kids) });
    return kids;
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    if (!this.tree) return new vscode.TreeItem(node.id);
    const view = this.tree.item(node);
    this.drawn.set(node.id, viewText(view));
    return treeItem(view);
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

  /** wouldChange tells whether a redraw would show other rows than VS Code was handed, or show one of them otherwise. */
  private wouldChange(tree: ClusterTreeModel): boolean {
    for (const { node, ids } of this.shown.values()) {
      const kids = tree.children(node);
      if (idsOf(kids) !== ids) return true;
      for (const kid of kids) {
        const drawn = this.drawn.get(kid.id);
        if (drawn !== undefined && drawn !== tree.rowText(kid)) return true;
      }
    }
    return false;
  }

  private forget(): void {
    this.shown = new Map();
    this.drawn = new Map();
  }
}

/** idsOf lists rows by id, as text to compare. */
function idsOf(nodes: readonly ClusterNode[]): string {
  let text = '';
  for (const n of nodes) text += `${n.id}\n`;
  return text;
}
