/**
 * RevisionCache is one resource as it was at a past revision of the store:
 * read once with a list at `resourceVersion=N&resourceVersionMatch=Exact` (as
 * upstream's API server reads etcd at a revision), then frozen. It answers the
 * same reads as an Informer's cache (get, list, byIndex), so a panel's feed
 * draws a past revision with the code that draws the live cluster. No
 * `vscode` here, so it is tested in plain Node.
 */
import { keyOf } from '../../lab/api/meta';
import { type KubeObject, type Status, isStatus } from '../../lab/api/types';
import type { InformerOptions } from '../../lab/client/informer';
import type { KubeClient } from '../../lab/client/kubeClient';
import type { ResourceRef } from '../../lab/client/resources';

/** ObjectCache is what a feed reads of a resource: an Informer live, a RevisionCache when travelling. */
export interface ObjectCache<T extends KubeObject> {
  get(key: string): T | undefined;
  list(): T[];
  byIndex(name: string, value: string): T[];
}

export class RevisionCache<T extends KubeObject> implements ObjectCache<T> {
  private readonly objects: Map<string, T>;
  private readonly indices = new Map<string, Map<string, T[]>>();

  constructor(items: readonly T[], readonly revision: number) {
    this.objects = new Map(items.map((o) => [keyOf(o), o]));
  }

  /** addIndexer builds a named index over the frozen objects (an Informer's indexers, for byIndex). */
  addIndexer(name: string, fn: (obj: T) => string[]): this {
    const index = new Map<string, T[]>();
    for (const o of this.objects.values()) {
      for (const v of fn(o)) {
        const list = index.get(v);
        if (list) list.push(o);
        else index.set(v, [o]);
      }
    }
    this.indices.set(name, index);
    return this;
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  byIndex(name: string, value: string): T[] {
    return [...(this.indices.get(name)?.get(value) ?? [])];
  }
}

/** TravelFailure is why a revision cannot be shown, in words for the page's banner. */
export interface TravelFailure {
  error: string;
}

/** travelFailure words the API's refusal of a read at revision: a 410 means the store compacted it away. */
export function travelFailure(revision: number, status: Status): TravelFailure {
  const said = status.message ?? status.reason ?? `HTTP ${status.code}`;
  if (status.code === 410) return { error: `Revision ${revision} has been compacted away: the store no longer keeps it (${status.code} ${status.reason ?? 'Gone'}: ${said})` };
  return { error: `Cannot read revision ${revision}: ${said}` };
}

/** readAt lists one resource as of revision; the API's refusal (410 Gone once compacted) comes back as a TravelFailure. */
export async function readAt<T extends KubeObject>(client: KubeClient, ref: ResourceRef, revision: number, options: InformerOptions = {}): Promise<RevisionCache<T> | TravelFailure> {
  const listed = await client.list<T>(ref, options.namespace ?? '', {
    labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, resourceVersion: String(revision), resourceVersionMatch: 'Exact',
  });
  if (isStatus(listed)) return travelFailure(revision, listed);
  return new RevisionCache(listed.items, revision);
}

/** isFailure tells a failed read from a cache. */
export function isFailure(r: object): r is TravelFailure {
  return 'error' in r && typeof (r as TravelFailure).error === 'string';
}
