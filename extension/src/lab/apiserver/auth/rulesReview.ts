/**
 * rulesReview answers SelfSubjectRulesReview (`kubectl auth can-i --list`), as
 * pkg/registry/authorization/selfsubjectrulesreview/rest.go does: the rules the
 * requesting user holds in spec.namespace, as the authorizers' rule resolvers
 * (staging/src/k8s.io/apiserver/pkg/authorization/authorizer/rule.go) can list
 * them, joined as union.NewRuleResolvers joins them. Nothing is stored.
 *
 * The lab authorizes with `--authorization-mode=Node,RBAC`, so its resolvers
 * are the Node authorizer's (which cannot list a kubelet's rules) and RBAC's.
 * system:masters is allowed by a privileged-group authorizer that lists no
 * rules, so its members see what RBAC grants them: cluster-admin's `*`.
 */
import type { KubeObject, Status } from '../../api/types';
import { badRequest } from '../errors';
import { aggregateMessage } from './aggregate';
import { nodeIdentity } from './nodeAuthorizer';
import { RBACAuthorizer } from './rbacAuthorizer';
import type { ObjectCache, UserInfo } from './types';

/** ResourceRuleInfo is one resource rule a user holds; empty lists mean the field is unset. */
export interface ResourceRuleInfo {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
}

/** NonResourceRuleInfo is one non-resource rule a user holds. */
export interface NonResourceRuleInfo {
  verbs: string[];
  nonResourceURLs: string[];
}

/**
 * RulesInfo is what RuleResolver.RulesFor returns: the rules, whether the
 * resolver could list them all, and the errors it met (an aggregate's members,
 * so a union can flatten them as utilerrors does).
 */
export interface RulesInfo {
  resourceRules: ResourceRuleInfo[];
  nonResourceRules: NonResourceRuleInfo[];
  incomplete: boolean;
  errors: string[];
}

/** RuleResolver is authorizer.RuleResolver: the rules a user holds in a namespace. */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): RulesInfo;
}

/** NODE_RULES_ERROR is the Node authorizer's answer for a kubelet, whose rules depend on the pods bound to it. */
export const NODE_RULES_ERROR = 'node authorizer does not support user rule resolution';

/** nodeRuleResolver is NodeAuthorizer.RulesFor: nothing for anyone, and an incomplete answer for a node. */
export const nodeRuleResolver: RuleResolver = {
  rulesFor: (user) => {
    const { isNode } = nodeIdentity(user);
    return { resourceRules: [], nonResourceRules: [], incomplete: isNode, errors: isNode ? [NODE_RULES_ERROR] : [] };
  },
};

/**
 * unionRuleResolvers is union.NewRuleResolvers: every resolver's rules in
 * order, incomplete if any is. The errors form one aggregate of each
 * resolver's error; its message is that error alone when only one resolver
 * erred, else every member's message, deduplicated, in brackets.
 */
export function unionRuleResolvers(...resolvers: RuleResolver[]): RuleResolver {
  return {
    rulesFor(user, namespace) {
      const out: RulesInfo = { resourceRules: [], nonResourceRules: [], incomplete: false, errors: [] };
      const erred: string[][] = [];
      for (const r of resolvers) {
        const info = r.rulesFor(user, namespace);
        out.incomplete ||= info.incomplete;
        if (info.errors.length) erred.push(info.errors);
        out.resourceRules.push(...info.resourceRules);
        out.nonResourceRules.push(...info.nonResourceRules);
      }
      out.errors = erred.length === 1 ? erred[0] : erred.flat();
      return out;
    },
  };
}

const resolvers = new WeakMap<ObjectCache, RuleResolver>();

/** defaultRuleResolver is the rule resolver of the lab's Node,RBAC authorization over the server's cache, built once per cache. */
export function defaultRuleResolver(cache: ObjectCache): RuleResolver {
  let r = resolvers.get(cache);
  if (!r) resolvers.set(cache, (r = unionRuleResolvers(nodeRuleResolver, new RBACAuthorizer(cache))));
  return r;
}

interface RulesReviewBody extends KubeObject {
  spec?: { namespace?: string };
}

/** selfSubjectRulesReview lists what user may do in spec.namespace; a review without one is a 400. */
export function selfSubjectRulesReview(body: unknown, user: UserInfo, resolver: RuleResolver): KubeObject | Status {
  const namespace = (body as RulesReviewBody | undefined)?.spec?.namespace ?? '';
  if (!namespace) return badRequest('no namespace on request');
  const info = resolver.rulesFor(user, namespace);
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec: {},
    status: {
      // authorization/v1's JSON tags: the lists and incomplete are always written, the rules' optional lists only when set.
      resourceRules: info.resourceRules.map((r) => ({
        verbs: r.verbs,
        ...(r.apiGroups.length ? { apiGroups: r.apiGroups } : {}),
        ...(r.resources.length ? { resources: r.resources } : {}),
        ...(r.resourceNames.length ? { resourceNames: r.resourceNames } : {}),
      })),
      nonResourceRules: info.nonResourceRules.map((r) => ({ verbs: r.verbs, ...(r.nonResourceURLs.length ? { nonResourceURLs: r.nonResourceURLs } : {}) })),
      incomplete: info.incomplete,
      ...(info.errors.length ? { evaluationError: aggregateMessage(info.errors) } : {}),
    },
  };
}
