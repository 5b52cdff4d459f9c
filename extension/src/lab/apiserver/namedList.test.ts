/**
 * A list by `metadata.name` (every kubelet's informer on its own Node) reads the
 * one key that name has instead of scanning the resource; the answers must be the
 * scan's: the object when it matches, nothing when it does not exist, and across
 * namespaces every object of that name.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testServer } from './testing';

test('listing by metadata.name answers as a full scan would', async () => {
  const { call } = await testServer();
  for (const name of ['a', 'b', 'c']) {
    const res = await call({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${name}` } } });
    assert.equal(res.status, 201);
    const cm = await call({ method: 'POST', path: `/api/v1/namespaces/ns-${name}/configmaps`, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', labels: { ns: name } } } });
    assert.equal(cm.status, 201);
  }
  const names = (body: { items: { metadata: { name: string; namespace?: string } }[] }) => { assert.ok(Array.isArray(body.items), JSON.stringify(body)); return body.items.map((i) => `${i.metadata.namespace ?? ''}/${i.metadata.name}`); };

  const one = await call({ method: 'GET', path: '/api/v1/namespaces', query: { fieldSelector: 'metadata.name=ns-b' } });
  assert.deepEqual(names(one.body), ['/ns-b']);
  const none = await call({ method: 'GET', path: '/api/v1/namespaces', query: { fieldSelector: 'metadata.name=ns-z' } });
  assert.deepEqual(names(none.body), []);
  const filtered = await call({ method: 'GET', path: '/api/v1/namespaces/ns-a/configmaps', query: { fieldSelector: 'metadata.name=shared', labelSelector: 'ns=b' } });
  assert.deepEqual(names(filtered.body), [], 'the other selectors still apply');
  const inNamespace = await call({ method: 'GET', path: '/api/v1/namespaces/ns-a/configmaps', query: { fieldSelector: 'metadata.name=shared' } });
  assert.deepEqual(names(inNamespace.body), ['ns-a/shared']);
  const everywhere = await call({ method: 'GET', path: '/api/v1/configmaps', query: { fieldSelector: 'metadata.name=shared' } });
  assert.deepEqual(names(everywhere.body), ['ns-a/shared', 'ns-b/shared', 'ns-c/shared']);
  const negated = await call({ method: 'GET', path: '/api/v1/namespaces', query: { fieldSelector: 'metadata.name!=ns-b' } });
  assert.ok(!names(negated.body).includes('/ns-b') && names(negated.body).includes('/ns-a'));
});
