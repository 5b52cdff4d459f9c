/**
 * remotecommand serves exec and attach over WebSocket with the channel
 * protocols of k8s.io/apimachinery's wsstream: every message starts with its
 * channel — 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize — raw
 * (`channel.k8s.io`, `v4.channel.k8s.io`, `v5.channel.k8s.io`) or as an ASCII
 * digit before base64 (`base64.channel.k8s.io`, `v4.base64.channel.k8s.io`).
 *
 * `v5.channel.k8s.io`, what kubectl since 1.30 asks for, is kube-apiserver's
 * own StreamTranslatorHandler: the upgrade is answered first, the kubelet's
 * refusals and results arrive as Status JSON on the error channel wrapped as
 * the translator wraps them, and 255 is the CLOSE signal that half-closes
 * stdin. The older protocols are proxied to the kubelet's streaming server,
 * which refuses before upgrading and writes Status JSON (v4) or plain text
 * (v1) on the error channel.
 */
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { Pipe } from '../../kubelet/pipe';
import type { KubeletAnswer, SessionOutcome, StreamSession } from '../../kubelet/streaming';
import type { ActiveWatch } from './watch';
import { acceptWebSocket } from './websocket';

/** The remote command channels. */
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** CLOSE is v5's signal: `[255, n]` half-closes channel n. */
export const CLOSE = 255;

export const V5 = 'v5.channel.k8s.io';
export const V4 = 'v4.channel.k8s.io';
export const V4_BASE64 = 'v4.base64.channel.k8s.io';
export const V1 = 'channel.k8s.io';
export const V1_BASE64 = 'base64.channel.k8s.io';

/** REMOTE_COMMAND_PROTOCOLS are the subprotocols served, newest first; `''` is a client that names none. */
export const REMOTE_COMMAND_PROTOCOLS = [V5, V4, V4_BASE64, V1, V1_BASE64, ''];

/** StatusJson is a metav1.Status as json.Marshal writes it (no kind or apiVersion). */
interface StatusJson {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason?: string; message: string }[] };
  code?: number;
}

/** negotiate picks the first of the client's subprotocols the server serves, as wsstream's handshake does. */
export function negotiate(offered: string[], supported: readonly string[]): string | undefined {
  if (!offered.length) return supported.includes('') ? '' : undefined;
  return offered.find((p) => supported.includes(p));
}

/** offeredProtocols reads Sec-WebSocket-Protocol into its list. */
export function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
}

/** internalError is apierrors.NewInternalError's Status as JSON. */
function internalError(message: string): StatusJson {
  return { metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 };
}

/** exitStatus is the NonZeroExitCode Status with its ExitCode cause. */
function exitStatus(message: string, code: number): StatusJson {
  return { metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: ${message}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } };
}

/**
 * translatedStatus is what StreamTranslatorHandler writes at the end of a v5
 * session: its SPDY client's view of the kubelet's answer, wrapped again.
 */
export function translatedStatus(outcome: SessionOutcome | KubeletAnswer): StatusJson {
  if ('body' in outcome) return internalError(`unable to upgrade connection: ${outcome.body.trim()}`);
  if ('error' in outcome) return internalError(`Internal error occurred: ${outcome.error}`);
  if (outcome.exitCode === 0) return { metadata: {}, status: 'Success' };
  return exitStatus(`command terminated with exit code ${outcome.exitCode}`, outcome.exitCode);
}

/** kubeletStatus is what the kubelet's streaming server writes at the end of a session (ServeExec, ServeAttach). */
export function kubeletStatus(outcome: SessionOutcome, command: string[]): StatusJson {
  if ('error' in outcome) return internalError(outcome.error);
  if (outcome.exitCode === 0) return { metadata: {}, status: 'Success' };
  // containerd's streaming runtime reports a non-zero exit as this CodeExitError.
  return exitStatus(`error executing command [${command.join(' ')}], exit code ${outcome.exitCode}`, outcome.exitCode);
}

/** RemoteCommandTarget is an accepted exec or attach. */
export interface RemoteCommandTarget {
  options: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean };
  command: string[];
  session(): KubeletAnswer | StreamSession;
  done(): void;
}

/**
 * serveRemoteCommand upgrades req to a WebSocket speaking protocol and runs the
 * session over it; refuse answers the request instead when the kubelet refuses
 * a protocol that is proxied to it.
 */
export function serveRemoteCommand(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, target: RemoteCommandTarget,
  refuse: (answer: KubeletAnswer) => void, track: Set<ActiveWatch>): void {
  const translated = protocol === V5;
  const session = target.session();
  if ('status' in session && !translated) {
    refuse(session);
    target.done();
    return;
  }
  acceptWebSocket(req, socket, head, protocol, (ws) => {
    const channels = new ChannelConn(ws, protocol);
    const active: ActiveWatch = { end: () => ws.terminate() };
    track.add(active);
    const finish = (status: StatusJson | undefined): void => {
      if (status) channels.write(ERROR, JSON.stringify(status));
      ws.close(1000);
      track.delete(active);
      target.done();
    };
    if ('status' in session) {
      // The translator has told the client the connection is up before its SPDY request to the kubelet fails.
      channels.write(firstChannel(target.options, target.options.tty), '');
      finish(translatedStatus(session));
      return;
    }
    void run(channels, ws, session, target, protocol).then((outcome) => {
      if (ws.readyState !== ws.OPEN) return finish(undefined);
      if (translated) return finish(translatedStatus(outcome));
      if (protocol === V4 || protocol === V4_BASE64) return finish(kubeletStatus(outcome, target.command));
      // Before v4 the error channel carries a failure's message as plain text, and nothing on success.
      const status = kubeletStatus(outcome, target.command);
      if (status.status === 'Failure') channels.write(ERROR, status.message ?? '');
      finish(undefined);
    });
  });
}

async function run(channels: ChannelConn, ws: WebSocket, session: StreamSession, target: RemoteCommandTarget, protocol: string): Promise<SessionOutcome> {
  const { options } = target;
  const stdin = options.stdin ? new Pipe() : undefined;
  let resize: ((columns: number, rows: number) => void) | undefined;
  // A size that arrives before the session listens is kept for it: kubectl sends the terminal's size first thing.
  let lastSize: [number, number] | undefined;
  let resizeBuffer = '';
  const aborter = new AbortController();
  ws.on('close', () => {
    stdin?.end();
    aborter.abort();
  });
  channels.onMessage((channel, data) => {
    if (channel === STDIN) stdin?.write(data);
    else if (channel === RESIZE) {
      // The resize channel carries a stream of TerminalSize JSON objects.
      resizeBuffer += data.toString();
      for (let m = /^\s*(\{[^}]*\})/.exec(resizeBuffer); m; m = /^\s*(\{[^}]*\})/.exec(resizeBuffer)) {
        resizeBuffer = resizeBuffer.slice(m[0].length);
        try {
          const size = JSON.parse(m[1]) as { Width?: number; Height?: number };
          lastSize = [size.Width ?? 0, size.Height ?? 0];
          resize?.(...lastSize);
        } catch {
          // A malformed size ends nothing; the kubelet's decoder would stop reading resizes.
        }
      }
    } else if (channel === CLOSE && protocol === V5 && data[0] === STDIN) stdin?.end();
  });
  channels.write(firstChannel(options, session.tty), '');
  const tty = session.tty;
  return session.run({
    ...(stdin ? { stdin } : {}),
    ...(options.stdout ? { stdout: { write: (d) => channels.write(STDOUT, d) } } : {}),
    ...(options.stderr && !tty ? { stderr: { write: (d) => channels.write(STDERR, d) } } : {}),
    ...(tty ? {
      onResize: (handler: (columns: number, rows: number) => void) => {
        resize = handler;
        if (lastSize) handler(...lastSize);
      },
    } : {}),
    signal: aborter.signal,
  });
}

/** firstChannel is where the empty message that tells the client the connection is established goes: the lowest writable channel. */
function firstChannel(options: RemoteCommandTarget['options'], tty: boolean): number {
  return options.stdout ? STDOUT : options.stderr && !tty ? STDERR : ERROR;
}

/** ChannelConn multiplexes channels over one WebSocket, raw or base64 by protocol. */
export class ChannelConn {
  private readonly base64: boolean;

  constructor(private readonly ws: WebSocket, protocol: string) {
    this.base64 = protocol.includes('base64');
  }

  /** write sends data on a channel as one message. */
  write(channel: number, data: string | Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const bytes = Buffer.from(data);
    if (this.base64) this.ws.send(`${String.fromCharCode(48 + channel)}${bytes.toString('base64')}`);
    else this.ws.send(Buffer.concat([Buffer.from([channel]), bytes]), { binary: true });
  }

  /** onMessage delivers each message's channel and payload; an empty message is ignored, as wsstream does. */
  onMessage(fn: (channel: number, data: Buffer) => void): void {
    this.ws.on('message', (raw: RawData, isBinary: boolean) => {
      const bytes = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw);
      if (!bytes.length) return;
      if (this.base64 && !isBinary) {
        const channel = bytes[0] - 48;
        fn(channel, Buffer.from(bytes.subarray(1).toString(), 'base64'));
      } else {
        fn(bytes[0], bytes.subarray(1));
      }
    });
  }
}
