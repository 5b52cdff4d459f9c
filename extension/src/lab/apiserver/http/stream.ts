/**
 * stream serves the API's long-lived non-watch responses: a followed pod log,
 * sent chunked as text/plain and flushed line by line as the kubelet hands
 * them over (LogREST's LocationStreamer with Flush); and the upgrade requests
 * of pods/exec, pods/attach and pods/portforward, answered with WebSocket
 * (the channel protocols, or SPDY tunnelled in WebSocket for port-forward) or
 * SPDY/3.1, or refused with an ordinary HTTP answer before any upgrade.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { ApiRequest, ApiResponse, ApiServer } from '../apiServer';
import { parseRequestInfo, splitPath } from '../requestInfo';
import type { KubeletAnswer } from '../../kubelet/streaming';
import { encodeJson } from './negotiation';
import { serveDirectPortForward, serveTunneledPortForward, serveWebSocketPortForward, PORT_FORWARD_WEBSOCKET_PROTOCOLS, TUNNELED_PORT_FORWARD } from './portforward';
import { REMOTE_COMMAND_PROTOCOLS, negotiate, offeredProtocols, serveRemoteCommand } from './remotecommand';
import { type ResponseContext, commonHeaders, writeApiResponse } from './response';
import { serveSpdyRemoteCommand } from './spdyRemotecommand';
import type { ActiveWatch } from './watch';

/** MAX_LOG_BACKLOG_BYTES is how much unsent log one client may hold before its stream is cut. */
export const MAX_LOG_BACKLOG_BYTES = 16 * 1024 * 1024;

/** CONNECT_SUBRESOURCES are the pod subresources served by upgrading the connection. */
const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

/** isLogFollow says whether a request is a followed pods/log read. */
export function isLogFollow(method: string, rawPath: string): boolean {
  const { path, query } = splitPath(rawPath);
  const info = parseRequestInfo(method, path, query);
  const follow = query.follow;
  return info.isResourceRequest && info.resource === 'pods' && info.subresource === 'log' && follow !== undefined && follow !== '0' && follow.toLowerCase() !== 'false';
}

/**
 * streamLog starts a followed pod log and streams it to res, or answers with
 * the API server's refusal. track keeps the stream while it runs, so the
 * front door can end it when it stops.
 */
export async function streamLog(server: ApiServer, req: ApiRequest, res: ServerResponse, ctx: ResponseContext, track: Set<ActiveWatch>): Promise<void> {
  const early: string[] = [];
  let streaming = false;
  let ended = false;
  const handle: { cancel?: () => void } = {};
  const active: ActiveWatch = { end: () => stop() };
  const stop = (): void => {
    if (ended) return;
    ended = true;
    handle.cancel?.();
    track.delete(active);
    if (streaming) res.end();
  };
  const started = await server.streamLog(req, {
    write: (chunk) => {
      if (ended) return;
      if (!streaming) early.push(chunk);
      else {
        res.write(chunk);
        if (res.writableLength > MAX_LOG_BACKLOG_BYTES) stop();
      }
    },
    end: stop,
  });
  if ('status' in started) {
    writeApiResponse(res, started, ctx);
    return;
  }
  handle.cancel = () => started.cancel();
  if (res.destroyed) {
    started.cancel();
    return;
  }
  res.writeHead(200, { ...commonHeaders(ctx.auditId), 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  streaming = true;
  for (const chunk of early) res.write(chunk);
  if (ended) {
    res.end();
    return;
  }
  track.add(active);
  res.on('close', stop);
}

/**
 * serveUpgrade answers a request that asks to upgrade the connection: a
 * connect subresource is upgraded to the protocol it negotiates; anything
 * else, or a refused connect, gets the API server's ordinary answer written on
 * the socket.
 */
export async function serveUpgrade(server: ApiServer, apiReq: ApiRequest, req: IncomingMessage, socket: Duplex, head: Buffer, track: Set<ActiveWatch>): Promise<void> {
  const { path, query } = splitPath(apiReq.path);
  const info = parseRequestInfo(apiReq.method, path, query);
  const auditId = apiReq.headers?.['audit-id'] ?? '';
  if (!(info.isResourceRequest && info.resource === 'pods' && CONNECT_SUBRESOURCES.has(info.subresource))) {
    writeRaw(socket, await server.handle(apiReq), auditId);
    return;
  }
  const target = await server.connect(apiReq);
  if ('status' in target) {
    writeRaw(socket, target, auditId);
    return;
  }
  const refuse = (answer: KubeletAnswer): void => writeText(socket, answer.status, answer.body, auditId);
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'websocket') {
    const offered = offeredProtocols(req);
    if (target.kind === 'portforward') {
      const protocol = negotiate(offered, [TUNNELED_PORT_FORWARD, ...PORT_FORWARD_WEBSOCKET_PROTOCOLS]);
      if (protocol === undefined) return unsupported(socket, offered, [TUNNELED_PORT_FORWARD, ...PORT_FORWARD_WEBSOCKET_PROTOCOLS], auditId, () => target.done());
      if (protocol === TUNNELED_PORT_FORWARD) return serveTunneledPortForward(req, socket, head, target, refuse, track);
      return serveWebSocketPortForward(req, socket, head, protocol, target, refuse, track);
    }
    const protocol = negotiate(offered, REMOTE_COMMAND_PROTOCOLS);
    if (protocol === undefined) return unsupported(socket, offered, REMOTE_COMMAND_PROTOCOLS, auditId, () => target.done());
    const command = target.kind === 'exec' ? target.command : [];
    return serveRemoteCommand(req, socket, head, protocol, { ...target, command }, refuse, track);
  }
  if (upgrade.startsWith('spdy/3.1')) {
    if (target.kind === 'portforward') return serveDirectPortForward(req, socket, head, target, refuse, track);
    return serveSpdyRemoteCommand(req, socket, head, { ...target, command: target.kind === 'exec' ? target.command : [] }, refuse, track);
  }
  // UpgradeAwareHandler with upgradeRequired: a connect request that does not upgrade is refused.
  writeRaw(socket, { status: 400, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Upgrade request required', reason: 'BadRequest', code: 400 } }, auditId);
  target.done();
}

/** unsupported is the WebSocket handshake's refusal of subprotocols the server does not speak. */
function unsupported(socket: Duplex, offered: string[], supported: readonly string[], auditId: string, done: () => void): void {
  writeText(socket, 403, `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${supported.filter(Boolean).join(' ')}]`, auditId);
  done();
}

/** writeRaw writes an API answer as an HTTP/1.1 response on a socket that was not handed to the HTTP server. */
export function writeRaw(socket: Duplex, res: ApiResponse, auditId: string): void {
  const text = typeof res.body === 'string' && res.contentType ? res.body : encodeJson(res.body, false);
  const type = typeof res.body === 'string' && res.contentType ? res.contentType : 'application/json';
  writeResponse(socket, res.status, { ...commonHeaders(auditId), 'Content-Type': type }, text);
}

/** writeText is a kubelet's plain-text error, proxied as it came (http.Error's headers). */
function writeText(socket: Duplex, status: number, body: string, auditId: string): void {
  writeResponse(socket, status, { ...commonHeaders(auditId), 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, body);
}

function writeResponse(socket: Duplex, status: number, headers: Record<string, string>, body: string): void {
  if (socket.destroyed) return;
  const lines = Object.entries({ ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines}\r\n${body}`);
}
