/**
 * NamespaceLifecycle refuses content in namespaces that do not exist or are being
 * terminated, and refuses to delete the namespaces the system needs
 * (k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle). Upstream it is a
 * mutating plugin, so its answer comes before schema validation's: a pod in a
 * missing namespace gets `namespaces "x" not found`, however invalid the pod.
 */
import type { Namespace, Status } from '../../api/types';
import type { AdmissionContext, AdmissionPlugin, Attributes } from './admission';
import { admissionForbidden } from './errors';
import { NAMESPACE_LIFECYCLE } from './names';
import { notFound } from '../errors';

/** IMMORTAL_NAMESPACES can never be deleted (the plugin's immortalNamespaces). */
export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** A deleted namespace is read from storage, not the cache, for this long (forceLiveLookupTTL). */
const FORCE_LIVE_LOOKUP_MS = 30_000;
/** At most this many namespaces are remembered for live lookups, as upstream's LRU. */
const FORCE_LIVE_LOOKUP_ENTRIES = 100;

/** Access reviews answer about a namespace's permissions; saying "not found" would leak that it is missing. */
const ACCESS_REVIEWS = new Set(['authorization.k8s.io/localsubjectaccessreviews']);

/** newNamespaceLifecycle returns the plugin; each instance remembers namespaces recently deleted through it. */
export function newNamespaceLifecycle(): AdmissionPlugin {
  const forceLiveLookup = new Map<string, number>();

  const remember = (name: string, until: number) => {
    forceLiveLookup.delete(name);
    forceLiveLookup.set(name, until);
    if (forceLiveLookup.size > FORCE_LIVE_LOOKUP_ENTRIES) forceLiveLookup.delete(forceLiveLookup.keys().next().value as string);
  };

  const mustLookUpLive = (name: string, now: number): boolean => {
    const until = forceLiveLookup.get(name);
    if (until === undefined) return false;
    if (until > now) return true;
    forceLiveLookup.delete(name);
    return false;
  };

  return {
    name: NAMESPACE_LIFECYCLE,
    async admit(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> {
      if (a.operation === 'CONNECT') return undefined;
      const isNamespace = a.type.group === '' && a.type.kind === 'Namespace';
      if (isNamespace) {
        if (a.operation === 'DELETE') {
          if (IMMORTAL_NAMESPACES.has(a.name)) return admissionForbidden(a, 'this namespace may not be deleted');
          // The cache may still say Active for a while; creates into it must look at storage.
          remember(a.name, ctx.clock.now() + FORCE_LIVE_LOOKUP_MS);
        }
        return undefined;
      }
      if (!a.namespace || a.operation === 'DELETE') return undefined;
      if (ACCESS_REVIEWS.has(`${a.type.group}/${a.type.resource}`)) return undefined;

      let ns: Namespace | undefined = ctx.cache.get('', 'namespaces', '', a.namespace);
      const stale = ns !== undefined && ns.status?.phase !== 'Terminating' && mustLookUpLive(a.namespace, ctx.clock.now());
      if (ns === undefined || stale) {
        ns = await ctx.get<Namespace>('', 'namespaces', '', a.namespace);
        if (!ns) return notFound({ group: '', resource: 'namespaces' }, a.namespace);
      }
      if (a.operation !== 'CREATE' || ns.status?.phase !== 'Terminating') return undefined;
      const status = admissionForbidden(a, `unable to create new content in namespace ${a.namespace} because it is being terminated`);
      status.details = { ...status.details, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }] };
      return status;
    },
    // The plugin only ever says no: it reads the namespace, never the object.
    mutates: () => false,
  };
}
