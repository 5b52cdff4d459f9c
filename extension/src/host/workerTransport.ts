/**
 * WorkerTransport is the host's side of the lab channel: it turns KubeClient
 * calls into channel messages and routes answers, watch events and streamed
 * text back.
 */
import type { ApiRequest, ApiResponse } from '../lab/apiserver/apiServer';
import type { Status, WatchEvent } from '../lab/api/types';
import type { HostMessage, LabMessage } from '../lab/channel';
import type { Transport, WatchHandle } from '../lab/client/transport';

/** Port is the part of a Worker the transport uses. */
export interface Port {
  postMessage(m: HostMessage): void;
}

export class WorkerTransport implements Transport {
  private nextId = 1;
  private readonly pending = new Map<number, (r: ApiResponse) => void>();
  private readonly watches = new Map<number, { onEvent: (e: WatchEvent) => void; onEnd: (error?: Status) => void }>();
  private readonly streams = new Map<number, { onChunk: (chunk: string) => void; onEnd: (error?: Status) => void }>();

  constructor(private readonly port: Port) {}

  request(request: ApiRequest): Promise<ApiResponse> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.port.postMessage({ type: 'request', id, request });
    });
  }

  watch(request: ApiRequest, onEvent: (e: WatchEvent) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
    const id = this.nextId++;
    this.watches.set(id, { onEvent, onEnd });
    this.port.postMessage({ type: 'watch', id, request });
    return Promise.resolve({
      cancel: () => {
        if (!this.watches.delete(id)) return;
        this.port.postMessage({ type: 'unwatch', id });
      },
    });
  }

  stream(request: ApiRequest, onChunk: (chunk: string) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
    const id = this.nextId++;
    this.streams.set(id, { onChunk, onEnd });
    this.port.postMessage({ type: 'stream', id, request });
    return Promise.resolve({
      cancel: () => {
        if (!this.streams.delete(id)) return;
        this.port.postMessage({ type: 'unstream', id });
      },
    });
  }

  /** receive routes one message from the lab; it returns false for messages that are not the transport's. */
  receive(m: LabMessage): boolean {
    switch (m.type) {
      case 'response':
        this.pending.get(m.id)?.(m.response);
        this.pending.delete(m.id);
        return true;
      case 'watchEvents': {
        const w = this.watches.get(m.id);
        if (w) for (const e of m.events) w.onEvent(e);
        return true;
      }
      case 'watchEnd':
        this.watches.get(m.id)?.onEnd(m.error);
        this.watches.delete(m.id);
        return true;
      case 'streamData':
        this.streams.get(m.id)?.onChunk(m.chunk);
        return true;
      case 'streamEnd': {
        const s = this.streams.get(m.id);
        this.streams.delete(m.id);
        s?.onEnd(m.error);
        return true;
      }
      case 'state':
      case 'served':
      case 'controlResult':
      case 'persisted':
        return false;
    }
  }

  /** fail answers everything outstanding when the worker goes away. */
  fail(message: string): void {
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'ServiceUnavailable', code: 503 };
    for (const resolve of this.pending.values()) resolve({ status: 503, body: status });
    this.pending.clear();
    for (const w of this.watches.values()) w.onEnd(status);
    this.watches.clear();
    const streams = [...this.streams.values()];
    this.streams.clear();
    for (const s of streams) s.onEnd(status);
  }
}
