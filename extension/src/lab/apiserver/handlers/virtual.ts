/**
 * virtual serves the resources that are computed rather than stored: the lab's
 * request traces and componentstatuses (a probe of each control-plane component,
 * as upstream's componentstatus REST probes their health endpoints).
 */
import type { KubeList, KubeObject, Status } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import { methodNotSupported, notFound } from '../errors';
import { type ResourceType, def } from '../resources';
import { parseFilter, filterMatches } from '../selectors';
import { TRACE_GROUP, TRACE_VERSION } from '../trace';

const readOnly = { nameValidator: () => [], generation: false, statusSubresource: false };

/** virtualResources are served without storage; their handlers live here. */
export const virtualResources: readonly ResourceType[] = [
  def({ group: TRACE_GROUP, version: TRACE_VERSION, resource: 'requesttraces', kind: 'RequestTrace', singularName: 'requesttrace', namespaced: false, subresources: [], verbs: ['get', 'list'], strategy: readOnly }),
];

const VIRTUAL = new Set([`${TRACE_GROUP}/requesttraces`, '/componentstatuses']);

/** isVirtual tells the computed resources from stored ones. */
export function isVirtual(t: ResourceType): boolean {
  return VIRTUAL.has(`${t.group}/${t.resource}`);
}

/** ComponentProbe reports one control-plane component's health. */
export type ComponentProbe = () => { healthy: boolean; message?: string; error?: string };

export function handleVirtual(ctx: HandlerContext, _body: unknown): Promise<KubeObject | KubeList | Status> {
  const { type, info } = ctx;
  const gr = { group: type.group, resource: type.resource };
  let items: KubeObject[];
  if (type.resource === 'componentstatuses') {
    // Upstream warns on every componentstatuses request (v1.19 deprecation).
    ctx.warnings.push('v1 ComponentStatus is deprecated in v1.19+');
    items = [...ctx.server.componentProbes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, probe]) => {
      const p = probe();
      return {
        kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name },
        conditions: [{ type: 'Healthy', status: p.healthy ? 'True' : 'False', ...(p.message ? { message: p.message } : {}), ...(p.error ? { error: p.error } : {}) }],
      };
    });
  } else {
    items = ctx.server.traces.list();
  }
  if (info.verb === 'get') return Promise.resolve(items.find((i) => i.metadata.name === info.name) ?? notFound(gr, info.name));
  if (info.verb !== 'list') return Promise.resolve(methodNotSupported(gr, info.verb));
  const filter = parseFilter(type, ctx.query.labelSelector, ctx.query.fieldSelector);
  if ('code' in filter) return Promise.resolve(filter);
  return Promise.resolve({
    kind: `${type.kind}List`,
    apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
    metadata: {},
    items: items.filter((i) => filterMatches(filter, i)),
  });
}
