/**
 * The fuzz test throws random and mutated requests at the whole pipeline. Every
 * answer must be a well-formed success or an upstream-shaped Status whose code is
 * the HTTP status, no request may throw (a throw is a bug the pipeline did not
 * anticipate; upstream's own 500s, such as a strategic merge patch's unknown
 * directive, are answers), and a rejected request must leave the store's revision
 * as it was.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom, type Random } from '../random';
import type { ApiRequest } from './apiServer';
import { testServer } from './testing';

const REQUESTS = 10_000;

const corpus: { path: string; body: Record<string, unknown> }[] = [
  { path: '/api/v1/namespaces/default/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1' } } }] } } },
  { path: '/apis/apps/v1/namespaces/default/deployments', body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } } },
  { path: '/apis/apps/v1/namespaces/default/replicasets', body: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { replicas: 1, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } } },
  { path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } } },
  { path: '/api/v1/nodes', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {} } },
  { path: '/api/v1/namespaces/default/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } } },
  { path: '/api/v1/namespaces/default/services', body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } },
  { path: '/apis/batch/v1/namespaces/default/jobs', body: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } },
  { path: '/apis/rbac.authorization.k8s.io/v1/clusterroles', body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } },
];

const JUNK: unknown[] = [null, true, false, 0, -1, 1.5, 2 ** 53, '', 'x', '-1', '💥', '../..', '\u0000', [], [1, 'a', null], {}, { a: { b: {} } }, 'a'.repeat(300), Number.NaN];
const METHODS: ApiRequest['method'][] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const PATCH_TYPES = ['application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'text/plain', ''];
const QUERY_KEYS = ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'dryRun', 'fieldValidation', 'fieldManager', 'gracePeriodSeconds', 'watch', 'propagationPolicy', 'force'];
const QUERY_VALUES = ['', 'All', 'Strict', 'Warn', 'x', '0', '-5', '10', 'app=web', 'app in (a,b)', 'metadata.name=p', 'spec.bogus=1', '!!', '99999999999', 'Exact', 'NotOlderThan', 'true', 'Foreground'];

function pick<T>(r: Random, xs: readonly T[]): T {
  return xs[r.int(xs.length)];
}

/** mutate changes one random place in a JSON value: drop a key, replace a value with junk, add an unknown field, or wrap it deeper. */
function mutate(r: Random, v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || depth > 6 || r.float() < 0.25) {
    const roll = r.int(4);
    if (roll === 0) return pick(r, JUNK);
    if (roll === 1 && v && typeof v === 'object') return Array.isArray(v) ? {} : [];
    if (roll === 2) return { nested: v };
    return v;
  }
  if (Array.isArray(v)) {
    const copy = [...v] as unknown[];
    if (copy.length && r.float() < 0.5) copy[r.int(copy.length)] = mutate(r, copy[r.int(copy.length)], depth + 1);
    else copy.push(pick(r, JUNK));
    return copy;
  }
  const copy = { ...(v as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const roll = r.int(4);
  if (roll === 0 && keys.length) delete copy[pick(r, keys)];
  else if (roll === 1) copy[pick(r, ['bogus', 'spec', 'status', 'metadata', 'kind', 'apiVersion', '$patch'])] = pick(r, JUNK);
  else if (keys.length) {
    const k = pick(r, keys);
    copy[k] = mutate(r, copy[k], depth + 1);
  }
  return copy;
}

function randomRequest(r: Random): ApiRequest {
  const base = pick(r, corpus);
  const method = pick(r, METHODS);
  const name = (base.body.metadata as { name: string }).name;
  let path = base.path;
  if (method !== 'POST' || r.float() < 0.1) path += `/${r.float() < 0.8 ? name : pick(r, ['UPPER', 'a..b', '%2e%2e', 'x'.repeat(300), ''])}`;
  if (r.float() < 0.15) path += `/${pick(r, ['status', 'binding', 'scale', 'eviction', 'log', 'bogus'])}`;
  if (r.float() < 0.05) path = pick(r, ['/api', '/apis/apps', '/apis/nope/v1/things', '/api/v1/namespaces/default/nope', '/api/v2/pods', '/', '/apis/apps/v1/namespaces//deployments', '/api/v1/namespaces/default/pods/p/status/extra']);
  const query: Record<string, string> = {};
  for (let i = r.int(3); i > 0; i--) query[pick(r, QUERY_KEYS)] = pick(r, QUERY_VALUES);
  let body: unknown = structuredClone(base.body);
  for (let i = r.int(4); i > 0; i--) body = mutate(r, body);
  if (r.float() < 0.05) body = pick(r, JUNK);
  if (method === 'PATCH' && r.float() < 0.4) body = r.float() < 0.5 ? [{ op: pick(r, ['add', 'remove', 'replace', 'test', 'move', 'bogus']), path: pick(r, ['/spec/replicas', '/metadata/labels/a', '/x/y/z', '', '/spec/containers/0']), value: pick(r, JUNK) }] : pick(r, ['{', 'spec: [', '{"a":1}', '']);
  return { method, path, query, body: method === 'GET' || method === 'DELETE' && r.float() < 0.5 ? undefined : body, contentType: method === 'PATCH' ? pick(r, PATCH_TYPES) : 'application/json' };
}

test(`${REQUESTS} random and mutated requests: every answer well-formed, nothing throws, rejections change nothing`, async () => {
  const { api, call, store } = await testServer();
  const r = new SeededRandom(20261122);
  const codes = new Map<number, number>();
  for (let i = 0; i < REQUESTS; i++) {
    const req = randomRequest(r);
    const before = await store.revision();
    const res = await call(req);
    codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
    const where = `request ${i}: ${req.method} ${req.path} ${JSON.stringify(req.query)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
    assert.ok(Number.isInteger(res.status) && res.status >= 200 && res.status < 600, where);
    assert.equal(api.crashes, 0, `${where}: the request threw`);
    // Pod logs answer text/plain, or nothing (204) for a pod not yet on a node.
    if (typeof res.body === 'string' && req.path.endsWith('/log') && res.status < 300) continue;
    const body = res.body as { kind?: unknown; status?: unknown; code?: unknown; message?: unknown; apiVersion?: unknown };
    assert.ok(body && typeof body === 'object', where);
    if (res.status >= 400) {
      assert.equal(body.kind, 'Status', where);
      assert.equal(body.apiVersion, 'v1', where);
      assert.equal(body.status, 'Failure', where);
      assert.equal(body.code, res.status, where);
      assert.equal(typeof body.message, 'string', where);
      assert.equal(await store.revision(), before, `${where}: a rejected request changed the store`);
    } else {
      assert.equal(typeof body.kind, 'string', where);
    }
  }
  // The generator must reach both sides: successes and several kinds of rejection.
  assert.ok((codes.get(200) ?? 0) + (codes.get(201) ?? 0) > 100, JSON.stringify([...codes]));
  assert.ok([400, 404, 409, 422].every((c) => (codes.get(c) ?? 0) > 0), JSON.stringify([...codes]));
});
