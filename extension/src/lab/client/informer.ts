/**
 * Informer keeps a local cache of one resource in step with the API server —
 * list, then watch from the list's resourceVersion, relisting when the watch
 * ends — and tells handlers about every change, as client-go's SharedInformer.
 */
import type { Clock, Timer } from '../clock';
import { keyOf } from '../api/meta';
import type { KubeObject, WatchEvent } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from './kubeClient';
import type { ResourceRef } from './resources';
import type { WatchHandle } from './transport';

export interface EventHandler<T extends KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Relists back off from 1 s to 30 s while the server keeps failing. */
const RELIST_BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000];

export class Informer<T extends KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: EventHandler<T>[] = [];
  private readonly indexers = new Map<string, (obj: T) => string[]>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private watchHandle?: WatchHandle;
  private timer?: Timer;
  private stopped = false;
  private synced = false;
  private failures = 0;
  private syncWaiters: (() => void)[] = [];
  private changeCount = 0;

  constructor(
    private readonly client: KubeClient,
    readonly ref: ResourceRef,
    private readonly clock: Clock,
    private readonly options: InformerOptions = {},
  ) {}

  addEventHandler(handler: EventHandler<T>): void {
    this.handlers.push(handler);
    if (this.synced) for (const obj of this.cache.values()) handler.onAdd?.(obj);
  }

  /** removeEventHandler stops telling handler about changes (a closed panel's feed). */
  removeEventHandler(handler: EventHandler<T>): void {
    const i = this.handlers.indexOf(handler);
    if (i >= 0) this.handlers.splice(i, 1);
  }

  /** addIndexer maintains a named index (for example pods by spec.nodeName). */
  addIndexer(name: string, fn: (obj: T) => string[]): void {
    this.indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.cache) for (const v of fn(obj)) this.indexAdd(index, v, key);
  }

  byIndex(name: string, value: string): T[] {
    const keys = this.indices.get(name)?.get(value);
    return keys ? [...keys].map((k) => this.cache.get(k) as T) : [];
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  /** changes counts the changes the cache has taken: equal counts mean the same contents (a controller may reuse what it derived from them). */
  get changes(): number {
    return this.changeCount;
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** start begins list-and-watch; the promise settles after the first list. */
  start(): Promise<void> {
    void this.listAndWatch();
    return this.waitForSync();
  }

  waitForSync(): Promise<void> {
    if (this.synced || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.watchHandle?.cancel();
    for (const w of this.syncWaiters) w();
    this.syncWaiters = [];
  }

  private async listAndWatch(): Promise<void> {
    if (this.stopped) return;
    const listed = await this.client.list<T>(this.ref, this.options.namespace ?? '', { labelSelector: this.options.labelSelector, fieldSelector: this.options.fieldSelector });
    if (this.stopped) return;
    if (isStatus(listed)) return this.retry();
    this.replace(listed.items);
    let rv = listed.metadata.resourceVersion ?? '';
    this.watchHandle = await this.client.watch<T>(
      this.ref,
      this.options.namespace ?? '',
      { labelSelector: this.options.labelSelector, fieldSelector: this.options.fieldSelector, resourceVersion: rv },
      (e) => {
        if (e.type !== 'ERROR' && e.object.metadata.resourceVersion) rv = e.object.metadata.resourceVersion;
        this.apply(e);
      },
      (error) => {
        if (this.stopped) return;
        // The watch ended: a 410 means our revision was compacted away, anything else is a dropped stream.
        if (error) this.retry();
        else void this.listAndWatch();
      },
    );
    this.failures = 0;
  }

  private retry(): void {
    if (this.stopped) return;
    const wait = RELIST_BACKOFF_MS[Math.min(this.failures++, RELIST_BACKOFF_MS.length - 1)];
    this.timer = this.clock.setTimer(wait, () => void this.listAndWatch());
  }

  private apply(e: WatchEvent<T>): void {
    if (e.type === 'BOOKMARK' || e.type === 'ERROR') return;
    const obj = e.object as T;
    const key = keyOf(obj);
    const old = this.cache.get(key);
    if (e.type === 'DELETED') {
      if (!old) return;
      this.remove(key, old);
      for (const h of this.handlers) h.onDelete?.(obj);
      return;
    }
    this.put(key, obj, old);
    for (const h of this.handlers) {
      if (old) h.onUpdate?.(old, obj);
      else h.onAdd?.(obj);
    }
  }

  /** replace swaps the cache for a fresh list, telling handlers what changed meanwhile. */
  private replace(items: T[]): void {
    const fresh = new Map(items.map((o) => [keyOf(o), o]));
    for (const [key, old] of [...this.cache]) {
      if (!fresh.has(key)) {
        this.remove(key, old);
        for (const h of this.handlers) h.onDelete?.(old);
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.cache.get(key);
      if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) continue;
      this.put(key, obj, old);
      for (const h of this.handlers) {
        if (old) h.onUpdate?.(old, obj);
        else h.onAdd?.(obj);
      }
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters) w();
      this.syncWaiters = [];
    }
  }

  private put(key: string, obj: T, old: T | undefined): void {
    this.changeCount++;
    if (old) this.unindex(key, old);
    this.cache.set(key, obj);
    for (const [name, fn] of this.indexers) for (const v of fn(obj)) this.indexAdd(this.indices.get(name) as Map<string, Set<string>>, v, key);
  }

  private remove(key: string, old: T): void {
    this.changeCount++;
    this.unindex(key, old);
    this.cache.delete(key);
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      for (const v of fn(obj)) {
        const set = index.get(v);
        set?.delete(key);
        if (set?.size === 0) index.delete(v);
      }
    }
  }

  private indexAdd(index: Map<string, Set<string>>, value: string, key: string): void {
    let set = index.get(value);
    if (!set) index.set(value, (set = new Set()));
    set.add(key);
  }
}

/** InformerFactory shares one informer per resource and options within a component, as SharedInformerFactory. */
export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private readonly started = new Set<Informer<KubeObject>>();
  private stopped = false;

  constructor(private readonly client: KubeClient, private readonly clock: Clock) {}

  informer<T extends KubeObject>(ref: ResourceRef, options: InformerOptions = {}): Informer<T> {
    const key = `${ref.group}/${ref.resource}?${options.namespace ?? ''}&${options.labelSelector ?? ''}&${options.fieldSelector ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) this.informers.set(key, (inf = new Informer<KubeObject>(this.client, ref, this.clock, options)));
    return inf as unknown as Informer<T>;
  }

  /** start starts every informer made since the last start (none once stopped), as client-go's Start, and waits for all their first lists. */
  async start(): Promise<void> {
    if (this.stopped) return;
    await Promise.all([...this.informers.values()].map((i) => {
      if (this.started.has(i)) return i.waitForSync();
      this.started.add(i);
      return i.start();
    }));
  }

  stop(): void {
    this.stopped = true;
    for (const i of this.informers.values()) i.stop();
  }
}
