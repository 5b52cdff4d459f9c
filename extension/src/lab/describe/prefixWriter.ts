/**
 * PrefixWriter is describe.go's prefixWriter over a TabWriter: each level
 * indents two spaces, and text is escaped as printers.WriteEscaped does
 * (ESC becomes `^[`, CR becomes `\r`) so an object cannot drive the terminal.
 */
import { TabWriter } from './tabWriter';

function escapeTerminal(s: string): string {
  return s.replace(/\x1b/g, '^[').replace(/\r/g, '\\r');
}

export class PrefixWriter {
  constructor(private readonly out: TabWriter, private readonly indent = 0) {}

  /** write writes text indented by level (plus the writer's own indent). */
  write(level: number, text: string): void {
    this.out.write(escapeTerminal('  '.repeat(level + this.indent) + text));
  }

  /** writeLine is WriteLine: the text and a newline, indented only inside a nested writer. */
  writeLine(text = ''): void {
    if (this.indent > 0) this.write(0, `${text}\n`);
    else this.out.write(escapeTerminal(`${text}\n`));
  }

  /** flush ends the current column blocks, so what follows aligns on its own. */
  flush(): void {
    this.out.flush();
  }

  /** nested is NewNestedPrefixWriter: the same output, indent levels deeper. */
  nested(indent: number): PrefixWriter {
    return new PrefixWriter(this.out, this.indent + indent);
  }
}

/** tabbedString is describe.go's tabbedString: run body against a fresh tabwriter (0, 8, 2, ' ') and return its output. */
export function tabbedString(body: (w: PrefixWriter) => void): string {
  const tw = new TabWriter(0, 2, ' ');
  body(new PrefixWriter(tw));
  return tw.text();
}
