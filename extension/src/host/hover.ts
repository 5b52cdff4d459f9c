/**
 * hover shows, over a key of a Kubernetes YAML document (or its value), the
 * field's path, type, description, accepted values and the default the API
 * server applies (editor/fieldHover.ts writes it).
 */
import * as vscode from 'vscode';
import { hoverMarkdown } from '../editor/fieldHover';
import { fieldAt } from '../editor/yamlCursor';
import type { ClusterSchemas } from './completionSchemas';

export class ManifestHoverProvider implements vscode.HoverProvider {
  constructor(private readonly schemas: ClusterSchemas) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const field = fieldAt(document.getText(), position.line, position.character);
    const markdown = field && hoverMarkdown(field, this.schemas.crds);
    if (!field || !markdown) return undefined;
    // Over the key the hover spans the key; over the value, the whole field.
    const end = position.character <= field.keyEnd ? field.keyEnd : document.lineAt(position.line).text.length;
    return new vscode.Hover(new vscode.MarkdownString(markdown), new vscode.Range(position.line, field.keyStart, position.line, end));
  }
}
