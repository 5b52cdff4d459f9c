/**
 * aggregatedDiscovery is the document /api and /apis answer a client that asks for
 * `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList` (or
 * v2beta1): every group, version, resource and subresource in one list, as
 * apiserver's discovery/aggregated ResourceManager serves it — built-in group
 * versions converted from the installer's APIResources
 * (ConvertGroupVersionIntoToDiscovery), custom resources as apiextensions-apiserver's
 * discovery controller lists them — with the ETag (sha512 of the list's JSON) a
 * client sends back in If-None-Match.
 */
import { createHash } from 'node:crypto';
import { type APIResource, CUSTOM_RESOURCE_VERBS, SUBRESOURCES, apiResources, isCustomResource, servedGroups } from './discovery';
import type { ResourceTable, ResourceType } from './resources';

/** DISCOVERY_GROUP is apidiscovery.k8s.io; v2 and v2beta1 share one shape. */
export const DISCOVERY_GROUP = 'apidiscovery.k8s.io';

/** isAggregatedDiscovery is IsAggregatedDiscoveryGVK: a conversion to APIGroupDiscoveryList in v2 or v2beta1. */
export function isAggregatedDiscovery(to: { kind: string; group: string; version: string }): boolean {
  return to.group === DISCOVERY_GROUP && (to.version === 'v2' || to.version === 'v2beta1') && to.kind === 'APIGroupDiscoveryList';
}

/** GroupVersionKind is metav1.GroupVersionKind, fields in upstream's order. */
interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** APIResourceDiscovery is apidiscovery/v2's, fields in upstream's order. */
export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Cluster' | 'Namespaced';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: { subresource: string; responseKind: GroupVersionKind; verbs: string[] }[];
}

/** APIGroupDiscovery is one group: its name in metadata, its versions most preferred first. */
export interface APIGroupDiscovery {
  metadata: { name?: string; creationTimestamp: null };
  versions: { version: string; resources?: APIResourceDiscovery[]; freshness: 'Current' }[];
}

/** AggregatedDiscovery is a served list and its ETag. */
export interface AggregatedDiscovery {
  items: APIGroupDiscovery[];
  etag: string;
}

/** convertGroupVersion is ConvertGroupVersionIntoToDiscovery: resources first, each subresource appended to its parent. */
export function convertGroupVersion(list: readonly APIResource[]): APIResourceDiscovery[] {
  const out: APIResourceDiscovery[] = [];
  const parents = new Map<string, APIResourceDiscovery>();
  const scope = (r: APIResource): APIResourceDiscovery['scope'] => (r.namespaced ? 'Namespaced' : 'Cluster');
  for (const r of list) {
    if (r.name.includes('/')) continue;
    const d: APIResourceDiscovery = {
      resource: r.name, responseKind: { group: r.group ?? '', version: r.version ?? '', kind: r.kind }, scope: scope(r), singularResource: r.singularName, verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
    };
    out.push(d);
    parents.set(r.name, d);
  }
  for (const r of list) {
    const [parent, sub] = r.name.split('/', 2);
    if (sub === undefined) continue;
    let p = parents.get(parent);
    if (!p) {
      p = { resource: parent, responseKind: { group: '', version: '', kind: '' }, scope: scope(r), singularResource: '', verbs: [] };
      out.push(p);
      parents.set(parent, p);
    }
    (p.subresources ??= []).push({ subresource: sub, responseKind: { group: r.group ?? '', version: r.version ?? '', kind: r.kind }, verbs: r.verbs });
  }
  return out;
}

/** customResources lists a custom resource group version as the CRD discovery controller does: kinds qualified, verbs in its order. */
function customResources(types: readonly ResourceType[]): APIResourceDiscovery[] {
  return [...types].sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0)).map((t): APIResourceDiscovery => {
    const subresources = ['status', 'scale'].filter((s) => t.subresources.includes(s)).map((s) => {
      const info = SUBRESOURCES[s];
      const responseKind = info.groupVersion ? { ...info.groupVersion, kind: 'Scale' } : { group: t.group, version: t.version, kind: t.kind };
      return { subresource: s, responseKind, verbs: info.verbs };
    });
    return {
      resource: t.resource, responseKind: { group: t.group, version: t.version, kind: t.kind }, scope: t.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: t.singularName, verbs: [...CUSTOM_RESOURCE_VERBS],
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
      ...(subresources.length ? { subresources } : {}),
    };
  });
}

/** buildAggregatedDiscovery lists the core group (legacy, for /api) or every other group (for /apis). */
export function buildAggregatedDiscovery(table: ResourceTable, legacy: boolean): AggregatedDiscovery {
  const items: APIGroupDiscovery[] = [];
  for (const g of servedGroups(table)) {
    if ((g.name === '') !== legacy) continue;
    items.push({
      metadata: { ...(g.name ? { name: g.name } : {}), creationTimestamp: null },
      versions: g.versions.map((version) => {
        const types = table.types.filter((t) => t.group === g.name && t.version === version);
        const resources = types.some(isCustomResource) ? customResources(types) : convertGroupVersion(apiResources(table, g.name, version));
        return { version, ...(resources.length ? { resources } : {}), freshness: 'Current' as const };
      }),
    });
  }
  // The ETag is over the list as json.Marshal writes it before the serializer adds kind and apiVersion.
  const etag = createHash('sha512').update(JSON.stringify({ metadata: {}, items })).digest('hex').toUpperCase();
  return { items, etag };
}

/** aggregatedDiscoveryBody is the list as the serializer encodes it for the requested version (v2 or v2beta1). */
export function aggregatedDiscoveryBody(doc: AggregatedDiscovery, version: string): object {
  return { kind: 'APIGroupDiscoveryList', apiVersion: `${DISCOVERY_GROUP}/${version}`, metadata: {}, items: doc.items };
}

/** AggregatedDiscoveryCache rebuilds a list only when the served types change. */
export class AggregatedDiscoveryCache {
  private cached?: { types: readonly ResourceType[]; legacy: AggregatedDiscovery; groups: AggregatedDiscovery };

  constructor(private readonly table: ResourceTable) {}

  /** get answers the list for /api (legacy) or /apis. */
  get(legacy: boolean): AggregatedDiscovery {
    const types = this.table.types;
    const c = this.cached;
    if (!c || c.types.length !== types.length || c.types.some((t, i) => t !== types[i])) {
      this.cached = { types: [...types], legacy: buildAggregatedDiscovery(this.table, true), groups: buildAggregatedDiscovery(this.table, false) };
    }
    const now = this.cached as NonNullable<typeof this.cached>;
    return legacy ? now.legacy : now.groups;
  }
}
