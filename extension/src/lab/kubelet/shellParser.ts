/**
 * shellParser reads the POSIX shell language the simulated containers' shells
 * understand into a syntax tree: lists joined by `;`, `&` and newlines, `&&` and
 * `||`, pipelines, simple commands with assignments and redirections, `if`,
 * `while`, `until`, `for`, `case`, `{ …; }` and `( … )`; words with quoting,
 * parameter expansion, command substitution and arithmetic. What it cannot
 * read comes back as the syntax error a shell reports, so an interactive shell
 * can tell an unfinished command (ask for more with PS2) from a wrong one.
 */

import type { AndOr, Command, List, Pipeline, Redirect, Word } from './shellAst';
import { ShellSyntaxError, WordParser } from './shellWordParser';

export { ShellSyntaxError } from './shellWordParser';

const RESERVED = new Set(['if', 'then', 'elif', 'else', 'fi', 'while', 'until', 'do', 'done', 'for', 'in', 'case', 'esac', '{', '}', '!']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** parseScript parses a whole script; it throws ShellSyntaxError. */
export function parseScript(source: string): List {
  const p = new Parser(source);
  const list = p.list(new Set());
  p.skipBlanksAndNewlines();
  if (!p.atEnd()) p.unexpected();
  return list;
}

class Parser extends WordParser {
  /** reserved returns the reserved word here, if the next token is one. */
  private reserved(): string | undefined {
    const w = this.peekWordText();
    if (!w || !RESERVED.has(w)) return undefined;
    const after = this.src[this.pos + w.length] ?? '';
    if (after && !/[\s;&|<>()]/.test(after)) return undefined;
    return w;
  }

  private expectReserved(word: string): void {
    this.skipBlanksAndNewlines();
    if (this.reserved() !== word) this.unexpected();
    this.pos += word.length;
  }

  /** list parses and-or lists until EOF, `)`, `;;` or one of the terminating reserved words. */
  list(terminators: Set<string>): List {
    const items: List['items'] = [];
    for (;;) {
      this.skipBlanksAndNewlines();
      if (this.atEnd() || this.peek() === ')' || this.startsWith(';;')) break;
      const r = this.reserved();
      if (r && terminators.has(r)) break;
      const andOr = this.andOr();
      this.skipBlanks();
      let background = false;
      if (this.startsWith('&') && !this.startsWith('&&')) {
        background = true;
        this.pos++;
      } else if (this.peek() === ';' && !this.startsWith(';;')) {
        this.pos++;
      } else if (this.peek() !== '\n' && !this.atEnd() && this.peek() !== ')' && !this.startsWith(';;')) {
        this.unexpected();
      }
      items.push({ andOr, background });
    }
    return { items };
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      this.skipBlanks();
      const op = this.startsWith('&&') ? '&&' : this.startsWith('||') ? '||' : undefined;
      if (!op) return { first, rest };
      this.pos += 2;
      this.skipBlanksAndNewlines();
      rest.push({ op, pipeline: this.pipeline() });
    }
  }

  private pipeline(): Pipeline {
    this.skipBlanks();
    let negate = false;
    if (this.reserved() === '!') {
      negate = true;
      this.pos++;
    }
    const commands = [this.command()];
    for (;;) {
      this.skipBlanks();
      if (this.peek() !== '|' || this.startsWith('||')) return { negate, commands };
      this.pos++;
      this.skipBlanksAndNewlines();
      commands.push(this.command());
    }
  }

  private command(): Command {
    this.skipBlanks();
    if (this.atEnd()) this.unexpected();
    const r = this.reserved();
    let compound: Command | undefined;
    if (r === 'if') compound = this.ifCommand();
    else if (r === 'while' || r === 'until') compound = this.loop(r === 'until');
    else if (r === 'for') compound = this.forCommand();
    else if (r === 'case') compound = this.caseCommand();
    else if (r === '{') {
      this.pos++;
      const body = this.list(new Set(['}']));
      this.expectReserved('}');
      compound = { type: 'group', body, subshell: false, redirects: [] };
    } else if (r !== undefined && r !== '!') this.unexpected();
    else if (this.peek() === '(') {
      this.pos++;
      const body = this.list(new Set());
      this.skipBlanksAndNewlines();
      if (this.peek() !== ')') this.unexpected();
      this.pos++;
      compound = { type: 'group', body, subshell: true, redirects: [] };
    }
    if (compound) {
      for (;;) {
        this.skipBlanks();
        const redirect = this.redirect();
        if (!redirect) return compound;
        compound.redirects.push(redirect);
      }
    }
    return this.simple();
  }

  private ifCommand(): Command {
    this.pos += 2;
    const clauses: { cond: List; body: List }[] = [];
    let otherwise: List | undefined;
    for (;;) {
      const cond = this.list(new Set(['then']));
      this.expectReserved('then');
      const body = this.list(new Set(['elif', 'else', 'fi']));
      clauses.push({ cond, body });
      this.skipBlanksAndNewlines();
      const r = this.reserved();
      if (r === 'elif') {
        this.pos += 4;
        continue;
      }
      if (r === 'else') {
        this.pos += 4;
        otherwise = this.list(new Set(['fi']));
      }
      this.expectReserved('fi');
      return { type: 'if', clauses, ...(otherwise ? { otherwise } : {}), redirects: [] };
    }
  }

  private loop(until: boolean): Command {
    this.pos += 5;
    const cond = this.list(new Set(['do']));
    this.expectReserved('do');
    const body = this.list(new Set(['done']));
    this.expectReserved('done');
    return { type: 'loop', until, cond, body, redirects: [] };
  }

  private forCommand(): Command {
    this.pos += 3;
    this.skipBlanks();
    const name = this.peekWordText() ?? '';
    if (!NAME.test(name)) this.unexpected();
    this.pos += name.length;
    this.skipBlanksAndNewlines();
    let items: Word[] | undefined;
    if (this.reserved() === 'in') {
      this.pos += 2;
      items = [];
      for (;;) {
        this.skipBlanks();
        if (this.peek() === ';' || this.peek() === '\n' || this.atEnd()) break;
        items.push(this.word());
      }
      if (this.peek() === ';') this.pos++;
    } else if (this.peek() === ';') {
      this.pos++;
    }
    this.expectReserved('do');
    const body = this.list(new Set(['done']));
    this.expectReserved('done');
    return { type: 'for', name, ...(items ? { items } : {}), body, redirects: [] };
  }

  private caseCommand(): Command {
    this.pos += 4;
    this.skipBlanks();
    const word = this.word();
    this.expectReserved('in');
    const items: { patterns: Word[]; body: List }[] = [];
    for (;;) {
      this.skipBlanksAndNewlines();
      if (this.reserved() === 'esac') break;
      if (this.atEnd()) this.unexpected();
      if (this.peek() === '(') this.pos++;
      const patterns: Word[] = [];
      for (;;) {
        this.skipBlanks();
        patterns.push(this.word());
        this.skipBlanks();
        if (this.peek() === '|') {
          this.pos++;
          continue;
        }
        if (this.peek() !== ')') this.unexpected();
        this.pos++;
        break;
      }
      const body = this.list(new Set(['esac']));
      items.push({ patterns, body });
      this.skipBlanksAndNewlines();
      if (this.startsWith(';;')) this.pos += 2;
      else if (this.reserved() !== 'esac') this.unexpected();
    }
    this.pos += 4;
    return { type: 'case', word, items, redirects: [] };
  }

  private simple(): Command {
    const assignments: { name: string; value: Word }[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.atEnd() || this.peek() === '\n') break;
      const redirect = this.redirect();
      if (redirect) {
        redirects.push(redirect);
        continue;
      }
      const op = this.operator();
      if (op) {
        if (op === '(' && words.length === 0 && assignments.length === 0) this.unexpected();
        break;
      }
      if (words.length === 0) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(this.src.slice(this.pos));
        if (m) {
          this.pos += m[0].length;
          assignments.push({ name: m[1], value: this.word(true) });
          continue;
        }
      }
      words.push(this.word());
    }
    if (!words.length && !assignments.length && !redirects.length) this.unexpected();
    return { type: 'simple', assignments, words, redirects };
  }

  /** redirect parses `[n]op word` here, or returns undefined. */
  private redirect(): Redirect | undefined {
    const m = /^(\d*)(>>|>&|<&|&>|>\||<|>)/.exec(this.src.slice(this.pos));
    if (!m) return undefined;
    const op = m[2] as Redirect['op'];
    if (op === '&>' && m[1]) return undefined;
    this.pos += m[0].length;
    this.skipBlanks();
    if (this.atEnd() || this.operator() || this.peek() === '\n') this.unexpected();
    const fd = m[1] ? Number(m[1]) : op === '<' || op === '<&' ? 0 : 1;
    return { fd, op, target: this.word() };
  }

  protected backquoted(): List {
    let i = this.pos + 1;
    let inner = '';
    for (;;) {
      const c = this.src[i];
      if (c === undefined) throw new ShellSyntaxError('syntax error: unterminated quoted string', true, '`');
      if (c === '`') break;
      if (c === '\\' && '$`\\'.includes(this.src[i + 1] ?? '')) {
        inner += this.src[i + 1];
        i += 2;
      } else {
        inner += c;
        i++;
      }
    }
    this.pos = i + 1;
    return parseScript(inner);
  }
}
