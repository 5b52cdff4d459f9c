/**
 * yamlEdits writes into a YAML document without reformatting it: new keys go at
 * the end of the mapping they belong to, at its indentation; a missing parent
 * mapping is created with them; a key with no value gets the value.
 */
import { type Document, type Node, type Pair, isMap, isPair, isScalar, isSeq } from 'yaml';
import { parseFieldPath } from './fieldPath';
import { keyText, lineEnd, resolvePath } from './yamlNodes';

/** TextEdit replaces [start, end) of the text with newText. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** YamlTree is what to add: scalars as YAML source text, mappings, or a sequence of mappings. */
export type YamlTree = { [key: string]: string | YamlTree | YamlTree[] };

const STEP = 2;

/** renderTree prints tree as block YAML, every line indented by indent and ending in a newline. */
export function renderTree(tree: YamlTree, indent: number): string {
  const pad = ' '.repeat(indent);
  let out = '';
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out += `${pad}${key}: ${value}\n`;
    else if (Array.isArray(value)) {
      out += `${pad}${key}:\n`;
      for (const item of value) {
        const body = renderTree(item, indent + STEP * 2);
        out += `${pad}${' '.repeat(STEP)}- ${body.slice(indent + STEP * 2)}`;
      }
    } else out += `${pad}${key}:\n${renderTree(value, indent + STEP)}`;
  }
  return out;
}

/** columnOf is the offset's column: its distance from the start of its line. */
export function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/**
 * mergeInto adds tree under the mapping at path (creating the path's missing
 * mappings), leaving keys that already exist as they are. Edits come deepest
 * first, and two at one offset are joined so the text stays in order.
 */
export function mergeInto(text: string, doc: Document.Parsed, path: string, tree: YamlTree): TextEdit[] {
  const segments = parseFieldPath(path);
  const { steps, complete } = resolvePath(doc, segments);
  if (!complete) {
    // Wrap the tree in the missing part of the path, and add that to the deepest mapping that exists.
    let wrapped: YamlTree = tree;
    for (const seg of segments.slice(steps.length).reverse()) {
      if (!('field' in seg)) return [];
      wrapped = { [seg.field]: wrapped };
    }
    const at = steps.at(-1);
    return addTo(text, at ? at.node : (doc.contents as Node | null) ?? undefined, at?.pair, wrapped);
  }
  const last = steps.at(-1);
  return addTo(text, last ? last.node : (doc.contents as Node | null) ?? undefined, last?.pair, tree);
}

function addTo(text: string, node: Node | undefined, pair: Pair | undefined, tree: YamlTree): TextEdit[] {
  if (isMap(node)) {
    const edits: TextEdit[] = [];
    const missing: YamlTree = {};
    for (const [key, value] of Object.entries(tree)) {
      const existing = node.items.find((p) => keyText(p) === key);
      if (!existing) missing[key] = value;
      else if (typeof value === 'object' && !Array.isArray(value)) edits.push(...addTo(text, (existing.value ?? undefined) as Node | undefined, existing, value));
    }
    if (Object.keys(missing).length) {
      const edit = appendToMap(text, node, missing);
      if (edit) edits.push(edit);
    }
    return combineEdits(edits);
  }
  if (pair && (node === undefined || (isScalar(node) && node.value === null))) {
    // `key:` with nothing after it: the tree becomes its value, one level in.
    const key = pair.key as Node;
    const at = lineEnd(text, key.range?.[1] ?? 0);
    const indent = columnOf(text, key.range?.[0] ?? 0) + STEP;
    return [{ start: at, end: at, newText: `\n${renderTree(tree, indent).replace(/\n$/, '')}` }];
  }
  return [];
}

/** appendToMap adds entries after the mapping's last one: block mappings at their indentation, flow mappings before their `}`. */
function appendToMap(text: string, map: Node, tree: YamlTree): TextEdit | undefined {
  if (!isMap(map) || !map.range) return undefined;
  if (map.flow) {
    const flat = Object.entries(tree);
    if (flat.some(([, v]) => typeof v !== 'string')) return undefined;
    const close = text.lastIndexOf('}', map.range[1]);
    let at = close;
    while (at > 0 && /\s/.test(text[at - 1])) at--;
    const entries = flat.map(([k, v]) => `${k}: ${v as string}`).join(', ');
    return { start: at, end: at, newText: map.items.length ? `, ${entries}` : entries };
  }
  const first = map.items[0]?.key as Node | null | undefined;
  const indent = columnOf(text, first?.range?.[0] ?? map.range[0]);
  const end = blockEnd(text, map);
  const body = renderTree(tree, indent);
  return end > 0 && text[end - 1] === '\n' ? { start: end, end, newText: body } : { start: end, end, newText: `\n${body.replace(/\n$/, '')}` };
}

/** blockEnd is where a block collection's content ends: after its last value's line, not after trailing comments or blank lines. */
function blockEnd(text: string, collection: Node): number {
  const items: unknown[] = isMap(collection) || isSeq(collection) ? collection.items : [];
  const last = items.at(-1);
  const node = (isPair(last) ? last.value ?? last.key : last) as Node | null | undefined;
  const end = (isMap(node) || isSeq(node)) && !node.flow ? blockEnd(text, node) : node?.range?.[1] ?? collection.range?.[1] ?? 0;
  return nextLine(text, end);
}

/**
 * combineEdits joins insertions at one offset into one edit, the more indented
 * first: where a nested mapping and its parent end together, the nested one's new
 * entries must come before the parent's.
 */
export function combineEdits(edits: readonly TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  const inserts = new Map<number, TextEdit[]>();
  for (const e of edits) {
    if (e.start !== e.end) out.push(e);
    else inserts.set(e.start, [...(inserts.get(e.start) ?? []), e]);
  }
  for (const [at, group] of inserts) {
    const ordered = group.map((e, i) => ({ e, i })).sort((a, b) => indentOf(b.e.newText) - indentOf(a.e.newText) || a.i - b.i);
    out.push({ start: at, end: at, newText: ordered.map((x) => x.e.newText).join('') });
  }
  return out.sort((a, b) => a.start - b.start);
}

function indentOf(block: string): number {
  return /^\n?( *)/.exec(block)?.[1].length ?? 0;
}

/** replaceValue replaces the scalar at path; undefined when the path is not a scalar. */
export function replaceValue(doc: Document.Parsed, path: string, newText: string): TextEdit | undefined {
  const { steps, complete } = resolvePath(doc, parseFieldPath(path));
  const node = complete ? steps.at(-1)?.node : undefined;
  if (!isScalar(node) || !node.range) return undefined;
  return { start: node.range[0], end: node.range[1], newText };
}

/** scalarSource is a scalar's text as written (quotes kept), for copying a value from one place to another. */
export function scalarSource(text: string, node: unknown): string | undefined {
  return isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
}

/**
 * removePair deletes the mapping entry at path with its value's lines, when the
 * key starts its line (the first key of a `- ` item cannot go without the item's
 * other keys moving).
 */
export function removePair(text: string, doc: Document.Parsed, path: string): TextEdit | undefined {
  const { steps, complete } = resolvePath(doc, parseFieldPath(path));
  const last = steps.at(-1);
  const key = last?.pair?.key as Node | null | undefined;
  if (!complete || !last?.pair || !key?.range || (isMap(last.parent) && last.parent.flow)) return undefined;
  const lineStart = text.lastIndexOf('\n', key.range[0] - 1) + 1;
  if (text.slice(lineStart, key.range[0]).trim()) return undefined;
  const value = last.pair.value as Node | null;
  const end = (isMap(value) || isSeq(value)) && !value.flow ? blockEnd(text, value) : nextLine(text, value?.range?.[1] ?? key.range[1]);
  return { start: lineStart, end, newText: '' };
}

function nextLine(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const nl = text.indexOf('\n', lineEnd(text, offset));
  return nl < 0 ? text.length : nl + 1;
}
