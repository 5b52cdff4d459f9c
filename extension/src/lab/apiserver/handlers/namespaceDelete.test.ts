/**
 * A namespace's life after DELETE as the namespace storage has it
 * (pkg/registry/core/namespace/storage/storage.go: Delete, FinalizeREST,
 * ShouldDeleteNamespaceDuringUpdate; pkg/registry/core/namespace/strategy.go:
 * namespaceFinalizeStrategy).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type TestServer, testServer } from '../testing';

const NS = '/api/v1/namespaces/team';

async function withNamespace(): Promise<TestServer & { uid: string }> {
  const server = await testServer();
  const created = await server.call({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { ...server, uid: created.body.metadata.uid };
}

test('the first delete marks the namespace Terminating and answers 200 with it; the namespace stays', async () => {
  const { call, clock } = await withNamespace();
  const res = await call({ method: 'DELETE', path: NS });
  assert.equal(res.status, 200);
  assert.equal(res.body.kind, 'Namespace');
  assert.equal(res.body.status.phase, 'Terminating');
  assert.deepEqual(res.body.spec.finalizers, ['kubernetes']);
  assert.equal(res.body.metadata.deletionTimestamp, new Date(clock.now()).toISOString().replace('.000Z', 'Z'));
  assert.equal(res.body.metadata.finalizers, undefined);
  const got = await call({ method: 'GET', path: NS });
  assert.equal(got.status, 200);
  assert.equal(got.body.metadata.resourceVersion, res.body.metadata.resourceVersion);
});

test('a later delete answers with the namespace, unchanged, while spec.finalizers remain', async () => {
  const { call } = await withNamespace();
  const first = await call({ method: 'DELETE', path: NS });
  const second = await call({ method: 'DELETE', path: NS, body: { propagationPolicy: 'Orphan' } });
  assert.equal(second.status, 200);
  assert.equal(second.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
  assert.equal(second.body.metadata.finalizers, undefined);
});

test('the delete options choose the garbage collector\'s finalizers, as shouldHaveOrphanFinalizer and shouldHaveDeleteDependentsFinalizer', async () => {
  const cases: { name: string; body?: object; finalizers?: string[] }[] = [
    { name: 'no options' },
    { name: 'Background', body: { propagationPolicy: 'Background' } },
    { name: 'Orphan', body: { propagationPolicy: 'Orphan' }, finalizers: ['orphan'] },
    { name: 'Foreground', body: { propagationPolicy: 'Foreground' }, finalizers: ['foregroundDeletion'] },
    { name: 'orphanDependents=true', body: { orphanDependents: true }, finalizers: ['orphan'] },
    // Upstream reads orphanDependents=false as "delete the dependents first".
    { name: 'orphanDependents=false', body: { orphanDependents: false }, finalizers: ['foregroundDeletion'] },
  ];
  for (const c of cases) {
    const { call } = await withNamespace();
    const res = await call({ method: 'DELETE', path: NS, ...(c.body ? { body: c.body } : {}) });
    // The namespace is not deleted at once, so orphanDependents=false is answered 202 Accepted.
    assert.equal(res.status, c.name === 'orphanDependents=false' ? 202 : 200, c.name);
    assert.deepEqual(res.body.metadata.finalizers, c.finalizers, c.name);
  }
});

test('the namespace\'s uid and resourceVersion preconditions are checked with the storage\'s words', async () => {
  const { call, uid } = await withNamespace();
  const uidMismatch = await call({ method: 'DELETE', path: NS, body: { preconditions: { uid: 'other' } } });
  assert.equal(uidMismatch.status, 409);
  assert.equal(uidMismatch.body.message, `Operation cannot be fulfilled on namespaces "team": Precondition failed: UID in precondition: other, UID in object meta: ${uid}`);
  const rvMismatch = await call({ method: 'DELETE', path: NS, body: { preconditions: { resourceVersion: '1' } } });
  assert.equal(rvMismatch.status, 409);
  assert.match(rvMismatch.body.message, /^Operation cannot be fulfilled on namespaces "team": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: \d+$/);
  assert.equal((await call({ method: 'GET', path: NS })).body.status.phase, 'Active');
});

test('a dry-run delete answers Terminating and stores nothing', async () => {
  const { call } = await withNamespace();
  const res = await call({ method: 'DELETE', path: NS, query: { dryRun: 'All' } });
  assert.equal(res.status, 200);
  assert.equal(res.body.status.phase, 'Terminating');
  const got = await call({ method: 'GET', path: NS });
  assert.equal(got.body.status.phase, 'Active');
  assert.equal(got.body.metadata.deletionTimestamp, undefined);
});

test('updates of a terminating namespace keep it while spec.finalizers remain (ShouldDeleteNamespaceDuringUpdate)', async () => {
  const { call } = await withNamespace();
  const marked = (await call({ method: 'DELETE', path: NS })).body;
  const conditions = [{ type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: pods. has 1 resource instances', lastTransitionTime: marked.metadata.deletionTimestamp }];
  const status = await call({ method: 'PUT', path: `${NS}/status`, body: { ...marked, status: { phase: 'Terminating', conditions } } });
  assert.equal(status.status, 200, JSON.stringify(status.body));
  const labelled = await call({ method: 'PUT', path: NS, body: { ...status.body, metadata: { ...status.body.metadata, labels: { team: 'a' } } } });
  assert.equal(labelled.status, 200, JSON.stringify(labelled.body));
  const got = await call({ method: 'GET', path: NS });
  assert.equal(got.status, 200);
  assert.deepEqual(got.body.spec.finalizers, ['kubernetes']);
  assert.equal(got.body.status.conditions[0].type, 'NamespaceContentRemaining');
});

test('finalize takes spec.finalizers off, keeps status, and a namespace finalized while terminating is removed', async () => {
  const { call } = await withNamespace();
  const marked = (await call({ method: 'DELETE', path: NS })).body;
  const res = await call({ method: 'PUT', path: `${NS}/finalize`, body: { ...marked, spec: { finalizers: [] }, status: { phase: 'Active' } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.spec, { finalizers: [] });
  assert.equal(res.body.status.phase, 'Terminating');
  assert.equal((await call({ method: 'GET', path: NS })).status, 404);
});

test('finalize of a namespace not being deleted only changes spec.finalizers', async () => {
  const { call } = await withNamespace();
  const ns = (await call({ method: 'GET', path: NS })).body;
  const res = await call({ method: 'PUT', path: `${NS}/finalize`, body: { ...ns, spec: { finalizers: ['example.com/x'] } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual((await call({ method: 'GET', path: NS })).body.spec.finalizers, ['example.com/x']);
});

test('finalize validates spec.finalizers as ValidateNamespaceFinalizeUpdate does', async () => {
  const { call } = await withNamespace();
  const ns = (await call({ method: 'GET', path: NS })).body;
  const res = await call({ method: 'PUT', path: `${NS}/finalize`, body: { ...ns, spec: { finalizers: ['kubernetes', 'custom'] } } });
  assert.equal(res.status, 422);
  assert.equal(res.body.message, 'Namespace "team" is invalid: spec.finalizers[1]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified');
});

test('a terminating namespace with the orphan finalizer stays after finalize until that finalizer goes too', async () => {
  const { call } = await withNamespace();
  const marked = (await call({ method: 'DELETE', path: NS, body: { propagationPolicy: 'Orphan' } })).body;
  const finalized = await call({ method: 'PUT', path: `${NS}/finalize`, body: { ...marked, spec: { finalizers: [] } } });
  assert.equal(finalized.status, 200);
  assert.equal((await call({ method: 'GET', path: NS })).status, 200);
  const patched = await call({ method: 'PATCH', path: NS, contentType: 'application/merge-patch+json', body: { metadata: { finalizers: null } } });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal((await call({ method: 'GET', path: NS })).status, 404);
});

test('once finalized, a delete removes the namespace and answers with it (ReturnDeletedObject)', async () => {
  const { call, uid } = await withNamespace();
  const ns = (await call({ method: 'GET', path: NS })).body;
  // Finalizing first and deleting afterwards: the first delete only marks, the second removes.
  await call({ method: 'PUT', path: `${NS}/finalize`, body: { ...ns, spec: { finalizers: [] } } });
  const marked = await call({ method: 'DELETE', path: NS });
  assert.equal(marked.status, 200);
  assert.equal((await call({ method: 'GET', path: NS })).status, 200);
  const removed = await call({ method: 'DELETE', path: NS });
  assert.equal(removed.status, 200, JSON.stringify(removed.body));
  assert.equal(removed.body.kind, 'Namespace');
  assert.equal(removed.body.metadata.uid, uid);
  assert.equal((await call({ method: 'GET', path: NS })).status, 404);
});
