/**
 * pipe is the byte plumbing between a simulated process and whatever feeds it:
 * a Pipe carries chunks from one writer to one reader, in order, until the
 * writer ends it. Readers pull (`read`, `readLine`) so a shell and the commands
 * it runs can share one stdin the way they share a file descriptor.
 */

/** Output is where a process writes: its stdout, its stderr, a connection's other end. */
export interface Output {
  write(data: string | Uint8Array): void;
}

/** Pipe is a one-way byte stream with a buffered, pulling reader. */
export class Pipe implements Output {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private wakers: (() => void)[] = [];
  private readonly endListeners: (() => void)[] = [];

  /** write queues data for the reader; after end it is dropped. */
  write(data: string | Uint8Array): void {
    if (this.ended || data.length === 0) return;
    this.buffer = Buffer.concat([this.buffer, typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)]);
    this.notify();
  }

  /** end tells the reader no more data comes once the buffer is drained. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.notify();
    for (const fn of this.endListeners.splice(0)) fn();
  }

  /** isEnded says whether the writer has ended the pipe (data may still be buffered). */
  get isEnded(): boolean {
    return this.ended;
  }

  /** onEnd runs fn once the writer ends the pipe (at once if it already has). */
  onEnd(fn: () => void): void {
    if (this.ended) fn();
    else this.endListeners.push(fn);
  }

  /** read resolves with the buffered bytes, waiting for some; null once the pipe is ended and drained. */
  async read(): Promise<Buffer | null> {
    while (this.buffer.length === 0) {
      if (this.ended) return null;
      await this.waitForData();
    }
    const out = this.buffer;
    this.buffer = Buffer.alloc(0);
    return out;
  }

  /** readLine resolves with the next line without its newline; a last line without one; null at the end. */
  async readLine(): Promise<string | null> {
    for (;;) {
      const nl = this.buffer.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buffer.subarray(0, nl).toString();
        this.buffer = this.buffer.subarray(nl + 1);
        return line;
      }
      if (this.ended) {
        if (this.buffer.length === 0) return null;
        const line = this.buffer.toString();
        this.buffer = Buffer.alloc(0);
        return line;
      }
      await this.waitForData();
    }
  }

  /** readAll resolves with everything written until the end. */
  async readAll(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for (let c = await this.read(); c; c = await this.read()) chunks.push(c);
    return Buffer.concat(chunks);
  }

  private waitForData(): Promise<void> {
    return new Promise((resolve) => {
      this.wakers.push(resolve);
    });
  }

  private notify(): void {
    for (const wake of this.wakers.splice(0)) wake();
  }
}

/** closedPipe is an input with nothing in it: /dev/null, or a process started without stdin. */
export function closedPipe(): Pipe {
  const p = new Pipe();
  p.end();
  return p;
}

/** Collector is an Output that keeps what is written, for tests and command substitution. */
export class Collector implements Output {
  private chunks: Buffer[] = [];

  write(data: string | Uint8Array): void {
    this.chunks.push(Buffer.from(data));
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}
