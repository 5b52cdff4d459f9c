/**
 * spdyRemotecommand serves exec and attach over SPDY/3.1, the kubelet's
 * streaming server as clients without WebSockets (or with them turned off,
 * KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false) reach it: the stream protocol
 * negotiated through X-Stream-Protocol-Version (`v4.channel.k8s.io` down to
 * `channel.k8s.io`), one SPDY stream per `streamType` — error, stdin, stdout,
 * stderr, resize — opened by the client, the session run once all expected
 * streams are there, and its end reported on the error stream as Status JSON
 * (v4) or as a failure's plain message (v1–v3).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeletAnswer, SessionOutcome } from '../../kubelet/streaming';
import { type RemoteCommandTarget, kubeletStatus } from './remotecommand';
import { SpdySession, type SpdyStream, streamProtocols, upgradeToSpdy } from './spdy';
import type { ActiveWatch } from './watch';

/** SPDY_REMOTE_COMMAND_PROTOCOLS are the kubelet's remote command protocols over SPDY, newest first. */
export const SPDY_REMOTE_COMMAND_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

/** serveSpdyRemoteCommand answers an exec or attach SPDY upgrade. */
export function serveSpdyRemoteCommand(req: IncomingMessage, socket: Duplex, head: Buffer, target: RemoteCommandTarget, refuse: (answer: KubeletAnswer) => void, track: Set<ActiveWatch>): void {
  const offered = streamProtocols(req.headers['x-stream-protocol-version']);
  const protocol = offered.length ? offered.find((p) => SPDY_REMOTE_COMMAND_PROTOCOLS.includes(p)) : '';
  if (protocol === undefined) {
    refuse({ status: 403, body: `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offered)}, server accepts ${JSON.stringify(SPDY_REMOTE_COMMAND_PROTOCOLS)}` });
    target.done();
    return;
  }
  const session = target.session();
  if ('status' in session) {
    refuse(session);
    target.done();
    return;
  }
  const { options } = target;
  const tty = session.tty;
  const expected = new Set(['error', ...(options.stdin ? ['stdin'] : []), ...(options.stdout ? ['stdout'] : []), ...(options.stderr && !tty ? ['stderr'] : []),
    ...(tty && protocol !== 'channel.k8s.io' && protocol !== 'v2.channel.k8s.io' && protocol !== '' ? ['resize'] : [])]);
  const transport = upgradeToSpdy(socket, head, protocol);
  const streams = new Map<string, SpdyStream>();
  let started = false;
  const aborter = new AbortController();
  const spdy = new SpdySession(transport, (stream) => {
    const type = stream.header('streamtype') ?? '';
    return expected.has(type) && !streams.has(type);
  }, (stream) => {
    streams.set(stream.header('streamtype') ?? '', stream);
    if (!started && [...expected].every((t) => streams.has(t))) {
      started = true;
      void start();
    }
  });
  const active: ActiveWatch = { end: () => spdy.close() };
  track.add(active);
  spdy.onClose(() => {
    aborter.abort();
    track.delete(active);
    target.done();
  });
  const start = async (): Promise<void> => {
    const stdout = streams.get('stdout');
    const stderr = streams.get('stderr');
    const resize = streams.get('resize');
    let onResize: ((columns: number, rows: number) => void) | undefined;
    let lastSize: [number, number] | undefined;
    if (resize) {
      void readSizes(resize, (c, r) => {
        lastSize = [c, r];
        onResize?.(c, r);
      });
    }
    const outcome: SessionOutcome = await session.run({
      ...(streams.get('stdin') ? { stdin: streams.get('stdin')?.input } : {}),
      ...(stdout ? { stdout } : {}),
      ...(stderr ? { stderr } : {}),
      ...(resize ? {
        onResize: (handler: (columns: number, rows: number) => void) => {
          onResize = handler;
          if (lastSize) handler(...lastSize);
        },
      } : {}),
      signal: aborter.signal,
    });
    const status = kubeletStatus(outcome, target.command);
    const error = streams.get('error');
    if (protocol === 'v4.channel.k8s.io') error?.write(JSON.stringify(status));
    else if (status.status === 'Failure') error?.write(status.message ?? '');
    for (const s of streams.values()) s.close();
    spdy.close();
  };
}

/** readSizes decodes the resize stream's TerminalSize JSON objects as they arrive. */
async function readSizes(stream: SpdyStream, fn: (columns: number, rows: number) => void): Promise<void> {
  let buffer = '';
  for (let chunk = await stream.input.read(); chunk; chunk = await stream.input.read()) {
    buffer += chunk.toString();
    for (let m = /^\s*(\{[^}]*\})/.exec(buffer); m; m = /^\s*(\{[^}]*\})/.exec(buffer)) {
      buffer = buffer.slice(m[0].length);
      try {
        const size = JSON.parse(m[1]) as { Width?: number; Height?: number };
        fn(size.Width ?? 0, size.Height ?? 0);
      } catch {
        return;
      }
    }
  }
}
