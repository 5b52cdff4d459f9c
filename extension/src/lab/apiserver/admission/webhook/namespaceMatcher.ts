/**
 * namespaceMatcher decides whether a request passes a webhook's
 * namespaceSelector, as upstream's predicates/namespace: cluster-scoped
 * requests (other than for namespaces) always pass; otherwise the selector is
 * matched against the labels of the request's namespace.
 */
import { matches, type Selector } from '../../../api/labels';
import type { KubeObject, Status } from '../../../api/types';
import { notFound } from '../../errors';
import type { AdmissionContext, Attributes } from '../admission';

/** matchNamespaceSelector answers true or false, or a Status when the namespace cannot be found (404, as upstream keeps for compatibility). */
export async function matchNamespaceSelector(selector: Selector, a: Attributes, ctx: AdmissionContext): Promise<boolean | Status> {
  const isNamespace = a.type.group === '' && a.type.resource === 'namespaces';
  const namespace = isNamespace ? a.namespace || a.name : a.namespace;
  if (!namespace && !isNamespace) return true;
  if (selector.length === 0) return true;
  const labels = await namespaceLabels(a, namespace, isNamespace, ctx);
  if (labels === undefined) return notFound({ group: '', resource: 'namespaces' }, namespace);
  return matches(selector, labels);
}

/**
 * namespaceLabels reads a namespace being created or updated from the request
 * itself (the cache has not seen it yet); otherwise from the cache, falling back
 * to storage for a namespace the cache has not caught up with.
 */
async function namespaceLabels(a: Attributes, namespace: string, isNamespace: boolean, ctx: AdmissionContext): Promise<Record<string, string> | undefined> {
  if (isNamespace && !a.subresource && (a.operation === 'CREATE' || a.operation === 'UPDATE') && a.object) {
    return a.object.metadata.labels ?? {};
  }
  const ns: KubeObject | undefined = ctx.cache.get('', 'namespaces', '', namespace) ?? await ctx.get('', 'namespaces', '', namespace);
  return ns ? ns.metadata.labels ?? {} : undefined;
}
