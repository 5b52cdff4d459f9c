/**
 * SelfSubjectRulesReview through a real API server with the lab's Node,RBAC
 * authorization and bootstrap policy, as
 * pkg/registry/authorization/selfsubjectrulesreview/rest.go answers it from
 * plugin/pkg/auth/authorizer/rbac/rbac.go's RulesFor, the Node authorizer's
 * RulesFor and staging/src/k8s.io/apiserver/pkg/authorization/union/union.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../clock';
import { Lab } from '../../lab';
import type { ApiRequest } from '../apiServer';
import type { TestResponse } from '../testing';
import { bootstrapPolicy } from './bootstrapPolicy';
import type { PolicyRule } from './rbacTypes';
import { type RuleResolver, type RulesInfo, selfSubjectRulesReview, unionRuleResolvers } from './rulesReview';
import type { UserInfo } from './types';

const RBAC = 'rbac.authorization.k8s.io';
const API = `/apis/${RBAC}/v1`;
const REVIEWS = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';

const podReader: PolicyRule = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] };

const FIXTURE: ApiRequest[] = [
  { method: 'POST', path: `${API}/clusterroles`, body: { metadata: { name: 'pod-reader' }, rules: [podReader] } },
  { method: 'POST', path: `${API}/namespaces/default/rolebindings`, body: { metadata: { name: 'alice-pods' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'pod-reader' }, subjects: [{ kind: 'User', apiGroup: RBAC, name: 'alice' }] } },
  { method: 'POST', path: `${API}/namespaces/default/rolebindings`, body: { metadata: { name: 'gone' }, roleRef: { apiGroup: RBAC, kind: 'Role', name: 'gone' }, subjects: [{ kind: 'User', apiGroup: RBAC, name: 'bob' }, { kind: 'User', apiGroup: RBAC, name: 'system:node:node-2' }] } },
];

async function cluster(): Promise<{ lab: Lab; review: (user: UserInfo, body: unknown) => Promise<TestResponse> }> {
  const lab = new Lab({ nodes: 0, clock: new ManualClock() });
  await lab.startApiServer();
  for (const req of FIXTURE) assert.equal((await lab.server.handle(lab.asAdmin(req))).status, 201);
  const review = (user: UserInfo, body: unknown) =>
    lab.server.handle({ method: 'POST', path: REVIEWS, body, headers: { authorization: `Bearer ${lab.tokenFor(user)}` } }) as Promise<TestResponse>;
  return { lab, review };
}

const rr = (namespace?: string) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: namespace ? { namespace } : {} });

/** bootstrapRules are the rules of a bootstrap ClusterRole, as a review lists them. */
function bootstrapRules(name: string): { resource: unknown[]; nonResource: unknown[] } {
  const rules = bootstrapPolicy().clusterRoles.find((r) => r.metadata.name === name)?.rules ?? [];
  return {
    resource: rules.filter((r) => r.resources?.length).map((r) => ({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) })),
    nonResource: rules.filter((r) => r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
  };
}

/** AUTHENTICATED are the rules every authenticated user holds, in binding-name order: basic-user, discovery, public-info-viewer. */
const AUTHENTICATED = ['system:basic-user', 'system:discovery', 'system:public-info-viewer'].map(bootstrapRules);
const authenticatedResource = AUTHENTICATED.flatMap((r) => r.resource);
const authenticatedNonResource = AUTHENTICATED.flatMap((r) => r.nonResource);

const ALICE: UserInfo = { username: 'alice', groups: [] };
const NODE: UserInfo = { username: 'system:node:node-1', groups: ['system:nodes'] };

const cases: { name: string; user: UserInfo; namespace: string; status: Record<string, unknown> }[] = [
  {
    name: 'lists cluster-wide rules, then the namespace\'s, split into resource and non-resource rules',
    user: ALICE, namespace: 'default',
    status: { resourceRules: [...authenticatedResource, podReader], nonResourceRules: authenticatedNonResource, incomplete: false },
  },
  {
    name: 'a RoleBinding in another namespace is not listed',
    user: ALICE, namespace: 'kube-public',
    status: { resourceRules: authenticatedResource, nonResourceRules: authenticatedNonResource, incomplete: false },
  },
  {
    name: 'system:masters holds cluster-admin\'s `*` as RBAC binds it; the privileged-group authorizer lists nothing',
    user: { username: 'kubernetes-admin', groups: ['system:masters'] }, namespace: 'default',
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, ...authenticatedResource],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }, ...authenticatedNonResource],
      incomplete: false,
    },
  },
  {
    name: 'a kubelet\'s rules cannot be listed: incomplete, with the Node authorizer\'s error',
    user: NODE, namespace: 'default',
    status: { resourceRules: authenticatedResource, nonResourceRules: authenticatedNonResource, incomplete: true, evaluationError: 'node authorizer does not support user rule resolution' },
  },
  {
    name: 'a binding to a missing role is the evaluation error, in the authorizer\'s lister words, and the answer is still complete',
    user: { username: 'bob', groups: [] }, namespace: 'default',
    status: { resourceRules: authenticatedResource, nonResourceRules: authenticatedNonResource, incomplete: false, evaluationError: 'role.rbac.authorization.k8s.io "gone" not found' },
  },
  {
    name: 'errors from several resolvers join in one bracketed list',
    user: { username: 'system:node:node-2', groups: ['system:nodes'] }, namespace: 'default',
    status: {
      resourceRules: authenticatedResource, nonResourceRules: authenticatedNonResource, incomplete: true,
      evaluationError: '[node authorizer does not support user rule resolution, role.rbac.authorization.k8s.io "gone" not found]',
    },
  },
];

for (const c of cases) {
  test(`SelfSubjectRulesReview: ${c.name}`, async () => {
    const { lab, review } = await cluster();
    const res = await review(c.user, rr(c.namespace));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body, { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: {}, status: c.status });
    lab.server.stop();
  });
}

test('SelfSubjectRulesReview: without spec.namespace the review is a bad request', async () => {
  const { lab, review } = await cluster();
  const res = await review(ALICE, rr());
  assert.equal(res.status, 400);
  assert.deepEqual([res.body.reason, res.body.message], ['BadRequest', 'no namespace on request']);
  lab.server.stop();
});

test('SelfSubjectRulesReview: served in discovery as a create-only cluster-scoped resource', async () => {
  const { lab } = await cluster();
  const res = await lab.server.handle(lab.asAdmin({ method: 'GET', path: '/apis/authorization.k8s.io/v1' }));
  const entry = (res.body as { resources: { name: string; namespaced: boolean; kind: string; verbs: string[] }[] }).resources.find((r) => r.name === 'selfsubjectrulesreviews');
  assert.deepEqual(entry && [entry.kind, entry.namespaced, entry.verbs], ['SelfSubjectRulesReview', false, ['create']]);
  lab.server.stop();
});

/** fixed answers with the given errors, for the union's aggregation. */
const fixed = (info: Partial<RulesInfo>): RuleResolver => ({ rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false, errors: [], ...info }) });

test('union.NewRuleResolvers: one erring resolver keeps its own aggregate; several flatten, deduplicated', () => {
  const body = rr('default');
  const status = (r: RuleResolver) => (selfSubjectRulesReview(body, ALICE, r) as unknown as { status: Record<string, unknown> }).status;
  assert.equal(status(unionRuleResolvers(fixed({}), fixed({ errors: ['a', 'b'] }))).evaluationError, '[a, b]');
  assert.equal(status(unionRuleResolvers(fixed({ errors: ['a'] }), fixed({ errors: ['a'] }))).evaluationError, 'a');
  assert.equal(status(unionRuleResolvers(fixed({ errors: ['n'], incomplete: true }), fixed({ errors: ['a', 'b'] }))).evaluationError, '[n, a, b]');
  assert.deepEqual(status(unionRuleResolvers(fixed({}), fixed({}))), { resourceRules: [], nonResourceRules: [], incomplete: false });
});
