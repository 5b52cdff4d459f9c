/**
 * Rule coverage and compaction, with the cases of upstream's
 * staging/src/k8s.io/component-helpers/auth/rbac/validation/policy_comparator_test.go
 * and pkg/registry/rbac/validation/policy_compact_test.go, and CompactString of
 * pkg/apis/rbac/v1/evaluation_helpers.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compactString } from './evaluationHelpers';
import { compactRules, covers } from './policyComparator';
import type { PolicyRule } from './rbacTypes';

const coverCases: { name: string; owner: PolicyRule[]; servant: PolicyRule[]; missing: PolicyRule[] }[] = [
  { name: 'an exact match', owner: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['builds'] }], servant: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['builds'] }], missing: [] },
  { name: '`*/scale` covers a scale subresource', owner: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['*/scale'] }], servant: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['foo/scale'] }], missing: [] },
  {
    name: 'several owner rules cover one servant rule between them',
    owner: [
      { apiGroups: ['v1'], verbs: ['delete'], resources: ['deployments'] },
      { apiGroups: ['v1'], verbs: ['delete'], resources: ['builds'] },
      { apiGroups: ['v1'], verbs: ['update'], resources: ['builds', 'deployments'] },
    ],
    servant: [{ apiGroups: ['v1'], verbs: ['delete', 'update'], resources: ['builds', 'deployments'] }],
    missing: [],
  },
  {
    name: 'one owner rule covers several servant rules',
    owner: [{ apiGroups: ['group1', 'group2'], verbs: ['delete', 'update'], resources: ['builds', 'deployments'] }],
    servant: [
      { apiGroups: ['group1'], verbs: ['delete'], resources: ['deployments'] },
      { apiGroups: ['group2'], verbs: ['update'], resources: ['builds', 'deployments'] },
    ],
    missing: [],
  },
  {
    name: 'the one verb-resource pair not held is the one missing',
    owner: [{ apiGroups: ['v1'], verbs: ['delete', 'update'], resources: ['builds', 'deployments'] }, { apiGroups: ['v1'], verbs: ['delete'], resources: ['pods'] }],
    servant: [{ apiGroups: ['v1'], verbs: ['delete', 'update'], resources: ['builds', 'deployments', 'pods'] }],
    missing: [{ apiGroups: ['v1'], verbs: ['update'], resources: ['pods'] }],
  },
  { name: 'a `*` group covers named groups', owner: [{ apiGroups: ['*'], verbs: ['get'], resources: ['roles'] }], servant: [{ apiGroups: ['group1', 'group2'], verbs: ['get'], resources: ['roles'] }], missing: [] },
  { name: 'named groups never cover `*`', owner: [{ apiGroups: ['dummy-group'], verbs: ['get'], resources: ['roles'] }], servant: [{ apiGroups: ['*'], verbs: ['get'], resources: ['roles'] }], missing: [{ apiGroups: ['*'], verbs: ['get'], resources: ['roles'] }] },
  { name: 'a `*` verb covers named verbs', owner: [{ apiGroups: ['v1'], verbs: ['*'], resources: ['roles'] }], servant: [{ apiGroups: ['v1'], verbs: ['watch', 'list'], resources: ['roles'] }], missing: [] },
  {
    name: 'every named verb still does not cover `*`',
    owner: [{ apiGroups: ['v1'], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete', 'exec'], resources: ['roles'] }],
    servant: [{ apiGroups: ['v1'], verbs: ['*'], resources: ['roles'] }],
    missing: [{ apiGroups: ['v1'], verbs: ['*'], resources: ['roles'] }],
  },
  { name: 'a `*` resource covers any resource', owner: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['*'] }], servant: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['resourcegroup:deployments'] }], missing: [] },
  { name: 'named resources never cover `*`', owner: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['roles', 'resourcegroup:deployments'] }], servant: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['*'] }], missing: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['*'] }] },
  { name: '`pods` does not cover `pods/log`', owner: [{ apiGroups: [''], verbs: ['get'], resources: ['pods'] }], servant: [{ apiGroups: [''], verbs: ['get'], resources: ['pods/log'] }], missing: [{ apiGroups: [''], verbs: ['get'], resources: ['pods/log'] }] },
  { name: '`pods/*` covers only `pods/*` itself', owner: [{ apiGroups: [''], verbs: ['get'], resources: ['pods/*'] }], servant: [{ apiGroups: [''], verbs: ['get'], resources: ['pods/*', 'pods/log'] }], missing: [{ apiGroups: [''], verbs: ['get'], resources: ['pods/log'] }] },
  { name: 'a rule without names covers named objects', owner: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['pods'], resourceNames: [] }], servant: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['pods'], resourceNames: ['foo', 'bar'] }], missing: [] },
  { name: 'named objects never cover every object', owner: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['pods'], resourceNames: ['foo', 'bar'] }], servant: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['pods'], resourceNames: [] }], missing: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['pods'] }] },
  { name: 'an exact URL', owner: [{ nonResourceURLs: ['/apis'], verbs: ['*'] }], servant: [{ nonResourceURLs: ['/apis'], verbs: ['*'] }], missing: [] },
  { name: 'a `*` URL covers every path', owner: [{ nonResourceURLs: ['*'], verbs: ['*'] }], servant: [{ nonResourceURLs: ['/apis', '/apis/v1', '/'], verbs: ['*'] }], missing: [] },
  { name: '`/apis/*` does not cover `/apis`', owner: [{ nonResourceURLs: ['/apis/*'], verbs: ['*'] }], servant: [{ nonResourceURLs: ['/apis', '/apis/v1'], verbs: ['get'] }], missing: [{ nonResourceURLs: ['/apis'], verbs: ['get'] }] },
  { name: '`/apis/*` covers paths under it', owner: [{ nonResourceURLs: ['/apis/*'], verbs: ['*'] }], servant: [{ nonResourceURLs: ['/apis/v1/foo', '/apis/v1'], verbs: ['get'] }], missing: [] },
  {
    name: 'a rule with both resources and URLs covers its own copy',
    owner: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['builds'], nonResourceURLs: ['/apis'] }],
    servant: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['builds'], nonResourceURLs: ['/apis'] }],
    missing: [],
  },
  {
    name: 'the URL half of a mixed rule is missing when only the resources are held',
    owner: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['builds'] }],
    servant: [{ apiGroups: ['v1'], verbs: ['get'], resources: ['builds'], nonResourceURLs: ['/apis'] }],
    missing: [{ nonResourceURLs: ['/apis'], verbs: ['get'] }],
  },
  { name: 'a rule without verbs grants nothing, so needs nothing', owner: [], servant: [{ apiGroups: [''], resources: ['pods'] } as PolicyRule], missing: [] },
];

for (const c of coverCases) {
  test(`Covers: ${c.name}`, () => {
    assert.deepEqual(covers(c.owner, c.servant), { covered: c.missing.length === 0, missing: c.missing });
  });
}

/** TestNonResourceURLCovers's table, each owner URL against one requested path. */
const urlCases: [owner: string, requested: string, want: boolean][] = [
  ['*', '', true], ['*', '/', true], ['*', '/api', true], ['/*', '', false], ['/*', '/', true], ['/*', '/foo', true],
  ['/api', '/api', true], ['/apis', '/api', false], ['/api/v1', '/api', false], ['/api/v1', '/api/v1', true],
  ['/api/*', '/api/v1', true], ['/api/*', '/api', false], ['/api/*/*', '/api/v1', false], ['/*/v1/*', '/api/v1', false],
];

test('Covers: a URL ending in `*` is a prefix, and only a trailing `*` is special', () => {
  for (const [owner, requested, want] of urlCases) {
    assert.equal(covers([{ verbs: ['get'], nonResourceURLs: [owner] }], [{ verbs: ['get'], nonResourceURLs: [requested] }]).covered, want, `${owner} covers ${requested}`);
  }
});

test('CompactRules merges simple rules of one group, resource and name by verb, in order, after the rest', () => {
  const rules = [
    { verbs: ['get'], apiGroups: [''], resources: ['builds'] },
    { verbs: ['list'], apiGroups: [''], resources: ['builds'] },
    { verbs: ['update', 'patch'], apiGroups: [''], resources: ['builds'] },
    { verbs: ['create'], apiGroups: ['extensions'], resources: ['daemonsets'] },
    { verbs: ['delete'], apiGroups: ['extensions'], resources: ['daemonsets'] },
    { verbs: ['patch'], apiGroups: ['extensions'], resources: ['daemonsets'], resourceNames: [''] },
    { verbs: ['get'], apiGroups: ['extensions'], resources: ['daemonsets'], resourceNames: ['foo'] },
    { verbs: ['list'], apiGroups: ['extensions'], resources: ['daemonsets'], resourceNames: ['foo'] },
    { verbs: ['educate'], apiGroups: [''], resources: ['dolphins'] },
    // Verbs missing stay missing when nothing merges into them; merging into them starts a list.
    { apiGroups: [''], resources: ['pirates'] } as PolicyRule,
    { apiGroups: [''], resources: ['pods'] } as PolicyRule,
    { verbs: ['create'], apiGroups: [''], resources: ['pods'] },
    // Several groups, resources or names, or any URL, make a rule complex: kept as it is.
    { verbs: ['get'], apiGroups: ['', 'builds.openshift.io'], resources: ['builds'] },
    { verbs: ['get'], apiGroups: [''], resources: ['builds', 'images'] },
    { verbs: ['get'], apiGroups: [''], resources: ['builds'], resourceNames: ['a', 'b'] },
    { verbs: ['get'], apiGroups: [''], resources: ['builds'], nonResourceURLs: ['/'] },
  ];
  const before = structuredClone(rules);
  assert.deepEqual(compactRules(rules), [
    { verbs: ['get'], apiGroups: ['', 'builds.openshift.io'], resources: ['builds'] },
    { verbs: ['get'], apiGroups: [''], resources: ['builds', 'images'] },
    { verbs: ['get'], apiGroups: [''], resources: ['builds'], resourceNames: ['a', 'b'] },
    { verbs: ['get'], apiGroups: [''], resources: ['builds'], nonResourceURLs: ['/'] },
    { verbs: ['get', 'list', 'update', 'patch'], apiGroups: [''], resources: ['builds'] },
    { verbs: ['create', 'delete'], apiGroups: ['extensions'], resources: ['daemonsets'] },
    { verbs: ['patch'], apiGroups: ['extensions'], resources: ['daemonsets'], resourceNames: [''] },
    { verbs: ['get', 'list'], apiGroups: ['extensions'], resources: ['daemonsets'], resourceNames: ['foo'] },
    { verbs: ['educate'], apiGroups: [''], resources: ['dolphins'] },
    { apiGroups: [''], resources: ['pirates'] },
    { verbs: ['create'], apiGroups: [''], resources: ['pods'] },
  ]);
  assert.deepEqual(rules, before, 'CompactRules must not change its input');
});

const stringCases: [PolicyRule, string][] = [
  [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}'],
  [{ verbs: ['get', 'list'], apiGroups: ['apps', 'extensions'], resources: ['deployments', 'deployments/scale'] }, '{APIGroups:["apps" "extensions"], Resources:["deployments" "deployments/scale"], Verbs:["get" "list"]}'],
  [{ verbs: ['update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['kube-root-ca.crt'] }, '{APIGroups:[""], Resources:["configmaps"], ResourceNames:["kube-root-ca.crt"], Verbs:["update"]}'],
  [{ verbs: ['get'], nonResourceURLs: ['/metrics', '/logs/*'] }, '{NonResourceURLs:["/metrics" "/logs/*"], Verbs:["get"]}'],
  [{ verbs: [], apiGroups: [], resources: [] }, '{}'],
  [{ verbs: ['get'], apiGroups: [''], resources: ['we"ird\n'] }, '{APIGroups:[""], Resources:["we\\"ird\\n"], Verbs:["get"]}'],
];

test('CompactString prints the lists that are set, in a fixed order, as Go\'s %q', () => {
  for (const [rule, want] of stringCases) assert.equal(compactString(rule), want);
});
