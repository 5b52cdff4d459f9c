/**
 * registerTimeTravel adds `KubeLab: Travel to Revision…` (an input box, or a
 * revision passed by a caller) and `KubeLab: Back to Live`, both acting on the
 * shared TimeTravel the panels follow, and keeps the `kubelab.travelling`
 * context key for menus and enablement.
 */
import * as vscode from 'vscode';
import { TimeTravel, parseRevision } from './panels/timeTravel';

export function registerTimeTravel(travel: TimeTravel): vscode.Disposable[] {
  const context = (): void => void vscode.commands.executeCommand('setContext', 'kubelab.travelling', travel.travelling);
  context();
  return [
    travel.onDidChange(context),
    vscode.commands.registerCommand('kubelab.travelToRevision', async (given?: number | string) => {
      let text = given === undefined ? undefined : String(given);
      text ??= await vscode.window.showInputBox({
        title: 'KubeLab: Travel to Revision',
        prompt: 'Show the Pods, Network, Scheduler and Store panels as of this revision of the store, read-only',
        placeHolder: 'a store revision, such as 1234 (the Store panel shows the revisions kept)',
        value: travel.revision === null ? '' : String(travel.revision),
        validateInput: (v) => {
          const r = parseRevision(v);
          return typeof r === 'number' ? undefined : r.error;
        },
      });
      if (text === undefined) return;
      const revision = parseRevision(text);
      const refused = typeof revision === 'number' ? travel.travel(revision) : revision.error;
      if (refused) void vscode.window.showErrorMessage(`KubeLab: ${refused}`);
    }),
    vscode.commands.registerCommand('kubelab.backToLive', () => travel.backToLive()),
  ];
}
