/**
 * watch serves a watch once the request filters have admitted it, as the
 * cacher's watch does: selectors and options checked, initial events when asked
 * for, then every change the resource's watch cache fans out to it, with
 * bookmarks about once a minute when the client allows them, until the client
 * cancels, the timeout passes or the watch fails (410 Gone behind a compaction).
 */
import type { Timer } from '../../clock';
import type { WatchEvent } from '../../api/types';
import { type ApiRequest, type ApiResponse, type HandlerContext, type WatchSink, respond } from '../request';
import type { RequestRun } from '../audit/requestRun';
import { badRequest, gone, invalid, methodNotSupported } from '../errors';
import { type FieldError, forbidden as fieldForbidden, notSupported } from '../fieldErrors';
import { isVirtual } from './virtual';
import { isDecisions } from '../schedulingDecisions';
import type { Query } from '../requestInfo';
import { groupVersion } from '../resources';
import { parseFilter } from '../selectors';
import { parseResourceVersion } from './read';

/** serveWatch starts the watch ctx asks for, or answers why it cannot. */
export async function serveWatch(ctx: HandlerContext, req: ApiRequest, sink: WatchSink, run: RequestRun): Promise<{ cancel(): void } | ApiResponse> {
  run.handled = ctx.info;
  if (ctx.info.verb !== 'watch' && ctx.info.verb !== 'list' && ctx.info.verb !== 'get') return respond(badRequest('watch is only supported on GET requests'));
  if (isDecisions(ctx.type)) {
    const w = ctx.server.decisions.watch(ctx, sink);
    if ('code' in w) return respond(w);
    run.audit?.responseStarted(200);
    return w;
  }
  if (isVirtual(ctx.type)) return respond(methodNotSupported({ group: ctx.type.group, resource: ctx.type.resource }, 'watch'));
  const q = ctx.query;
  const optionErrors = validateWatchOptions(q);
  if (optionErrors.length) return respond(invalid('ListOptions', 'meta.k8s.io', '', optionErrors));
  const filter = parseFilter(ctx.type, q.labelSelector, q.fieldSelector);
  if ('code' in filter) return respond(filter);
  const namespace = ctx.type.namespaced ? ctx.info.namespace : '';
  const names = ctx.info.name ? { ...filter, fields: [...filter.fields, { field: 'metadata.name', value: ctx.info.name, negate: false }] } : filter;
  const rv = parseResourceVersion(q.resourceVersion);
  if (typeof rv !== 'number') return respond(rv);
  const sendInitial = q.sendInitialEvents === undefined ? rv === 0 : q.sendInitialEvents === 'true';
  run.audit?.responseStarted(200);
  const bookmarks = q.allowWatchBookmarks === 'true';
  const gv = groupVersion(ctx.type);
  const bookmark = (revision: number, annotations?: Record<string, string>): WatchEvent => ({
    type: 'BOOKMARK', object: { kind: ctx.type.kind, apiVersion: gv, metadata: { resourceVersion: String(revision), ...(annotations ? { annotations } : {}) } },
  });
  let from: number;
  if (sendInitial) {
    // The watch begins with synthetic ADDED events for the state at its starting revision.
    const current = await ctx.storage.list(namespace, names, 0);
    for (const obj of current.items) sink.event({ type: 'ADDED', object: obj });
    from = current.revision;
    if (q.sendInitialEvents === 'true') sink.event(bookmark(from, { 'k8s.io/initial-events-end': 'true' }));
  } else {
    from = rv || (await ctx.storage.currentRevision());
  }
  const longRunning = ctx.server.metrics.longRunning(req, ctx.info);
  let closed = false;
  let lastRevision = from;
  let bookmarkTimer: Timer | undefined;
  let timeout: Timer | undefined;
  const close = (): void => {
    if (closed) return;
    closed = true;
    bookmarkTimer?.cancel();
    timeout?.cancel();
    w.cancel();
    sink.close();
    run.audit?.complete(200);
    longRunning.end();
  };
  // Only bookmarks need the revision the watcher is current to. Without them the storage
  // calls the sink itself, the least work per watcher per event: it emits nothing once cancelled.
  const emit = bookmarks ? (e: WatchEvent) => {
    if (closed) return;
    lastRevision = Number(e.object.metadata.resourceVersion) || lastRevision;
    sink.event(e);
  } : sink.event.bind(sink);
  const w = ctx.storage.watch(namespace, from, names, emit, (message) => {
    if (closed) return;
    // Without a message the watch just ends, as a terminated cacher watcher's: the client watches again or relists.
    if (message !== undefined) sink.event({ type: 'ERROR', object: gone(message) });
    close();
  });
  if (bookmarks) {
    // The watch cache sends a bookmark about once a minute, carrying the latest revision the watcher is current to.
    const tick = (): void => {
      bookmarkTimer = ctx.clock.setTimer(BOOKMARK_INTERVAL_MS, () => {
        if (closed) return;
        void ctx.storage.bookmarkRevision().then((current) => {
          if (closed) return;
          lastRevision = Math.max(lastRevision, current);
          sink.event(bookmark(lastRevision));
          tick();
        });
      });
    };
    tick();
  }
  const seconds = Number(q.timeoutSeconds);
  if (q.timeoutSeconds !== undefined && Number.isFinite(seconds) && seconds > 0) timeout = ctx.clock.setTimer(seconds * 1000, close);
  return { cancel: close };
}

/** validateWatchOptions is metainternalversion/validation's validateWatchOptions (the WatchList feature on, as since 1.32). */
function validateWatchOptions(q: Query): FieldError[] {
  const errs: FieldError[] = [];
  const match = q.resourceVersionMatch;
  if (q.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    errs.push(fieldForbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  }
  if (match) {
    if (q.sendInitialEvents === undefined) errs.push(fieldForbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
    if (q.continue) errs.push(fieldForbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return errs;
}

/** The watch cache's bookmark frequency. */
const BOOKMARK_INTERVAL_MS = 60_000;
