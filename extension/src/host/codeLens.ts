/**
 * codeLens puts `Apply | Dry-run | Diff with live | Delete` over each Kubernetes
 * document of a YAML editor; each runs its command on that document only. The
 * setting `kubelab.codeLens.enabled` turns them off.
 */
import * as vscode from 'vscode';
import { objectRef, parseManifests } from '../lab/client/apply';
import { type GetClient, applyCommand } from './applyCommand';
import { ReadOnlyDocuments, deleteCommand, diffCommand, dryRunCommand } from './codeLensCommands';
import { YAML_DOCUMENTS } from './completion';

/** LENSES are the commands over each document, in order, with their titles. */
const LENSES: [command: string, title: string, verb: string][] = [
  ['kubelab.apply', 'Apply', 'kubectl apply'],
  ['kubelab.dryRun', 'Dry-run', 'kubectl apply --dry-run=server'],
  ['kubelab.diff', 'Diff with live', 'kubectl diff'],
  ['kubelab.delete', 'Delete', 'kubectl delete'],
];

export class ManifestCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('kubelab.codeLens')) this.changed.fire();
  });

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('kubelab', document.uri).get<boolean>('codeLens.enabled', true)) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const doc of parseManifests(document.getText()).documents) {
      const range = new vscode.Range(doc.line - 1, 0, doc.line - 1, 0);
      const ref = objectRef(doc.object);
      for (const [command, title, verb] of LENSES) {
        lenses.push(new vscode.CodeLens(range, { command, title, tooltip: `${verb} ${ref} (document ${doc.index + 1})`, arguments: [document.uri, doc.index] }));
      }
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** registerManifestCommands registers Apply, Dry-run, Diff and Delete and the CodeLenses that run them on one document. */
export function registerManifestCommands(getClient: GetClient, output: vscode.OutputChannel, showError: (err: unknown) => void): vscode.Disposable[] {
  const views = new ReadOnlyDocuments();
  const lenses = new ManifestCodeLensProvider();
  const run = (body: (...args: unknown[]) => Promise<void>) => (...args: unknown[]) => body(...args).catch(showError);
  return [
    views,
    lenses,
    vscode.languages.registerCodeLensProvider(YAML_DOCUMENTS, lenses),
    vscode.commands.registerCommand('kubelab.apply', run((...args) => applyCommand(getClient, output, ...args))),
    vscode.commands.registerCommand('kubelab.applyFromExplorer', run((...args) => applyCommand(getClient, output, ...args))),
    vscode.commands.registerCommand('kubelab.dryRun', run((...args) => dryRunCommand(getClient, views, output, ...args))),
    vscode.commands.registerCommand('kubelab.diff', run((...args) => diffCommand(getClient, views, ...args))),
    vscode.commands.registerCommand('kubelab.delete', run((...args) => deleteCommand(getClient, output, ...args))),
  ];
}
