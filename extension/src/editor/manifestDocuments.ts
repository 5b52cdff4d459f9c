/**
 * manifestDocuments splits an editor's YAML text into its documents with `yaml`,
 * keeping each node's source range, and tells which documents are Kubernetes
 * objects (a mapping with apiVersion and kind), which are switched off with a
 * `# kubelab: ignore` comment, and where each YAML syntax error is.
 *
 * The text is cut at its `---` lines and each piece is parsed on its own and
 * remembered by its text: a keystroke re-parses one document, not the file.
 */
import { type Document, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../lab/api/types';

/** TextRange is a span of the text in UTF-16 offsets, as editors count them. */
export interface TextRange {
  start: number;
  end: number;
}

/** SyntaxProblem is one YAML error, where the parser found it. */
export interface SyntaxProblem extends TextRange {
  message: string;
  /** code is the parser's (BAD_INDENT, DUPLICATE_KEY …). */
  code: string;
}

/** ManifestDocument is one `---`-separated document of a manifest file. */
export interface ManifestDocument {
  /** index is the document's position in the file, from 0. */
  index: number;
  /** text is the piece of the file the document was parsed from: yaml's ranges are offsets into it. */
  text: string;
  /** base is where text starts in the file: a range in text plus base is a range in the file. */
  base: number;
  /** span is the document in the file, from the end of the previous one (so with its `---` and leading comments). */
  span: TextRange;
  yaml: Document.Parsed;
  /** object is the document's value when it parses cleanly into a mapping with string apiVersion and kind. */
  object?: KubeObject;
  /** ignored is set by a `# kubelab: ignore` comment line in the document. */
  ignored: boolean;
  /** errors are in file offsets. */
  errors: SyntaxProblem[];
}

/** ManifestText is a parsed file. */
export interface ManifestText {
  documents: ManifestDocument[];
  /** kubernetes tells whether the file looks like Kubernetes manifests at all, broken documents included. */
  kubernetes: boolean;
}

const IGNORE_COMMENT = /^[ \t]*#[ \t]*kubelab:[ \t]*ignore[ \t]*$/m;
const API_VERSION_LINE = /^[ \t]*apiVersion[ \t]*:/m;
const KIND_LINE = /^[ \t]*kind[ \t]*:/m;
const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;

/** ParsedPiece is what parsing one piece of text gives, in offsets of that piece. */
interface ParsedPiece {
  yaml: Document.Parsed;
  span: TextRange;
  object?: KubeObject;
  ignored: boolean;
  errors: SyntaxProblem[];
  kubernetes: boolean;
}

/** Pieces parsed lately, by text; cleared when it grows past PIECE_CACHE_SIZE (several files of documents). */
const pieceCache = new Map<string, readonly ParsedPiece[]>();
const PIECE_CACHE_SIZE = 2000;

/** parseManifestText parses every document of text, keeping source ranges. */
export function parseManifestText(text: string): ManifestText {
  const documents: ManifestDocument[] = [];
  let kubernetes = false;
  for (const { start, piece } of splitPieces(text)) {
    for (const p of parsePiece(piece)) {
      kubernetes ||= p.kubernetes;
      const errors = p.errors.map((e) => ({ ...e, start: e.start + start, end: e.end + start }));
      documents.push({
        index: documents.length, text: piece, base: start, span: { start: p.span.start + start, end: p.span.end + start },
        yaml: p.yaml, ignored: p.ignored, errors, ...(p.object ? { object: p.object } : {}),
      });
    }
  }
  return { documents, kubernetes };
}

/** splitPieces cuts text before each `---` line. */
function splitPieces(text: string): { start: number; piece: string }[] {
  const starts = [0];
  for (const m of text.matchAll(DOCUMENT_START)) if (m.index > 0) starts.push(m.index);
  return starts.map((start, i) => ({ start, piece: text.slice(start, starts[i + 1] ?? text.length) }));
}

function parsePiece(piece: string): readonly ParsedPiece[] {
  const cached = pieceCache.get(piece);
  if (cached) return cached;
  const out: ParsedPiece[] = [];
  let previousEnd = 0;
  for (const yaml of parseAllDocuments(piece)) {
    const end = Math.max(previousEnd, yaml.range[2]);
    const span = { start: previousEnd, end };
    previousEnd = end;
    const source = piece.slice(span.start, span.end);
    const errors = yaml.errors.map((e) => ({ start: e.pos[0], end: tokenEnd(piece, e.pos[0], e.pos[1]), code: e.code, message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') }));
    const parsed: ParsedPiece = { yaml, span, ignored: IGNORE_COMMENT.test(source), errors, kubernetes: false };
    if (!errors.length) {
      const value: unknown = yaml.toJS();
      if (isKubeObject(value)) parsed.object = value;
    }
    parsed.kubernetes = !!parsed.object || (API_VERSION_LINE.test(source) && KIND_LINE.test(source));
    out.push(parsed);
  }
  // Comments after the piece's last document still belong to it.
  const last = out.at(-1);
  if (last) last.span = { start: last.span.start, end: piece.length };
  if (pieceCache.size >= PIECE_CACHE_SIZE) pieceCache.clear();
  pieceCache.set(piece, out);
  return out;
}

/** tokenEnd widens the parser's one-character error position to the word it is on (the repeated key, the stray token). */
function tokenEnd(text: string, start: number, end: number): number {
  if (end - start > 1) return end;
  const word = /[^\s:#,[\]{}]*/y;
  word.lastIndex = start;
  word.exec(text);
  return Math.max(word.lastIndex, start + 1);
}

function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  return typeof o.apiVersion === 'string' && o.apiVersion !== '' && typeof o.kind === 'string' && o.kind !== '';
}

/** documentAt is the document whose span holds offset (the last one at the end of the text). */
export function documentAt(parsed: ManifestText, offset: number): ManifestDocument | undefined {
  return parsed.documents.find((d) => offset >= d.span.start && offset < d.span.end) ?? parsed.documents.at(-1);
}

/** shift moves a range in a document's text to the file. */
export function shift<T extends TextRange>(doc: Pick<ManifestDocument, 'base'>, r: T): T {
  return { ...r, start: r.start + doc.base, end: r.end + doc.base };
}
