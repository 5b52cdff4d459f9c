/**
 * discovery answers /api, /apis and /api(s)/<group>/<version> from the resource
 * table, so clients (kubectl, the editor) learn kinds and resources as from a real
 * server: each group version's resources sorted by path as the API installer
 * registers them, with their verbs, short names, categories and storage version
 * hash, each subresource with the kind its storage serves, and the groups in
 * kube-apiserver's priority order. aggregatedDiscovery.ts serves the same facts
 * as one APIGroupDiscoveryList.
 */
import { createHash } from 'node:crypto';
import { isVirtual, virtualResources } from './handlers/virtual';
import { VERSION_INFO } from './http/version';
import { builtinResources } from './registry';
import { type ResourceTable, type ResourceType, groupVersion } from './resources';

/** APIResource is metav1.APIResource, fields in upstream's order. */
export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

/** SubresourceInfo is what a subresource's REST storage declares: the kind it serves and the verbs it answers. */
export interface SubresourceInfo {
  /** kind is the storage's kind; undefined means the parent's, and a function derives it from the parent's. */
  kind?: string | ((parentKind: string) => string);
  /** groupVersion is set when the storage names its own (rest.GroupVersionKindProvider): Scale, Eviction, TokenRequest. */
  groupVersion?: { group: string; version: string };
  verbs: string[];
  /** connect lists the HTTP methods of a connecter (exec, attach, portforward, proxy) and its options struct. */
  connect?: { methods: string[]; options: string; subpath: boolean };
  /** options names the options struct of a getter with options (log's PodLogOptions). */
  getOptions?: string;
  /** produces is ProducesMIMETypes and ProducesObject for a storage that answers something other than its kind (log's text). */
  produces?: { mimeTypes: string[]; object: 'string' };
  /** namedCreate marks a rest.NamedCreater: POST to the object's own path. */
  namedCreate?: boolean;
}

const CONNECT = ['GET', 'POST'];
const PROXY = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

/** SUBRESOURCES are the subresources kube-apiserver's built-in registries serve, as their storages declare them. */
export const SUBRESOURCES: Readonly<Record<string, SubresourceInfo>> = {
  attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'], connect: { methods: CONNECT, options: 'PodAttachOptions', subpath: false } },
  binding: { kind: 'Binding', verbs: ['create'], namedCreate: true },
  ephemeralcontainers: { verbs: ['get', 'patch', 'update'] },
  eviction: { kind: 'Eviction', groupVersion: { group: 'policy', version: 'v1' }, verbs: ['create'], namedCreate: true },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'], connect: { methods: CONNECT, options: 'PodExecOptions', subpath: false } },
  finalize: { verbs: ['update'] },
  log: { verbs: ['get'], getOptions: 'PodLogOptions', produces: { mimeTypes: ['text/plain'], object: 'string' } },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'], connect: { methods: CONNECT, options: 'PodPortForwardOptions', subpath: false } },
  proxy: { kind: (parent) => `${parent}ProxyOptions`, verbs: ['create', 'delete', 'get', 'patch', 'update'], connect: { methods: PROXY, options: '', subpath: true } },
  scale: { kind: 'Scale', groupVersion: { group: 'autoscaling', version: 'v1' }, verbs: ['get', 'patch', 'update'] },
  status: { verbs: ['get', 'patch', 'update'] },
  token: { kind: 'TokenRequest', groupVersion: { group: 'authentication.k8s.io', version: 'v1' }, verbs: ['create'], namedCreate: true },
};

/** subresourceKind is the kind a subresource's storage serves. */
export function subresourceKind(info: SubresourceInfo, parentKind: string): string {
  return typeof info.kind === 'function' ? info.kind(parentKind) : info.kind ?? parentKind;
}

/**
 * GROUP_PRIORITIES are the group priorities kube-apiserver gives its built-in
 * groups' APIServices (the aggregator's apiVersionPriorities), and metrics-server's
 * APIService its manifest's 100; other groups (CRDs, the lab's own) get 1000.
 * Groups are listed highest first, then by name.
 */
const GROUP_PRIORITIES: Readonly<Record<string, number>> = {
  '': 18000, 'apiregistration.k8s.io': 18000, apps: 17800, 'events.k8s.io': 17750, 'authentication.k8s.io': 17700,
  'authorization.k8s.io': 17600, autoscaling: 17500, batch: 17400, 'certificates.k8s.io': 17300, 'networking.k8s.io': 17200,
  policy: 17100, 'rbac.authorization.k8s.io': 17000, 'storage.k8s.io': 16800, 'admissionregistration.k8s.io': 16700,
  'apiextensions.k8s.io': 16700, 'scheduling.k8s.io': 16600, 'coordination.k8s.io': 16500, 'node.k8s.io': 16300,
  'discovery.k8s.io': 16200, 'flowcontrol.apiserver.k8s.io': 16100, 'internal.apiserver.k8s.io': 16000, 'resource.k8s.io': 15900,
  'metrics.k8s.io': 100,
};

/** groupPriority is a group's GroupPriorityMinimum. */
function groupPriority(group: string): number {
  return GROUP_PRIORITIES[group] ?? 1000;
}

/** compareKubeAwareVersions orders versions as version.CompareKubeAwareVersionStrings, most preferred first: GA, then beta, then alpha, higher numbers first, others by name last. */
export function compareKubeAwareVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    return m ? [Number(m[1]), m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2, Number(m[3] ?? 0)] : undefined;
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  if (pa[1] !== pb[1]) return pb[1] - pa[1];
  if (pa[0] !== pb[0]) return pb[0] - pa[0];
  return pb[2] - pa[2];
}

/** GroupVersions is a group and its served versions, most preferred first. */
export interface GroupVersions {
  name: string;
  versions: string[];
}

/** servedGroups lists every served group (core included, as ''), in priority order. */
export function servedGroups(table: ResourceTable): GroupVersions[] {
  const groups = new Map<string, string[]>();
  for (const gv of table.groupVersions()) groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version]);
  return [...groups]
    .map(([name, versions]) => ({ name, versions: versions.sort(compareKubeAwareVersions) }))
    .sort((a, b) => groupPriority(b.name) - groupPriority(a.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** CUSTOM_RESOURCE_VERBS are the verbs apiextensions-apiserver lists for every custom resource, in its order. */
export const CUSTOM_RESOURCE_VERBS: readonly string[] = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

const builtin = new Set<ResourceType>([...builtinResources, ...virtualResources]);

/** isCustomResource tells a CRD's served version from a built-in type. */
export function isCustomResource(t: ResourceType): boolean {
  return !builtin.has(t);
}

/** storageVersionHash is discovery.StorageVersionHash: the first 8 bytes of sha256("group/version/kind"), base64. */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

/** apiResources is the APIInstaller's answer for one group version: each resource, then each of its subresources, sorted by path. */
export function apiResources(table: ResourceTable, group: string, version: string): APIResource[] {
  const out: APIResource[] = [];
  for (const t of table.types) {
    if (t.group !== group || t.version !== version) continue;
    const custom = isCustomResource(t);
    out.push({
      name: t.resource, singularName: t.singularName, namespaced: t.namespaced, kind: t.kind, verbs: custom ? [...CUSTOM_RESOURCE_VERBS] : [...t.verbs].sort(),
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
      // Only stored resources declare a storage version; reviews and componentstatuses are computed.
      ...(!isVirtual(t) ? { storageVersionHash: storageVersionHash(group, version, t.kind) } : {}),
    });
    for (const sub of t.subresources) {
      const info = SUBRESOURCES[sub];
      if (!info || (custom && sub !== 'status' && sub !== 'scale')) continue;
      out.push({
        name: `${t.resource}/${sub}`, singularName: '', namespaced: t.namespaced,
        ...(info.groupVersion ? { group: info.groupVersion.group, version: info.groupVersion.version } : {}),
        kind: subresourceKind(info, t.kind), verbs: info.verbs,
      });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** discovery returns the document served at path, or undefined when path is not a discovery path. */
export function discovery(table: ResourceTable, path: string): object | undefined {
  const p = path.replace(/\/+$/, '');
  if (p === '/api') {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] };
  }
  if (p === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: servedGroups(table).filter((g) => g.name).map(({ name, versions }) => ({
        name,
        versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
        preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
      })),
    };
  }
  if (p === '/version') {
    return { ...VERSION_INFO };
  }
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(p);
  if (!m) return undefined;
  const group = m[2] ?? '';
  const version = m[1] ?? m[3];
  const resources = apiResources(table, group, version);
  if (!resources.length) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}
