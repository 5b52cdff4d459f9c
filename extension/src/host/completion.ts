/**
 * completion offers, in YAML editors, the fields of the Kubernetes object being
 * written and the values they accept, from the OpenAPI schema and the CRDs
 * installed in the lab (editor/fieldCompletions.ts decides; this only converts).
 */
import * as vscode from 'vscode';
import { type FieldCompletion, completeAt } from '../editor/fieldCompletions';
import { cursorAt } from '../editor/yamlCursor';
import { ClusterSchemas } from './completionSchemas';
import { ManifestHoverProvider } from './hover';
import type { Cluster } from './cluster';

/** YAML_DOCUMENTS are the editors completion, hover and CodeLens serve: YAML files and unsaved YAML editors. */
export const YAML_DOCUMENTS: vscode.DocumentSelector = [{ language: 'yaml', scheme: 'file' }, { language: 'yaml', scheme: 'untitled' }];

export class ManifestCompletionProvider implements vscode.CompletionItemProvider {
  /** TRIGGERS: a space after `key:` asks for the key's values. */
  static readonly TRIGGERS = [' '];

  constructor(private readonly schemas: ClusterSchemas) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, _token: vscode.CancellationToken, context: vscode.CompletionContext): Promise<vscode.CompletionItem[]> {
    const ctx = cursorAt(document.getText(), position.line, position.character);
    // A typed space completes values only: indenting a line must not open a list of keys.
    if (!ctx || (context.triggerCharacter === ' ' && ctx.type !== 'value')) return [];
    if (ctx.type === 'key' && !ctx.document.kind && ctx.path.length === 0 && ctx.siblings.some((k) => k !== 'apiVersion' && k !== 'kind')) return [];
    const served = ctx.type === 'value' && ctx.path.length === 1 && (ctx.path[0] === 'apiVersion' || ctx.path[0] === 'kind') ? await this.schemas.served() : [];
    const range = new vscode.Range(position.line, ctx.start, position.line, ctx.end);
    return completeAt(ctx, { crds: this.schemas.crds, served }).map((c) => toItem(c, range));
  }
}

function toItem(c: FieldCompletion, range: vscode.Range): vscode.CompletionItem {
  const item = new vscode.CompletionItem(c.label, c.kind === 'field' ? vscode.CompletionItemKind.Property : vscode.CompletionItemKind.EnumMember);
  item.insertText = c.snippet ? new vscode.SnippetString(c.insert) : c.insert;
  item.range = range;
  item.sortText = c.sortText;
  item.filterText = c.label === '""' ? '' : c.label;
  if (c.detail) item.detail = c.detail;
  if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
  if (c.retrigger) item.command = { command: 'editor.action.triggerSuggest', title: 'Suggest values' };
  return item;
}

/** registerManifestLanguageFeatures registers completion and hover for manifests, learning CRDs and served kinds from the lab. */
export function registerManifestLanguageFeatures(host: Cluster): vscode.Disposable[] {
  const schemas = new ClusterSchemas(host);
  return [
    schemas,
    vscode.languages.registerCompletionItemProvider(YAML_DOCUMENTS, new ManifestCompletionProvider(schemas), ...ManifestCompletionProvider.TRIGGERS),
    vscode.languages.registerHoverProvider(YAML_DOCUMENTS, new ManifestHoverProvider(schemas)),
  ];
}
