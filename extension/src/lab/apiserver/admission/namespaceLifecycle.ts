/**
 * NamespaceLifecycle refuses content in namespaces that do not exist or are being
 * terminated, and refuses to delete the namespaces the system needs.
 */
import type { Namespace } from '../../api/types';
import { forbidden, notFound } from '../errors';
import type { AdmissionContext, AdmissionPlugin, Attributes } from './admission';

/** Namespaces that can never be deleted (upstream's immortalNamespaces). */
export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

export const namespaceLifecycle = {
  name: 'NamespaceLifecycle',
  async validate(a: Attributes, ctx: AdmissionContext) {
    if (a.type.group === '' && a.type.resource === 'namespaces') {
      if (a.operation === 'DELETE' && IMMORTAL_NAMESPACES.has(a.name)) {
        return forbidden({ group: '', resource: 'namespaces' }, a.name, 'this namespace may not be deleted');
      }
      return undefined;
    }
    if (!a.type.namespaced || a.operation !== 'CREATE' || !a.namespace) return undefined;
    const ns = await ctx.get<Namespace>('', 'namespaces', '', a.namespace);
    if (!ns) return notFound({ group: '', resource: 'namespaces' }, a.namespace);
    if (ns.status?.phase === 'Terminating' && a.type.resource !== 'events') {
      return forbidden({ group: a.type.group, resource: a.type.resource }, a.name, `unable to create new content in namespace ${a.namespace} because it is being terminated`);
    }
    return undefined;
  },
} satisfies AdmissionPlugin;
