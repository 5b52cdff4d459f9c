/**
 * fieldCompletions turns a cursor context into completion proposals: property
 * names from the schema (type, required marker, upstream's description, a
 * snippet that writes `key: ` or the nested block), enum and boolean values, and
 * the apiVersions and kinds the cluster serves. Plain data, so the host only
 * converts it to VS Code's CompletionItems.
 */
import { openApiData } from '../lab/openapi/generated/openApiData';
import { modelForKind } from '../lab/openapi/schema';
import type { CrdSchemas } from './crdSchemas';
import { describeModel } from './descriptions';
import { type SchemaNode, itemOf, nodeAt, schemaFor, splitApiVersion } from './schemaAt';
import type { CursorContext, KeyContext, ValueContext } from './yamlCursor';

/** ServedKind is a kind the cluster serves at an apiVersion. */
export interface ServedKind {
  apiVersion: string;
  kind: string;
}

/** FieldCompletion is one proposal. */
export interface FieldCompletion {
  label: string;
  kind: 'field' | 'value';
  /** detail is the type, with `(required)` for required fields. */
  detail?: string;
  /** documentation is Markdown. */
  documentation?: string;
  /** insert is VS Code snippet syntax when snippet is true, plain text otherwise. */
  insert: string;
  snippet: boolean;
  sortText: string;
  /** retrigger asks for completions again once inserted: a list of values follows. */
  retrigger: boolean;
}

export interface CompletionSources {
  crds?: CrdSchemas;
  /** served lists what the cluster serves; builtinKinds() when the lab is not running. */
  served: readonly ServedKind[];
}

/** Kinds in the OpenAPI data that are request bodies of subresources, not objects one writes. */
const SUBRESOURCE_BODIES = new Set(['/v1/Binding', 'autoscaling/v1/Scale', 'policy/v1/Eviction', 'authentication.k8s.io/v1/TokenRequest']);
let builtins: ServedKind[] | undefined;

/** builtinKinds are the built-in kinds at their GA versions, for when there is no cluster to ask. */
export function builtinKinds(): readonly ServedKind[] {
  builtins ??= Object.keys((JSON.parse(openApiData) as { kinds: Record<string, string> }).kinds)
    .filter((key) => !SUBRESOURCE_BODIES.has(key) && /^v\d+$/.test(key.split('/')[1]))
    .map((key) => {
      const [group, version, kind] = key.split('/');
      return { apiVersion: group ? `${group}/${version}` : version, kind };
    });
  return builtins;
}

/** completeAt proposes what fits at the cursor. */
export function completeAt(ctx: CursorContext, sources: CompletionSources): FieldCompletion[] {
  return ctx.type === 'key' ? completeKey(ctx, sources) : completeValue(ctx, sources);
}

function rootOf(ctx: CursorContext, crds?: CrdSchemas): SchemaNode | undefined {
  const { apiVersion, kind } = ctx.document;
  return apiVersion && kind ? schemaFor(apiVersion, kind, crds) : undefined;
}

function completeKey(ctx: KeyContext, sources: CompletionSources): FieldCompletion[] {
  const root = rootOf(ctx, sources.crds);
  if (!root) {
    if (ctx.path.length || ctx.afterDash) return [];
    return ['apiVersion', 'kind'].filter((k) => !ctx.siblings.includes(k)).map((k) => ({
      label: k, kind: 'field', detail: 'string (required)', insert: ctx.hasColon ? k : `${k}: `, snippet: false, sortText: `0${k}`, retrigger: !ctx.hasColon,
    }));
  }
  const node = nodeAt(root, ctx.path);
  const item = itemOf(node);
  if (!node || !item) return [];
  if (ctx.afterDash && node.shape === 'array' && item.shape === 'scalar') return valuesOf(item);
  if (item.shape !== 'object') return [];
  const out: FieldCompletion[] = [];
  for (const [name, field] of item.fields()) {
    if (ctx.siblings.includes(name) || (ctx.path.length === 0 && name === 'status')) continue;
    const required = item.required.includes(name);
    const documentation = docOf(field);
    const enumerated = field.shape === 'scalar' && (field.enum?.length || field.scalar === 'boolean');
    out.push({
      label: name,
      kind: 'field',
      detail: `${field.type}${required ? ' (required)' : ''}`,
      ...(documentation ? { documentation } : {}),
      insert: ctx.hasColon ? name : snippetFor(name, field),
      snippet: !ctx.hasColon,
      sortText: `${required ? 0 : /Read-only|^Deprecated/i.test(field.description ?? '') ? 2 : 1}${name}`,
      retrigger: !ctx.hasColon && Boolean(enumerated),
    });
  }
  return out;
}

function docOf(field: SchemaNode): string | undefined {
  const parts = [field.description, field.defaultText && `Default: ${field.defaultText}`].filter(Boolean);
  return parts.length ? parts.join('\n\n') : undefined;
}

/** snippetFor writes `name: ` for a scalar, and the nested block for objects, lists and maps (required scalars filled in). */
export function snippetFor(name: string, field: SchemaNode): string {
  const key = escapeSnippet(name);
  switch (field.shape) {
    case 'scalar':
      return `${key}: ${field.enum?.length || field.scalar === 'boolean' ? '' : '$0'}`;
    case 'map':
      return `${key}:\n\t$0`;
    case 'object': {
      const required = requiredScalars(field);
      return required.length ? `${key}:\n${required.map((r, i) => `\t${escapeSnippet(r)}: $${i + 1}`).join('\n')}\n\t$0` : `${key}:\n\t$0`;
    }
    case 'array': {
      const item = itemOf(field);
      const required = item?.shape === 'object' ? requiredScalars(item) : [];
      if (!required.length) return `${key}:\n\t- $0`;
      return `${key}:\n${required.map((r, i) => `\t${i ? '  ' : '- '}${escapeSnippet(r)}: $${i + 1}`).join('\n')}\n\t  $0`;
    }
  }
}

function requiredScalars(node: SchemaNode): string[] {
  const fields = node.fields();
  return node.required.filter((r) => fields.get(r)?.shape === 'scalar');
}

function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, '\\$&');
}

function completeValue(ctx: ValueContext, sources: CompletionSources): FieldCompletion[] {
  if (ctx.path.length === 1 && ctx.path[0] === 'apiVersion') return apiVersions(ctx, sources.served);
  if (ctx.path.length === 1 && ctx.path[0] === 'kind') return kinds(ctx, sources.served);
  const root = rootOf(ctx, sources.crds);
  const node = root && nodeAt(root, ctx.path);
  return node?.shape === 'scalar' ? valuesOf(node) : [];
}

function valuesOf(node: SchemaNode): FieldCompletion[] {
  const values = node.enum ?? (node.scalar === 'boolean' ? ['true', 'false'] : []);
  return values.map((v, i) => ({
    label: v === '' ? '""' : v,
    kind: 'value',
    detail: node.type,
    insert: node.scalar !== 'boolean' && needsQuotes(v) ? JSON.stringify(v) : v,
    snippet: false,
    sortText: String(i).padStart(3, '0'),
    retrigger: false,
  }));
}

/** needsQuotes: a plain scalar would read as another type (`true`, `1`, `null`) or start with an indicator (`*`). */
function needsQuotes(value: string): boolean {
  return value === '' || /^(?:true|false|yes|no|on|off|null|~|[-+.]?\d.*)$/i.test(value) || /^[-?:,[\]{}#&*!|>'"%@`]/.test(value);
}

function apiVersions(ctx: ValueContext, served: readonly ServedKind[]): FieldCompletion[] {
  const { kind } = ctx.document;
  const matching = kind ? served.filter((s) => s.kind === kind) : [];
  const versions = [...new Set((matching.length ? matching : served).map((s) => s.apiVersion))];
  return versions.map((v) => {
    const kindsHere = served.filter((s) => s.apiVersion === v).map((s) => s.kind);
    return { label: v, kind: 'value', detail: 'apiVersion', documentation: `Serves ${kindsHere.join(', ')}`, insert: v, snippet: false, sortText: sortKey(v), retrigger: false };
  });
}

function kinds(ctx: ValueContext, served: readonly ServedKind[]): FieldCompletion[] {
  const { apiVersion } = ctx.document;
  const matching = apiVersion ? served.filter((s) => s.apiVersion === apiVersion) : [];
  const seen = new Set<string>();
  const out: FieldCompletion[] = [];
  for (const s of matching.length ? matching : served) {
    if (seen.has(s.kind)) continue;
    seen.add(s.kind);
    const [group, version] = splitApiVersion(s.apiVersion);
    const model = modelForKind(group, version, s.kind);
    const description = model ? describeModel(model) : undefined;
    out.push({ label: s.kind, kind: 'value', detail: s.apiVersion, ...(description ? { documentation: description } : {}), insert: s.kind, snippet: false, sortText: s.kind, retrigger: false });
  }
  return out;
}

/** sortKey puts the core group first, then GA versions before beta and alpha. */
function sortKey(apiVersion: string): string {
  const [group, version] = splitApiVersion(apiVersion);
  const stability = /alpha/.test(version) ? 2 : /beta/.test(version) ? 1 : 0;
  return `${group ? 1 : 0}${stability}${group}/${version}`;
}
