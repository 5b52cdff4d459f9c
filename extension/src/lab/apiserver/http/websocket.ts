/**
 * websocket accepts a WebSocket upgrade with the subprotocol already chosen.
 * The `ws` library checks Sec-WebSocket-Protocol against HTTP's token syntax,
 * which `SPDY/3.1+portforward.k8s.io` (with its `/`) fails, while Go's
 * gorilla/websocket, on both ends of Kubernetes' streams, accepts it; so the
 * front door negotiates the subprotocol itself and names it in the 101.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/** acceptWebSocket completes the handshake, answering with protocol (none when empty), and hands over the socket. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, onOpen: (ws: WebSocket) => void): void {
  const server = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  delete req.headers['sec-websocket-protocol'];
  if (protocol) server.on('headers', (headers: string[]) => headers.push(`Sec-WebSocket-Protocol: ${protocol}`));
  server.handleUpgrade(req, socket, head, onOpen);
}
