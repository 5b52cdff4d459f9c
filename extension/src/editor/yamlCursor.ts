/**
 * yamlCursor finds where a position sits in a Kubernetes YAML document from the
 * text's indentation alone, so it works on the half-typed lines a YAML parser
 * cannot make sense of: the document's apiVersion and kind, the field path of the
 * mapping or list the cursor is in, the key or value under it, and the sibling keys
 * already written. Paths name properties and map keys only; list items add no
 * element, as `propertyAt` walks them.
 */

/** YamlLine is one line of block YAML as far as indentation tells it. */
export interface YamlLine {
  /** blank is true for empty and comment-only lines. */
  blank: boolean;
  /** indent is the column of the first character that is not a space. */
  indent: number;
  /** dashes are the columns of the block sequence indicators (`- `) that open the line. */
  dashes: number[];
  /** contentCol is where the content after indentation and dashes starts. */
  contentCol: number;
  /** content is the line from contentCol, without a trailing comment. */
  content: string;
  /** key is the mapping key (unquoted) when the line holds `key:`. */
  key?: string;
  /** keyEnd is the column just after the key as written (quotes included). */
  keyEnd?: number;
  /** value is what follows `key:`, trimmed and without a trailing comment ('' when the value is on the next lines). */
  value?: string;
  /** valueCol is where value starts. */
  valueCol?: number;
}

/** DocumentSpan is one `---`-separated document: its lines and what it says it is. */
export interface DocumentSpan {
  /** startLine is the first line of the document's content (after its `---`). */
  startLine: number;
  /** endLine is the line after the document's last one. */
  endLine: number;
  apiVersion?: string;
  kind?: string;
}

/** KeyContext: the cursor is where a key goes (or a list item's scalar, right after `- `). */
export interface KeyContext {
  type: 'key';
  document: DocumentSpan;
  /** path of the mapping whose keys are completed; after `- ` it is the list's path. */
  path: string[];
  /** afterDash is true when the cursor starts a list item's content. */
  afterDash: boolean;
  /** siblings are the keys the mapping already has. */
  siblings: string[];
  /** prefix is the partial key typed before the cursor. */
  prefix: string;
  /** start and end are the columns of the word the completion replaces. */
  start: number;
  end: number;
  /** hasColon is true when the line already has `key:` after the cursor: complete the name only. */
  hasColon: boolean;
}

/** ValueContext: the cursor is in the value of `key: `. */
export interface ValueContext {
  type: 'value';
  document: DocumentSpan;
  /** path is the field's path, its key last. */
  path: string[];
  prefix: string;
  start: number;
  end: number;
}

export type CursorContext = KeyContext | ValueContext;

/** FieldLocation is the field a key line declares, for hovers. */
export interface FieldLocation {
  document: DocumentSpan;
  path: string[];
  /** keyStart and keyEnd are the key's columns on its line. */
  keyStart: number;
  keyEnd: number;
}

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?:\s|$)/;
const BLOCK_SCALAR = /^[|>][-+0-9]*$/;
/** Characters a plain key being typed can hold. */
const PARTIAL_KEY = /^[^\s:#'"{}[\],&*!|>%@`]*$/;

/** parseLine reads one line's indentation, dashes, key and value. */
export function parseLine(text: string): YamlLine {
  let i = 0;
  while (text[i] === ' ') i++;
  const indent = i;
  if (i >= text.length || text[i] === '#') return { blank: true, indent, dashes: [], contentCol: i, content: '' };
  const dashes: number[] = [];
  while (text[i] === '-' && (i + 1 === text.length || text[i + 1] === ' ')) {
    dashes.push(i);
    i++;
    while (text[i] === ' ') i++;
  }
  const line: YamlLine = { blank: false, indent, dashes, contentCol: i, content: text[i] === '#' ? '' : stripComment(text.slice(i)) };
  const key = scanKey(text, i);
  if (!key) return line;
  let v = key.colon + 1;
  while (text[v] === ' ' || text[v] === '\t') v++;
  return { ...line, key: key.name, keyEnd: key.end, value: stripComment(text.slice(v)), valueCol: v };
}

/** scanKey finds `key:` (plain or quoted) starting at column i. */
function scanKey(text: string, i: number): { name: string; end: number; colon: number } | undefined {
  const c = text[i];
  if (c === undefined || '[{#&*!|>%@`?'.includes(c)) return undefined;
  if (c === '"' || c === "'") {
    const close = closingQuote(text, i);
    if (close < 0) return undefined;
    let j = close + 1;
    while (text[j] === ' ') j++;
    if (text[j] !== ':' || !(j + 1 === text.length || text[j + 1] === ' ' || text[j + 1] === '\t')) return undefined;
    const raw = text.slice(i + 1, close);
    return { name: c === "'" ? raw.replace(/''/g, "'") : raw.replace(/\\(.)/g, '$1'), end: close + 1, colon: j };
  }
  for (let j = i; j < text.length; j++) {
    if (text[j] === '#' && (text[j - 1] === ' ' || text[j - 1] === '\t')) return undefined;
    if (text[j] === ':' && (j + 1 === text.length || text[j + 1] === ' ' || text[j + 1] === '\t')) {
      const name = text.slice(i, j).trimEnd();
      return name ? { name, end: i + name.length, colon: j } : undefined;
    }
  }
  return undefined;
}

function closingQuote(text: string, open: number): number {
  const q = text[open];
  for (let j = open + 1; j < text.length; j++) {
    if (q === '"' && text[j] === '\\') j++;
    else if (text[j] === q) {
      if (q === "'" && text[j + 1] === "'") j++;
      else return j;
    }
  }
  return -1;
}

function stripComment(value: string): string {
  if (value.startsWith('"') || value.startsWith("'")) {
    const close = closingQuote(value, 0);
    return close < 0 ? value.trimEnd() : value.slice(0, close + 1);
  }
  const hash = value.search(/\s#/);
  return (hash < 0 ? value : value.slice(0, hash)).trimEnd();
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** documentAt is the document holding a line, with the apiVersion and kind written at its top level. */
export function documentAt(lines: readonly string[], line: number): DocumentSpan {
  let start = line;
  while (start > 0 && !DOCUMENT_MARKER.test(lines[start - 1])) start--;
  if (DOCUMENT_MARKER.test(lines[line] ?? '')) start = line + 1;
  let end = Math.max(start, line + (DOCUMENT_MARKER.test(lines[line] ?? '') ? 1 : 0));
  while (end < lines.length && !DOCUMENT_MARKER.test(lines[end])) end++;
  const doc: DocumentSpan = { startLine: start, endLine: end };
  for (let i = start; i < end; i++) {
    if (lines[i][0] !== 'a' && lines[i][0] !== 'k') continue;
    const l = parseLine(lines[i]);
    if (l.indent !== 0 || l.dashes.length || !l.value) continue;
    if (l.key === 'apiVersion') doc.apiVersion = unquote(l.value);
    if (l.key === 'kind') doc.kind = unquote(l.value);
  }
  return doc;
}

interface Target {
  col: number;
  /** dash: looking for the owner of a list item at col; otherwise of a key at col. */
  dash: boolean;
}

/**
 * ownerPath walks up from line `from` to the key that owns `target`, and on to the
 * document's top level. Undefined when the position is not inside block mappings
 * (a block scalar, a multi-line plain scalar, a top-level list).
 */
function ownerPath(lines: readonly YamlLine[], from: number, stop: number, start: Target, siblings?: string[]): string[] | undefined {
  const path: string[] = [];
  let target = start;
  let collecting = siblings !== undefined && !start.dash;
  for (let i = from; i >= stop; i--) {
    const l = lines[i];
    if (l.blank) continue;
    if (target.dash) {
      // Earlier items of the same list, and anything inside them, are passed over.
      if (l.dashes[0] === target.col || l.indent > target.col) continue;
    } else if (l.contentCol === target.col && l.key !== undefined) {
      if (collecting) siblings?.push(l.key);
      if (l.dashes.length) {
        collecting = false;
        target = { col: l.dashes[0], dash: true };
      }
      continue;
    } else if (l.indent >= target.col) {
      // Deeper lines, and a sibling's list written at the sibling's own column.
      continue;
    }
    // l is left of the target, so it owns it: a key whose value is on the next lines, or a bare `-`.
    collecting = false;
    if (l.key === undefined) {
      if (!l.dashes.length || l.content !== '') return undefined;
      target = { col: l.dashes[0], dash: true };
      continue;
    }
    const aligned = target.dash ? l.contentCol <= target.col : l.contentCol < target.col;
    if (!aligned || l.value !== '') return undefined;
    path.unshift(l.key);
    target = l.dashes.length ? { col: l.dashes[0], dash: true } : { col: l.contentCol, dash: false };
  }
  return !target.dash && target.col === 0 ? path : undefined;
}

/** siblingsBelow collects the keys at col after line, until the mapping ends. */
function siblingsBelow(lines: readonly YamlLine[], line: number, end: number, col: number, into: string[]): void {
  for (let i = line + 1; i < end; i++) {
    const l = lines[i];
    if (l.blank) continue;
    if (l.indent < col) return;
    if (!l.dashes.length && l.contentCol === col && l.key !== undefined) into.push(l.key);
  }
}

function parseDocument(lines: readonly string[], doc: DocumentSpan): YamlLine[] {
  const parsed: YamlLine[] = [];
  for (let i = 0; i < doc.endLine; i++) parsed.push(i < doc.startLine ? { blank: true, indent: 0, dashes: [], contentCol: 0, content: '' } : parseLine(lines[i]));
  return parsed;
}

/** cursorAt is what completing at (line, character) means, or undefined where nothing can be completed. */
export function cursorAt(text: string, line: number, character: number): CursorContext | undefined {
  const lines = text.split(/\r?\n/);
  const full = lines[line];
  if (full === undefined || DOCUMENT_MARKER.test(full)) return undefined;
  const document = documentAt(lines, line);
  const parsed = parseDocument(lines, document);
  const prefix = parseLine(full.slice(0, character));
  if (prefix.key !== undefined) {
    if (prefix.valueCol === undefined || full[prefix.valueCol - 1] !== ' ') return undefined;
    const path = ownerPath(parsed, line - 1, document.startLine, startOf(prefix));
    if (!path) return undefined;
    const quoted = /^["']/.test(prefix.value ?? '');
    const start = prefix.valueCol + (quoted ? 1 : 0);
    const typed = full.slice(start, character);
    if (/\s/.test(typed)) return undefined;
    return { type: 'value', document, path: [...path, prefix.key], prefix: typed, start, end: wordEnd(full, character) };
  }
  const typed = full.slice(prefix.contentCol, character);
  if (!PARTIAL_KEY.test(typed) || (prefix.blank && full.slice(0, character).trim().startsWith('#'))) return undefined;
  const col = prefix.blank ? character : prefix.contentCol;
  const afterDash = prefix.dashes.length > 0;
  const siblings: string[] = [];
  const path = ownerPath(parsed, line - 1, document.startLine, afterDash ? { col: prefix.dashes[0], dash: true } : { col, dash: false }, siblings);
  if (!path) return undefined;
  siblingsBelow(parsed, line, document.endLine, col, siblings);
  const end = wordEnd(full, character);
  return { type: 'key', document, path, afterDash, siblings, prefix: typed, start: col, end, hasColon: /^\s*:/.test(full.slice(end)) };
}

function startOf(l: YamlLine): Target {
  return l.dashes.length ? { col: l.dashes[0], dash: true } : { col: l.contentCol, dash: false };
}

function wordEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && /[^\s:#]/.test(text[i])) i++;
  return i;
}

/** fieldAt is the field whose key line holds (line, character), for hovers over the key or its value. */
export function fieldAt(text: string, line: number, character: number): FieldLocation | undefined {
  const lines = text.split(/\r?\n/);
  const full = lines[line];
  if (full === undefined || DOCUMENT_MARKER.test(full)) return undefined;
  const l = parseLine(full);
  if (l.key === undefined || character < l.contentCol || BLOCK_SCALAR.test(l.value ?? '')) return undefined;
  const document = documentAt(lines, line);
  const path = ownerPath(parseDocument(lines, document), line - 1, document.startLine, startOf(l));
  return path ? { document, path: [...path, l.key], keyStart: l.contentCol, keyEnd: l.keyEnd ?? l.contentCol } : undefined;
}
