/**
 * portforward serves pods/portforward in the three forms clients speak:
 *
 * - SPDY/3.1 with the `portforward.k8s.io` stream protocol (an HTTP upgrade,
 *   what kubectl falls back to), where each forwarded connection is a pair
 *   of streams — `error` and `data` — sharing a `requestID` and a `port`
 *   header (the kubelet's httpstream.go);
 * - the same SPDY connection tunnelled in WebSocket binary messages under the
 *   subprotocol `SPDY/3.1+portforward.k8s.io`, kubectl's default since 1.31
 *   (PortForwardWebsockets; client-go's tunneling dialer);
 * - WebSocket channels (`v4.channel.k8s.io`, `v4.base64.channel.k8s.io`, or
 *   none) with the ports in the query: a data and an error channel per port,
 *   each opened by the port as two little-endian bytes (the kubelet's
 *   websocket.go), as client libraries use.
 *
 * A refusal by the kubelet comes before the upgrade, as its plain-text error.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData } from 'ws';
import { Pipe } from '../../kubelet/pipe';
import type { KubeletAnswer, PortForwardSession } from '../../kubelet/streaming';
import { ChannelConn } from './remotecommand';
import { SpdySession, type SpdyStream, type Transport, streamProtocols, upgradeToSpdy } from './spdy';
import type { ActiveWatch } from './watch';
import { acceptWebSocket } from './websocket';

/** PORT_FORWARD_PROTOCOL is the port-forward stream protocol (X-Stream-Protocol-Version). */
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** TUNNELED_PORT_FORWARD is the WebSocket subprotocol that carries SPDY: constants.WebsocketsSPDYTunnelingPrefix + protocol. */
export const TUNNELED_PORT_FORWARD = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;
/** PORT_FORWARD_WEBSOCKET_PROTOCOLS are the kubelet's channel protocols for port-forward, `''` for a client naming none. */
export const PORT_FORWARD_WEBSOCKET_PROTOCOLS = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io', ''];

/** PortForwardTarget is an accepted port-forward. */
export interface PortForwardTarget {
  ports: number[];
  session(): KubeletAnswer | PortForwardSession;
  done(): void;
}

/** serveDirectPortForward is the SPDY/3.1 upgrade: httpstream.Handshake's protocol negotiation, then 101 and SPDY on the socket. */
export function serveDirectPortForward(req: IncomingMessage, socket: Duplex, head: Buffer, target: PortForwardTarget, refuse: (answer: KubeletAnswer) => void, track: Set<ActiveWatch>): void {
  const offered = streamProtocols(req.headers['x-stream-protocol-version']);
  if (offered.length && !offered.includes(PORT_FORWARD_PROTOCOL)) {
    refuse({ status: 403, body: `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offered)}, server accepts ${JSON.stringify([PORT_FORWARD_PROTOCOL])}` });
    target.done();
    return;
  }
  const session = target.session();
  if ('status' in session) {
    refuse(session);
    target.done();
    return;
  }
  const transport = upgradeToSpdy(socket, head, offered.length ? PORT_FORWARD_PROTOCOL : '');
  runSpdyPortForward(transport, session, target, track);
}

/** serveTunneledPortForward upgrades to WebSocket and runs the SPDY port-forward inside its binary messages. */
export function serveTunneledPortForward(req: IncomingMessage, socket: Duplex, head: Buffer, target: PortForwardTarget, refuse: (answer: KubeletAnswer) => void, track: Set<ActiveWatch>): void {
  const session = target.session();
  if ('status' in session) {
    refuse(session);
    target.done();
    return;
  }
  acceptWebSocket(req, socket, head, TUNNELED_PORT_FORWARD, (ws) => {
    const transport: Transport = {
      write: (d) => ws.send(d, { binary: true }),
      onData: (fn) => ws.on('message', (raw: RawData) => fn(toBuffer(raw))),
      onClose: (fn) => ws.on('close', fn),
      close: () => ws.close(1000),
    };
    runSpdyPortForward(transport, session, target, track);
  });
}

/**
 * runSpdyPortForward is the kubelet's httpStreamHandler: streams are checked as
 * httpStreamReceived checks them, paired by request ID, and each complete
 * pair is forwarded; the error stream carries a failure's message, and both
 * streams close when the forwarded connection does.
 */
function runSpdyPortForward(transport: Transport, session: PortForwardSession, target: PortForwardTarget, track: Set<ActiveWatch>): void {
  const pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream }>();
  const spdy = new SpdySession(transport, (stream) => {
    const port = stream.header('port');
    const type = stream.header('streamtype');
    return Boolean(port && /^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535 && (type === 'error' || type === 'data'));
  }, (stream) => {
    const type = stream.header('streamtype') as 'error' | 'data';
    // Clients before request IDs had their streams paired by ID: the error stream's, and the data stream's less two.
    const requestID = stream.header('requestid') ?? String(type === 'error' ? stream.id : stream.id - 2);
    const pair = pairs.get(requestID) ?? {};
    pairs.set(requestID, pair);
    if (pair[type]) {
      pair.error?.write(`error processing stream for request ${requestID}: ${type} stream already assigned`);
      return;
    }
    pair[type] = stream;
    const { data, error } = pair;
    if (data && error) {
      pairs.delete(requestID);
      forward(session, Number(data.header('port')), data, error);
    }
  });
  const active: ActiveWatch = { end: () => spdy.close() };
  track.add(active);
  spdy.onClose(() => {
    track.delete(active);
    target.done();
  });
}

function forward(session: PortForwardSession, port: number, data: SpdyStream, error: SpdyStream): void {
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    error.close();
    data.close();
  };
  const failure = session.forward(port, { input: data.input, output: data, close });
  if (failure !== undefined) {
    error.write(failure);
    close();
  }
}

/** serveWebSocketPortForward is the kubelet's WebSocket port-forward: a data and an error channel for each port in the query. */
export function serveWebSocketPortForward(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, target: PortForwardTarget,
  refuse: (answer: KubeletAnswer) => void, track: Set<ActiveWatch>): void {
  if (!target.ports.length) {
    refuse({ status: 400, body: 'query parameter "port" is required' });
    target.done();
    return;
  }
  const session = target.session();
  if ('status' in session) {
    refuse(session);
    target.done();
    return;
  }
  acceptWebSocket(req, socket, head, protocol, (ws) => {
    const channels = new ChannelConn(ws, protocol);
    const inputs = target.ports.map(() => new Pipe());
    const active: ActiveWatch = { end: () => ws.terminate() };
    track.add(active);
    let open = target.ports.length;
    ws.on('close', () => {
      for (const p of inputs) p.end();
      track.delete(active);
      target.done();
    });
    channels.onMessage((channel, bytes) => {
      if (channel % 2 === 0) inputs[channel / 2]?.write(bytes);
    });
    target.ports.forEach((port, i) => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16LE(port);
      channels.write(2 * i, prefix);
      channels.write(2 * i + 1, prefix);
      let ended = false;
      const close = (): void => {
        if (ended) return;
        ended = true;
        if (--open === 0) ws.close(1000);
      };
      const failure = session.forward(port, { input: inputs[i], output: { write: (d) => channels.write(2 * i, d) }, close });
      if (failure !== undefined) {
        channels.write(2 * i + 1, failure);
        close();
      }
    });
  });
}

function toBuffer(raw: RawData): Buffer {
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return Buffer.from(raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw);
}
