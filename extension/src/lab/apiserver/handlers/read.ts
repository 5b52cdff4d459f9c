/**
 * read serves get and list with upstream's read semantics: label and field
 * selectors, limit/continue paging over one consistent snapshot, and
 * resourceVersion / resourceVersionMatch (latest, any, not older than, exact).
 * Lists at the store's current revision come from the watch cache, as with
 * upstream's ConsistentListFromCache; older snapshots (Exact, a continue whose
 * list the store has moved past) come from the store.
 */
import { posix } from 'node:path';
import type { KubeList, KubeObject, Status } from '../../api/types';
import { ERR_COMPACTED } from '../../store/store';
import type { HandlerContext } from '../apiServer';
import { badRequest, gone, invalid, notFound, tooLargeResourceVersion } from '../errors';
import { type FieldError, forbidden, invalidValue, notSupported } from '../fieldErrors';
import { groupVersion } from '../resources';
import { parseFilter } from '../selectors';

/** The etcd3 store's message when a list's exact resourceVersion has been compacted. */
const EXPIRED_LIST = 'The resourceVersion for the provided list is too old.';
const EXPIRED_CONTINUE = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** parseResourceVersion reads a resourceVersion as APIObjectVersioner does ('' and '0' are 0). */
export function parseResourceVersion(rv: string | undefined): number | Status {
  if (rv === undefined || rv === '') return 0;
  if (!/^\d+$/.test(rv)) {
    return badRequest(`invalid resource version: resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
  }
  return Number(rv);
}

export async function handleGet(ctx: HandlerContext): Promise<KubeObject | Status> {
  const rv = parseResourceVersion(ctx.query.resourceVersion);
  if (typeof rv !== 'number') return rv;
  const obj = await ctx.storage.get(ctx.type.namespaced ? ctx.info.namespace : '', ctx.info.name);
  // A get "not older than" a resourceVersion the server has not reached yet times out, as the watch cache does.
  if (rv > 0) {
    const current = await ctx.storage.currentRevision();
    if (rv > current) return tooLargeResourceVersion(rv, current);
  }
  return obj ?? notFound({ group: ctx.type.group, resource: ctx.type.resource }, ctx.info.name);
}

/** ContinueToken is upstream's continue key: the list's revision and the key (relative to the resource prefix) to resume at. */
interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

/** validateListOptions is metainternalversion/validation.ValidateListOptions. */
function validateListOptions(q: HandlerContext['query']): FieldError[] {
  const errs: FieldError[] = [];
  const match = q.resourceVersionMatch;
  if (match) {
    if (!q.resourceVersion) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (q.continue) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && q.resourceVersion === '0') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (q.sendInitialEvents !== undefined) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errs;
}

export async function handleList(ctx: HandlerContext): Promise<KubeList | Status> {
  const optionErrors = validateListOptions(ctx.query);
  if (optionErrors.length) return invalid('ListOptions', 'meta.k8s.io', '', optionErrors);
  const filter = parseFilter(ctx.type, ctx.query.labelSelector, ctx.query.fieldSelector);
  if ('code' in filter) return filter;
  const limit = ctx.query.limit ? Number(ctx.query.limit) : 0;
  if (!Number.isInteger(limit) || limit < 0) {
    return invalid('ListOptions', 'meta.k8s.io', '', [invalidValue('limit', ctx.query.limit, 'must be a non-negative integer')]);
  }
  const rv = parseResourceVersion(ctx.query.resourceVersion);
  if (typeof rv !== 'number') return rv;
  const prefix = ctx.storage.keyPrefix('');
  let start: string | undefined;
  let atRevision = 0;
  if (ctx.query.continue) {
    const token = decodeContinue(ctx.query.continue);
    if (typeof token === 'string') return badRequest(`invalid continue token: ${token}`);
    start = prefix + token.start;
    // A token at revision -1 asks for the (inconsistent) rest of a list whose snapshot expired.
    atRevision = token.rv > 0 ? token.rv : 0;
  } else if (ctx.query.resourceVersionMatch === 'Exact') {
    atRevision = rv;
  } else if (rv > 0) {
    const current = await ctx.storage.currentRevision();
    if (rv > current) return tooLargeResourceVersion(rv, current);
  }
  const namespace = ctx.type.namespaced ? ctx.info.namespace : '';
  let page: Awaited<ReturnType<typeof ctx.storage.list>>;
  try {
    page = await ctx.storage.list(namespace, filter, limit, start, atRevision);
  } catch (err) {
    if (!(err instanceof Error) || err.message !== ERR_COMPACTED) throw err;
    if (!ctx.query.continue || !start) return gone(EXPIRED_LIST);
    const expired = gone(EXPIRED_CONTINUE);
    expired.metadata = { continue: encodeContinue(-1, start.slice(prefix.length)) };
    return expired;
  }
  const metadata: KubeList['metadata'] = { resourceVersion: String(page.revision) };
  if (page.nextKey) metadata.continue = encodeContinue(page.revision, page.nextKey.slice(prefix.length));
  return { kind: `${ctx.type.kind}List`, apiVersion: groupVersion(ctx.type), metadata, items: page.items };
}

/** encodeContinue is storage.EncodeContinue: base64url (no padding) JSON of the version, revision and relative start key. */
function encodeContinue(rv: number, start: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv, start };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** decodeContinue is storage.DecodeContinue: the token, or why it is not valid in upstream's words. */
function decodeContinue(raw: string): ContinueToken | string {
  if (!/^[A-Za-z0-9_-]*$/.test(raw)) return 'continue key is not valid: illegal base64 data at input byte ' + String(raw.search(/[^A-Za-z0-9_-]/));
  let token: Partial<ContinueToken>;
  try {
    token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<ContinueToken>;
  } catch (err) {
    return `continue key is not valid: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (token === null || typeof token !== 'object' || token.v !== 'meta.k8s.io/v1') return `continue key is not valid: server does not recognize this encoded version ${String(token?.v ?? '')}`;
  if (typeof token.rv !== 'number' || token.rv === 0) return 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)';
  if (typeof token.start !== 'string' || token.start === '') return 'continue key is not valid: encoded start key empty (version meta.k8s.io/v1)';
  const key = token.start.startsWith('/') ? token.start : `/${token.start}`;
  if (posix.normalize(key) !== key || key.endsWith('/') || key.includes('/./')) return `continue key is not valid: ${token.start}`;
  return { v: token.v, rv: token.rv, start: key.slice(1) };
}
