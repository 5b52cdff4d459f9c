/**
 * shellExpand turns words into fields as a POSIX shell does: tilde,
 * parameter, command and arithmetic expansion, then field splitting of what
 * unquoted expansions produced, then pathname expansion (`*`, `?`) against the
 * container's files. Pattern matching (`case`, `${x#pat}`) and `$(( ))`
 * arithmetic live here too.
 */
import type { ContainerFs } from './containerFs';
import type { List, Part, Word } from './shellAst';

/** ExpansionHost is what expansion needs from the shell running it. */
export interface ExpansionHost {
  /** param is a parameter's value, undefined when unset; `@` and `*` are handled by positional(). */
  param(name: string): string | undefined;
  setVar(name: string, value: string): void;
  positional(): string[];
  /** substitute runs a command substitution and resolves with its output. */
  substitute(list: List): Promise<string>;
  /** fail reports an expansion error (`${x:?msg}`, bad arithmetic) and stops the command. */
  fail(message: string): never;
  home(): string;
  cwd(): string;
  fs: ContainerFs;
}

/** A field under construction: its text, whether any of it was quoted, and whether it may glob. */
interface Field {
  text: string;
  quoted: boolean;
  glob: boolean;
}

const IFS_WHITESPACE = /[ \t\n]+/;

/** expandWords expands words into the fields a command's argv is made of. */
export async function expandWords(host: ExpansionHost, words: Word[]): Promise<string[]> {
  const out: string[] = [];
  for (const w of words) out.push(...(await expandWord(host, w)));
  return out;
}

/** expandWord expands one word with field splitting and globbing. */
export async function expandWord(host: ExpansionHost, word: Word): Promise<string[]> {
  const fields: Field[] = [];
  let cur: Field | undefined;
  const append = (text: string, quoted: boolean, glob = false): void => {
    cur ??= { text: '', quoted: false, glob: false };
    cur.text += text;
    cur.quoted ||= quoted;
    cur.glob ||= glob;
  };
  const split = (value: string): void => {
    const pieces = value.split(IFS_WHITESPACE);
    pieces.forEach((piece, i) => {
      if (i > 0 && cur) {
        fields.push(cur);
        cur = undefined;
      }
      if (piece) append(piece, false, /[*?]/.test(piece));
    });
  };
  for (const part of word.parts) {
    if (part.kind === 'lit') append(part.text, part.quoted, !part.quoted && /[*?[]/.test(part.text));
    else if (part.kind === 'tilde') append(host.home(), true);
    else if (part.kind === 'param' && (part.name === '@' || part.name === '*') && !part.op && !part.length) {
      const args = host.positional();
      if (part.quoted && part.name === '@') {
        args.forEach((a, i) => {
          if (i > 0 && cur) {
            fields.push(cur);
            cur = undefined;
          }
          append(a, true);
        });
      } else if (part.quoted) append(args.join(' '), true);
      else for (const a of args) split(` ${a} `);
    } else {
      const value = await expandPart(host, part);
      if ('quoted' in part && part.quoted) append(value, true);
      else split(value);
    }
  }
  if (cur) fields.push(cur);
  const result: string[] = [];
  for (const f of fields) {
    if (!f.quoted && f.text === '') continue;
    if (f.glob) {
      const matches = glob(host, f.text);
      if (matches.length) {
        result.push(...matches);
        continue;
      }
    }
    result.push(f.text);
  }
  return result;
}

/** expandString expands a word into one string, without splitting or globbing (assignments, redirections, case). */
export async function expandString(host: ExpansionHost, word: Word): Promise<string> {
  let out = '';
  for (const part of word.parts) {
    if (part.kind === 'lit') out += part.text;
    else if (part.kind === 'tilde') out += host.home();
    else if (part.kind === 'param' && (part.name === '@' || part.name === '*') && !part.op && !part.length) out += host.positional().join(' ');
    else out += await expandPart(host, part);
  }
  return out;
}

async function expandPart(host: ExpansionHost, part: Exclude<Part, { kind: 'lit' } | { kind: 'tilde' }>): Promise<string> {
  switch (part.kind) {
    case 'cmd':
      return (await host.substitute(part.list)).replace(/\n+$/, '');
    case 'arith':
      return String(evaluateArithmetic(expandArithmeticText(host, part.expr), host));
    case 'param':
      return expandParam(host, part);
  }
}

/** expandArithmeticText expands `$x` and `$(…)` inside `$(( ))` before evaluation. */
function expandArithmeticText(host: ExpansionHost, expr: string): string {
  return expr.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*|[?$#0-9])\}?/g, (_m, name: string) => host.param(name) ?? '0');
}

async function expandParam(host: ExpansionHost, part: Extract<Part, { kind: 'param' }>): Promise<string> {
  const name = part.name;
  const value = name === '@' || name === '*' ? host.positional().join(' ') : host.param(name);
  if (part.length) return String([...(value ?? '')].length);
  if (!part.op) return value ?? '';
  const op = part.op;
  const colon = op.startsWith(':');
  const unsetOrNull = value === undefined || (colon && value === '');
  const arg = async (): Promise<string> => (part.arg ? expandString(host, part.arg) : '');
  switch (op.replace(':', '')) {
    case '-':
      return unsetOrNull ? arg() : (value ?? '');
    case '=': {
      if (!unsetOrNull) return value ?? '';
      const v = await arg();
      host.setVar(name, v);
      return v;
    }
    case '+':
      return unsetOrNull ? '' : arg();
    case '?': {
      if (!unsetOrNull) return value ?? '';
      const msg = await arg();
      host.fail(`${name}: ${msg || (value === undefined ? 'parameter not set' : 'parameter null or not set')}`);
      break;
    }
    case '#':
    case '##':
    case '%':
    case '%%':
      return trimPattern(value ?? '', await arg(), op);
  }
  return value ?? '';
}

function trimPattern(value: string, pattern: string, op: string): string {
  const re = patternSource(pattern);
  if (op === '#' || op === '##') {
    const lengths = [...Array(value.length + 1).keys()];
    if (op === '##') lengths.reverse();
    for (const n of lengths) if (new RegExp(`^${re}$`, 's').test(value.slice(0, n))) return value.slice(n);
    return value;
  }
  const starts = [...Array(value.length + 1).keys()];
  if (op === '%') starts.reverse();
  for (const i of starts) if (new RegExp(`^${re}$`, 's').test(value.slice(i))) return value.slice(0, i);
  return value;
}

/** patternSource turns a shell pattern (`*`, `?`, `[…]`) into a regular expression's source. */
export function patternSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let set = pattern.slice(i + 1, end);
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        out += `[${set.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return out;
}

/** matchPattern is fnmatch(3) without flags: does the whole text match the pattern? */
export function matchPattern(pattern: string, text: string): boolean {
  return new RegExp(`^${patternSource(pattern)}$`, 's').test(text);
}

/** glob expands a pathname pattern against the container's files; hidden files need an explicit dot. */
function glob(host: ExpansionHost, pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let paths = [absolute ? '/' : ''];
  for (const seg of segments) {
    if (seg === '') continue;
    const next: string[] = [];
    for (const base of paths) {
      const dir = base === '' ? host.cwd() : base;
      if (!/[*?[]/.test(seg)) {
        const p = join(base, seg);
        if (host.fs.kind(resolve(host.cwd(), p))) next.push(p);
        continue;
      }
      for (const name of host.fs.list(resolve(host.cwd(), dir)) ?? []) {
        if (name.startsWith('.') && !seg.startsWith('.')) continue;
        if (matchPattern(seg, name)) next.push(join(base, name));
      }
    }
    paths = next;
  }
  return paths.filter((p) => p !== '');
}

function join(base: string, name: string): string {
  if (base === '') return name;
  return base.endsWith('/') ? `${base}${name}` : `${base}/${name}`;
}

function resolve(cwd: string, p: string): string {
  if (p.startsWith('/')) return p.replace(/\/+$/, '') || '/';
  return `${cwd === '/' ? '' : cwd}/${p}`.replace(/\/+$/, '') || '/';
}

/**
 * evaluateArithmetic evaluates shell arithmetic on 64-bit-ish integers:
 * `+ - * / % **`, comparisons, `&& || !`, `?:`, parentheses, and variables by
 * name (an unset one is 0); `x=…` and `x+=…` assign.
 */
export function evaluateArithmetic(expr: string, host: Pick<ExpansionHost, 'param' | 'setVar' | 'fail'>): number {
  const tokens = expr.match(/\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|\*\*|<=|>=|==|!=|&&|\|\||\+=|-=|\*=|\/=|<<|>>|[-+*/%()<>!?:=~&|^])/gy)?.map((t) => t.trim()) ?? [];
  const consumed = tokens.join('').length;
  if (consumed !== expr.replace(/\s+/g, '').length) host.fail(`arithmetic syntax error`);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const value = (name: string): number => {
    const v = host.param(name);
    if (v === undefined || v === '') return 0;
    const n = Number(v.trim());
    return Number.isFinite(n) ? Math.trunc(n) : host.fail(`arithmetic syntax error`);
  };
  const BINARY: Record<string, [number, (a: number, b: number) => number]> = {
    '||': [1, (a, b) => Number(a !== 0 || b !== 0)], '&&': [2, (a, b) => Number(a !== 0 && b !== 0)],
    '|': [3, (a, b) => a | b], '^': [4, (a, b) => a ^ b], '&': [5, (a, b) => a & b],
    '==': [6, (a, b) => Number(a === b)], '!=': [6, (a, b) => Number(a !== b)],
    '<': [7, (a, b) => Number(a < b)], '>': [7, (a, b) => Number(a > b)], '<=': [7, (a, b) => Number(a <= b)], '>=': [7, (a, b) => Number(a >= b)],
    '<<': [8, (a, b) => a << b], '>>': [8, (a, b) => a >> b],
    '+': [9, (a, b) => a + b], '-': [9, (a, b) => a - b],
    '*': [10, (a, b) => a * b], '/': [10, (a, b) => (b === 0 ? host.fail('divide by zero') : Math.trunc(a / b))], '%': [10, (a, b) => (b === 0 ? host.fail('divide by zero') : a % b)],
    '**': [11, (a, b) => a ** b],
  };
  const primary = (): number => {
    const t = tokens[i++];
    if (t === undefined) return host.fail('arithmetic syntax error');
    if (t === '(') {
      const v = ternary();
      if (tokens[i++] !== ')') host.fail('arithmetic syntax error');
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (t === '!') return Number(primary() === 0);
    if (t === '~') return ~primary();
    if (/^\d+$/.test(t)) return Number(t);
    if (/^[A-Za-z_]/.test(t)) {
      const op = peek();
      if (op === '=' || op === '+=' || op === '-=' || op === '*=' || op === '/=') {
        i++;
        const rhs = ternary();
        const old = value(t);
        const v = op === '=' ? rhs : op === '+=' ? old + rhs : op === '-=' ? old - rhs : op === '*=' ? old * rhs : Math.trunc(old / rhs);
        host.setVar(t, String(v));
        return v;
      }
      return value(t);
    }
    return host.fail('arithmetic syntax error');
  };
  const binary = (minPrec: number): number => {
    let left = primary();
    for (;;) {
      const op = peek();
      const entry = op ? BINARY[op] : undefined;
      if (!entry || entry[0] < minPrec) return left;
      i++;
      const right = binary(op === '**' ? entry[0] : entry[0] + 1);
      left = entry[1](left, right);
    }
  };
  const ternary = (): number => {
    const cond = binary(1);
    if (peek() !== '?') return cond;
    i++;
    const a = ternary();
    if (tokens[i++] !== ':') host.fail('arithmetic syntax error');
    const b = ternary();
    return cond !== 0 ? a : b;
  };
  if (!tokens.length) return 0;
  const result = ternary();
  if (i !== tokens.length) host.fail('arithmetic syntax error');
  return result;
}
