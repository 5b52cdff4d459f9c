/**
 * applyCommand is **KubeLab: Apply**: apply the active editor's manifests to the
 * lab, all-or-nothing on YAML errors, reporting kubectl's lines in the KubeLab
 * output channel and a summary notification.
 */
import * as vscode from 'vscode';
import { ResourceMapper, applyObject, parseManifests } from '../lab/client/apply';
import type { KubeClient } from '../lab/client/kubeClient';

export async function applyActiveEditor(getClient: () => Promise<KubeClient>, output: vscode.OutputChannel): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage('KubeLab: open a YAML manifest to apply.');
    return;
  }
  const fileName = vscode.workspace.asRelativePath(editor.document.uri);
  const { documents, errors } = parseManifests(editor.document.getText());
  if (errors.length) {
    const e = errors[0];
    const text = `KubeLab: nothing applied. ${fileName}: document ${e.index + 1}, line ${e.line}: ${e.message}`;
    output.appendLine(text);
    void vscode.window.showErrorMessage(text);
    return;
  }
  if (!documents.length) {
    void vscode.window.showWarningMessage(`KubeLab: ${fileName} has no Kubernetes objects to apply.`);
    return;
  }
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `KubeLab: applying ${fileName}` }, async (progress) => {
    const client = await getClient();
    const mapper = new ResourceMapper(client);
    const lines: string[] = [];
    let failed = 0;
    for (const doc of documents) {
      progress.report({ message: `document ${doc.index + 1} of ${documents.length}` });
      const outcome = await applyObject(client, mapper, doc);
      if ('error' in outcome) {
        failed++;
        const message = typeof outcome.error === 'string' ? outcome.error : (outcome.error.message ?? outcome.error.reason ?? 'failed');
        lines.push(`Error from server (${typeof outcome.error === 'string' ? 'NotFound' : (outcome.error.reason ?? 'Unknown')}): error when applying document ${doc.index + 1} (line ${doc.line}): ${message}`);
      } else {
        lines.push(`${outcome.ref} ${outcome.result}`);
      }
    }
    output.appendLine(`$ kubectl apply -f ${fileName}`);
    for (const l of lines) output.appendLine(l);
    const summary = lines.join('; ');
    if (failed) void vscode.window.showErrorMessage(`KubeLab: ${summary}`, 'Show Output').then((pick) => pick && output.show(true));
    else void vscode.window.showInformationMessage(`KubeLab: ${summary}`);
  });
}
