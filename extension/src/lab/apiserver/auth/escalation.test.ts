/**
 * RBAC escalation prevention through a real API server with the lab's
 * Node,RBAC authorization and bootstrap policy, as
 * pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased/storage.go,
 * pkg/registry/rbac/escalation_check.go and ConfirmNoEscalation in
 * pkg/registry/rbac/validation/rule.go decide and word it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../clock';
import { Lab } from '../../lab';
import type { ApiRequest } from '../apiServer';
import type { TestResponse } from '../testing';
import { MemoryCache } from './memoryCache';
import { DefaultRuleResolver } from './rbacAuthorizer';
import type { PolicyRule, Subject } from './rbacTypes';
import { confirmNoEscalation, onlyMutatingGCFields } from './escalation';

const RBAC = 'rbac.authorization.k8s.io';
const V1 = `${RBAC}/v1`;
const API = `/apis/${V1}`;

const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC, name });
const clusterRole = (name: string, rules: PolicyRule[], extra: Record<string, unknown> = {}) => ({ apiVersion: V1, kind: 'ClusterRole', metadata: { name }, rules, ...extra });
const role = (namespace: string, name: string, rules: PolicyRule[]) => ({ apiVersion: V1, kind: 'Role', metadata: { name, namespace }, rules });
const clusterRoleBinding = (name: string, roleName: string, subjects: Subject[]) => ({ apiVersion: V1, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: roleName }, subjects });
const roleBinding = (namespace: string, name: string, kind: string, roleName: string, subjects: Subject[]) => ({ apiVersion: V1, kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: RBAC, kind, name: roleName }, subjects });

const post = (path: string, body: unknown): ApiRequest => ({ method: 'POST', path: `${API}/${path}`, body });
const roles = (ns: string) => `namespaces/${ns}/roles`;
const roleBindings = (ns: string) => `namespaces/${ns}/rolebindings`;

const podReader: PolicyRule = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] };
const secretReader: PolicyRule = { apiGroups: [''], resources: ['secrets'], verbs: ['get'] };

/**
 * FIXTURE: alice, bob and carol may write every RBAC object; alice may read
 * pods in default; bob may `escalate` roles in default; carol may `bind` the
 * secret-reader ClusterRole in default; dave is bound to cluster-admin without
 * being in system:masters; eve's and frank's bindings name roles that are gone.
 */
const FIXTURE: ApiRequest[] = [
  post('clusterroles', clusterRole('rbac-editor', [{ apiGroups: [RBAC], resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'], verbs: ['create', 'get', 'update', 'patch'] }])),
  post('clusterroles', clusterRole('pod-reader', [podReader])),
  post('clusterroles', clusterRole('secret-reader', [secretReader])),
  post('clusterroles', clusterRole('binder', [{ apiGroups: [RBAC], resources: ['clusterroles'], resourceNames: ['secret-reader'], verbs: ['bind'] }])),
  post('clusterrolebindings', clusterRoleBinding('rbac-editors', 'rbac-editor', ['alice', 'bob', 'carol', 'eve', 'frank'].map(user))),
  post('clusterrolebindings', clusterRoleBinding('dave-admin', 'cluster-admin', [user('dave')])),
  post('clusterrolebindings', clusterRoleBinding('frank-vanished', 'vanished', [user('frank')])),
  post(roles('default'), role('default', 'escalator', [{ apiGroups: [RBAC], resources: ['roles'], verbs: ['escalate'] }])),
  post(roles('default'), role('default', 'wide', [secretReader])),
  post(roleBindings('default'), roleBinding('default', 'alice-pods', 'ClusterRole', 'pod-reader', [user('alice')])),
  post(roleBindings('default'), roleBinding('default', 'bob-escalate', 'Role', 'escalator', [user('bob')])),
  post(roleBindings('default'), roleBinding('default', 'carol-bind', 'ClusterRole', 'binder', [user('carol')])),
  post(roleBindings('default'), roleBinding('default', 'eve-gone', 'Role', 'gone', [user('eve')])),
  post(roleBindings('default'), roleBinding('default', 'frank-gone', 'Role', 'gone', [user('frank')])),
  post('clusterroles', clusterRole('aggregated', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: 'x' } }] } })),
];

interface Cluster {
  lab: Lab;
  as: (name: string, req: ApiRequest, groups?: string[]) => Promise<TestResponse>;
}

/** cluster starts a lab's API server with the bootstrap policy and FIXTURE, written as the admin. */
async function cluster(): Promise<Cluster> {
  const lab = new Lab({ nodes: 0, clock: new ManualClock() });
  await lab.startApiServer();
  for (const req of FIXTURE) {
    const res = await lab.server.handle(lab.asAdmin(req));
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  const as = (name: string, req: ApiRequest, groups: string[] = []) =>
    lab.server.handle({ ...req, headers: { authorization: `Bearer ${lab.tokenFor({ username: name, groups })}` } }) as Promise<TestResponse>;
  return { lab, as };
}

/** notHeld is ConfirmNoEscalation's message for a user in system:authenticated only. */
const notHeld = (name: string, ...missing: string[]) =>
  `user "${name}" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n${missing.join('\n')}`;

const createCases: { name: string; as: string; groups?: string[]; req: ApiRequest; code: number; message?: string }[] = [
  { name: 'a Role granting only what its author holds is created', as: 'alice', req: post(roles('default'), role('default', 'readers', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])), code: 201 },
  {
    name: 'a Role granting more is forbidden, the missing rules compacted by verb and sorted',
    as: 'alice', req: post(roles('default'), role('default', 'r', [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'watch', 'delete'] }])), code: 403,
    message: `roles.rbac.authorization.k8s.io "r" is forbidden: ${notHeld('alice', '{APIGroups:[""], Resources:["pods"], Verbs:["watch" "delete"]}', '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "watch" "delete"]}')}`,
  },
  {
    name: 'rules held in one namespace do not count in another',
    as: 'alice', req: post(roles('kube-public'), role('kube-public', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])), code: 403,
    message: `roles.rbac.authorization.k8s.io "r" is forbidden: ${notHeld('alice', '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}')}`,
  },
  {
    name: 'a ClusterRole is checked against cluster-wide rules: each object name and each URL is its own missing rule',
    as: 'alice',
    req: post('clusterroles', clusterRole('c', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['b', 'a'], verbs: ['get'] }, { nonResourceURLs: ['/metrics', '/healthz'], verbs: ['get'] }])),
    code: 403,
    message: `clusterroles.rbac.authorization.k8s.io "c" is forbidden: ${notHeld('alice',
      '{APIGroups:[""], Resources:["configmaps"], ResourceNames:["a"], Verbs:["get"]}',
      '{APIGroups:[""], Resources:["configmaps"], ResourceNames:["b"], Verbs:["get"]}',
      '{NonResourceURLs:["/metrics"], Verbs:["get"]}')}`,
  },
  {
    name: 'wildcards are only covered by wildcards',
    as: 'alice', req: post(roles('default'), role('default', 'star', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])), code: 403,
    message: `roles.rbac.authorization.k8s.io "star" is forbidden: ${notHeld('alice', '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}')}`,
  },
  {
    name: 'holding pods does not grant pods/log',
    as: 'alice', req: post(roles('default'), role('default', 'logs', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }])), code: 403,
    message: `roles.rbac.authorization.k8s.io "logs" is forbidden: ${notHeld('alice', '{APIGroups:[""], Resources:["pods/log"], Verbs:["get"]}')}`,
  },
  {
    name: 'a dry run is checked too',
    as: 'alice', req: { ...post(roles('default'), role('default', 'dry', [secretReader])), query: { dryRun: 'All' } }, code: 403,
    message: `roles.rbac.authorization.k8s.io "dry" is forbidden: ${notHeld('alice', '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}')}`,
  },
  { name: 'the escalate verb on roles lets its holder grant anything there', as: 'bob', req: post(roles('default'), role('default', 'all', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])), code: 201 },
  {
    name: 'escalate granted in one namespace does not reach another',
    as: 'bob', req: post(roles('kube-public'), role('kube-public', 'all', [secretReader])), code: 403,
    message: `roles.rbac.authorization.k8s.io "all" is forbidden: ${notHeld('bob', '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}')}`,
  },
  { name: 'a member of system:masters may grant anything, whatever RBAC says', as: 'root', groups: ['system:masters'], req: post('clusterroles', clusterRole('root-made', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])), code: 201 },
  {
    name: 'an aggregationRule takes every permission',
    as: 'alice', req: post('clusterroles', clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: 'x' } }] } })), code: 403,
    message: 'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
  },
  { name: 'cluster-admin bound through RBAC may set an aggregationRule', as: 'dave', req: post('clusterroles', clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: 'x' } }] } })), code: 201 },
  { name: 'binding a role whose rules its author holds is allowed', as: 'alice', req: post(roleBindings('default'), roleBinding('default', 'b', 'ClusterRole', 'pod-reader', [user('zoe')])), code: 201 },
  {
    name: 'binding a role whose rules its author lacks is forbidden',
    as: 'alice', req: post(roleBindings('default'), roleBinding('default', 'b', 'ClusterRole', 'secret-reader', [user('zoe')])), code: 403,
    message: `rolebindings.rbac.authorization.k8s.io "b" is forbidden: ${notHeld('alice', '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}')}`,
  },
  { name: 'the bind verb on a role lets its holder bind it without holding it', as: 'carol', req: post(roleBindings('default'), roleBinding('default', 'b', 'ClusterRole', 'secret-reader', [user('zoe')])), code: 201 },
  {
    name: 'bind granted in one namespace does not reach another',
    as: 'carol', req: post(roleBindings('kube-public'), roleBinding('kube-public', 'b', 'ClusterRole', 'secret-reader', [user('zoe')])), code: 403,
    message: `rolebindings.rbac.authorization.k8s.io "b" is forbidden: ${notHeld('carol', '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}')}`,
  },
  {
    name: 'a ClusterRoleBinding needs the role\'s rules cluster-wide',
    as: 'alice', req: post('clusterrolebindings', clusterRoleBinding('cb', 'pod-reader', [user('zoe')])), code: 403,
    message: `clusterrolebindings.rbac.authorization.k8s.io "cb" is forbidden: ${notHeld('alice', '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}')}`,
  },
  { name: 'a RoleBinding to a missing Role is the registry\'s 404', as: 'alice', req: post(roleBindings('default'), roleBinding('default', 'b', 'Role', 'ghost', [user('zoe')])), code: 404, message: 'roles.rbac.authorization.k8s.io "ghost" not found' },
  { name: 'a ClusterRoleBinding to a missing ClusterRole is the registry\'s 404', as: 'alice', req: post('clusterrolebindings', clusterRoleBinding('cb', 'ghost', [user('zoe')])), code: 404, message: 'clusterroles.rbac.authorization.k8s.io "ghost" not found' },
  { name: 'a roleRef of another kind fails resolution before validation sees it: a reasonless 500', as: 'alice', req: post(roleBindings('default'), roleBinding('default', 'b', 'Group', 'devs', [user('zoe')])), code: 500, message: 'unsupported role reference kind: "Group"' },
  {
    name: 'errors resolving the author\'s own rules are appended',
    as: 'eve', req: post(roles('default'), role('default', 'r', [secretReader])), code: 403,
    message: `roles.rbac.authorization.k8s.io "r" is forbidden: ${notHeld('eve', '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}')}; resolution errors: [roles.rbac.authorization.k8s.io "gone" not found]`,
  },
  {
    name: 'several resolution errors print as one aggregate inside the list',
    as: 'frank', req: post(roles('default'), role('default', 'r', [secretReader])), code: 403,
    message: `roles.rbac.authorization.k8s.io "r" is forbidden: ${notHeld('frank', '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}')}; resolution errors: [[clusterroles.rbac.authorization.k8s.io "vanished" not found, roles.rbac.authorization.k8s.io "gone" not found]]`,
  },
];

for (const c of createCases) {
  test(`escalation: ${c.name}`, async () => {
    const { lab, as } = await cluster();
    const before = await lab.store.revision();
    const res = await as(c.as, c.req, c.groups);
    assert.equal(res.status, c.code, JSON.stringify(res.body));
    if (c.message !== undefined) assert.equal(res.body.message, c.message);
    if (c.code === 403) assert.deepEqual({ reason: res.body.reason, details: res.body.details }, { reason: 'Forbidden', details: { name: (c.req.body as { metadata: { name: string } }).metadata.name, group: RBAC, kind: c.req.path.split('/').pop() } });
    if (c.code !== 201) assert.equal(await lab.store.revision(), before, 'a refused write stores nothing');
    lab.server.stop();
  });
}

test('escalation: a generated name is not drawn yet, so the message names no object', async () => {
  const { lab, as } = await cluster();
  const res = await as('alice', post(roles('default'), { apiVersion: V1, kind: 'Role', metadata: { generateName: 'r-' }, rules: [secretReader] }));
  assert.equal(res.status, 403);
  assert.equal(res.body.message, `roles.rbac.authorization.k8s.io is forbidden: ${notHeld('alice', '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}')}`);
  assert.deepEqual(res.body.details, { group: RBAC, kind: 'roles' });
  lab.server.stop();
});

test('escalation: an update checks every rule of the role, not only the ones it changes', async () => {
  const { lab, as } = await cluster();
  const current = await lab.server.handle(lab.asAdmin({ method: 'GET', path: `${API}/${roles('default')}/wide` }));
  const body = { ...(current.body as object), metadata: { ...(current.body as { metadata: object }).metadata, labels: { tier: 'x' } } };
  const res = await as('alice', { method: 'PUT', path: `${API}/${roles('default')}/wide`, body });
  assert.equal(res.status, 403);
  assert.equal(res.body.message, `roles.rbac.authorization.k8s.io "wide" is forbidden: ${notHeld('alice', '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}')}`);
  lab.server.stop();
});

test('escalation: changing only finalizers and owner references grants nothing and is allowed', async () => {
  const { lab, as } = await cluster();
  const patch = (body: unknown) => as('alice', { method: 'PATCH', path: `${API}/${roles('default')}/wide`, contentType: 'application/merge-patch+json', body });
  const gc = await patch({ metadata: { finalizers: ['example.com/hold'], ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-1' }] } });
  assert.equal(gc.status, 200, JSON.stringify(gc.body));
  assert.deepEqual(gc.body.metadata.finalizers, ['example.com/hold']);
  const label = await patch({ metadata: { labels: { tier: 'x' } } });
  assert.equal(label.status, 403);
  lab.server.stop();
});

test('escalation: dropping an aggregationRule takes every permission too', async () => {
  const { lab, as } = await cluster();
  const res = await as('alice', { method: 'PATCH', path: `${API}/clusterroles/aggregated`, contentType: 'application/merge-patch+json', body: { aggregationRule: null } });
  assert.equal(res.status, 403);
  assert.equal(res.body.message, 'clusterroles.rbac.authorization.k8s.io "aggregated" is forbidden: must have cluster-admin privileges to use the aggregationRule');
  lab.server.stop();
});

test('escalation: changing a RoleBinding needs the rules of the role it binds, whoever wrote it', async () => {
  const { lab, as } = await cluster();
  const patch = (name: string) => as('alice', { method: 'PATCH', path: `${API}/${roleBindings('default')}/${name}`, contentType: 'application/merge-patch+json', body: { subjects: [user('zoe'), user('yan')] } });
  assert.equal((await patch('alice-pods')).status, 200, 'pod-reader is hers to give');
  const res = await patch('carol-bind');
  assert.equal(res.status, 403);
  assert.equal(res.body.message, `rolebindings.rbac.authorization.k8s.io "carol-bind" is forbidden: ${notHeld('alice', '{APIGroups:["rbac.authorization.k8s.io"], Resources:["clusterroles"], ResourceNames:["secret-reader"], Verbs:["bind"]}')}`);
  lab.server.stop();
});

test('ConfirmNoEscalation: a user without groups prints an empty list', () => {
  const resolver = new DefaultRuleResolver(new MemoryCache(), 'registry');
  assert.equal(confirmNoEscalation({ username: 'x', groups: [] }, '', resolver, [secretReader]), 'user "x" (groups=[]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}');
  assert.equal(confirmNoEscalation({ username: 'x', groups: [] }, '', resolver, []), undefined);
});

test('IsOnlyMutatingGCFields: only owner references, finalizers and selfLink may differ; empty lists equal missing ones', () => {
  const old = { metadata: { name: 'r', labels: {} }, rules: [podReader] };
  assert.equal(onlyMutatingGCFields({ metadata: { name: 'r', finalizers: ['f'], ownerReferences: [] }, rules: [podReader] }, old), true);
  assert.equal(onlyMutatingGCFields({ metadata: { name: 'r', labels: { a: 'b' } }, rules: [podReader] }, old), false);
  assert.equal(onlyMutatingGCFields({ metadata: { name: 'r' }, rules: [secretReader] }, old), false);
});
