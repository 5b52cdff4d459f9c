/**
 * ClusterTree is the Cluster view: Namespaces; Workloads (Deployments → their
 * ReplicaSets → their Pods, and every Pod); Nodes → the Pods on each. It renders
 * from ClusterModel's informers and refreshes as watch events arrive.
 */
import * as vscode from 'vscode';
import { getCondition, keyOf } from '../lab/api/meta';
import { podStatusText } from '../lab/api/pods';
import type { KubeObject, Pod } from '../lab/api/types';
import type { LabState } from '../lab/lab';
import type { ClusterModel } from './clusterModel';

type TreeNode =
  | { kind: 'group'; id: 'namespaces' | 'workloads' | 'deployments' | 'pods' | 'nodes' }
  | { kind: 'namespace' | 'deployment' | 'replicaset' | 'pod' | 'node'; key: string };

const GROUP_LABELS: Record<string, string> = { namespaces: 'Namespaces', workloads: 'Workloads', deployments: 'Deployments', pods: 'Pods', nodes: 'Nodes' };

export class ClusterTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private model?: ClusterModel;
  private state: LabState = 'stopped';

  /** setModel switches the tree to a running lab's model (or to nothing when it stops). */
  setModel(model: ClusterModel | undefined, state: LabState): void {
    this.model = model;
    this.state = state;
    this.changed.fire(undefined);
  }

  /** refresh redraws the tree (ClusterModel already coalesces bursts of changes). */
  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    const m = this.model;
    if (!m || this.state !== 'running') return [];
    if (!node) return (['namespaces', 'workloads', 'nodes'] as const).map((id) => ({ kind: 'group', id }));
    const byName = (a: KubeObject, b: KubeObject) => keyOf(a).localeCompare(keyOf(b));
    const pods = (list: Pod[]): TreeNode[] => list.sort(byName).map((p) => ({ kind: 'pod', key: keyOf(p) }));
    switch (node.kind) {
      case 'group':
        switch (node.id) {
          case 'namespaces': return m.namespaces.list().sort(byName).map((n) => ({ kind: 'namespace', key: keyOf(n) }));
          case 'workloads': return [{ kind: 'group', id: 'deployments' }, { kind: 'group', id: 'pods' }];
          case 'deployments': return m.deployments.list().sort(byName).map((d) => ({ kind: 'deployment', key: keyOf(d) }));
          case 'pods': return pods(m.pods.list());
          case 'nodes': return m.nodes.list().sort(byName).map((n) => ({ kind: 'node', key: keyOf(n) }));
        }
        return [];
      case 'deployment': {
        const d = m.deployments.get(node.key);
        return d ? m.replicaSets.byIndex('controllerUID', d.metadata.uid ?? '').sort(byName).map((rs) => ({ kind: 'replicaset', key: keyOf(rs) })) : [];
      }
      case 'replicaset': {
        const rs = m.replicaSets.get(node.key);
        return rs ? pods(m.pods.byIndex('controllerUID', rs.metadata.uid ?? '')) : [];
      }
      case 'node':
        return pods(m.pods.byIndex('nodeName', node.key));
      default:
        return [];
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const m = this.model;
    if (node.kind === 'group') {
      const expanded = node.id === 'workloads' || node.id === 'deployments' || node.id === 'nodes';
      const item = new vscode.TreeItem(GROUP_LABELS[node.id], expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `group/${node.id}`;
      item.iconPath = new vscode.ThemeIcon({ namespaces: 'symbol-namespace', workloads: 'layers', deployments: 'rocket', pods: 'package', nodes: 'server' }[node.id]);
      return item;
    }
    const item = new vscode.TreeItem(node.key.split('/').pop() ?? node.key);
    item.id = `${node.kind}/${node.key}`;
    item.contextValue = node.kind;
    switch (node.kind) {
      case 'namespace': {
        const ns = m?.namespaces.get(node.key);
        item.description = ns?.status?.phase ?? '';
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        break;
      }
      case 'deployment': {
        const d = m?.deployments.get(node.key);
        item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
        item.description = `${d?.status?.readyReplicas ?? 0}/${d?.spec.replicas ?? 0} ready`;
        item.tooltip = `Deployment ${node.key}`;
        item.iconPath = new vscode.ThemeIcon('rocket');
        break;
      }
      case 'replicaset': {
        const rs = m?.replicaSets.get(node.key);
        item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
        item.description = `${rs?.status?.readyReplicas ?? 0}/${rs?.spec.replicas ?? 0} ready`;
        item.tooltip = `ReplicaSet ${node.key}`;
        item.iconPath = new vscode.ThemeIcon('copy');
        break;
      }
      case 'pod': {
        const pod = m?.pods.get(node.key);
        const status = pod ? podStatusText(pod) : 'Unknown';
        item.description = `${status} · ${pod?.spec.nodeName || '<none>'}`;
        item.tooltip = pod ? podTooltip(pod, status) : node.key;
        item.iconPath = podIcon(status);
        break;
      }
      case 'node': {
        const n = m?.nodes.get(node.key);
        const ready = getCondition(n?.status?.conditions, 'Ready')?.status === 'True' ? 'Ready' : 'NotReady';
        const count = m?.pods.byIndex('nodeName', node.key).length ?? 0;
        item.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
        item.description = `${ready} · ${count} ${count === 1 ? 'pod' : 'pods'}`;
        item.tooltip = `${node.key} · podCIDR ${n?.spec.podCIDR ?? ''} · ${n?.status?.allocatable?.cpu ?? '?'} CPU, ${n?.status?.allocatable?.memory ?? '?'} memory`;
        item.iconPath = new vscode.ThemeIcon('server', new vscode.ThemeColor(ready === 'Ready' ? 'testing.iconPassed' : 'testing.iconFailed'));
        break;
      }
    }
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function podIcon(status: string): vscode.ThemeIcon {
  if (status === 'Running') return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
  if (status === 'Completed') return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  if (status === 'Terminating') return new vscode.ThemeIcon('trash');
  if (status === 'Pending' || status === 'ContainerCreating') return new vscode.ThemeIcon('loading~spin');
  return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
}

function podTooltip(pod: Pod, status: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**Pod** \`${keyOf(pod)}\`\n\n`);
  md.appendMarkdown(`Status: ${status}  \nNode: ${pod.spec.nodeName ?? '—'}  \nIP: ${pod.status?.podIP ?? '—'}\n\n`);
  const scheduled = getCondition(pod.status?.conditions, 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.message) md.appendMarkdown(`Unschedulable: ${scheduled.message}`);
  return md;
}
