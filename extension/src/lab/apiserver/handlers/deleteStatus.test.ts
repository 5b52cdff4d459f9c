/**
 * The delete handler's status code (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/delete.go):
 * 200, except 202 Accepted when the object was not deleted at once and the
 * client asked for cascading deletion with orphanDependents=false.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testServer } from '../testing';

const CMS = '/api/v1/namespaces/default/configmaps';

async function configMap(finalizers?: string[]) {
  const server = await testServer();
  const created = await server.call({ method: 'POST', path: CMS, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', ...(finalizers ? { finalizers } : {}) } } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return server;
}

test('a delete that leaves the object waiting for a finalizer answers 202 when orphanDependents=false', async () => {
  const { call } = await configMap(['example.com/hold']);
  const res = await call({ method: 'DELETE', path: `${CMS}/cm`, body: { orphanDependents: false } });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.equal(res.body.kind, 'ConfigMap');
  assert.ok(res.body.metadata.deletionTimestamp);
});

test('the same delete without orphanDependents, or with a propagation policy, answers 200', async () => {
  for (const body of [undefined, { propagationPolicy: 'Foreground' }, { orphanDependents: true }]) {
    const { call } = await configMap(['example.com/hold']);
    const res = await call({ method: 'DELETE', path: `${CMS}/cm`, ...(body ? { body } : {}) });
    assert.equal(res.status, 200, JSON.stringify(body));
  }
});

test('an object deleted at once answers 200 even with orphanDependents=false', async () => {
  const { call } = await configMap();
  const res = await call({ method: 'DELETE', path: `${CMS}/cm`, body: { orphanDependents: false } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.status, 'Success');
  assert.equal((await call({ method: 'GET', path: `${CMS}/cm` })).status, 404);
});

test('a rejected delete keeps its own code', async () => {
  const { call } = await configMap(['example.com/hold']);
  const res = await call({ method: 'DELETE', path: `${CMS}/cm`, body: { orphanDependents: false, preconditions: { uid: 'not-the-uid' } } });
  assert.equal(res.status, 409);
});
