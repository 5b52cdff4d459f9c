/**
 * ChannelStreams serves the channel's streamed responses in the worker: each
 * `stream` message opens a followed pods/log on the API server; its text goes
 * back as `streamData`, joined per turn of the event loop as watch events are
 * batched, and its end as `streamEnd`, after the last of its text.
 */
import type { Status } from './api/types';
import type { ApiRequest, ApiServer } from './apiserver/apiServer';
import type { LabMessage } from './channel';
import { openStream } from './client/transport';

/** NOT_RUNNING ends a stream asked of a worker whose lab does not run, as the worker answers a request then. */
const NOT_RUNNING: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the lab is not running', reason: 'ServiceUnavailable', code: 503 };

interface OpenStream {
  cancel?: () => void;
  /** cancelled is set by `unstream`, which may arrive before the API server has started the stream. */
  cancelled: boolean;
}

export class ChannelStreams {
  private readonly open = new Map<number, OpenStream>();
  private readonly pending = new Map<number, string>();
  private flushScheduled = false;

  constructor(private readonly post: (m: LabMessage) => void) {}

  /** start opens stream id on server (undefined while the lab does not run: the stream ends with 503). */
  async start(id: number, server: ApiServer | undefined, request: ApiRequest): Promise<void> {
    if (!server) {
      this.post({ type: 'streamEnd', id, error: NOT_RUNNING });
      return;
    }
    const entry: OpenStream = { cancelled: false };
    this.open.set(id, entry);
    const handle = await openStream(server, request, (chunk) => this.queue(id, chunk), (error) => {
      this.open.delete(id);
      // Ends go after the text queued before them: setImmediate runs in order.
      setImmediate(() => this.post({ type: 'streamEnd', id, ...(error ? { error } : {}) }));
    });
    if (entry.cancelled) handle.cancel();
    else entry.cancel = () => handle.cancel();
  }

  /** stop cancels stream id at the host's request; nothing more is sent for it. */
  stop(id: number): void {
    const entry = this.open.get(id);
    if (!entry) return;
    this.open.delete(id);
    this.pending.delete(id);
    entry.cancelled = true;
    entry.cancel?.();
  }

  /** stopAll ends every stream, as the lab stops: the host is told each ended, after the text already queued. */
  stopAll(): void {
    for (const id of [...this.open.keys()]) {
      const entry = this.open.get(id);
      this.open.delete(id);
      if (entry) entry.cancelled = true;
      entry?.cancel?.();
      setImmediate(() => this.post({ type: 'streamEnd', id }));
    }
  }

  private queue(id: number, chunk: string): void {
    if (!this.open.has(id)) return;
    this.pending.set(id, (this.pending.get(id) ?? '') + chunk);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const [sid, text] of this.pending) this.post({ type: 'streamData', id: sid, chunk: text });
      this.pending.clear();
    });
  }
}
