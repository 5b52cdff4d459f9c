/**
 * discovery reads the API's discovery documents as client-go's discovery client
 * does: every group version's resources (ServerGroupsAndResources), each
 * resource at its preferred version (ServerPreferredResources), and a REST mapper
 * from apiVersion and kind to the resource that serves them.
 */
import { isStatus } from '../api/types';
import type { KubeClient } from './kubeClient';
import type { ResourceRef } from './resources';

/** APIResource is a resource of one group version, as discovery lists it (subresources left out). */
export interface APIResource extends ResourceRef {
  kind: string;
  verbs: readonly string[];
}

/** APIGroup is a group and its versions in the server's order. */
export interface APIGroup {
  name: string;
  versions: readonly string[];
  preferredVersion: string;
}

/** ServerResources is what discovery found. */
export interface ServerResources {
  groups: APIGroup[];
  /** resources holds every resource of every group version that answered, in the server's order. */
  resources: APIResource[];
  /** failedGroups maps each group version that did not answer to why, as ErrGroupDiscoveryFailed. */
  failedGroups: Map<string, string>;
  /** error is why discovery failed, wholly (the group list) or partly (ErrGroupDiscoveryFailed's message). */
  error?: string;
}

interface GroupList { groups?: { name: string; versions?: { version: string }[]; preferredVersion?: { version: string } }[] }
interface ResourceList { resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[] }

/** groupVersionString is schema.GroupVersion's String: `v1` for the core group, else `group/version`. */
export function groupVersionString(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** serverResources is ServerGroupsAndResources: the groups, then each group version's resources. */
export async function serverResources(client: KubeClient): Promise<ServerResources> {
  const groups: APIGroup[] = [];
  const core = await client.raw({ method: 'GET', path: '/api' });
  if (isStatus(core)) return { groups, resources: [], failedGroups: new Map(), error: core.message ?? '' };
  for (const version of (core as { versions?: string[] }).versions ?? []) groups.push({ name: '', versions: [version], preferredVersion: version });
  const list = await client.raw({ method: 'GET', path: '/apis' });
  if (isStatus(list)) return { groups, resources: [], failedGroups: new Map(), error: list.message ?? '' };
  for (const g of (list as GroupList).groups ?? []) {
    const versions = (g.versions ?? []).map((v) => v.version);
    groups.push({ name: g.name, versions, preferredVersion: g.preferredVersion?.version ?? versions[0] ?? '' });
  }
  const resources: APIResource[] = [];
  const failedGroups = new Map<string, string>();
  for (const g of groups) {
    for (const version of g.versions) {
      const path = g.name ? `/apis/${g.name}/${version}` : `/api/${version}`;
      const answer = await client.raw({ method: 'GET', path });
      if (isStatus(answer)) {
        failedGroups.set(groupVersionString(g.name, version), answer.message ?? '');
        continue;
      }
      for (const r of (answer as ResourceList).resources ?? []) {
        if (r.name.includes('/')) continue;
        resources.push({ group: g.name, version, resource: r.name, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? [] });
      }
    }
  }
  const result: ServerResources = { groups, resources, failedGroups };
  if (failedGroups.size) {
    const failures = [...failedGroups].map(([gv, why]) => `${gv}: ${why}`).sort();
    result.error = `unable to retrieve the complete list of server APIs: ${failures.join(', ')}`;
  }
  return result;
}

/**
 * preferredResources is ServerPreferredResources: each group resource once, at
 * its group's preferred version, or else at the first version that serves it.
 */
export function preferredResources(found: ServerResources): APIResource[] {
  const chosen = new Map<string, APIResource>();
  for (const g of found.groups) {
    for (const version of g.versions) {
      for (const r of found.resources) {
        if (r.group !== g.name || r.version !== version) continue;
        const key = `${r.resource}.${r.group}`;
        if (chosen.has(key) && version !== g.preferredVersion) continue;
        chosen.set(key, r);
      }
    }
  }
  return [...chosen.values()];
}

/** RESTMapper maps an apiVersion and kind to the resource serving them, as a discovery-backed RESTMapping. */
export class RESTMapper {
  private readonly byKind = new Map<string, APIResource>();

  constructor(resources: readonly APIResource[]) {
    for (const r of resources) {
      const key = `${groupVersionString(r.group, r.version)}/${r.kind}`;
      if (!this.byKind.has(key)) this.byKind.set(key, r);
    }
  }

  /** mapping is the resource for exactly this apiVersion and kind, if the server serves one. */
  mapping(apiVersion: string, kind: string): APIResource | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }
}
