/**
 * deleteCollection is the generic store's DeleteCollection: list what the selectors
 * match, then delete each item with the request's DeleteOptions, so every one goes
 * through the same graceful deletion, finalizers and admission as a single delete.
 * An item already gone is not an error; the answer is the list as it was read.
 */
import { type KubeList, type Status, isStatus } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import { handleDelete } from './delete';
import { handleList } from './read';

export async function handleDeleteCollection(ctx: HandlerContext, body: unknown): Promise<KubeList | Status> {
  const listed = await handleList(ctx);
  if (isStatus(listed)) return listed;
  for (const item of listed.items) {
    const deleted = await handleDelete({ ...ctx, info: { ...ctx.info, verb: 'delete', name: item.metadata.name ?? '' } }, body);
    if (isStatus(deleted) && deleted.status === 'Failure' && deleted.reason !== 'NotFound') return deleted;
  }
  return listed;
}
