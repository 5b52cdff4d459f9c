/**
 * RemoteTransport carries the lab client's requests to any Kubernetes API
 * server a kubeconfig context names, over HTTP(S) as client-go does: the
 * server URL, TLS and credentials from @kubernetes/client-node's KubeConfig
 * (so exec and auth-provider plugins work), JSON bodies, `Warning` headers,
 * and watches read as a stream of JSON lines. Answers keep the shape the lab's
 * own transports give: a Status for every failure, never a throw.
 */
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Status, WatchEvent } from '../lab/api/types';
import { isStatus } from '../lab/api/types';
import type { ApiRequest, ApiResponse } from '../lab/apiserver/apiServer';
import type { Transport, WatchHandle } from '../lab/client/transport';
import type { KubeConfig } from './kubeconfig';
import { parseWarningHeaders } from './warningHeaders';

/** REQUEST_IDLE_TIMEOUT_MS is how long a request (not a watch) may wait on a silent connection. */
export const REQUEST_IDLE_TIMEOUT_MS = 30_000;

/** MAX_UNSTRUCTURED_RESPONSE_TEXT_BYTES caps the text of a non-Status error kept in the Status made for it, as client-go does. */
const MAX_UNSTRUCTURED_RESPONSE_TEXT_BYTES = 2048;

export interface RemoteTransportOptions {
  /** userAgent is sent on every request; the API server takes its product name as the field manager of writes. */
  userAgent?: string;
  /** onUnreachable hears of a request that got no HTTP answer at all (refused, reset, TLS failure, no credentials). */
  onUnreachable?: (message: string) => void;
  idleTimeoutMs?: number;
}

type Sent = { res: IncomingMessage; req: ClientRequest } | { failure: Status };

/** StreamReader takes a long-running response's text: data and flush return a Status to end it with an error. */
interface StreamReader {
  data(chunk: string): Status | undefined;
  flush(): Status | undefined;
  end(error?: Status): void;
}

const NO_WATCH: WatchHandle = { cancel: () => undefined };

export class RemoteTransport implements Transport {
  private readonly base: URL;
  private readonly open = new Set<ClientRequest>();
  private readonly agents = new Set<http.Agent>();
  private closed = false;

  /** kc's current context is the cluster and user every request goes as. */
  constructor(private readonly kc: KubeConfig, private readonly options: RemoteTransportOptions = {}) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`context "${kc.getCurrentContext()}" names no cluster defined in the kubeconfig`);
    this.base = new URL(cluster.server);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') throw new Error(`cluster "${cluster.name}" has server ${cluster.server}: only https:// and http:// are supported`);
  }

  /** server is the API server's URL. */
  get server(): string {
    return this.base.toString().replace(/\/$/, '');
  }

  async request(req: ApiRequest): Promise<ApiResponse> {
    const sent = await this.send(req, false);
    if ('failure' in sent) return { status: sent.failure.code, body: sent.failure };
    let text: string;
    try {
      text = await readAll(sent.res);
    } catch (err) {
      return this.unreachable(req, err);
    }
    return answer(req, sent.res, text);
  }

  /** watch reads the stream as the API server writes it: one JSON event per line. */
  watch(req: ApiRequest, onEvent: (e: WatchEvent) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
    let lastError: Status | undefined;
    let pending = '';
    const line = (text: string): Status | undefined => {
      if (!text.trim()) return undefined;
      let e: WatchEvent;
      try {
        e = JSON.parse(text) as WatchEvent;
      } catch (err) {
        return failure(500, 'InternalError', `unable to decode an event from the watch stream: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (e.type === 'ERROR' && isStatus(e.object)) lastError = e.object;
      onEvent(e);
      return undefined;
    };
    return this.follow(req, {
      data: (chunk) => {
        pending += chunk;
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const text = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          const error = line(text);
          if (error) return error;
        }
        return undefined;
      },
      flush: () => line(pending),
      end: (error) => onEnd(error ?? lastError),
    });
  }

  /** stream reads a streamed response (a followed pod log) as text, as it comes. */
  stream(req: ApiRequest, onChunk: (chunk: string) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
    return this.follow(req, {
      data: (chunk) => {
        if (chunk) onChunk(chunk);
        return undefined;
      },
      flush: () => undefined,
      end: onEnd,
    });
  }

  /**
   * follow opens a long-running response and hands its text to the reader as
   * it arrives. A refusal (400, 403, 410 Gone …) ends it before it began, with
   * its Status; end runs once, and never after cancel(), as the Transport
   * contract says.
   */
  private async follow(req: ApiRequest, reader: StreamReader): Promise<WatchHandle> {
    const sent = await this.send(req, true);
    if ('failure' in sent) {
      reader.end(sent.failure);
      return NO_WATCH;
    }
    const { res, req: outgoing } = sent;
    if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 206) {
      let text: string;
      try {
        text = await readAll(res);
      } catch (err) {
        reader.end(this.unreachable(req, err).body as Status);
        return NO_WATCH;
      }
      reader.end(answer(req, res, text).body as Status);
      return NO_WATCH;
    }
    let cancelled = false;
    let ended = false;
    const finish = (error?: Status): void => {
      if (ended || cancelled) return;
      ended = true;
      reader.end(error);
    };
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (ended || cancelled) return;
      const error = reader.data(chunk);
      if (!error) return;
      finish(error);
      outgoing.destroy();
    });
    res.on('error', () => undefined);
    res.on('close', () => {
      if (ended || cancelled) return;
      if (res.complete) finish(reader.flush());
      else finish(this.unreachable(req, new Error('the stream was cut off before it ended')).body as Status);
    });
    return {
      cancel: () => {
        cancelled = true;
        outgoing.destroy();
      },
    };
  }

  /** close ends every request and watch in flight and the connections kept for later ones. */
  close(): void {
    this.closed = true;
    for (const r of [...this.open]) r.destroy();
    for (const a of this.agents) a.destroy();
  }

  /** send opens the request and resolves once the response's headers arrived, or with the Status of why none will. */
  private async send(req: ApiRequest, watch: boolean): Promise<Sent> {
    if (this.closed) return { failure: failure(503, 'ServiceUnavailable', `the connection to ${this.server} was closed`) };
    const url = this.urlOf(req);
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.options.userAgent ?? 'kubelab' };
    for (const [name, value] of Object.entries(req.headers ?? {})) if (value !== undefined) headers[name] = value;
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    if (body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const options: https.RequestOptions = { method: req.method, headers };
    try {
      // The KubeConfig adds the CA, client certificate and key, bearer token or plugin credentials, and the agent.
      await this.kc.applyToHTTPSOptions(options);
    } catch (err) {
      return { failure: this.failed(`getting credentials: ${err instanceof Error ? err.message : String(err)}`) };
    }
    if (options.agent instanceof http.Agent) this.agents.add(options.agent);
    return new Promise((resolve) => {
      let outgoing: ClientRequest;
      try {
        outgoing = (url.protocol === 'http:' ? http : https).request(url, options as RequestOptions);
      } catch (err) {
        resolve({ failure: this.unreachable(req, err, url).body as Status });
        return;
      }
      let answered = false;
      this.open.add(outgoing);
      outgoing.on('close', () => this.open.delete(outgoing));
      outgoing.on('response', (res) => {
        answered = true;
        resolve({ res, req: outgoing });
      });
      // Once the headers are in, errors show on the response (a cut stream); a cancelled watch's are no news.
      outgoing.on('error', (err) => {
        if (!answered) resolve({ failure: this.unreachable(req, err, url).body as Status });
      });
      if (!watch) {
        outgoing.setTimeout(this.options.idleTimeoutMs ?? REQUEST_IDLE_TIMEOUT_MS, () => outgoing.destroy(new Error(`no answer within ${(this.options.idleTimeoutMs ?? REQUEST_IDLE_TIMEOUT_MS) / 1000}s`)));
      }
      outgoing.end(body);
    });
  }

  /** urlOf joins the server URL (which may carry a path prefix, as behind Rancher) with the request's path and query. */
  private urlOf(req: ApiRequest): URL {
    const [path, rawQuery = ''] = req.path.split(/\?(.*)/s, 2);
    const url = new URL(this.base.toString());
    url.pathname = `${url.pathname.replace(/\/$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
    const query = new URLSearchParams(rawQuery);
    for (const [k, v] of Object.entries(req.query ?? {})) query.set(k, v);
    url.search = query.toString();
    return url;
  }

  /** unreachable is the answer to a request that got no HTTP answer: 503, with Go's url.Error wording (`Get "https://…": …`). */
  private unreachable(req: ApiRequest, err: unknown, url = this.urlOf(req)): ApiResponse {
    const op = req.method.charAt(0) + req.method.slice(1).toLowerCase();
    const status = this.failed(`${op} "${url.toString()}": ${err instanceof Error ? err.message : String(err)}`);
    return { status: status.code, body: status };
  }

  private failed(message: string): Status {
    if (!this.closed) this.options.onUnreachable?.(message);
    return failure(503, 'ServiceUnavailable', message);
  }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error('the connection closed before the answer was complete'));
    });
  });
}

/**
 * answer reads one HTTP answer as the lab's transports give it: a JSON body
 * parsed, any other body kept as text with its content type, the warnings, and
 * a failure without a Status turned into one as client-go does.
 */
function answer(req: ApiRequest, res: IncomingMessage, text: string): ApiResponse {
  const status = res.statusCode ?? 0;
  const contentType = res.headers['content-type'] ?? '';
  const media = contentType.split(';')[0].trim().toLowerCase();
  const warnings = parseWarningHeaders(warningValues(res.rawHeaders)).filter((w) => w.code === 299 && w.text).map((w) => w.text);
  const isJson = media === 'application/json' || media.endsWith('+json');
  // An empty JSON answer has no body; an empty text one (a log not yet written) is the empty text.
  let body: unknown = text === '' && (isJson || media === '') ? undefined : text;
  let json = false;
  if (text !== '' && isJson) {
    try {
      body = JSON.parse(text);
      json = true;
    } catch {
      // Not JSON after all: kept as text, and a failure gets a Status below.
    }
  }
  const failed = status < 200 || status > 206;
  if (failed && !isStatus(body)) {
    const retryAfter = Number(res.headers['retry-after']);
    body = genericServerResponse(status, req.method, text, media === '' || media.startsWith('text/'), Number.isInteger(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
    json = true;
  }
  return {
    status,
    body,
    ...(json || body === undefined ? {} : { contentType }),
    ...(warnings.length ? { warnings } : {}),
  };
}

/** warningValues are the Warning headers' values, each decoded as UTF-8 (Node reads header bytes as Latin-1). */
function warningValues(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].toLowerCase() === 'warning') out.push(Buffer.from(raw[i + 1], 'latin1').toString('utf8'));
  return out;
}

function failure(code: number, reason: string, message: string, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/**
 * genericServerResponse is apimachinery's NewGenericServerResponse for an
 * answer that is not a Status (a proxy's error page, a load balancer's 502):
 * the reason and message the code implies, and the body's text as an
 * UnexpectedServerResponse cause.
 */
export function genericServerResponse(code: number, method: string, text: string, isText: boolean, retryAfterSeconds: number | undefined): Status {
  const serverMessage = isText ? Buffer.from(text).subarray(0, MAX_UNSTRUCTURED_RESPONSE_TEXT_BYTES).toString('utf8').trim() : 'unknown';
  let reason = 'Unknown';
  let message = `the server responded with the status code ${code} but did not return more information`;
  switch (code) {
    case 409:
      reason = method === 'POST' ? 'AlreadyExists' : 'Conflict';
      message = 'the server reported a conflict';
      break;
    case 404:
      reason = 'NotFound';
      message = 'the server could not find the requested resource';
      break;
    case 400:
      reason = 'BadRequest';
      message = 'the server rejected our request for an unknown reason';
      break;
    case 401:
      reason = 'Unauthorized';
      message = 'the server has asked for the client to provide credentials';
      break;
    case 403:
      reason = 'Forbidden';
      message = serverMessage;
      break;
    case 405:
      reason = 'MethodNotAllowed';
      message = 'the server does not allow this method on the requested resource';
      break;
    case 422:
      reason = 'Invalid';
      message = 'the server rejected our request due to an error in our request';
      break;
    case 504:
      reason = 'Timeout';
      message = 'the server was unable to return a response in the time allotted, but may still be processing the request';
      break;
    case 429:
      reason = 'TooManyRequests';
      message = 'the server has received too many requests and has asked us to try again later';
      break;
    default:
      if (code >= 500) {
        reason = 'InternalError';
        message = `an error on the server (${JSON.stringify(serverMessage)}) has prevented the request from succeeding`;
      }
  }
  return failure(code, reason, message, {
    causes: [{ reason: 'UnexpectedServerResponse', message: serverMessage }],
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
  });
}
