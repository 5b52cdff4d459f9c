/**
 * codeLensCommands are **KubeLab: Dry-run**, **KubeLab: Diff** and **KubeLab:
 * Delete**, run from a document's CodeLens (that document) or the palette (every
 * document of the active editor). Dry-run shows the server's answer in a
 * read-only editor; Diff opens VS Code's diff from the live objects to the
 * dry-run results; Delete asks first.
 */
import * as vscode from 'vscode';
import type { ParsedDocument } from '../lab/client/apply';
import { objectRef } from '../lab/client/apply';
import { type ManifestSource, deleteDocument, documentsOf, dryRunDocument, dryRunText, liveObject, objectYaml } from '../editor/manifestActions';
import { type GetClient, clusterPhrase, readSource, targetOf } from './applyCommand';

const SCHEME = 'kubelab-view';

/** ReadOnlyDocuments serves the texts dry-run and diff open; the editor cannot write them. */
export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private opened = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);
  private readonly closing = vscode.workspace.onDidCloseTextDocument((d) => {
    if (d.uri.scheme === SCHEME) this.texts.delete(d.uri.toString());
  });

  /** add keeps a text under a new URI whose file name (ending .yaml) is what the tab shows. */
  add(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name}`, query: String(++this.opened) });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.registration.dispose();
    this.closing.dispose();
  }
}

/** documentsFor reads the documents a command acts on, or says why there are none. */
async function documentsFor(args: readonly unknown[], verb: string): Promise<{ source: ManifestSource; documents: ParsedDocument[] } | undefined> {
  const target = targetOf(args);
  if (!target) {
    void vscode.window.showWarningMessage(`KubeLab: open a YAML manifest to ${verb}.`);
    return undefined;
  }
  const source = await readSource(target.uris[0]);
  const { documents, errors } = documentsOf(source, target.documentIndex);
  if (errors.length) {
    const e = errors[0];
    void vscode.window.showErrorMessage(`KubeLab: cannot ${verb} ${source.name}: document ${e.index + 1}, line ${e.line}: ${e.message}`);
    return undefined;
  }
  if (!documents.length) {
    void vscode.window.showWarningMessage(`KubeLab: ${source.name} has no Kubernetes objects to ${verb}.`);
    return undefined;
  }
  return { source, documents };
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1).replace(/\.(ya?ml|json)$/i, '');
}

/** dryRunCommand shows what the server would store for each document, or why it refuses it. */
export async function dryRunCommand(getClient: GetClient, views: ReadOnlyDocuments, output: vscode.OutputChannel, ...args: unknown[]): Promise<void> {
  const found = await documentsFor(args, 'dry-run');
  if (!found) return;
  const client = await getClient();
  const namespace = getClient.namespace?.() ?? 'default';
  const outcomes = await Promise.all(found.documents.map((d) => dryRunDocument(client, d, namespace)));
  output.appendLine(`$ kubectl apply --dry-run=server -f ${found.source.name}`);
  for (const o of outcomes) output.appendLine('error' in o ? `${o.ref}: refused: ${typeof o.error === 'string' ? o.error : o.error.message ?? ''}` : `${o.ref} ${o.result} (server dry run)`);
  const uri = views.add(`${baseName(found.source.name)} (dry run).yaml`, outcomes.map((o) => dryRunText(found.source, o)).join('---\n'));
  await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}

/** diffCommand opens the diff from the live objects (managedFields left out) to what applying the documents would make of them. */
export async function diffCommand(getClient: GetClient, views: ReadOnlyDocuments, ...args: unknown[]): Promise<void> {
  const found = await documentsFor(args, 'diff');
  if (!found) return;
  const client = await getClient();
  const namespace = getClient.namespace?.() ?? 'default';
  const live: string[] = [];
  const applied: string[] = [];
  for (const doc of found.documents) {
    const ref = objectRef(doc.object);
    const [current, outcome] = await Promise.all([liveObject(client, doc.object, namespace), dryRunDocument(client, doc, namespace)]);
    if ('error' in outcome) {
      const message = typeof outcome.error === 'string' ? outcome.error : outcome.error.message ?? '';
      const pick = await vscode.window.showErrorMessage(`KubeLab: the server refuses ${ref}: ${message}`, 'Show Dry-run');
      if (pick) await vscode.window.showTextDocument(views.add(`${baseName(found.source.name)} (dry run).yaml`, dryRunText(found.source, outcome)), { preview: true });
      return;
    }
    live.push(current ? objectYaml(current) : `# ${ref} is not in the cluster: applying creates it.\n`);
    applied.push(objectYaml(outcome.object));
  }
  const name = baseName(found.source.name);
  const title = found.documents.length === 1 ? `${objectRef(found.documents[0].object)}: live ↔ ${found.source.name}` : `${found.source.name}: live ↔ applied`;
  await vscode.commands.executeCommand('vscode.diff', views.add(`${name} (live).yaml`, live.join('---\n')), views.add(`${name} (applied, dry run).yaml`, applied.join('---\n')), title);
}

/** deleteCommand deletes each document's object from the active cluster, once the user confirms. */
export async function deleteCommand(getClient: GetClient, output: vscode.OutputChannel, ...args: unknown[]): Promise<void> {
  const found = await documentsFor(args, 'delete');
  if (!found) return;
  const refs = found.documents.map((d) => objectRef(d.object));
  const shown = refs.length > 5 ? `${refs.slice(0, 5).join(', ')} and ${refs.length - 5} more` : refs.join(', ');
  const confirmed = await vscode.window.showWarningMessage(`Delete ${shown} from ${clusterPhrase(getClient)}?`, { modal: true, detail: `The objects ${found.source.name} describes are deleted from the cluster; the file is left as it is.` }, 'Delete');
  if (confirmed !== 'Delete') return;
  const client = await getClient();
  output.appendLine(`$ kubectl delete -f ${found.source.name}`);
  const lines: string[] = [];
  let failed = 0;
  for (const doc of found.documents) {
    const { line, ok } = await deleteDocument(client, found.source, doc, getClient.namespace?.() ?? 'default');
    if (!ok) failed++;
    lines.push(line);
    output.appendLine(line);
  }
  if (failed) void vscode.window.showErrorMessage(`KubeLab: ${lines.join('; ')}`, 'Show Output').then((pick) => pick && output.show(true));
  else void vscode.window.showInformationMessage(`KubeLab: ${lines.join('; ')}`);
}
