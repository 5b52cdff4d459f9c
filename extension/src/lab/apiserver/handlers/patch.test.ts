import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testServer } from '../testing';

const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.26' }, { name: 'sidecar', image: 'busybox' }] } } },
};

test('a strategic merge patch merges containers by name; a JSON patch edits by path', async () => {
  const { call } = await testServer();
  await call({ method: 'POST', path: DEPLOYMENTS, body: deployment });
  const smp = await call({ method: 'PATCH', path: `${DEPLOYMENTS}/web`, contentType: 'application/strategic-merge-patch+json', body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } } });
  assert.equal(smp.status, 200, JSON.stringify(smp.body));
  assert.deepEqual(smp.body.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`), ['web=nginx:1.27', 'sidecar=busybox']);
  const json = await call({ method: 'PATCH', path: `${DEPLOYMENTS}/web`, contentType: 'application/json-patch+json', body: [{ op: 'replace', path: '/spec/replicas', value: 3 }] });
  assert.equal(json.body.spec.replicas, 3);
  assert.equal(json.body.metadata.generation, 3);
  // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go: a failed test op is a bare 422
  const failed = await call({ method: 'PATCH', path: `${DEPLOYMENTS}/web`, contentType: 'application/json-patch+json', body: [{ op: 'test', path: '/spec/replicas', value: 9 }] });
  assert.equal(failed.status, 422);
  assert.equal(failed.body.message, 'the server rejected our request due to an error in our request');
});

test('server-side apply creates, records the manager, and conflicts with another manager unless forced', async () => {
  const { call } = await testServer();
  const apply = (manager: string, replicas: number, force = false) => call({
    method: 'PATCH', path: `${DEPLOYMENTS}/web`, contentType: 'application/apply-patch+yaml',
    query: { fieldManager: manager, ...(force ? { force: 'true' } : {}) },
    body: { ...deployment, spec: { ...deployment.spec, replicas } },
  });
  const created = await apply('alice', 2);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}:${m.operation}`), ['alice:Apply']);
  const conflict = await apply('bob', 5);
  assert.equal(conflict.status, 409);
  // staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go
  assert.equal(conflict.body.message, 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
  const forced = await apply('bob', 5, true);
  assert.equal(forced.status, 200);
  assert.equal(forced.body.spec.replicas, 5);
  const missing = await call({ method: 'PATCH', path: `${DEPLOYMENTS}/web`, contentType: 'application/apply-patch+yaml', body: deployment });
  assert.equal(missing.status, 422);
});

test('an unknown patch type is 415 with upstream\'s list of accepted types', async () => {
  const { call } = await testServer();
  await call({ method: 'POST', path: DEPLOYMENTS, body: deployment });
  const res = await call({ method: 'PATCH', path: `${DEPLOYMENTS}/web`, contentType: 'text/plain', body: '{}' });
  assert.equal(res.status, 415);
});
