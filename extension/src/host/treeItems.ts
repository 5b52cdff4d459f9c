/** treeItems turns the editor-neutral row views of the tree models into VS Code tree items. */
import * as vscode from 'vscode';
import type { ItemView } from './clusterTreeModel';
import type { Icon } from './objectSummary';

const icons = new Map<string, vscode.ThemeIcon>();
const byIcon = new WeakMap<Icon, vscode.ThemeIcon>();

/** themeIcon is the (shared) ThemeIcon for an Icon: thousands of rows use a handful of icons. */
export function themeIcon(icon: Icon): vscode.ThemeIcon {
  let t = byIcon.get(icon);
  if (t) return t;
  const key = `${icon.id}|${icon.color ?? ''}`;
  t = icons.get(key);
  if (!t) icons.set(key, (t = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined)));
  byIcon.set(icon, t);
  return t;
}

const STATES = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

/** treeItem builds the TreeItem for a row; tooltips come later, from resolveTreeItem, when the row is hovered. */
export function treeItem(view: ItemView): vscode.TreeItem {
  const item = new vscode.TreeItem(view.label, STATES[view.collapsible]);
  item.id = view.id;
  if (view.description !== undefined) item.description = view.description;
  if (view.icon) item.iconPath = themeIcon(view.icon);
  if (view.contextValue) item.contextValue = view.contextValue;
  return item;
}

/** markdown wraps a tooltip written by a tree model. */
export function markdown(value: string): vscode.MarkdownString {
  return new vscode.MarkdownString(value);
}
