/**
 * ManifestQuickFixes offers the quick fixes of KubeLab's diagnostics: the edits
 * come from editor/quickFixes, worked out on the text as it is when asked.
 */
import * as vscode from 'vscode';
import { documentAt, parseManifestText } from '../editor/manifestDocuments';
import { quickFixes } from '../editor/quickFixes';
import type { ManifestDiagnostics } from './diagnostics';

export class ManifestQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly diagnostics: ManifestDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source?.startsWith('KubeLab'));
    if (!ours.length) return [];
    const text = document.getText();
    const parsed = parseManifestText(text);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const problem = this.diagnostics.problemFor(document, diagnostic);
      const doc = problem?.fix && documentAt(parsed, document.offsetAt(diagnostic.range.start));
      if (!problem?.fix || !doc) continue;
      for (const fix of quickFixes(doc, problem.fix)) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred ?? false;
        if (fix.command) action.command = { command: fix.command, title: fix.title };
        if (fix.edits.length) {
          const edit = new vscode.WorkspaceEdit();
          for (const e of fix.edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.newText);
          action.edit = edit;
        }
        actions.push(action);
      }
    }
    return actions;
  }
}
