/**
 * storagePrefix is where kube-apiserver keeps each resource in etcd. The
 * storage factory (pkg/kubeapiserver/default_storage_factory_builder.go and
 * apiserver's DefaultStorageFactory.ResourcePrefix) files a built-in resource
 * under its lowercase plural alone, whatever its group (`/registry/deployments/`),
 * except the prefixes compiled in as SpecialDefaultResourcePrefixes
 * (`/registry/services/specs/`, `/registry/minions/`…). The extension servers
 * store through SimpleRestOptionsFactory, which keeps the group:
 * `/registry/apiextensions.k8s.io/customresourcedefinitions/`,
 * `/registry/apiregistration.k8s.io/apiservices/`, and every custom resource at
 * `/registry/<group>/<plural>/`. Under a prefix, the generic registry's
 * NamespaceKeyFunc appends `<namespace>/<name>`, NoNamespaceKeyFunc `<name>`.
 */

/** REGISTRY is the etcd prefix kube-apiserver's --etcd-prefix defaults to, with the slash keys start after. */
export const REGISTRY = '/registry/';

/** SPECIAL_PREFIXES are upstream's SpecialDefaultResourcePrefixes, keyed `group/resource`. */
const SPECIAL_PREFIXES: ReadonlyMap<string, string> = new Map([
  ['/replicationcontrollers', 'controllers'],
  ['/endpoints', 'services/endpoints'],
  ['/nodes', 'minions'],
  ['/services', 'services/specs'],
  ['extensions/ingresses', 'ingress'],
  ['networking.k8s.io/ingresses', 'ingress'],
  ['extensions/podsecuritypolicies', 'podsecuritypolicy'],
  ['policy/podsecuritypolicies', 'podsecuritypolicy'],
]);

/** GROUP_KEYED are the groups served by the extension servers, which file their resources under the group. */
const GROUP_KEYED = new Set(['apiextensions.k8s.io', 'apiregistration.k8s.io']);

/**
 * SEPARATE_GROUPS keeps apart what upstream cohabits: events.k8s.io/v1 events
 * are core events stored under `/registry/events/` and converted on the way;
 * the lab stores the two faces separately, so the newer one keeps its group.
 */
const SEPARATE_GROUPS = new Set(['events.k8s.io/events']);

/**
 * resourcePrefix is a resource's key prefix below /registry, without slashes
 * at either end: `pods`, `deployments`, `services/specs`, `stable.example.com/crontabs`.
 * custom marks a custom resource (served for a CRD).
 */
export function resourcePrefix(group: string, resource: string, custom = false): string {
  if (custom || GROUP_KEYED.has(group) || SEPARATE_GROUPS.has(`${group}/${resource}`)) return `${group}/${resource}`;
  return SPECIAL_PREFIXES.get(`${group}/${resource}`) ?? resource.toLowerCase();
}

/** storageKeyPrefix is the full prefix a resource's keys start with: `/registry/deployments/`. */
export function storageKeyPrefix(group: string, resource: string, custom = false): string {
  return `${REGISTRY}${resourcePrefix(group, resource, custom)}/`;
}

/**
 * legacyKeyPrefix is where the lab kept a resource before it used upstream's
 * layout: `/registry/<group>/<resource>/`, the core group without a segment.
 * Stores and snapshots written then are moved on load (migrateLegacyKeys).
 */
export function legacyKeyPrefix(group: string, resource: string): string {
  return `${REGISTRY}${group ? `${group}/` : ''}${resource}/`;
}

/** StoredGroupResource is one stored resource: its group, its plural, and whether a CRD serves it. */
export interface StoredGroupResource {
  group: string;
  resource: string;
  custom?: boolean;
}

/**
 * KeyResolver reads the resource a key belongs to off the layout, as
 * schema.GroupResource.String() (`pods`, `deployments.apps`, `crontabs.stable.example.com`),
 * '' for keys outside /registry or under no resource's prefix.
 */
export class KeyResolver {
  /** byPrefix maps each resource's prefix below /registry to its group-resource, longest prefixes first. */
  private readonly byPrefix: [string, string][];

  constructor(resources: Iterable<StoredGroupResource>) {
    const seen = new Map<string, string>();
    for (const r of resources) seen.set(`${resourcePrefix(r.group, r.resource, r.custom)}/`, r.group ? `${r.resource}.${r.group}` : r.resource);
    this.byPrefix = [...seen].sort((a, b) => b[0].length - a[0].length);
  }

  /** resourceOf is the group-resource of key; a key under no known prefix but shaped `/registry/<group with a dot>/<plural>/…` is a custom resource's. */
  resourceOf(key: string): string {
    if (!key.startsWith(REGISTRY)) return '';
    const rest = key.slice(REGISTRY.length);
    for (const [prefix, gr] of this.byPrefix) if (rest.startsWith(prefix) || rest === prefix.slice(0, -1)) return gr;
    const [first = '', second = ''] = rest.split('/');
    if (first.includes('.') && second) return `${second}.${first}`;
    return '';
  }
}
