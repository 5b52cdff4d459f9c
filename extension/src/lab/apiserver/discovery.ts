/**
 * discovery answers /api, /apis and /api(s)/<group>/<version> from the resource
 * table, so clients (kubectl, the editor) learn kinds and resources as from a real
 * server.
 */
import { VERSION_INFO } from './http/version';
import { type ResourceTable, groupVersion } from './resources';

/**
 * SUBRESOURCES are the discovery entries of subresources whose kind is not their
 * parent's (or whose verbs are not status's get/patch/update), as upstream serves
 * them; kubectl drain looks for pods/eviction with kind Eviction in group policy
 * before it evicts rather than deletes.
 */
const SUBRESOURCES: Record<string, { group?: string; version?: string; kind: string; verbs: string[] }> = {
  attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  eviction: { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  finalize: { kind: 'Namespace', verbs: ['update'] },
  log: { kind: 'Pod', verbs: ['get'] },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
  token: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] },
};

/** discovery returns the document served at path, or undefined when path is not a discovery path. */
export function discovery(table: ResourceTable, path: string): object | undefined {
  const p = path.replace(/\/+$/, '');
  if (p === '/api') {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] };
  }
  if (p === '/apis') {
    const groups = new Map<string, string[]>();
    for (const gv of table.groupVersions()) if (gv.group) groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version]);
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => ({
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
  const types = table.types.filter((t) => t.group === group && t.version === version);
  if (!types.length) return undefined;
  const resources: object[] = [];
  for (const t of types) {
    resources.push({ name: t.resource, singularName: t.singularName, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs, ...(t.shortNames.length ? { shortNames: t.shortNames } : {}), ...(t.categories.length ? { categories: t.categories } : {}) });
    for (const sub of t.subresources) {
      const known = SUBRESOURCES[sub];
      resources.push({ name: `${t.resource}/${sub}`, singularName: '', namespaced: t.namespaced, ...(known ?? { kind: t.kind, verbs: ['get', 'patch', 'update'] }) });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}
