/**
 * context is what every describer shares: the client, the instant ages are
 * measured from, kubectl's time zone, and the reads kubectl makes (a GET that
 * fails with the server's Status, lists followed through `continue` in pages
 * of 500 as --chunk-size defaults to).
 */
import type { KubeList, KubeObject, Status } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient, ListOptions } from '../client/kubeClient';
import type { ResourceRef } from '../client/resources';
import type { ZoneOffset } from './timeFormat';

/** DescribeContext carries a describe call's client, clock reading and zone. */
export interface DescribeContext {
  client: KubeClient;
  /** now is the instant ages are measured from (ms since the epoch). */
  now: number;
  zone: ZoneOffset;
}

/** DescribeError is a describe that could not be made: the server's Status, as kubectl prints it. */
export class DescribeError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? `${status.reason ?? 'Failure'} (${status.code})`);
    this.name = 'DescribeError';
  }
}

/** CHUNK_SIZE is kubectl describe's --chunk-size default. */
export const CHUNK_SIZE = 500;

/** getObject reads one object, rejecting with a DescribeError when the server refuses. */
export async function getObject(ctx: DescribeContext, ref: ResourceRef, namespace: string, name: string): Promise<KubeObject> {
  const res = await ctx.client.get(ref, namespace, name);
  if (isStatus(res)) throw new DescribeError(res);
  return res;
}

/** listAll is FollowContinue: every page of a list, or the Status that ended it. */
export async function listAll(ctx: DescribeContext, ref: ResourceRef, namespace: string, options: ListOptions = {}): Promise<KubeObject[] | Status> {
  const items: KubeObject[] = [];
  let token: string | undefined;
  do {
    const page: KubeList | Status = await ctx.client.list(ref, namespace, { ...options, limit: CHUNK_SIZE, continue: token });
    if (isStatus(page)) return page;
    items.push(...page.items);
    token = page.metadata.continue || undefined;
  } while (token);
  return items;
}
