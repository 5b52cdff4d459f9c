/**
 * applyCommand is **KubeLab: Apply** wherever it is offered: the palette and the
 * editor title (the active editor, unsaved text included), a CodeLens (one
 * document), and the explorer's context menu (files and folders, recursively,
 * as `kubectl apply -R -f`). It reports kubectl's lines in the KubeLab output
 * channel, with a progress notification and a summary.
 */
import * as vscode from 'vscode';
import type { KubeClient } from '../lab/client/kubeClient';
import { type ManifestSource, applySources, documentsOf } from '../editor/manifestActions';
import { type EntryKind, type ManifestFs, manifestFiles } from '../editor/manifestFiles';
import type { Cluster } from './cluster';

/**
 * GetClient starts the active cluster if needed and gives its client; its
 * namespace, if any, is where objects that name none go (the cluster's
 * defaultNamespace), and its cluster what messages call the cluster.
 */
export type GetClient = (() => Promise<KubeClient>) & { namespace?: () => string; cluster?: () => Pick<Cluster, 'name' | 'isLab'> };

/** clusterPhrase names the active cluster in a sentence: "the lab", or a kubeconfig context by its name. */
export function clusterPhrase(getClient: GetClient): string {
  const cluster = getClient.cluster?.();
  return !cluster || cluster.isLab ? 'the lab' : `context "${cluster.name}"`;
}

/** ManifestTarget is what a command was run on: files or folders, and one document of them for a CodeLens. */
export interface ManifestTarget {
  uris: vscode.Uri[];
  documentIndex?: number;
}

/**
 * targetOf reads a command's arguments as VS Code passes them: none from the
 * palette, (uri) from the editor title, (uri, selected uris) from the explorer,
 * (uri, document index) from a CodeLens. Undefined when there is nothing to act on.
 */
export function targetOf(args: readonly unknown[]): ManifestTarget | undefined {
  const [first, second] = args;
  if (first instanceof vscode.Uri) {
    if (typeof second === 'number') return { uris: [first], documentIndex: second };
    const selected = Array.isArray(second) ? second.filter((u): u is vscode.Uri => u instanceof vscode.Uri) : [];
    return { uris: selected.length ? selected : [first] };
  }
  const editor = vscode.window.activeTextEditor;
  return editor ? { uris: [editor.document.uri] } : undefined;
}

/** openDocument is the editor open on uri, if any: its text is what a command acts on, saved or not. */
function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

/**
 * workspaceFs walks VS Code's file system, so remote and virtual workspaces
 * apply too. An open editor counts as a file whatever its scheme: an untitled
 * one has nothing on disk to stat.
 */
const workspaceFs: ManifestFs<vscode.Uri> = {
  kind: async (uri) => (openDocument(uri) ? 'file' : vscode.workspace.fs.stat(uri).then((s) => kindOf(s.type), () => undefined)),
  list: async (dir) => (await vscode.workspace.fs.readDirectory(dir)).map(([name, type]): [string, EntryKind] => [name, kindOf(type)]),
  join: (dir, name) => vscode.Uri.joinPath(dir, name),
};

function kindOf(type: vscode.FileType): EntryKind {
  if (type & vscode.FileType.Directory) return 'directory';
  return type & vscode.FileType.File ? 'file' : 'other';
}

/** readSource is a file's text: an open editor's (saved or not), else the file's. */
export async function readSource(uri: vscode.Uri): Promise<ManifestSource> {
  const open = openDocument(uri);
  const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  return { name: vscode.workspace.asRelativePath(uri), text };
}

/** commandLine is the kubectl command the output channel shows for a target. */
function commandLine(target: ManifestTarget, folders: boolean, verb = 'apply'): string {
  const files = target.uris.map((u) => `-f ${vscode.workspace.asRelativePath(u)}`).join(' ');
  return `$ kubectl ${verb}${folders ? ' -R' : ''} ${files}`;
}

/** applyCommand applies what the command was run on. */
export async function applyCommand(getClient: GetClient, output: vscode.OutputChannel, ...args: unknown[]): Promise<void> {
  const target = targetOf(args);
  if (!target) {
    void vscode.window.showWarningMessage('KubeLab: open a YAML manifest to apply.');
    return;
  }
  const files = await manifestFiles(workspaceFs, target.uris);
  const folders = (await Promise.all(target.uris.map((u) => workspaceFs.kind(u)))).includes('directory');
  const label = target.uris.length === 1 ? vscode.workspace.asRelativePath(target.uris[0]) : `${target.uris.length} items`;
  const sources = await Promise.all(files.map(readSource));
  const parsed = sources.map((s) => documentsOf(s, target.documentIndex));
  if (!folders && sources.length === 1 && parsed[0].errors.length) {
    const e = parsed[0].errors[0];
    const text = `KubeLab: nothing applied. ${sources[0].name}: document ${e.index + 1}, line ${e.line}: ${e.message}`;
    output.appendLine(text);
    void vscode.window.showErrorMessage(text);
    return;
  }
  if (!parsed.some((p) => p.documents.length || p.errors.length)) {
    void vscode.window.showWarningMessage(`KubeLab: ${label} has no Kubernetes objects to apply.`);
    return;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `KubeLab: applying ${label}` }, async (progress) => {
    const client = await getClient();
    const report = await applySources(client, sources, {
      namespace: getClient.namespace?.() ?? 'default',
      ...(target.documentIndex === undefined ? {} : { documentIndex: target.documentIndex }),
      onProgress: (message, _done, total) => progress.report({ message, increment: 100 / total }),
    });
    output.appendLine(commandLine(target, folders));
    for (const line of report.lines) output.appendLine(line);
    const failed = report.failed + report.refused.length;
    const summary = folders || report.lines.length > 3
      ? `applied ${report.created + report.configured + report.unchanged} objects from ${label}: ${report.created} created, ${report.configured} configured, ${report.unchanged} unchanged${failed ? `, ${failed} failed` : ''}`
      : report.lines.join('; ');
    if (failed) void vscode.window.showErrorMessage(`KubeLab: ${summary}`, 'Show Output').then((pick) => pick && output.show(true));
    else void vscode.window.showInformationMessage(`KubeLab: ${summary}`);
  });
}
