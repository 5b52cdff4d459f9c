/**
 * Transport carries API requests, watch streams and streamed responses (a
 * followed pod log) to an API server: in-process
 * (tests, the worker's own components), over the worker channel (the extension
 * host), or over HTTP (later, a real cluster).
 */
import type { ApiRequest, ApiResponse, ApiServer } from '../apiserver/apiServer';
import { isStatus, type Status, type WatchEvent } from '../api/types';
import { plainClone } from './plainClone';

export interface WatchHandle {
  cancel(): void;
}

export interface Transport {
  request(req: ApiRequest): Promise<ApiResponse>;
  /** watch streams events until cancelled or ended by the server; onEnd receives the error that ended it, if any. */
  watch(req: ApiRequest, onEvent: (e: WatchEvent) => void, onEnd: (error?: Status) => void): Promise<WatchHandle>;
  /**
   * stream reads a streamed response (pods/<name>/log?follow=true): its text as
   * it comes, then its end, with the Status that refused it, if any. onEnd runs
   * once, and never after cancel().
   */
  stream(req: ApiRequest, onChunk: (chunk: string) => void, onEnd: (error?: Status) => void): Promise<WatchHandle>;
}

/**
 * InProcessTransport calls the API server directly. Request bodies are copied so
 * a component can never share an object with the store, as over a real wire,
 * unless the caller hands the body over (ApiRequest.handOver).
 */
export class InProcessTransport implements Transport {
  /** token is the bearer token the client presents, as a component's kubeconfig carries one. */
  constructor(private readonly server: ApiServer, private readonly token?: string) {}

  private sign(req: ApiRequest): ApiRequest {
    return this.token ? { ...req, headers: { ...req.headers, authorization: `Bearer ${this.token}` } } : req;
  }

  request(req: ApiRequest): Promise<ApiResponse> {
    return this.server.handle(this.sign(req.body === undefined || req.handOver ? req : { ...req, body: plainClone(req.body) }));
  }

  async watch(req: ApiRequest, onEvent: (e: WatchEvent) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
    let lastError: Status | undefined;
    const res = await this.server.watch(this.sign(req), {
      event: (e) => {
        if (e.type === 'ERROR') lastError = e.object as Status;
        onEvent(e);
      },
      close: () => onEnd(lastError),
    });
    if ('status' in res) {
      onEnd(res.body as Status);
      return { cancel: () => undefined };
    }
    return res;
  }

  stream(req: ApiRequest, onChunk: (chunk: string) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
    return openStream(this.server, this.sign(req), onChunk, onEnd);
  }
}

/**
 * openStream starts a streamed response on the server. A request the server
 * answers at once (refused, or with nothing to follow) ends the stream with
 * that answer: a failure's Status, or the text of a plain 200.
 */
export async function openStream(server: ApiServer, req: ApiRequest, onChunk: (chunk: string) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
  let cancelled = false;
  let ended = false;
  const end = (error?: Status): void => {
    if (cancelled || ended) return;
    ended = true;
    onEnd(error);
  };
  const started = await server.streamLog(req, {
    write: (chunk) => {
      if (!cancelled && !ended && chunk) onChunk(chunk);
    },
    end: () => end(),
  });
  if ('status' in started) {
    const body = started.body;
    if (isStatus(body) && body.status === 'Failure') end(body);
    else {
      if (typeof body === 'string' && body) onChunk(body);
      end();
    }
    return { cancel: () => void (cancelled = true) };
  }
  return {
    cancel: () => {
      if (cancelled) return;
      cancelled = true;
      started.cancel();
    },
  };
}
