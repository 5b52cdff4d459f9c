/**
 * MemoryCache is an ObjectCache over objects put in by hand, for tests and
 * tools that exercise authentication and authorization without a store.
 */
import type { KubeObject } from '../../api/types';
import type { ObjectCache } from './types';

export class MemoryCache implements ObjectCache {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly versions = new Map<string, number>();

  /** put adds or replaces obj under group/resource, bumping that resource's version. */
  put(group: string, resource: string, obj: KubeObject): this {
    const key = `${group}/${resource}`;
    let objs = this.objects.get(key);
    if (!objs) this.objects.set(key, (objs = new Map<string, KubeObject>()));
    objs.set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`, obj);
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
    return this;
  }

  /** replace sets every object of group/resource at once. */
  replace(group: string, resource: string, objects: readonly KubeObject[]): this {
    this.objects.delete(`${group}/${resource}`);
    for (const obj of objects) this.put(group, resource, obj);
    this.versions.set(`${group}/${resource}`, (this.versions.get(`${group}/${resource}`) ?? 0) + 1);
    return this;
  }

  delete(group: string, resource: string, namespace: string, name: string): void {
    const key = `${group}/${resource}`;
    this.objects.get(key)?.delete(`${namespace}/${name}`);
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
  }

  list(group: string, resource: string, namespace?: string): readonly KubeObject[] {
    const all = [...(this.objects.get(`${group}/${resource}`)?.values() ?? [])];
    return namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? '') === namespace);
  }

  get(group: string, resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(`${group}/${resource}`)?.get(`${namespace}/${name}`);
  }

  version(group: string, resource: string): number {
    return this.versions.get(`${group}/${resource}`) ?? 0;
  }
}
