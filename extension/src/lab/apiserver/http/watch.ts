/**
 * watch streams a watch over HTTP as apiserver's WatchServer does: a 200 with
 * the stream's Content-Type, sent chunked, then one JSON line per event —
 * `{"type":"ADDED","object":{…}}` — written and flushed as the event happens.
 * The watch is cancelled when the client goes away, and the stream ends when the
 * watch does (timeoutSeconds, a 410) or the front door stops. A client that
 * stops reading is cut off once its backlog passes a bound, as the watch cache
 * drops an unresponsive watcher, rather than buffered without limit.
 */
import type { ServerResponse } from 'node:http';
import type { WatchEvent } from '../../api/types';
import type { ApiRequest, ApiServer } from '../apiServer';
import { type ResponseContext, commonHeaders, convertBody, writeApiResponse } from './response';
import { encodeJson } from './negotiation';

/** MAX_WATCH_BACKLOG_BYTES is how much unsent watch output one client may hold before it is dropped. */
export const MAX_WATCH_BACKLOG_BYTES = 16 * 1024 * 1024;

/** ActiveWatch is a running watch stream the front door can end. */
export interface ActiveWatch {
  end(): void;
}

/**
 * streamWatch starts req's watch and streams it to res, or answers with the
 * API server's refusal. It resolves once the stream is set up; track keeps the
 * stream while it runs, so the front door can end it when it stops.
 */
export async function streamWatch(server: ApiServer, req: ApiRequest, res: ServerResponse, ctx: ResponseContext, track: Set<ActiveWatch>): Promise<void> {
  const early: WatchEvent[] = [];
  let watch: { cancel(): void } | undefined = undefined;
  let streaming = false;
  let closed = false;
  let converted = 0;
  // Events that arrive in one turn of the event loop go out together: the socket is
  // corked on the first and uncorked once the turn ends, so a burst costs one TLS write.
  let corked = false;
  const write = (e: WatchEvent): void => {
    const object = e.type === 'ERROR' ? e.object : convertBody(e.object, 200, ctx, converted++ > 0);
    if (!corked) {
      corked = true;
      res.cork();
      setImmediate(() => {
        corked = false;
        res.uncork();
      });
    }
    res.write(encodeJson({ type: e.type, object }, false));
    if (res.writableLength > MAX_WATCH_BACKLOG_BYTES) stop();
  };
  const stop = (): void => {
    if (closed) return;
    closed = true;
    watch?.cancel();
    track.delete(active);
    if (streaming) res.end();
  };
  const active: ActiveWatch = { end: stop };
  const started = await server.watch(req, {
    event: (e) => {
      if (closed) return;
      if (streaming) write(e);
      else early.push(e);
    },
    close: stop,
  });
  if ('status' in started) {
    writeApiResponse(res, started, ctx);
    return;
  }
  watch = started;
  if (res.destroyed) {
    watch.cancel();
    return;
  }
  // Watches stream JSON: upstream has no YAML stream encoding.
  res.writeHead(200, { ...commonHeaders(ctx.auditId), 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  streaming = true;
  for (const e of early) write(e);
  if (closed) {
    res.end();
    return;
  }
  track.add(active);
  res.on('close', stop);
}
