/**
 * Transport carries API requests and watch streams to an API server: in-process
 * (tests, the worker's own components), over the worker channel (the extension
 * host), or over HTTP (later, a real cluster).
 */
import type { ApiRequest, ApiResponse, ApiServer } from '../apiserver/apiServer';
import type { Status, WatchEvent } from '../api/types';

export interface WatchHandle {
  cancel(): void;
}

export interface Transport {
  request(req: ApiRequest): Promise<ApiResponse>;
  /** watch streams events until cancelled or ended by the server; onEnd receives the error that ended it, if any. */
  watch(req: ApiRequest, onEvent: (e: WatchEvent) => void, onEnd: (error?: Status) => void): Promise<WatchHandle>;
}

/**
 * InProcessTransport calls the API server directly. Request bodies are copied so
 * a component can never share an object with the store, as over a real wire.
 */
export class InProcessTransport implements Transport {
  /** token is the bearer token the client presents, as a component's kubeconfig carries one. */
  constructor(private readonly server: ApiServer, private readonly token?: string) {}

  private sign(req: ApiRequest): ApiRequest {
    return this.token ? { ...req, headers: { ...req.headers, authorization: `Bearer ${this.token}` } } : req;
  }

  request(req: ApiRequest): Promise<ApiResponse> {
    return this.server.handle(this.sign(req.body === undefined ? req : { ...req, body: structuredClone(req.body) }));
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
}
