/**
 * The default policy as a cluster enforces it: the bootstrap objects loaded
 * into a cache, the aggregated roles filled in, and requests judged by the
 * default authorizer chain (system:masters, Node, RBAC). Denials are worded as
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go
 * (forbiddenMessage) and apimachinery's errors.NewForbidden word them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { aggregatedRules } from '../../controllers/clusterRoleAggregationController';
import { forbiddenRequest } from '../errors';
import { bootstrapPolicy } from './bootstrapPolicy';
import { MemoryCache } from './memoryCache';
import type { Role } from './rbacTypes';
import type { AuthorizationAttributes, Authorizer, Decision, UserInfo } from './types';
import { defaultAuthorizer } from './unionAuthorizer';

const RBAC = 'rbac.authorization.k8s.io';

function policyCache(): MemoryCache {
  const policy = bootstrapPolicy();
  // Aggregates feed aggregates (view -> edit -> admin): run the controller's computation to a fixed point.
  const roles = policy.clusterRoles;
  for (let changed = true; changed;) {
    changed = false;
    for (const r of roles) {
      const rules = aggregatedRules(r, roles);
      if (rules && JSON.stringify(rules) !== JSON.stringify(r.rules ?? [])) {
        r.rules = rules;
        changed = true;
      }
    }
  }
  const cache = new MemoryCache();
  for (const r of roles) cache.put(RBAC, 'clusterroles', r);
  for (const b of policy.clusterRoleBindings) cache.put(RBAC, 'clusterrolebindings', b);
  for (const r of policy.roles) cache.put(RBAC, 'roles', r);
  for (const b of policy.roleBindings) cache.put(RBAC, 'rolebindings', b);
  return cache;
}

const pod = (name: string, node: string, spec: Record<string, unknown> = {}): KubeObject => ({ metadata: { name, namespace: 'default' }, spec: { nodeName: node, ...spec } });

function setup(): Authorizer {
  const cache = policyCache();
  cache.put(RBAC, 'rolebindings', { metadata: { name: 'jane-view', namespace: 'default' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', apiGroup: RBAC, name: 'jane' }] });
  cache.put(RBAC, 'rolebindings', { metadata: { name: 'joe-edit', namespace: 'default' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'User', apiGroup: RBAC, name: 'joe' }] });
  cache.put(RBAC, 'rolebindings', { metadata: { name: 'ann-admin', namespace: 'default' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'User', apiGroup: RBAC, name: 'ann' }] });
  const pods = [pod('web', 'n1', { volumes: [{ name: 'c', secret: { secretName: 'web-cert' } }] })];
  return defaultAuthorizer(cache, { podsOnNode: (n) => pods.filter((p) => (p.spec as { nodeName: string }).nodeName === n) });
}

const user = (username: string, ...groups: string[]): UserInfo => ({ username, groups: [...groups, 'system:authenticated'] });
const ANON: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

function res(u: UserInfo, verb: string, resource: string, o: { group?: string; namespace?: string; name?: string; subresource?: string } = {}): AuthorizationAttributes {
  return { user: u, verb, isResourceRequest: true, path: '', apiGroup: o.group ?? '', apiVersion: 'v1', resource, subresource: o.subresource ?? '', namespace: o.namespace ?? '', name: o.name ?? '' };
}
const path = (u: UserInfo, verb: string, p: string): AuthorizationAttributes => ({ user: u, verb, isResourceRequest: false, path: p, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' });

const allowed: { name: string; request: AuthorizationAttributes; reason: string }[] = [
  { name: 'system:masters may do anything', request: res(user('kubernetes-admin', 'system:masters'), 'delete', 'nodes', { name: 'n1' }), reason: '' },
  { name: 'the scheduler binds pods', request: res(user('system:kube-scheduler'), 'create', 'pods', { namespace: 'default', name: 'web', subresource: 'binding' }), reason: 'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"' },
  { name: 'the scheduler renews its own lease only', request: res(user('system:kube-scheduler'), 'update', 'leases', { group: 'coordination.k8s.io', namespace: 'kube-system', name: 'kube-scheduler' }), reason: 'RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"' },
  { name: 'kube-proxy watches endpointslices', request: res(user('system:kube-proxy'), 'watch', 'endpointslices', { group: 'discovery.k8s.io' }), reason: 'RBAC: allowed by ClusterRoleBinding "system:node-proxier" of ClusterRole "system:node-proxier" to User "system:kube-proxy"' },
  { name: 'view reads pod logs', request: res(user('jane'), 'get', 'pods', { namespace: 'default', name: 'web', subresource: 'log' }), reason: 'RBAC: allowed by RoleBinding "jane-view/default" of ClusterRole "view" to User "jane"' },
  { name: 'edit reads secrets', request: res(user('joe'), 'get', 'secrets', { namespace: 'default', name: 'db' }), reason: 'RBAC: allowed by RoleBinding "joe-edit/default" of ClusterRole "edit" to User "joe"' },
  { name: 'admin grants roles', request: res(user('ann'), 'create', 'rolebindings', { group: RBAC, namespace: 'default' }), reason: 'RBAC: allowed by RoleBinding "ann-admin/default" of ClusterRole "admin" to User "ann"' },
  { name: 'anyone authenticated reads discovery', request: path(user('jane'), 'get', '/apis/apps/v1'), reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' },
  { name: 'anonymous reads the version', request: path(ANON, 'get', '/version'), reason: 'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"' },
  { name: 'a kubelet reads a secret its pod mounts', request: res(user('system:node:n1', 'system:nodes'), 'get', 'secrets', { namespace: 'default', name: 'web-cert' }), reason: '' },
  { name: 'a controller acts as its own service account', request: res(user('system:serviceaccount:kube-system:deployment-controller', 'system:serviceaccounts', 'system:serviceaccounts:kube-system'), 'create', 'replicasets', { group: 'apps', namespace: 'default' }), reason: 'RBAC: allowed by ClusterRoleBinding "system:controller:deployment-controller" of ClusterRole "system:controller:deployment-controller" to ServiceAccount "deployment-controller/kube-system"' },
  { name: 'the controller manager holds its lock in kube-system', request: res(user('system:kube-controller-manager'), 'get', 'leases', { group: 'coordination.k8s.io', namespace: 'kube-system', name: 'cloud-controller-manager' }), reason: 'RBAC: allowed by RoleBinding "system::leader-locking-kube-controller-manager/kube-system" of Role "system::leader-locking-kube-controller-manager" to User "system:kube-controller-manager"' },
];

for (const c of allowed) {
  test(`default policy allows: ${c.name}`, async () => {
    const { rule: _rule, ...decision } = await setup().authorize(c.request);
    assert.deepEqual(decision, { decision: 'allow', reason: c.reason } satisfies Decision);
  });
}

const denied: { name: string; request: AuthorizationAttributes; message: string; details: Record<string, string> }[] = [
  {
    name: 'a list with no binding',
    request: res(user('nobody'), 'list', 'pods', { namespace: 'default' }),
    message: 'pods is forbidden: User "nobody" cannot list resource "pods" in API group "" in the namespace "default"',
    details: { kind: 'pods' },
  },
  {
    name: 'view does not read secrets',
    request: res(user('jane'), 'get', 'secrets', { namespace: 'default', name: 'db' }),
    message: 'secrets "db" is forbidden: User "jane" cannot get resource "secrets" in API group "" in the namespace "default"',
    details: { name: 'db', kind: 'secrets' },
  },
  {
    name: 'view does not exec (the subresource is named, the resource is in the prefix)',
    request: res(user('jane'), 'create', 'pods', { namespace: 'default', name: 'web', subresource: 'exec' }),
    message: 'pods "web" is forbidden: User "jane" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    details: { name: 'web', kind: 'pods' },
  },
  {
    name: 'a namespaced binding grants nothing cluster-wide',
    request: res(user('ann'), 'list', 'deployments', { group: 'apps' }),
    message: 'deployments.apps is forbidden: User "ann" cannot list resource "deployments" in API group "apps" at the cluster scope',
    details: { group: 'apps', kind: 'deployments' },
  },
  {
    name: 'the scheduler may not delete nodes',
    request: res(user('system:kube-scheduler'), 'delete', 'nodes', { name: 'n1' }),
    message: 'nodes "n1" is forbidden: User "system:kube-scheduler" cannot delete resource "nodes" in API group "" at the cluster scope',
    details: { name: 'n1', kind: 'nodes' },
  },
  {
    name: 'anonymous may not read discovery',
    request: path(ANON, 'get', '/api'),
    message: 'forbidden: User "system:anonymous" cannot get path "/api"',
    details: {},
  },
  {
    name: 'a kubelet may not read a secret no pod of its node uses, and RBAC adds nothing (system:node is unbound)',
    request: res(user('system:node:n2', 'system:nodes'), 'get', 'secrets', { namespace: 'default', name: 'web-cert' }),
    message: 'secrets "web-cert" is forbidden: User "system:node:n2" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node \'n2\' and this object',
    details: { name: 'web-cert', kind: 'secrets' },
  },
  {
    name: 'a kubelet may not list every node',
    request: res(user('system:node:n1', 'system:nodes'), 'list', 'nodes'),
    message: 'nodes is forbidden: User "system:node:n1" cannot list resource "nodes" in API group "" at the cluster scope: node \'n1\' cannot read all nodes, only its own Node object',
    details: { kind: 'nodes' },
  },
];

for (const c of denied) {
  test(`default policy forbids: ${c.name}`, async () => {
    const d = await setup().authorize(c.request);
    assert.equal(d.decision, 'noOpinion');
    assert.deepEqual(forbiddenRequest(c.request, d.reason), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: c.message, reason: 'Forbidden', details: c.details, code: 403 });
  });
}

test('every bootstrap object is labelled rbac-defaults and annotated for auto-update', () => {
  const p = bootstrapPolicy();
  const all: KubeObject[] = [...p.clusterRoles, ...p.clusterRoleBindings, ...p.roles, ...p.roleBindings];
  assert.ok(all.length > 60);
  for (const o of all) {
    assert.equal(o.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', o.metadata.name);
    assert.equal(o.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true', o.metadata.name);
  }
  const names = new Set(p.clusterRoles.map((r) => r.metadata.name));
  for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:aggregate-to-admin', 'system:aggregate-to-edit', 'system:aggregate-to-view', 'system:discovery', 'system:basic-user',
    'system:public-info-viewer', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:node', 'system:node-proxier', 'system:volume-scheduler', 'system:monitoring',
    'system:controller:clusterrole-aggregation-controller', 'system:controller:replicaset-controller']) assert.ok(names.has(n), n);
  assert.deepEqual(p.roles.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).filter((n) => !n.includes('controller:')),
    ['kube-system/extension-apiserver-authentication-reader', 'kube-system/system::leader-locking-kube-controller-manager', 'kube-system/system::leader-locking-kube-scheduler']);
});

test('rules are sorted as RuleOrDie sorts them, and admin/edit/view carry only aggregation rules', () => {
  const p = bootstrapPolicy();
  const scheduler = p.clusterRoles.find((r) => r.metadata.name === 'system:kube-scheduler') as Role;
  assert.deepEqual(scheduler.rules?.[0], { verbs: ['create', 'patch', 'update'], apiGroups: ['', 'events.k8s.io'], resources: ['events'] });
  const edit = p.clusterRoles.find((r) => r.metadata.name === 'edit') as Role;
  assert.equal(edit.rules, undefined);
  assert.deepEqual(edit.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }] });
  assert.equal(edit.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-admin'], 'true');
  const node = p.clusterRoleBindings.find((b) => b.metadata.name === 'system:node');
  assert.equal(node?.subjects, undefined);
});
