/**
 * crdController is the API server's own loop over CustomResourceDefinitions, as
 * apiextensions-apiserver's naming and establishing controllers and its CRD
 * handler: it keeps each CRD's status (NamesAccepted, Established, accepted
 * names) current, serves a CRD's versions once it is Established, stops serving
 * them when it goes away, and then deletes its custom resources.
 */
import { timestamp } from '../../api/meta';
import type { KubeObject } from '../../api/types';
import type { Clock } from '../../clock';
import type { ServerCache } from '../cache';
import type { ResourceType } from '../resources';
import type { ObjectStorage } from '../storage';
import { crdResourceTypes } from './resourceTypes';
import { crdStatus, isEstablished } from './status';
import type { CustomResourceDefinition } from './types';

const GROUP = 'apiextensions.k8s.io';
const RESOURCE = 'customresourcedefinitions';

/** CrdHost is what the controller needs of the API server. */
export interface CrdHost {
  cache: ServerCache;
  clock: Clock;
  storageFor(group: string, resource: string): ObjectStorage | undefined;
  serve(types: readonly ResourceType[]): void;
  unserve(types: readonly ResourceType[]): void;
}

/** A failed sync is tried again after this long. */
const RETRY_MS = 1000;

export class CrdController {
  /** served maps a CRD's name to the types it serves now. */
  private readonly served = new Map<string, readonly ResourceType[]>();
  /** serving remembers which spec generation the served types were built from. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly host: CrdHost) {}

  start(): void {
    this.host.cache.subscribe(GROUP, RESOURCE, (obj, deleted) => this.enqueue(obj as CustomResourceDefinition, deleted));
    for (const crd of this.host.cache.list(GROUP, RESOURCE)) this.enqueue(crd as CustomResourceDefinition, false);
  }

  /**
   * enqueue syncs a CRD; a sync the store refused (its quota, an outage) is tried
   * again a second later from the CRD as the cache then has it, as a work queue's
   * rate-limited requeue would, instead of failing the whole server.
   */
  private enqueue(crd: CustomResourceDefinition, deleted: boolean): void {
    this.sync(crd, deleted).catch(() => {
      const name = crd.metadata.name ?? '';
      this.host.clock.setTimer(RETRY_MS, () => {
        const current = this.host.cache.list(GROUP, RESOURCE).find((c) => c.metadata.name === name) as CustomResourceDefinition | undefined;
        if (current) this.enqueue(current, false);
        else if (deleted) this.enqueue(crd, true);
      });
    });
  }

  private async sync(crd: CustomResourceDefinition, deleted: boolean): Promise<void> {
    const name = crd.metadata.name ?? '';
    if (deleted) {
      const types = this.served.get(name);
      if (types) {
        const storage = types[0] ? this.host.storageFor(types[0].group, types[0].resource) : undefined;
        this.host.unserve(types);
        this.served.delete(name);
        this.generations.delete(name);
        if (storage) await deleteInstances(storage);
      }
      return;
    }
    const others = this.host.cache.list(GROUP, RESOURCE).filter((c) => c.metadata.name !== name) as CustomResourceDefinition[];
    const status = crdStatus(crd, others, timestamp(this.host.clock.now()));
    if (JSON.stringify(status) !== JSON.stringify(crd.status ?? {})) {
      const storage = this.host.storageFor(GROUP, RESOURCE);
      const next = { ...structuredClone(crd), status } as KubeObject;
      // A conflict means another write got there first; its change event brings the CRD back here.
      await storage?.update(next, Number(crd.metadata.resourceVersion), false);
      return;
    }
    const generation = crd.metadata.generation ?? 0;
    if (!isEstablished(crd)) return;
    if (this.generations.get(name) === generation) return;
    const previous = this.served.get(name);
    if (previous) this.host.unserve(previous);
    const types = crdResourceTypes(crd);
    this.host.serve(types);
    this.served.set(name, types);
    this.generations.set(name, generation);
  }
}

/** deleteInstances removes a deleted CRD's custom resources, as the customresourcecleanup finalizer does. */
async function deleteInstances(storage: ObjectStorage): Promise<void> {
  const all = await storage.list('', { labels: [], fields: [] }, 0);
  for (const obj of all.items) await storage.remove(obj, Number(obj.metadata.resourceVersion), false);
}
