/**
 * Tty is the pseudo-terminal the runtime gives a process started with a TTY
 * (`kubectl exec -it`, a pod with `tty: true`): the line discipline in canonical
 * mode. Keystrokes are echoed back, edited with backspace and ^U, and handed to
 * the reader a line at a time; ^C interrupts the foreground process, ^D on an
 * empty line is end-of-file for one read, and output newlines become CR LF.
 */
import type { Output } from './pipe';
import type { Reader } from './process';

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_U = 0x15;
const BACKSPACE = 0x08;
const DELETE = 0x7f;
const ESC = 0x1b;

export class Tty implements Reader {
  /** columns and rows follow the client's resize events. */
  columns = 80;
  rows = 24;
  /** onInterrupt is SIGINT for the foreground process group; the shell sets it. */
  onInterrupt?: () => void;
  private editing: number[] = [];
  private readonly ready: (Buffer | null)[] = [];
  private closed = false;
  private escape = 0;
  private wakers: (() => void)[] = [];
  /** output is the terminal's screen side: what processes write, with LF turned into CR LF. */
  readonly output: Output;

  constructor(private readonly screen: Output) {
    this.output = { write: (data) => screen.write(Buffer.from(Buffer.from(data).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1')) };
  }

  /** input takes bytes typed at the client's terminal. */
  input(data: Uint8Array): void {
    for (const b of data) this.key(b);
    this.notify();
  }

  /** resize records the client's terminal size. */
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
  }

  /** end is the client closing its input: readers see end-of-file from now on. */
  end(): void {
    this.closed = true;
    this.notify();
  }

  async read(): Promise<Buffer | null> {
    for (;;) {
      if (this.ready.length) return this.ready.shift() ?? null;
      if (this.closed) return null;
      await new Promise<void>((resolve) => this.wakers.push(resolve));
    }
  }

  async readLine(): Promise<string | null> {
    const chunk = await this.read();
    return chunk === null ? null : chunk.toString().replace(/\n$/, '');
  }

  private key(b: number): void {
    if (this.escape) {
      // Skip cursor keys and the like: ESC [ … final byte.
      if (this.escape === 1) this.escape = b === 0x5b || b === 0x4f ? 2 : 0;
      else if (b >= 0x40 && b <= 0x7e) this.escape = 0;
      return;
    }
    if (b === ESC) {
      this.escape = 1;
    } else if (b === 0x0d || b === 0x0a) {
      this.screen.write('\r\n');
      this.ready.push(Buffer.from([...this.editing, 0x0a]));
      this.editing = [];
    } else if (b === DELETE || b === BACKSPACE) {
      if (this.editing.length) {
        this.editing.pop();
        this.screen.write('\b \b');
      }
    } else if (b === CTRL_U) {
      this.screen.write('\b \b'.repeat(this.editing.length));
      this.editing = [];
    } else if (b === CTRL_C) {
      this.screen.write('^C\r\n');
      this.editing = [];
      this.ready.length = 0;
      this.onInterrupt?.();
      // A reader waiting at a prompt wakes with an empty line and prompts again.
      if (this.wakers.length) this.ready.push(Buffer.alloc(0));
    } else if (b === CTRL_D) {
      if (this.editing.length) {
        this.ready.push(Buffer.from(this.editing));
        this.editing = [];
      } else {
        this.ready.push(null);
      }
    } else if (b >= 0x20 || b === 0x09) {
      this.editing.push(b);
      this.screen.write(Buffer.from([b]));
    }
  }

  private notify(): void {
    for (const wake of this.wakers.splice(0)) wake();
  }
}
