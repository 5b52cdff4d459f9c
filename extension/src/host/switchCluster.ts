/**
 * KubeLab: Switch Cluster points the tree, apply, describe and validation at
 * the lab or at any context of the user's kubeconfig — how someone who
 * outgrows the lab keeps the same workflow on a real cluster. The choice is
 * kept per workspace and selected again (not connected) on the next start.
 */
import * as vscode from 'vscode';
import type { ActiveCluster } from './activeCluster';
import { type ContextInfo, contextsOf, loadKubeConfig } from './kubeconfig';

/** STATE_KEY holds the active context's name in workspace state; absent for the lab. */
export const STATE_KEY = 'kubelab.cluster';

export const LAB_LABEL = 'KubeLab (the lab)';

interface ClusterPick extends vscode.QuickPickItem {
  /** context is the kubeconfig context; undefined for the lab. */
  context?: string;
}

/** clusterPicks are the picker's items: the lab first, then every kubeconfig context, the active one marked. */
export function clusterPicks(contexts: readonly ContextInfo[], active: string | undefined, labState: string): ClusterPick[] {
  const mark = (label: string, on: boolean): string => (on ? `$(check) ${label}` : label);
  const picks: ClusterPick[] = [{ label: mark(LAB_LABEL, active === undefined), description: labState, detail: 'The simulated cluster inside VS Code' }];
  if (contexts.length) picks.push({ label: 'kubeconfig', kind: vscode.QuickPickItemKind.Separator });
  for (const c of contexts) {
    picks.push({
      label: mark(c.name, c.name === active),
      description: c.server ?? `cluster "${c.cluster}" is not defined`,
      detail: [`user ${c.user}`, ...(c.namespace ? [`namespace ${c.namespace}`] : []), ...(c.current ? ['current-context'] : [])].join(' · '),
      context: c.name,
    });
  }
  return picks;
}

/** registerSwitchCluster registers the command and selects the workspace's last choice. */
export function registerSwitchCluster(active: ActiveCluster, state: vscode.Memento, showError: (err: unknown) => void): vscode.Disposable[] {
  const saved = state.get<string>(STATE_KEY);
  if (saved !== undefined) active.select(saved);
  const command = vscode.commands.registerCommand('kubelab.switchCluster', async () => {
    let contexts: ContextInfo[] = [];
    try {
      contexts = contextsOf(await loadKubeConfig());
    } catch (err) {
      showError(new Error(`cannot read the kubeconfig: ${err instanceof Error ? err.message : String(err)}`));
    }
    const pick = await vscode.window.showQuickPick(clusterPicks(contexts, active.context, active.lab.state), {
      title: 'KubeLab: Switch Cluster',
      placeHolder: contexts.length ? 'The cluster the tree, apply and validation use' : 'No kubeconfig contexts found ($KUBECONFIG, ~/.kube/config)',
      matchOnDescription: true,
    });
    if (!pick) return;
    await state.update(STATE_KEY, pick.context);
    try {
      await active.switchTo(pick.context);
    } catch (err) {
      showError(err);
    }
  });
  return [command];
}
