/** read serves get and list, with label/field selectors and limit/continue paging. */
import type { KubeList, Status } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import { badRequest, gone, notFound } from '../errors';
import { groupVersion } from '../resources';
import { parseFilter } from '../selectors';
import type { KubeObject } from '../../api/types';

export async function handleGet(ctx: HandlerContext): Promise<KubeObject | Status> {
  const obj = await ctx.storage.get(ctx.type.namespaced ? ctx.info.namespace : '', ctx.info.name);
  return obj ?? notFound({ group: ctx.type.group, resource: ctx.type.resource }, ctx.info.name);
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

export async function handleList(ctx: HandlerContext): Promise<KubeList | Status> {
  const filter = parseFilter(ctx.type, ctx.query.labelSelector, ctx.query.fieldSelector);
  if ('code' in filter) return filter;
  const limit = ctx.query.limit ? Number(ctx.query.limit) : 0;
  if (!Number.isInteger(limit) || limit < 0) return badRequest(`invalid limit: ${ctx.query.limit}`);
  let start: string | undefined;
  if (ctx.query.continue) {
    try {
      const token = JSON.parse(Buffer.from(ctx.query.continue, 'base64').toString('utf8')) as ContinueToken;
      start = token.start;
    } catch {
      return badRequest('continue key is not valid: illegal base64 data');
    }
    if (start === undefined) return gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
  }
  const namespace = ctx.type.namespaced ? ctx.info.namespace : '';
  const page = await ctx.storage.list(namespace, filter, limit, start);
  const metadata: KubeList['metadata'] = { resourceVersion: String(page.revision) };
  if (page.nextKey) {
    const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: page.revision, start: page.nextKey };
    metadata.continue = Buffer.from(JSON.stringify(token)).toString('base64');
  }
  return { kind: `${ctx.type.kind}List`, apiVersion: groupVersion(ctx.type), metadata, items: page.items };
}
