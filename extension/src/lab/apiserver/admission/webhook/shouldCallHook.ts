/**
 * shouldCallHook decides whether one webhook is called for a request, as
 * upstream's generic Webhook.ShouldCallHook: its rules (or, under matchPolicy
 * Equivalent, a rule matching an equivalent resource), its namespaceSelector
 * and objectSelector, then its matchConditions.
 */
import type { Status } from '../../../api/types';
import { forbidden, internalError } from '../../errors';
import type { AdmissionContext, Attributes } from '../admission';
import { createAdmissionReview, requestKind, type WebhookInvocation } from './admissionReview';
import { evaluateMatchConditions, type MatchConditionEvaluator } from './matchConditions';
import { matchNamespaceSelector } from './namespaceMatcher';
import { matchObjectSelector } from './objectMatcher';
import { ruleMatches, type RuleAttributes } from './rules';
import type { WebhookAccessor } from './source';
import type { GroupVersionKind, GroupVersionResource } from './types';

/** EquivalentResourceMapper names the other group/versions serving the same objects (upstream's EquivalentResourceMapper). */
export interface EquivalentResourceMapper {
  equivalentResourcesFor(resource: GroupVersionResource, subresource: string): readonly GroupVersionResource[];
  kindFor(resource: GroupVersionResource, subresource: string): GroupVersionKind | undefined;
}

/** MatchingDeps are the engines matching uses; without an equivalent-resource mapper, Equivalent matches as Exact. */
export interface MatchingDeps {
  matchConditions: MatchConditionEvaluator;
  equivalentResources?: EquivalentResourceMapper;
}

/**
 * shouldCallHook returns the invocation when the webhook applies, undefined when
 * it does not, or the Status that rejects the request. Rules are checked first
 * and synchronously, so the common miss costs no promise.
 */
export function shouldCallHook(h: WebhookAccessor, a: Attributes, ctx: AdmissionContext, deps: MatchingDeps): HookDecision | Promise<HookDecision> {
  const invocation = matchRules(h, a, deps.equivalentResources);
  if (!invocation || 'code' in invocation) return invocation;
  return matchSelectorsAndConditions(h, a, ctx, deps, invocation);
}

/** HookDecision is shouldCallHook's answer. */
export type HookDecision = WebhookInvocation | Status | undefined;

async function matchSelectorsAndConditions(h: WebhookAccessor, a: Attributes, ctx: AdmissionContext, deps: MatchingDeps, invocation: WebhookInvocation): Promise<HookDecision> {
  const nsMatch = await matchNamespaceSelector(h.namespaceSelector, a, ctx);
  if (nsMatch === false) return undefined;
  if (!matchObjectSelector(h.objectSelector, a)) return undefined;
  if (nsMatch !== true) return nsMatch;
  const conditions = h.hook.matchConditions ?? [];
  if (conditions.length > 0) {
    const request = createAdmissionReview('v1', '', a, invocation).request;
    const result = evaluateMatchConditions(conditions, h.hook.failurePolicy, deps.matchConditions, { object: request.object, oldObject: request.oldObject, request });
    if ('error' in result) return forbidden({ group: a.type.group, resource: a.type.resource }, a.name, result.error);
    if (!result.matches) return undefined;
  }
  return invocation;
}

/** matchRules tries the request's own resource against every rule first, then (Equivalent) each equivalent resource, earlier rules first. */
function matchRules(h: WebhookAccessor, a: Attributes, mapper: EquivalentResourceMapper | undefined): WebhookInvocation | Status | undefined {
  const rules = h.hook.rules ?? [];
  const resource: GroupVersionResource = { group: a.type.group, version: a.type.version, resource: a.type.resource };
  const attrs: RuleAttributes = { operation: a.operation, resource, subresource: a.subresource, namespace: a.type.group === '' && a.type.resource === 'namespaces' ? a.namespace || a.name : a.namespace };
  if (rules.some((r) => ruleMatches(r, attrs))) return { resource, subresource: a.subresource, kind: requestKind(a) };
  if ((h.hook.matchPolicy ?? 'Equivalent') !== 'Equivalent' || !mapper) return undefined;
  const equivalents = mapper.equivalentResourcesFor(resource, a.subresource);
  for (const rule of rules) {
    for (const eq of equivalents) {
      if (eq.group === resource.group && eq.version === resource.version && eq.resource === resource.resource) continue;
      if (!ruleMatches(rule, { ...attrs, resource: eq })) continue;
      const kind = mapper.kindFor(eq, a.subresource);
      if (!kind) return internalError(`unable to convert to ${gvrString(eq)}: unknown kind`);
      return { resource: eq, subresource: a.subresource, kind };
    }
  }
  return undefined;
}

/** gvrString is schema.GroupVersionResource.String(). */
function gvrString(r: GroupVersionResource): string {
  return `${r.group}/${r.version}, Resource=${r.resource}`;
}
