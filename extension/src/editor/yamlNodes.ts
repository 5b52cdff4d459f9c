/**
 * yamlNodes finds the YAML node a field path names, and the source range a
 * diagnostic about it belongs on: the key for an unknown field or a missing one
 * (on the deepest key that exists, as upstream's paths name the parent), the
 * value for a bad scalar value.
 */
import { type Document, type Node, type Pair, type Scalar, isMap, isScalar, isSeq } from 'yaml';
import { type PathSegment, parseFieldPath } from './fieldPath';
import type { TextRange } from './manifestDocuments';

/** Step is one resolved segment: the pair or sequence item it went through, and the node it reached. */
export interface Step {
  /** pair is the mapping entry the segment named (undefined for a sequence item). */
  pair?: Pair;
  /** parent is the mapping or sequence the step was taken in. */
  parent: Node;
  /** node is the value reached, undefined for `key:` with nothing after it. */
  node: Node | undefined;
}

/** Resolved is how far a path got: every step taken, and whether it reached the end. */
export interface Resolved {
  steps: Step[];
  complete: boolean;
}

/** resolvePath walks segments from the document's root; a missing step ends the walk. */
export function resolvePath(doc: Document.Parsed, segments: readonly PathSegment[]): Resolved {
  const steps: Step[] = [];
  let current: Node | undefined = doc.contents ?? undefined;
  for (const seg of segments) {
    const step = stepInto(current, seg);
    if (!step) return { steps, complete: false };
    steps.push(step);
    current = step.node;
  }
  return { steps, complete: true };
}

function stepInto(node: Node | undefined, seg: PathSegment): Step | undefined {
  if (isMap(node)) {
    const name = 'field' in seg ? seg.field : seg.bracket;
    const pair = node.items.find((p) => keyText(p) === name);
    return pair ? { pair, parent: node, node: (pair.value ?? undefined) as Node | undefined } : undefined;
  }
  if (isSeq(node) && 'bracket' in seg && /^\d+$/.test(seg.bracket)) {
    const item = node.items[Number(seg.bracket)] as Node | undefined;
    return item === undefined ? undefined : { parent: node, node: item };
  }
  return undefined;
}

/** keyText is a mapping key as a string (keys of Kubernetes objects are plain scalars). */
export function keyText(pair: Pair): string | undefined {
  const k = pair.key as Node | null;
  return isScalar(k) ? String(k.value) : undefined;
}

/** Placement says which part of the node a diagnostic marks. */
export type Placement = 'key' | 'value';

/**
 * rangeForPath is where a diagnostic about path goes in doc. An incomplete path
 * lands on the key of its deepest existing ancestor; a path that resolves to
 * nothing lands on the document's `kind`.
 */
export function rangeForPath(doc: Document.Parsed, path: string | readonly PathSegment[], placement: Placement, text: string): TextRange {
  const segments = typeof path === 'string' ? parseFieldPath(path) : path;
  const { steps, complete } = resolvePath(doc, segments);
  const last = steps.at(-1);
  if (!last) return documentAnchor(doc, text);
  if (complete && placement === 'value' && isScalar(last.node) && last.node.value !== null && last.node.range) return { start: last.node.range[0], end: last.node.range[1] };
  return stepRange(last, text);
}

/** stepRange is the key of a mapping entry, or the first line of a sequence item. */
function stepRange(step: Step, text: string): TextRange {
  if (step.pair) {
    const key = step.pair.key as Scalar | null;
    if (key?.range) return { start: key.range[0], end: key.range[1] };
  }
  const r = step.node?.range;
  if (!r) return step.parent.range ? lineRange(text, step.parent.range[0]) : { start: 0, end: 0 };
  return { start: r[0], end: Math.min(r[1], lineEnd(text, r[0])) };
}

/** documentAnchor is the `kind` value (the object as a whole), else the document's first line. */
export function documentAnchor(doc: Document.Parsed, text: string): TextRange {
  const contents = doc.contents as Node | null;
  if (isMap(contents)) {
    const kind = contents.items.find((p) => keyText(p) === 'kind');
    const v = kind?.value as Node | null | undefined;
    if (isScalar(v) && v.range) return { start: v.range[0], end: v.range[1] };
    const first = contents.items[0]?.key as Node | null | undefined;
    if (first?.range) return { start: first.range[0], end: first.range[1] };
  }
  return lineRange(text, contents?.range?.[0] ?? doc.range[0]);
}

/** valueRange is the source range of the value at path, if the path resolves to a node. */
export function valueRange(doc: Document.Parsed, path: string): TextRange | undefined {
  const { steps, complete } = resolvePath(doc, parseFieldPath(path));
  const node = complete ? steps.at(-1)?.node : undefined;
  return node?.range ? { start: node.range[0], end: node.range[1] } : undefined;
}

function lineRange(text: string, offset: number): TextRange {
  return { start: offset, end: lineEnd(text, offset) };
}

/** lineEnd is the offset of the end of the line holding offset (before its line break). */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  const end = nl < 0 ? text.length : nl;
  return end > offset && text[end - 1] === '\r' ? end - 1 : end;
}
