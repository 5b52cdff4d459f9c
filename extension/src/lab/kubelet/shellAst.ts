/**
 * shellAst is the syntax tree of the simulated shell's language, as
 * shellParser builds it and shell runs it: lists of and-or lists of
 * pipelines of commands, and words made of literal and expanding parts.
 */

/** Part is one piece of a word, before expansion. */
export type Part =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'param'; name: string; op?: string; arg?: Word; length?: boolean; quoted: boolean }
  | { kind: 'cmd'; list: List; quoted: boolean }
  | { kind: 'arith'; expr: string; quoted: boolean }
  | { kind: 'tilde' };

/** Word is a shell word: the parts that expand into zero or more fields. */
export interface Word {
  parts: Part[];
}

/** Redirect is `[n]>file`, `[n]>>file`, `[n]<file`, `[n]>&m`, `&>file`. */
export interface Redirect {
  fd: number;
  op: '>' | '>>' | '<' | '>&' | '<&' | '&>' | '>|';
  target: Word;
}

/** Command is one element of a pipeline. */
export type Command =
  | { type: 'simple'; assignments: { name: string; value: Word }[]; words: Word[]; redirects: Redirect[] }
  | { type: 'if'; clauses: { cond: List; body: List }[]; otherwise?: List; redirects: Redirect[] }
  | { type: 'loop'; until: boolean; cond: List; body: List; redirects: Redirect[] }
  | { type: 'for'; name: string; items?: Word[]; body: List; redirects: Redirect[] }
  | { type: 'case'; word: Word; items: { patterns: Word[]; body: List }[]; redirects: Redirect[] }
  | { type: 'group'; body: List; subshell: boolean; redirects: Redirect[] };

/** Pipeline is `[!] a | b | c`. */
export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

/** AndOr is a pipeline followed by `&&` and `||` pipelines. */
export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

/** List is a sequence of and-or lists, each run in the background when it ended with `&`. */
export interface List {
  items: { andOr: AndOr; background: boolean }[];
}
