import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testServer } from '../testing';

const ns = '/api/v1/namespaces/default';
const cm = (name: string, tier: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { tier } } });

test('deletecollection deletes what the selector matches and answers with the list it read', async () => {
  // staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go DeleteCollection.
  const { call, store } = await testServer();
  for (const [name, tier] of [['a', 'web'], ['b', 'web'], ['c', 'db']]) await call({ method: 'POST', path: `${ns}/configmaps`, body: cm(name, tier) });
  const res = await call({ method: 'DELETE', path: `${ns}/configmaps`, query: { labelSelector: 'tier=web' } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.kind, 'ConfigMapList');
  assert.deepEqual(res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['a', 'b']);
  const left = await call({ method: 'GET', path: `${ns}/configmaps` });
  assert.deepEqual(left.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['c']);

  // A dry run deletes nothing and leaves the revision as it was.
  const before = await store.revision();
  const dry = await call({ method: 'DELETE', path: `${ns}/configmaps`, query: { dryRun: 'All' } });
  assert.equal(dry.status, 200);
  assert.equal(await store.revision(), before);
});

test('deletecollection refuses a bad selector before deleting anything', async () => {
  const { call } = await testServer();
  await call({ method: 'POST', path: `${ns}/configmaps`, body: cm('a', 'web') });
  const res = await call({ method: 'DELETE', path: `${ns}/configmaps`, query: { fieldSelector: 'spec.nope=1' } });
  assert.equal(res.status, 400);
  assert.equal(res.body.message, 'field label not supported: spec.nope');
  assert.equal((await call({ method: 'GET', path: `${ns}/configmaps/a` })).status, 200);
});
