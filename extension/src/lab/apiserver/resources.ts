/**
 * resources is the table of served resources: for each, its group, version,
 * kind, names, scope, subresources and strategy. Discovery, the REST handler,
 * kubectl's mappings and the editor all read this one table. The built-in types
 * are declared per API group in registry/.
 */
import type { KubeObject } from '../api/types';
import type { Strategy } from './strategy';

export interface ResourceType {
  group: string;
  version: string;
  /** resource is the plural, lowercase name used in paths. */
  resource: string;
  kind: string;
  singularName: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** subresources served under this resource (`status`, `binding`). */
  subresources: string[];
  strategy: Strategy;
  /** scale describes the `scale` subresource (autoscaling/v1 Scale) as JSON paths in the object, as a CRD's scale subresource does. */
  scale?: ScaleSubresource;
}

/**
 * ScaleSubresource is where a type keeps what its Scale shows. replicasPaths maps
 * each group/version the type's managedFields may be recorded in to its spec
 * replicas path (null for a version without a scale subresource): the field
 * manager translates owners of that field to and from the Scale's `.spec.replicas`
 * (upstream's ResourcePathMappings). Without it, the served version's path is used.
 */
export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
  replicasPaths?: Readonly<Record<string, string | null>>;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** groupVersion renders `apps/v1`, or `v1` for the core group. */
export function groupVersion(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** def fills a resource type's defaults: every verb, no categories or short names. */
export function def(t: Omit<ResourceType, 'verbs' | 'categories' | 'shortNames'> & Partial<Pick<ResourceType, 'verbs' | 'categories' | 'shortNames'>>): ResourceType {
  return { verbs: ALL_VERBS, categories: [], shortNames: [], ...t };
}

/** ResourceTable finds resource types by path or by kind. */
export class ResourceTable {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();
  private list: ResourceType[] = [];

  constructor(types: readonly ResourceType[]) {
    this.add(types);
  }

  /** types is every served type, in the order they were added. */
  get types(): readonly ResourceType[] {
    return this.list;
  }

  /** add serves more types (a CustomResourceDefinition's versions once it is Established). */
  add(types: readonly ResourceType[]): void {
    for (const t of types) {
      this.byPath.set(`${t.group}/${t.version}/${t.resource}`, t);
      this.byKind.set(`${groupVersion(t)}/${t.kind}`, t);
      this.list.push(t);
    }
  }

  /** remove stops serving types. */
  remove(types: readonly ResourceType[]): void {
    const gone = new Set(types);
    for (const t of types) {
      if (this.byPath.get(`${t.group}/${t.version}/${t.resource}`) === t) this.byPath.delete(`${t.group}/${t.version}/${t.resource}`);
      if (this.byKind.get(`${groupVersion(t)}/${t.kind}`) === t) this.byKind.delete(`${groupVersion(t)}/${t.kind}`);
    }
    this.list = this.list.filter((t) => !gone.has(t));
  }

  /** lookup finds the type served at group/version/resource. */
  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  /** forKind finds the type of an object's apiVersion and kind. */
  forKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** groupVersions lists the served group/versions, core first. */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const t of this.types) seen.set(groupVersion(t), { group: t.group, version: t.version });
    return [...seen.values()];
  }
}

/** objectKind returns an object's kind or '' (for messages about objects without one). */
export function objectKind(obj: KubeObject | undefined): string {
  return typeof obj?.kind === 'string' ? obj.kind : '';
}
