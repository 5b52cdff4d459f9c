/**
 * TabWriter is Go's text/tabwriter as `kubectl describe` configures it
 * (minwidth 0, tabwidth 8, padding 2, padchar ' ', no flags): tab-terminated
 * cells in contiguous lines form a column padded to its widest cell plus two.
 * A line without a tab, or a Flush, ends every open column block, exactly as
 * the Elastic Tabstops filter does, so describe's sections align the way
 * kubectl's do byte for byte.
 */

interface Cell {
  text: string;
  /** width is the text's width in code points, as tabwriter counts runes. */
  width: number;
  /** htab is true when a '\t' (not a '\v') ended the cell. */
  htab: boolean;
}

function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export class TabWriter {
  private out = '';
  private lines: Cell[][] = [[]];
  private cell = '';
  private widths: number[] = [];

  constructor(private readonly minwidth = 0, private readonly padding = 2, private readonly padchar = ' ') {}

  /** write splits text into cells; a line holding a single cell lets everything before it be laid out. */
  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\t' && ch !== '\v' && ch !== '\n' && ch !== '\f') continue;
      this.cell += text.slice(start, i);
      start = i + 1;
      const cells = this.terminateCell(ch === '\t');
      if (ch === '\n' || ch === '\f') {
        this.lines.push([]);
        if (ch === '\f' || cells === 1) this.flush();
      }
    }
    this.cell += text.slice(start);
  }

  /** flush lays out everything buffered and starts new column blocks. */
  flush(): void {
    if (this.cell.length > 0) this.terminateCell(false);
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.cell = '';
    this.widths = [];
  }

  /** text flushes and returns all output so far. */
  text(): string {
    this.flush();
    return this.out;
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1];
    line.push({ text: this.cell, width: runeCount(this.cell), htab });
    this.cell = '';
    return line.length;
  }

  /** format is tabwriter's format: each column block gets its width, then the columns to its right are laid out inside it. */
  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= this.lines[row].length - 1) continue;
      this.writeLines(line0, row);
      line0 = row;
      let width = this.minwidth;
      for (; row < line1; row++) {
        const line = this.lines[row];
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column].width + this.padding);
      }
      this.widths.push(width);
      this.format(line0, row);
      this.widths.pop();
      line0 = row;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i];
      line.forEach((c, j) => {
        this.out += c.text;
        if (j < this.widths.length) this.out += this.padchar.repeat(Math.max(0, this.widths[j] - c.width));
      });
      // The last buffered line has no newline yet: only its incomplete cell follows.
      this.out += i + 1 === this.lines.length ? this.cell : '\n';
    }
  }
}
