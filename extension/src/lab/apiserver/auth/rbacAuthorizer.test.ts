/**
 * RBAC evaluation, with the cases of upstream's
 * plugin/pkg/auth/authorizer/rbac/rbac_test.go (TestAuthorizer, TestRuleMatches)
 * and the reason strings of pkg/registry/rbac/validation/rule.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ruleAllows } from './evaluationHelpers';
import { MemoryCache } from './memoryCache';
import { DefaultRuleResolver, RBACAuthorizer, type RoleSource } from './rbacAuthorizer';
import type { PolicyRule, Subject } from './rbacTypes';
import type { AuthorizationAttributes } from './types';

const RBAC = 'rbac.authorization.k8s.io';

/** newRule is rbac_test.go's: comma lists, an empty string meaning [""] as strings.Split gives. */
const newRule = (verbs: string, groups: string, resources: string, urls: string): PolicyRule =>
  ({ verbs: verbs.split(','), apiGroups: groups.split(','), resources: resources.split(','), nonResourceURLs: urls.split(',') });

const subjects = (...specs: string[]): Subject[] => specs.map((s) => {
  const [kind, name] = [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)];
  return kind === 'ServiceAccount' ? { kind, name } : { kind, apiGroup: RBAC, name };
});

function attrs(over: Partial<AuthorizationAttributes> & { username?: string; groups?: string[] }): AuthorizationAttributes {
  const { username = '', groups = [], ...rest } = over;
  return { user: { username, groups }, verb: '', isResourceRequest: true, path: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', ...rest };
}

interface Fixture {
  clusterRoles?: [string, PolicyRule[]][];
  roles?: [string, string, PolicyRule[]][];
  clusterRoleBindings?: [string, string, Subject[]][];
  roleBindings?: [string, string, 'Role' | 'ClusterRole', string, Subject[]][];
}

function cacheOf(f: Fixture): MemoryCache {
  const c = new MemoryCache();
  for (const [name, rules] of f.clusterRoles ?? []) c.put(RBAC, 'clusterroles', { metadata: { name }, rules });
  for (const [namespace, name, rules] of f.roles ?? []) c.put(RBAC, 'roles', { metadata: { name, namespace }, rules });
  for (const [name, role, s] of f.clusterRoleBindings ?? []) c.put(RBAC, 'clusterrolebindings', { metadata: { name }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role }, subjects: s });
  for (const [namespace, name, kind, role, s] of f.roleBindings ?? []) c.put(RBAC, 'rolebindings', { metadata: { name, namespace }, roleRef: { apiGroup: RBAC, kind, name: role }, subjects: s });
  return c;
}

/** defaultAttributes mirrors rbac_test.go's: user, groups, verb, resource, subresource, namespace, apiGroup. */
const da = (username: string, groups: string, verb: string, resource: string, subresource: string, namespace: string, apiGroup: string): AuthorizationAttributes =>
  attrs({ username, groups: groups.split(','), verb, resource, subresource, namespace, apiGroup });
const nr = (username: string, groups: string[], verb: string, path: string): AuthorizationAttributes => attrs({ username, groups, verb, path, isResourceRequest: false });

const authorizerCases: { name: string; fixture: Fixture; pass: AuthorizationAttributes[]; fail: AuthorizationAttributes[] }[] = [
  {
    name: 'a RoleBinding to a ClusterRole grants only in its namespace',
    fixture: { clusterRoles: [['admin', [newRule('*', '*', '*', '*')]]], roleBindings: [['ns1', 'b', 'ClusterRole', 'admin', subjects('User:admin', 'Group:admins')]] },
    pass: [
      da('admin', '', 'get', 'Pods', '', 'ns1', ''),
      da('admin', '', 'watch', 'Pods', '', 'ns1', ''),
      da('admin', 'group1', 'watch', 'Foobar', '', 'ns1', ''),
      da('joe', 'admins', 'watch', 'Foobar', '', 'ns1', ''),
      da('joe', 'group1,admins', 'watch', 'Foobar', '', 'ns1', ''),
    ],
    fail: [
      da('admin', '', 'GET', 'Pods', '', 'ns2', ''),
      da('admin', '', 'GET', 'Nodes', '', '', ''),
      da('admin', 'admins', 'GET', 'Pods', '', 'ns2', ''),
      da('admin', 'admins', 'GET', 'Nodes', '', '', ''),
    ],
  },
  {
    name: 'non-resource URLs: exact paths, `*` verbs and `/apis/*` prefixes',
    fixture: {
      clusterRoles: [
        ['non-resource-url-getter', [newRule('get', '', '', '/apis')]],
        ['non-resource-url', [newRule('*', '', '', '/apis')]],
        ['non-resource-url-prefix', [newRule('get', '', '', '/apis/*')]],
      ],
      clusterRoleBindings: [
        ['getter', 'non-resource-url-getter', subjects('User:foo', 'Group:bar')],
        ['any', 'non-resource-url', subjects('User:admin', 'Group:admin')],
        ['prefix', 'non-resource-url-prefix', subjects('User:prefixed', 'Group:prefixed')],
      ],
    },
    pass: [
      nr('foo', [], 'get', '/apis'), nr('', ['bar'], 'get', '/apis'), nr('admin', [], 'get', '/apis'), nr('', ['admin'], 'get', '/apis'),
      nr('admin', [], 'watch', '/apis'), nr('', ['admin'], 'watch', '/apis'),
      nr('prefixed', [], 'get', '/apis/v1'), nr('', ['prefixed'], 'get', '/apis/v1'), nr('prefixed', [], 'get', '/apis/v1/foobar'), nr('', ['prefixed'], 'get', '/apis/v1/foorbar'),
    ],
    fail: [
      nr('foo', [], 'watch', '/apis'), nr('', ['bar'], 'watch', '/apis'),
      nr('foo', [], 'get', '/api/v1'), nr('', ['bar'], 'get', '/api/v1'), nr('admin', [], 'get', '/api/v1'), nr('', ['admin'], 'get', '/api/v1'),
      nr('prefixed', [], 'get', '/api/v1'), nr('', ['prefixed'], 'get', '/api/v1'),
    ],
  },
  {
    name: '`pods` does not grant `pods/status`',
    fixture: { clusterRoles: [['admin', [newRule('*', '*', 'pods', '*')]]], roleBindings: [['ns1', 'b', 'ClusterRole', 'admin', subjects('User:admin', 'Group:admins')]] },
    pass: [da('admin', '', 'get', 'pods', '', 'ns1', '')],
    fail: [da('admin', '', 'get', 'pods', 'status', 'ns1', '')],
  },
  {
    name: '`pods/status` does not grant `pods`',
    fixture: { clusterRoles: [['admin', [newRule('*', '*', 'pods/status', '*')]]], roleBindings: [['ns1', 'b', 'ClusterRole', 'admin', subjects('User:admin', 'Group:admins')]] },
    pass: [da('admin', '', 'get', 'pods', 'status', 'ns1', '')],
    fail: [da('admin', '', 'get', 'pods', '', 'ns1', '')],
  },
  {
    name: 'a ServiceAccount subject without a namespace takes the RoleBinding\'s, and names nobody in a ClusterRoleBinding',
    fixture: {
      clusterRoles: [['reader', [newRule('get', '', 'pods', '')]], ['lister', [newRule('list', '', 'pods', '')]]],
      roleBindings: [['ns1', 'b', 'ClusterRole', 'reader', subjects('ServiceAccount:sa')]],
      clusterRoleBindings: [['c', 'lister', subjects('ServiceAccount:sa')]],
    },
    pass: [da('system:serviceaccount:ns1:sa', '', 'get', 'pods', '', 'ns1', '')],
    fail: [da('system:serviceaccount:ns2:sa', '', 'get', 'pods', '', 'ns1', ''), da('system:serviceaccount:ns1:sa', '', 'list', 'pods', '', 'ns1', '')],
  },
  {
    name: 'a RoleBinding to a Role reads the Role of its own namespace',
    fixture: { roles: [['ns1', 'r', [newRule('get', '', 'pods', '')]], ['ns2', 'r', [newRule('*', '*', '*', '')]]], roleBindings: [['ns1', 'b', 'Role', 'r', subjects('User:u')]] },
    pass: [da('u', '', 'get', 'pods', '', 'ns1', '')],
    fail: [da('u', '', 'delete', 'pods', '', 'ns1', ''), da('u', '', 'get', 'pods', '', 'ns2', '')],
  },
];

for (const c of authorizerCases) {
  test(`RBAC: ${c.name}`, () => {
    const a = new RBACAuthorizer(cacheOf(c.fixture));
    for (const p of c.pass) assert.equal(a.authorize(p).decision, 'allow', `incorrectly restricted ${JSON.stringify(p)}`);
    for (const f of c.fail) assert.equal(a.authorize(f).decision, 'noOpinion', `incorrectly passed ${JSON.stringify(f)}`);
  });
}

const rr = (verb: string, apiGroup: string, resource: string, subresource = '', name = ''): AuthorizationAttributes => attrs({ verb, apiGroup, resource, subresource, name });
const url = (verb: string, path: string): AuthorizationAttributes => attrs({ verb, path, isResourceRequest: false });

const ruleCases: { name: string; rule: PolicyRule; expect: [AuthorizationAttributes, boolean][] }[] = [
  {
    name: 'star verb, exact match other',
    rule: { verbs: ['*'], apiGroups: ['group1'], resources: ['resource1'] },
    expect: [
      [rr('verb1', 'group1', 'resource1'), true], [rr('verb1', 'group2', 'resource1'), false], [rr('verb1', 'group1', 'resource2'), false], [rr('verb1', 'group2', 'resource2'), false],
      [rr('verb2', 'group1', 'resource1'), true], [rr('verb2', 'group2', 'resource1'), false], [rr('verb2', 'group1', 'resource2'), false], [rr('verb2', 'group2', 'resource2'), false],
    ],
  },
  {
    name: 'star group, exact match other',
    rule: { verbs: ['verb1'], apiGroups: ['*'], resources: ['resource1'] },
    expect: [
      [rr('verb1', 'group1', 'resource1'), true], [rr('verb1', 'group2', 'resource1'), true], [rr('verb1', 'group1', 'resource2'), false], [rr('verb1', 'group2', 'resource2'), false],
      [rr('verb2', 'group1', 'resource1'), false], [rr('verb2', 'group2', 'resource1'), false], [rr('verb2', 'group1', 'resource2'), false], [rr('verb2', 'group2', 'resource2'), false],
    ],
  },
  {
    name: 'star resource, exact match other',
    rule: { verbs: ['verb1'], apiGroups: ['group1'], resources: ['*'] },
    expect: [
      [rr('verb1', 'group1', 'resource1'), true], [rr('verb1', 'group2', 'resource1'), false], [rr('verb1', 'group1', 'resource2'), true], [rr('verb1', 'group2', 'resource2'), false],
      [rr('verb2', 'group1', 'resource1'), false], [rr('verb2', 'group2', 'resource1'), false], [rr('verb2', 'group1', 'resource2'), false], [rr('verb2', 'group2', 'resource2'), false],
    ],
  },
  {
    name: 'tuple expansion',
    rule: { verbs: ['verb1', 'verb2'], apiGroups: ['group1', 'group2'], resources: ['resource1', 'resource2'] },
    expect: [
      [rr('verb1', 'group1', 'resource1'), true], [rr('verb1', 'group2', 'resource1'), true], [rr('verb1', 'group1', 'resource2'), true], [rr('verb1', 'group2', 'resource2'), true],
      [rr('verb2', 'group1', 'resource1'), true], [rr('verb2', 'group2', 'resource1'), true], [rr('verb2', 'group1', 'resource2'), true], [rr('verb2', 'group2', 'resource2'), true],
    ],
  },
  {
    name: 'subresource expansion',
    rule: { verbs: ['*'], apiGroups: ['*'], resources: ['resource1/subresource1'] },
    expect: [
      [rr('verb1', 'group1', 'resource1', 'subresource1'), true], [rr('verb1', 'group2', 'resource1', 'subresource2'), false],
      [rr('verb1', 'group1', 'resource2', 'subresource1'), false], [rr('verb1', 'group2', 'resource2', 'subresource1'), false],
      [rr('verb2', 'group1', 'resource1', 'subresource1'), true], [rr('verb2', 'group2', 'resource1', 'subresource2'), false],
    ],
  },
  {
    name: '`*/scale` matches the scale subresource of any resource, and nothing else',
    rule: { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] },
    expect: [
      [rr('get', 'apps', 'deployments', 'scale'), true], [rr('get', '', 'replicationcontrollers', 'scale'), true],
      [rr('get', 'apps', 'deployments'), false], [rr('get', 'apps', 'deployments', 'status'), false], [rr('get', '', 'pods', 'xscale'), false],
    ],
  },
  {
    name: 'resourceNames cover only named requests: never a list or a create, which carry no name',
    rule: { verbs: ['get', 'list', 'create', 'update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['kube-root-ca.crt'] },
    expect: [
      [rr('get', '', 'configmaps', '', 'kube-root-ca.crt'), true], [rr('update', '', 'configmaps', '', 'kube-root-ca.crt'), true],
      [rr('get', '', 'configmaps', '', 'other'), false], [rr('list', '', 'configmaps'), false], [rr('create', '', 'configmaps'), false],
    ],
  },
  {
    name: 'star nonresource, exact match other',
    rule: { verbs: ['verb1'], nonResourceURLs: ['*'] },
    expect: [
      [url('verb1', '/foo'), true], [url('verb1', '/foo/bar'), true], [url('verb1', '/foo/baz'), true], [url('verb1', '/foo/bar/one'), true], [url('verb1', '/foo/baz/one'), true],
      [url('verb2', '/foo'), false], [url('verb2', '/foo/bar'), false], [url('verb2', '/foo/baz'), false], [url('verb2', '/foo/bar/one'), false], [url('verb2', '/foo/baz/one'), false],
    ],
  },
  {
    name: 'star nonresource subpath',
    rule: { verbs: ['verb1'], nonResourceURLs: ['/foo/*'] },
    expect: [
      [url('verb1', '/foo'), false], [url('verb1', '/foo/bar'), true], [url('verb1', '/foo/baz'), true], [url('verb1', '/foo/bar/one'), true], [url('verb1', '/foo/baz/one'), true],
      [url('verb1', '/notfoo'), false], [url('verb1', '/notfoo/bar'), false], [url('verb1', '/notfoo/baz'), false], [url('verb1', '/notfoo/bar/one'), false], [url('verb1', '/notfoo/baz/one'), false],
    ],
  },
  {
    name: 'star verb, exact nonresource',
    rule: { verbs: ['*'], nonResourceURLs: ['/foo', '/foo/bar/one'] },
    expect: [
      [url('verb1', '/foo'), true], [url('verb1', '/foo/bar'), false], [url('verb1', '/foo/baz'), false], [url('verb1', '/foo/bar/one'), true], [url('verb1', '/foo/baz/one'), false],
      [url('verb2', '/foo'), true], [url('verb2', '/foo/bar'), false], [url('verb2', '/foo/baz'), false], [url('verb2', '/foo/bar/one'), true], [url('verb2', '/foo/baz/one'), false],
    ],
  },
];

for (const c of ruleCases) {
  test(`RuleAllows: ${c.name}`, () => {
    for (const [a, want] of c.expect) assert.equal(ruleAllows(a, c.rule), want, `${a.verb} ${a.isResourceRequest ? `${a.apiGroup}/${a.resource}/${a.subresource} ${a.name}` : a.path}`);
  });
}

const reasonCases: { name: string; fixture: Fixture; request: AuthorizationAttributes; decision: 'allow' | 'noOpinion'; reason: string }[] = [
  {
    name: 'allowed by a ClusterRoleBinding to a Group',
    fixture: { clusterRoles: [['view', [newRule('get', '', 'pods', '')]]], clusterRoleBindings: [['viewers', 'view', subjects('User:someone', 'Group:devs')]] },
    request: attrs({ username: 'jane', groups: ['devs'], verb: 'get', resource: 'pods', namespace: 'default' }),
    decision: 'allow', reason: 'RBAC: allowed by ClusterRoleBinding "viewers" of ClusterRole "view" to Group "devs"',
  },
  {
    name: 'the first subject that applies is the one named',
    fixture: { clusterRoles: [['view', [newRule('get', '', 'pods', '')]]], clusterRoleBindings: [['viewers', 'view', subjects('Group:devs', 'User:jane')]] },
    request: attrs({ username: 'jane', groups: ['devs'], verb: 'get', resource: 'pods' }),
    decision: 'allow', reason: 'RBAC: allowed by ClusterRoleBinding "viewers" of ClusterRole "view" to Group "devs"',
  },
  {
    name: 'allowed by a RoleBinding to a ServiceAccount (name/namespace)',
    fixture: { roles: [['team', 'editor', [newRule('create', '', 'configmaps', '')]]], roleBindings: [['team', 'edit-sa', 'Role', 'editor', subjects('ServiceAccount:builder')]] },
    request: attrs({ username: 'system:serviceaccount:team:builder', groups: ['system:serviceaccounts'], verb: 'create', resource: 'configmaps', namespace: 'team' }),
    decision: 'allow', reason: 'RBAC: allowed by RoleBinding "edit-sa/team" of Role "editor" to ServiceAccount "builder/team"',
  },
  {
    name: 'a missing ClusterRole is the denial\'s reason',
    fixture: { clusterRoleBindings: [['b', 'missing', subjects('User:jane')]] },
    request: attrs({ username: 'jane', verb: 'list', resource: 'pods', namespace: 'default' }),
    decision: 'noOpinion', reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found',
  },
  {
    name: 'several resolution errors aggregate in brackets',
    fixture: { clusterRoleBindings: [['a', 'gone', subjects('User:jane')]], roleBindings: [['default', 'b', 'Role', 'absent', subjects('User:jane')]] },
    request: attrs({ username: 'jane', verb: 'list', resource: 'pods', namespace: 'default' }),
    decision: 'noOpinion', reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "absent" not found]',
  },
  {
    name: 'no binding at all gives no reason',
    fixture: {},
    request: attrs({ username: 'jane', verb: 'list', resource: 'pods', namespace: 'default' }),
    decision: 'noOpinion', reason: '',
  },
];

for (const c of reasonCases) {
  test(`RBAC reason: ${c.name}`, () => {
    const { rule, ...decision } = new RBACAuthorizer(cacheOf(c.fixture)).authorize(c.request);
    assert.deepEqual(decision, { decision: c.decision, reason: c.reason });
    // An allow carries the rule that allowed it (for the request trace); no opinion carries none.
    assert.equal(rule !== undefined, c.decision === 'allow');
    if (rule) assert.ok(rule.verbs.includes(c.request.verb) || rule.verbs.includes('*'), JSON.stringify(rule));
  });
}

test('RBAC sees bindings and roles created after its first decision', () => {
  const cache = cacheOf({ clusterRoles: [['view', [newRule('get', '', 'pods', '')]]] });
  const a = new RBACAuthorizer(cache);
  const req = attrs({ username: 'jane', groups: [], verb: 'get', resource: 'pods', namespace: 'team' });
  assert.equal(a.authorize(req).decision, 'noOpinion');
  cache.put(RBAC, 'rolebindings', { metadata: { name: 'b', namespace: 'team' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' }, subjects: subjects('User:jane') });
  assert.equal(a.authorize(req).decision, 'allow');
  cache.put(RBAC, 'clusterroles', { metadata: { name: 'view' }, rules: [newRule('list', '', 'pods', '')] });
  assert.equal(a.authorize(req).decision, 'noOpinion');
  cache.delete(RBAC, 'rolebindings', 'team', 'b');
  assert.equal(a.authorize({ ...req, verb: 'list' }).decision, 'noOpinion');
});

const roleRefCases: { name: string; source: RoleSource; kind: string; namespace: string; code: number; message: string }[] = [
  { name: 'the authorizer\'s listers name a missing Role in the singular', source: 'lister', kind: 'Role', namespace: 'ns1', code: 404, message: 'role.rbac.authorization.k8s.io "x" not found' },
  { name: 'the authorizer\'s listers name a missing ClusterRole in the singular', source: 'lister', kind: 'ClusterRole', namespace: '', code: 404, message: 'clusterrole.rbac.authorization.k8s.io "x" not found' },
  { name: 'the registry names a missing Role by its resource', source: 'registry', kind: 'Role', namespace: 'ns1', code: 404, message: 'roles.rbac.authorization.k8s.io "x" not found' },
  { name: 'the registry names a missing ClusterRole by its resource', source: 'registry', kind: 'ClusterRole', namespace: '', code: 404, message: 'clusterroles.rbac.authorization.k8s.io "x" not found' },
  { name: 'the registry cannot look a Role up without a namespace', source: 'registry', kind: 'Role', namespace: '', code: 400, message: 'Namespace parameter required.' },
  { name: 'any other kind is unsupported, a plain error', source: 'registry', kind: 'User', namespace: 'ns1', code: 500, message: 'unsupported role reference kind: "User"' },
];

for (const c of roleRefCases) {
  test(`GetRoleReferenceRules: ${c.name}`, () => {
    const got = new DefaultRuleResolver(cacheOf({}), c.source).getRoleReferenceRules({ apiGroup: RBAC, kind: c.kind, name: 'x' }, c.namespace);
    assert.ok('error' in got);
    assert.deepEqual([got.error.code, got.error.message], [c.code, c.message]);
  });
}

test('RulesFor: resource rules and non-resource rules apart, a rule naming both in both, with the errors met', () => {
  const a = new RBACAuthorizer(cacheOf({
    clusterRoles: [['mixed', [newRule('get', '', 'pods', '/healthz'), { verbs: ['list'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'] }]]],
    clusterRoleBindings: [['a', 'mixed', subjects('User:jane')], ['b', 'missing', subjects('User:jane')]],
  }));
  assert.deepEqual(a.rulesFor({ username: 'jane', groups: [] }, 'default'), {
    resourceRules: [
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] },
      { verbs: ['list'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'] },
    ],
    nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
    incomplete: false,
    errors: ['clusterrole.rbac.authorization.k8s.io "missing" not found'],
  });
});
