/**
 * virtual serves the resources that are computed rather than stored: the lab's
 * request traces, componentstatuses (a probe of each control-plane component,
 * as upstream's componentstatus REST probes their health endpoints), and the
 * resource metrics API (metrics.k8s.io, as metrics-server serves it).
 */
import type { KubeList, KubeObject, Status } from '../../api/types';
import type { HandlerContext } from '../apiServer';
import { methodNotSupported, notFound } from '../errors';
import { type ResourceType, def } from '../resources';
import { parseFilter, filterMatches } from '../selectors';
import { TRACE_GROUP, TRACE_VERSION } from '../trace';
import { localSubjectAccessReview, selfSubjectAccessReview, subjectAccessReview } from '../auth/accessReview';
import { defaultRuleResolver, selfSubjectRulesReview } from '../auth/rulesReview';
import { selfSubjectReview, tokenReview } from '../auth/tokenReview';
import { METRICS_GROUP, metricsResources } from '../registry/metrics';
import { handleResourceMetrics } from '../../metrics/metricsServer';
import { DECISION_GROUP, DECISION_RESOURCE, DECISION_VERSION } from '../../scheduler/decision';
import { isDecisions } from '../schedulingDecisions';

const readOnly = { nameValidator: () => [], generation: false, statusSubresource: false };

/** virtualResources are served without storage; their handlers live here. */
export const virtualResources: readonly ResourceType[] = [
  def({ group: DECISION_GROUP, version: DECISION_VERSION, resource: DECISION_RESOURCE, kind: 'SchedulingDecision', singularName: 'schedulingdecision', namespaced: true, subresources: [], verbs: ['create', 'get', 'list', 'watch'], strategy: readOnly }),
  def({ group: TRACE_GROUP, version: TRACE_VERSION, resource: 'requesttraces', kind: 'RequestTrace', singularName: 'requesttrace', namespaced: false, subresources: [], verbs: ['get', 'list'], strategy: readOnly }),
  def({ group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews', kind: 'SubjectAccessReview', singularName: 'subjectaccessreview', namespaced: false, subresources: [], verbs: ['create'], strategy: readOnly }),
  def({ group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', singularName: 'selfsubjectaccessreview', namespaced: false, subresources: [], verbs: ['create'], strategy: readOnly }),
  def({ group: 'authorization.k8s.io', version: 'v1', resource: 'localsubjectaccessreviews', kind: 'LocalSubjectAccessReview', singularName: 'localsubjectaccessreview', namespaced: true, subresources: [], verbs: ['create'], strategy: readOnly }),
  def({ group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', singularName: 'selfsubjectrulesreview', namespaced: false, subresources: [], verbs: ['create'], strategy: readOnly }),
  def({ group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews', kind: 'TokenReview', singularName: 'tokenreview', namespaced: false, subresources: [], verbs: ['create'], strategy: readOnly }),
  def({ group: 'authentication.k8s.io', version: 'v1', resource: 'selfsubjectreviews', kind: 'SelfSubjectReview', singularName: 'selfsubjectreview', namespaced: false, subresources: [], verbs: ['create'], strategy: readOnly }),
  ...metricsResources,
];

const REVIEWS = new Set(['authorization.k8s.io/subjectaccessreviews', 'authorization.k8s.io/selfsubjectaccessreviews', 'authorization.k8s.io/localsubjectaccessreviews', 'authorization.k8s.io/selfsubjectrulesreviews', 'authentication.k8s.io/tokenreviews', 'authentication.k8s.io/selfsubjectreviews']);
const VIRTUAL = new Set([`${TRACE_GROUP}/requesttraces`, `${DECISION_GROUP}/${DECISION_RESOURCE}`, '/componentstatuses', ...REVIEWS, ...metricsResources.map((t) => `${t.group}/${t.resource}`)]);

/** isVirtual tells the computed resources from stored ones. */
export function isVirtual(t: ResourceType): boolean {
  return VIRTUAL.has(`${t.group}/${t.resource}`);
}

/** ComponentProbe reports one control-plane component's health. */
export type ComponentProbe = () => { healthy: boolean; message?: string; error?: string };

export async function handleVirtual(ctx: HandlerContext, body: unknown): Promise<KubeObject | KubeList | Status> {
  const { type, info } = ctx;
  const gr = { group: type.group, resource: type.resource };
  if (REVIEWS.has(`${type.group}/${type.resource}`)) {
    if (info.verb !== 'create') return methodNotSupported(gr, info.verb);
    return review(ctx, body);
  }
  if (type.group === METRICS_GROUP) return handleResourceMetrics(ctx);
  if (isDecisions(type)) return ctx.server.decisions.handle(ctx, body);
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
    // A trace is read by name far more often than the ring is listed: settle only the one asked for.
    if (info.verb === 'get') return ctx.server.traces.get(info.name) ?? notFound(gr, info.name);
    items = ctx.server.traces.list();
  }
  if (info.verb === 'get') return items.find((i) => i.metadata.name === info.name) ?? notFound(gr, info.name);
  if (info.verb !== 'list') return methodNotSupported(gr, info.verb);
  const filter = parseFilter(type, ctx.query.labelSelector, ctx.query.fieldSelector);
  if ('code' in filter) return filter;
  return {
    kind: `${type.kind}List`,
    apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
    metadata: {},
    items: items.filter((i) => filterMatches(filter, i)),
  };
}

/** review answers the access, rules and token reviews, computed by the server's own authorizer (its rule resolvers for rules) and authenticators. */
function review(ctx: HandlerContext, body: unknown): Promise<KubeObject | Status> | KubeObject | Status {
  const server = ctx.server;
  switch (ctx.type.resource) {
    case 'subjectaccessreviews': return subjectAccessReview(body, server.authorizer);
    case 'selfsubjectaccessreviews': return selfSubjectAccessReview(body, ctx.user, server.authorizer);
    case 'localsubjectaccessreviews': return localSubjectAccessReview(body, ctx.info.namespace, server.authorizer);
    case 'selfsubjectrulesreviews': return selfSubjectRulesReview(body, ctx.user, defaultRuleResolver(server.cache));
    case 'tokenreviews': return tokenReview(body, ctx.info.namespace, server.authenticator, server.apiAudiences);
    default: return selfSubjectReview(ctx.user, ctx.clock.now());
  }
}
