/**
 * EventsTree is the Events view: the cluster's Events, newest first, capped
 * (EventsModel decides the rows). Its informer starts when the view is first
 * shown, and it redraws only when events changed.
 */
import * as vscode from 'vscode';
import type { LabState } from '../lab/lab';
import { EVENTS } from '../lab/client/resources';
import { type ClusterModel, refKey } from './clusterModel';
import { type EventsNode, EventsModel } from './eventsModel';
import { markdown, treeItem } from './treeItems';

const EVENTS_KEY = refKey(EVENTS);

export class EventsTree implements vscode.TreeDataProvider<EventsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EventsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private events?: EventsModel;
  private subscription?: { dispose(): void };

  /** setModel switches the view to a running cluster's model (or to nothing when it stops). */
  setModel(model: ClusterModel | undefined, state: LabState): void {
    this.subscription?.dispose();
    this.subscription = undefined;
    this.events = model && state === 'running' ? new EventsModel(model) : undefined;
    if (model && this.events) {
      this.subscription = model.onDidChange((changed) => {
        if (changed.has(EVENTS_KEY)) this.refresh();
      });
    }
    this.refresh();
  }

  refresh(): void {
    this.events?.invalidate();
    this.changed.fire(undefined);
  }

  getChildren(node?: EventsNode): EventsNode[] {
    return node || !this.events ? [] : this.events.children();
  }

  getTreeItem(node: EventsNode): vscode.TreeItem {
    return this.events ? treeItem(this.events.item(node)) : new vscode.TreeItem(node.id);
  }

  resolveTreeItem(item: vscode.TreeItem, node: EventsNode): vscode.TreeItem {
    const md = this.events?.tooltip(node, Date.now());
    if (md) item.tooltip = markdown(md);
    return item;
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}
