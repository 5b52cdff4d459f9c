/**
 * quickFixes works out the edits that repair a finding, from the text as it is
 * when the user asks: rename an unknown field to the schema's closest property,
 * make a selector and its pod template's labels agree, add a missing required
 * field, add the resource requests and limits something requires, pin an image.
 */
import { isMap, type Node } from 'yaml';
import type { KubeObject } from '../lab/api/types';
import { type PropertySchema, modelForKind, modelSchema, propertyAt } from '../lab/openapi/schema';
import { type PathSegment, formatFieldPath, parseFieldPath } from './fieldPath';
import { suggestFields } from './fieldSuggestions';
import type { FixHint } from './findings';
import { type ManifestDocument, shift } from './manifestDocuments';
import { isRecord, valueAt } from './podTemplates';
import { type TextEdit, type YamlTree, combineEdits, mergeInto, removePair, replaceValue, scalarSource } from './yamlEdits';
import { keyText, rangeForPath, resolvePath } from './yamlNodes';

/** CodeFix is one quick fix: its title and edits, or a command to run. */
export interface CodeFix {
  title: string;
  edits: TextEdit[];
  /** preferred marks the fix an editor applies with "auto fix". */
  preferred?: boolean;
  command?: string;
}

/** Values a resources fix writes when nothing else says what they should be. */
const DEFAULT_RESOURCES: Record<string, string> = {
  'requests.cpu': '100m', 'requests.memory': '128Mi', 'limits.cpu': '500m', 'limits.memory': '256Mi',
  'requests.ephemeral-storage': '1Gi', 'limits.ephemeral-storage': '2Gi',
};

/** quickFixes lists the fixes for a finding's hint in doc, with edits in file offsets. */
export function quickFixes(doc: ManifestDocument, fix: FixHint): CodeFix[] {
  return fixesFor(doc.text, doc, fix).map((f) => ({ ...f, edits: combineEdits(f.edits).map((e) => shift(doc, e)) }));
}

function fixesFor(text: string, doc: ManifestDocument, fix: FixHint): CodeFix[] {
  if (fix.kind === 'startLab') return [{ title: 'Start KubeLab', edits: [], command: 'kubelab.start', preferred: true }];
  if (fix.kind === 'switchCluster') return [{ title: 'Switch Cluster…', edits: [], command: 'kubelab.switchCluster', preferred: true }];
  const obj = doc.object;
  if (!obj) return [];
  switch (fix.kind) {
    case 'unknownField': return unknownFieldFixes(text, doc, obj, fix.path);
    case 'selectorMismatch': return selectorFixes(text, doc, obj);
    case 'required': return requiredFixes(text, doc, obj, fix.path);
    case 'resources': return resourcesFixes(text, doc, fix);
    case 'imageTag': {
      const edit = replaceValue(doc.yaml, fix.path, fix.image);
      return edit ? [{ title: `Pin the image to ${fix.image}`, edits: [edit], preferred: true }] : [];
    }
  }
}

function unknownFieldFixes(text: string, doc: ManifestDocument, obj: KubeObject, path: string): CodeFix[] {
  const segments = parseFieldPath(path);
  const last = segments.at(-1);
  if (!last || !('field' in last) || !resolvePath(doc.yaml, segments).complete) return [];
  const key = rangeForPath(doc.yaml, segments, 'key', text);
  const fixes: CodeFix[] = suggestFields(String(obj.apiVersion), String(obj.kind), path).map((name, i) => ({
    title: `Did you mean "${name}"? Change "${last.field}" to "${name}"`,
    edits: [{ start: key.start, end: key.end, newText: name }],
    ...(i === 0 ? { preferred: true } : {}),
  }));
  const removal = removePair(text, doc.yaml, path);
  if (removal) fixes.push({ title: `Remove the unknown field "${last.field}"`, edits: [removal] });
  return fixes;
}

/** selectorPaths are where a workload keeps its selector's labels and its pod template's. */
function selectorPaths(kind: string): { selector: string; template: string } {
  return { selector: kind === 'ReplicationController' ? 'spec.selector' : 'spec.selector.matchLabels', template: 'spec.template.metadata.labels' };
}

/** labelSources reads a label mapping as written: key to the value's source text. */
function labelSources(text: string, doc: ManifestDocument, path: string): Map<string, string> | undefined {
  const { steps, complete } = resolvePath(doc.yaml, parseFieldPath(path));
  const node = complete ? steps.at(-1)?.node : undefined;
  if (!isMap(node)) return undefined;
  const out = new Map<string, string>();
  for (const p of node.items) {
    const k = keyText(p);
    const v = scalarSource(text, p.value);
    if (k !== undefined && v !== undefined) out.set(k, v);
  }
  return out;
}

function selectorFixes(text: string, doc: ManifestDocument, obj: KubeObject): CodeFix[] {
  const paths = selectorPaths(String(obj.kind));
  const selector = labelSources(text, doc, paths.selector);
  const template = labelSources(text, doc, paths.template) ?? new Map<string, string>();
  const fixes: CodeFix[] = [];
  if (selector?.size) {
    fixes.push({ title: 'Copy the selector\'s labels to the pod template', edits: alignLabels(text, doc, paths.template, selector, template, false), preferred: true });
  }
  if (selector && template.size) {
    fixes.push({ title: 'Make the selector match the pod template\'s labels', edits: alignLabels(text, doc, paths.selector, template, selector, true) });
  }
  return fixes.filter((f) => f.edits.length);
}

/** alignLabels edits the labels at path so they hold every label of want; exact drops the labels want does not have. */
function alignLabels(text: string, doc: ManifestDocument, path: string, want: Map<string, string>, have: Map<string, string>, exact: boolean): TextEdit[] {
  const edits: TextEdit[] = [];
  const missing: YamlTree = {};
  for (const [k, v] of want) {
    const current = have.get(k);
    if (current === undefined) missing[k] = v;
    else if (current !== v) {
      const edit = replaceValue(doc.yaml, `${path}[${k}]`, v);
      if (edit) edits.push(edit);
    }
  }
  if (exact) {
    for (const k of have.keys()) {
      if (want.has(k)) continue;
      const edit = removePair(text, doc.yaml, `${path}[${k}]`);
      // A label that cannot be taken out (a flow mapping) leaves the labels unequal: no fix then.
      if (!edit) return [];
      edits.push(edit);
    }
  }
  if (Object.keys(missing).length) edits.push(...mergeInto(text, doc.yaml, path, missing));
  return edits;
}

function requiredFixes(text: string, doc: ManifestDocument, obj: KubeObject, path: string): CodeFix[] {
  const segments = parseFieldPath(path);
  const last = segments.at(-1);
  if (!last || !('field' in last)) return [];
  const parent = formatFieldPath(segments.slice(0, -1));
  const name = last.field;
  if (path === 'spec.selector' && valueAt(obj, 'spec.template') !== undefined) return selectorSkeleton(text, doc, obj);
  const value = skeleton(obj, parent, name);
  const { steps, complete } = resolvePath(doc.yaml, segments);
  const node = complete ? steps.at(-1)?.node : undefined;
  let edits: TextEdit[] = [];
  if (complete && typeof value === 'string') {
    // The key is there without a usable value: give it one.
    const key = steps.at(-1)?.pair?.key as Node | null | undefined;
    const colon = key?.range ? text.indexOf(':', key.range[1]) : -1;
    if (node?.range && node.range[0] !== node.range[1]) edits = [{ start: node.range[0], end: node.range[1], newText: value }];
    else if (colon >= 0) edits = [{ start: colon + 1, end: colon + 1, newText: ` ${value}` }];
  } else {
    edits = mergeInto(text, doc.yaml, parent, { [name]: value });
  }
  return edits.length ? [{ title: `Add the required field "${name}"`, edits, preferred: true }] : [];
}

/** selectorSkeleton adds spec.selector from the pod template's labels (giving the template `app: <name>` when it has none). */
function selectorSkeleton(text: string, doc: ManifestDocument, obj: KubeObject): CodeFix[] {
  const paths = selectorPaths(String(obj.kind));
  let labels = labelSources(text, doc, paths.template);
  const edits: TextEdit[] = [];
  if (!labels?.size) {
    labels = new Map([['app', typeof obj.metadata.name === 'string' && obj.metadata.name ? obj.metadata.name : 'app']]);
    edits.push(...mergeInto(text, doc.yaml, paths.template, Object.fromEntries(labels)));
  }
  const tree: YamlTree = Object.fromEntries(labels);
  const selector: YamlTree = paths.selector === 'spec.selector' ? { selector: tree } : { selector: { matchLabels: tree } };
  edits.push(...mergeInto(text, doc.yaml, 'spec', selector));
  return [{ title: 'Add spec.selector matching the pod template\'s labels', edits, preferred: true }];
}

/** skeleton is a starting value for a required field: common ones by name, else a typed placeholder. */
function skeleton(obj: KubeObject, parent: string, name: string): string | YamlTree | YamlTree[] {
  const inContainer = /(?:containers|initContainers|ephemeralContainers)\[\d+\]$/.test(parent);
  if (name === 'containers') return [{ name: 'app', image: 'nginx:1.27' }];
  if (inContainer && name === 'image') return 'nginx:1.27';
  if (inContainer && name === 'name') {
    const image = valueAt(obj, `${parent}.image`);
    const base = typeof image === 'string' ? image.split('@')[0].split('/').pop()?.split(':')[0].toLowerCase().replace(/[^a-z0-9-]/g, '-') : undefined;
    return base || 'app';
  }
  if (parent === 'metadata' && name === 'name') return `my-${String(obj.kind).toLowerCase()}`;
  if (name === 'port' || name === 'containerPort' || name === 'targetPort') return '80';
  return schemaSkeleton(String(obj.apiVersion), String(obj.kind), [...parseFieldPath(parent), { field: name }]) ?? '""';
}

/** schemaSkeleton is a placeholder of the field's type from the schema: an object with its required fields, a list of one such item. */
function schemaSkeleton(apiVersion: string, kind: string, path: readonly PathSegment[]): string | YamlTree | YamlTree[] | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const model = modelForKind(group, version, kind);
  const names = path.filter((s): s is { field: string } => 'field' in s).map((s) => s.field);
  const schema = model ? propertyAt(model, names) : undefined;
  return schema ? placeholder(schema, 0) : undefined;
}

function placeholder(schema: PropertySchema, depth: number): string | YamlTree | YamlTree[] {
  switch (schema.type) {
    case 'object': {
      const model = schema.ref ? modelSchema(schema.ref) : undefined;
      if (!model?.required.length || depth > 2) return '{}';
      const tree: YamlTree = {};
      for (const r of model.required) {
        const v = model.properties[r] ? placeholder(model.properties[r], depth + 1) : '""';
        tree[r] = v;
      }
      return tree;
    }
    case 'array': {
      const item = schema.items ? placeholder(schema.items, depth + 1) : '""';
      return typeof item === 'object' && !Array.isArray(item) ? [item] : '[]';
    }
    case 'map': return '{}';
    case 'integer':
    case 'number': return '0';
    case 'boolean': return 'false';
    case 'int-or-string':
    case 'quantity': return '"1"';
    default: return '""';
  }
}

function resourcesFixes(text: string, doc: ManifestDocument, fix: Extract<FixHint, { kind: 'resources' }>): CodeFix[] {
  const fixes: CodeFix[] = [];
  for (const path of fix.containers) {
    const container = valueAt(doc.object, path);
    if (!isRecord(container)) continue;
    const resources: YamlTree = {};
    for (const need of fix.need) {
      const [kind, resource] = need.split(/\.(.*)/s);
      const other = `${kind === 'limits' ? 'requests' : 'limits'}.${resource}`;
      const counterpart = valueAt(container, `resources.${other}`);
      const value = fix.values?.[need] ?? (typeof counterpart === 'string' || typeof counterpart === 'number' ? String(counterpart) : DEFAULT_RESOURCES[need] ?? '1');
      const bucket = (resources[kind] ??= {}) as YamlTree;
      bucket[resource] = value;
    }
    const name = typeof container.name === 'string' ? container.name : path;
    const edits = mergeInto(text, doc.yaml, path, { resources });
    if (edits.length) fixes.push({ title: `Add ${fix.need.join(', ')} to container "${name}"`, edits, preferred: true });
  }
  return fixes;
}
