/**
 * shellWordParser is the lexical half of the simulated shell's parser: the
 * cursor over the source (blanks, comments, line continuations, operators)
 * and the words, with their quoting, parameter expansions, command
 * substitutions and arithmetic. The grammar of commands (shellParser) builds
 * on it; the words' command substitutions call back into that grammar.
 */

import type { List, Part, Word } from './shellAst';

/** ShellSyntaxError is a script the shell cannot read; incomplete means more input could finish it. */
export class ShellSyntaxError extends Error {
  constructor(message: string, readonly incomplete: boolean, readonly token: string) {
    super(message);
  }
}

const SPECIAL_PARAMS = new Set(['?', '$', '#', '@', '*', '!', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** WordParser reads the shell's words at a position in the source; a subclass supplies the grammar of lists. */
export abstract class WordParser {
  protected pos = 0;

  constructor(protected readonly src: string) {}

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  protected peek(n = 0): string {
    return this.src[this.pos + n] ?? '';
  }

  protected startsWith(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  /** skipBlanks skips spaces, tabs, line continuations and a comment. */
  protected skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.peek(1) === '\n') this.pos += 2;
      else if (c === '#') {
        while (!this.atEnd() && this.peek() !== '\n') this.pos++;
      } else return;
    }
  }

  skipBlanksAndNewlines(): void {
    for (;;) {
      this.skipBlanks();
      if (this.peek() === '\n') this.pos++;
      else return;
    }
  }

  /** unexpected throws the shell's complaint about the token here. */
  unexpected(): never {
    if (this.atEnd()) throw new ShellSyntaxError('syntax error: unexpected end of file', true, 'end of file');
    const op = this.operator();
    const token = op ?? (this.peek() === '\n' ? 'newline' : this.peekWordText() ?? this.peek());
    throw new ShellSyntaxError(`syntax error: unexpected "${token}"`, false, token);
  }

  /** operator returns the control or redirection operator here, if any. */
  protected operator(): string | undefined {
    for (const op of [';;', '&&', '||', '>>', '>&', '<&', '&>', '>|', ';', '&', '|', '(', ')', '<', '>']) if (this.startsWith(op)) return op;
    return undefined;
  }

  /** peekWordText is the literal text of the next word when it is unquoted and plain (a reserved word candidate). */
  protected peekWordText(): string | undefined {
    const m = /^[^\s;&|<>()'"`\\$]+/.exec(this.src.slice(this.pos));
    return m ? m[0] : undefined;
  }

  /** list parses and-or lists until EOF, `)`, `;;` or one of the terminating reserved words; `$( … )` holds one. */
  abstract list(terminators: Set<string>): List;

  /** backquoted reads a `` `…` `` command substitution as the script it holds. */
  protected abstract backquoted(): List;

  /** word reads one word; an assignment's value may be empty. */
  protected word(allowEmpty = false): Word {
    const parts: Part[] = [];
    const lit = (text: string, quoted: boolean): void => {
      const last = parts.at(-1);
      if (last && last.kind === 'lit' && last.quoted === quoted) last.text += text;
      else parts.push({ kind: 'lit', text, quoted });
    };
    if (this.peek() === '~' && (this.peek(1) === '/' || this.peek(1) === '' || /[\s;&|<>()]/.test(this.peek(1)))) {
      parts.push({ kind: 'tilde' });
      this.pos++;
    }
    for (;;) {
      const c = this.peek();
      if (c === '' || /[\s;&|<>()]/.test(c)) break;
      if (c === '\\') {
        if (this.peek(1) === '\n') this.pos += 2;
        else {
          lit(this.peek(1), true);
          this.pos += 2;
        }
      } else if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string', true, "'");
        lit(this.src.slice(this.pos + 1, end), true);
        if (end === this.pos + 1) parts.push({ kind: 'lit', text: '', quoted: true });
        this.pos = end + 1;
      } else if (c === '"') {
        this.pos++;
        const before = parts.length;
        this.doubleQuoted(parts, lit);
        if (parts.length === before) parts.push({ kind: 'lit', text: '', quoted: true });
      } else if (c === '$') {
        this.dollar(parts, lit, false);
      } else if (c === '`') {
        parts.push({ kind: 'cmd', list: this.backquoted(), quoted: false });
      } else {
        lit(c, false);
        this.pos++;
      }
    }
    if (!parts.length && !allowEmpty) this.unexpected();
    return { parts };
  }

  private doubleQuoted(parts: Part[], lit: (text: string, quoted: boolean) => void): void {
    for (;;) {
      const c = this.peek();
      if (c === '') throw new ShellSyntaxError('syntax error: unterminated quoted string', true, '"');
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\' && '$`"\\\n'.includes(this.peek(1))) {
        if (this.peek(1) !== '\n') lit(this.peek(1), true);
        this.pos += 2;
      } else if (c === '$') {
        this.dollar(parts, lit, true);
      } else if (c === '`') {
        parts.push({ kind: 'cmd', list: this.backquoted(), quoted: true });
      } else {
        lit(c, true);
        this.pos++;
      }
    }
  }

  /** dollar reads an expansion starting at `$`; a `$` that starts none is a literal. */
  private dollar(parts: Part[], lit: (text: string, quoted: boolean) => void, quoted: boolean): void {
    const next = this.peek(1);
    if (this.startsWith('$((')) {
      let depth = 0;
      let i = this.pos + 3;
      for (; i < this.src.length; i++) {
        if (this.src[i] === '(') depth++;
        else if (this.src[i] === ')') {
          if (depth === 0 && this.src[i + 1] === ')') break;
          depth--;
        }
      }
      if (i >= this.src.length) throw new ShellSyntaxError('syntax error: unterminated arithmetic expression', true, '$((');
      parts.push({ kind: 'arith', expr: this.src.slice(this.pos + 3, i), quoted });
      this.pos = i + 2;
    } else if (next === '(') {
      this.pos += 2;
      const list = this.list(new Set());
      this.skipBlanksAndNewlines();
      if (this.atEnd()) throw new ShellSyntaxError('syntax error: unexpected end of file (expecting ")")', true, ')');
      if (this.peek() !== ')') this.unexpected();
      this.pos++;
      parts.push({ kind: 'cmd', list, quoted });
    } else if (next === '{') {
      this.pos += 2;
      parts.push(this.braced(quoted));
    } else if (SPECIAL_PARAMS.has(next)) {
      parts.push({ kind: 'param', name: next, quoted });
      this.pos += 2;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos + 1));
      if (m) {
        parts.push({ kind: 'param', name: m[0], quoted });
        this.pos += 1 + m[0].length;
      } else {
        lit('$', quoted);
        this.pos++;
      }
    }
  }

  /** braced reads `${name}`, `${#name}` and `${name<op>word}` after the `${`. */
  private braced(quoted: boolean): Part {
    let length = false;
    if (this.peek() === '#' && this.peek(1) !== '}') {
      length = true;
      this.pos++;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[?$#@*!0-9-])/.exec(this.src.slice(this.pos));
    if (!m) throw new ShellSyntaxError('syntax error: bad substitution', false, '${');
    this.pos += m[1].length;
    const opMatch = /^(:-|:=|:\+|:\?|-|=|\+|\?|##|#|%%|%)/.exec(this.src.slice(this.pos));
    if (!opMatch) {
      if (this.peek() !== '}') throw new ShellSyntaxError('syntax error: bad substitution', this.atEnd(), '${');
      this.pos++;
      return { kind: 'param', name: m[1], ...(length ? { length } : {}), quoted };
    }
    this.pos += opMatch[1].length;
    const argParts: Part[] = [];
    const lit = (text: string, q: boolean): void => {
      const last = argParts.at(-1);
      if (last && last.kind === 'lit' && last.quoted === q) last.text += text;
      else argParts.push({ kind: 'lit', text, quoted: q });
    };
    for (;;) {
      const c = this.peek();
      if (c === '') throw new ShellSyntaxError('syntax error: missing }', true, '${');
      if (c === '}') {
        this.pos++;
        break;
      }
      if (c === '$') this.dollar(argParts, lit, quoted);
      else if (c === '"') {
        this.pos++;
        this.doubleQuoted(argParts, lit);
      } else if (c === "'" && !quoted) {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string', true, "'");
        lit(this.src.slice(this.pos + 1, end), true);
        this.pos = end + 1;
      } else if (c === '\\') {
        lit(this.peek(1), true);
        this.pos += 2;
      } else {
        lit(c, quoted);
        this.pos++;
      }
    }
    return { kind: 'param', name: m[1], op: opMatch[1], arg: { parts: argParts }, quoted };
  }
}
