/**
 * sink writes audit events as JSON lines, as upstream's log backend with its
 * buffered wrapper: events are serialised when they happen, handed to an
 * injected writer, and queued while an asynchronous write is in flight. The
 * queue is bounded; past it events are dropped and counted rather than let
 * a slow file or channel grow the server's memory.
 */
import type { AuditEvent } from './types';

/** AuditWriter receives one line (JSON and a newline); a returned promise makes the sink wait before writing the next. */
export type AuditWriter = (line: string) => void | Promise<void>;

/** DEFAULT_MAX_BUFFERED is upstream's default audit buffer size (--audit-log-buffer-size). */
export const DEFAULT_MAX_BUFFERED = 10_000;

/** AuditSink is where the logger sends finished stages. */
export class AuditSink {
  private readonly queue: string[] = [];
  private writing = false;
  private idle: (() => void)[] = [];
  /** dropped counts events refused because the queue was full (apiserver_audit_event_total's missing ones). */
  dropped = 0;

  constructor(private readonly write: AuditWriter, private readonly maxBuffered = DEFAULT_MAX_BUFFERED) {}

  /** processEvent serialises the event now and writes or queues it; false means it was dropped. */
  processEvent(event: AuditEvent): boolean {
    const line = `${JSON.stringify(event)}\n`;
    if (this.writing) {
      if (this.queue.length >= this.maxBuffered) {
        this.dropped++;
        return false;
      }
      this.queue.push(line);
      return true;
    }
    this.drain(line);
    return true;
  }

  /** flush resolves once every accepted event has been written. */
  flush(): Promise<void> {
    return this.writing ? new Promise((resolve) => this.idle.push(resolve)) : Promise.resolve();
  }

  /** drain writes lines until a write is asynchronous; its completion drains on. */
  private drain(first: string | undefined): void {
    for (let next = first; next !== undefined; next = this.queue.shift()) {
      const pending = this.writeSafely(next);
      if (pending) {
        this.writing = true;
        void pending.then(() => this.drain(this.queue.shift()));
        return;
      }
    }
    this.writing = false;
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }

  /** writeSafely never lets a failing writer break the request path: a failed line is lost, as a failed backend write is upstream. */
  private writeSafely(line: string): Promise<void> | undefined {
    try {
      const r = this.write(line);
      return r instanceof Promise ? r.catch(() => undefined) : undefined;
    } catch {
      return undefined;
    }
  }
}
