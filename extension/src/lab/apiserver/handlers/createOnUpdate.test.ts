/**
 * A PUT to a name that does not exist: a 404 for most resources, a create (201)
 * where the strategy's AllowCreateOnUpdate says so (store.go Update), with the
 * handler's withAuthorization asking for the create verb, as it does for a
 * server-side apply that creates.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Authorizer } from '../auth/types';
import { testServer } from '../testing';

const lease = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, ...extra }, spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 },
});
const LEASES = '/apis/coordination.k8s.io/v1/namespaces/default/leases';

test('a PUT creates a Lease that does not exist: 201, a uid, an Update managedFields entry, and the revision moves', async () => {
  const { call, store } = await testServer();
  const before = await store.revision();
  const res = await call({ method: 'PUT', path: `${LEASES}/node-1?fieldManager=kubelet`, body: lease('node-1') });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.match(res.body.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.equal(res.body.metadata.namespace, 'default');
  assert.deepEqual(res.body.metadata.managedFields.map((m: { manager: string; operation: string }) => [m.manager, m.operation]), [['kubelet', 'Update']]);
  assert.equal(await store.revision(), before + 1);
  // The second PUT updates it: 200.
  const again = await call({ method: 'PUT', path: `${LEASES}/node-1`, body: lease('node-1', { resourceVersion: res.body.metadata.resourceVersion }) });
  assert.equal(again.status, 200, JSON.stringify(again.body));
});

test('a PUT to a ConfigMap that does not exist is the store\'s NotFound, and nothing is written', async () => {
  const { call, store } = await testServer();
  const before = await store.revision();
  const res = await call({ method: 'PUT', path: '/api/v1/namespaces/default/configmaps/gone', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone' } } });
  assert.equal(res.status, 404);
  assert.equal(res.body.message, 'configmaps "gone" not found');
  assert.equal(await store.revision(), before);
});

test('a create on update is validated as a create', async () => {
  const { call, store } = await testServer();
  const before = await store.revision();
  const res = await call({ method: 'PUT', path: '/api/v1/namespaces/default/endpoints/web', body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [{ addresses: [{ ip: 'not-an-ip' }] }] } });
  assert.equal(res.status, 422, JSON.stringify(res.body));
  // validateEndpointAddress: IsValidIP, then ValidateNonSpecialIP's own parse.
  assert.equal(res.body.message, 'Endpoints "web" is invalid: [subsets[0].addresses[0].ip: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff), subsets[0].addresses[0].ip: Invalid value: "not-an-ip": must be a valid IP address]');
  assert.equal(await store.revision(), before);
});

test('a uid in the body of a create on update is a failed precondition', async () => {
  const { call } = await testServer();
  const res = await call({ method: 'PUT', path: `${LEASES}/node-2`, body: lease('node-2', { uid: 'u-1' }) });
  assert.equal(res.status, 409);
  // The key is the lab's layout (/registry/<group>/<resource>/…, issue 6's); the rest is upstream's words.
  assert.match(res.body.message, /^Operation cannot be fulfilled on leases\.coordination\.k8s\.io "node-2": StorageError: invalid object, Code: 4, Key: \/registry\/\S*leases\/default\/node-2, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: u-1, UID in object meta: $/);
});

test('a user who may update but not create gets the Forbidden of withAuthorization, also through apply; an existing lease is updated', async () => {
  // The user may do anything but create lease node-3.
  const updateOnly: Authorizer = { authorize: (a) => (a.verb === 'create' && a.resource === 'leases' && a.name === 'node-3' ? { decision: 'noOpinion', reason: '' } : { decision: 'allow', reason: '' }) };
  const { call, store } = await testServer({ authorizer: updateOnly });
  const before = await store.revision();
  const res = await call({ method: 'PUT', path: `${LEASES}/node-3`, body: lease('node-3') });
  assert.equal(res.status, 403, JSON.stringify(res.body));
  assert.equal(res.body.message, 'leases.coordination.k8s.io "node-3" is forbidden: ');
  assert.equal(await store.revision(), before);
  // Server-side apply that would create asks for create too.
  const applied = await call({ method: 'PATCH', path: `${LEASES}/node-3?fieldManager=me`, contentType: 'application/apply-patch+yaml', body: lease('node-3') });
  assert.equal(applied.status, 403, JSON.stringify(applied.body));
  assert.equal(await store.revision(), before);
  // Updating an existing object needs only update.
  const created = await call({ method: 'POST', path: LEASES, body: lease('node-4') });
  assert.equal(created.status, 201);
  const updated = await call({ method: 'PUT', path: `${LEASES}/node-4`, body: { ...lease('node-4'), spec: { holderIdentity: 'node-4', leaseDurationSeconds: 40 } } });
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  assert.equal(updated.body.spec.holderIdentity, 'node-4');
});
