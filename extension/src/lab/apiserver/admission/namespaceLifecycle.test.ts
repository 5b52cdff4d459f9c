import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { newNamespaceLifecycle } from './namespaceLifecycle';
import { FakeServer, attributes, type AttributeInit } from './testing';

const ns = (name: string, phase = 'Active'): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase } });
const pod = (name: string, namespace: string, meta: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, ...meta }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

// Messages from staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go
// and k8s.io/apiserver/pkg/admission/errors.go (NewForbidden names the object).
const cases: { name: string; req: AttributeInit; code?: number; message?: string }[] = [
  { name: 'refuses to delete an immortal namespace', req: { kind: 'Namespace', operation: 'DELETE', name: 'kube-system', oldObject: ns('kube-system') }, code: 403, message: 'namespaces "kube-system" is forbidden: this namespace may not be deleted' },
  { name: 'lets other namespaces be deleted', req: { kind: 'Namespace', operation: 'DELETE', name: 'team', oldObject: ns('team') } },
  { name: 'lets namespaces be created', req: { kind: 'Namespace', object: ns('new') } },
  { name: 'refuses a pod in a missing namespace', req: { kind: 'Pod', object: pod('web', 'missing') }, code: 404, message: 'namespaces "missing" not found' },
  { name: 'refuses an update in a missing namespace', req: { kind: 'Pod', operation: 'UPDATE', object: pod('web', 'missing'), oldObject: pod('web', 'missing') }, code: 404, message: 'namespaces "missing" not found' },
  { name: 'lets a delete through in a missing namespace', req: { kind: 'Pod', operation: 'DELETE', name: 'web', namespace: 'missing' } },
  { name: 'refuses new content in a terminating namespace', req: { kind: 'Pod', object: pod('web', 'ending') }, code: 403, message: 'pods "web" is forbidden: unable to create new content in namespace ending because it is being terminated' },
  { name: 'names a generated object by its generateName', req: { kind: 'Pod', object: pod('', 'ending', { generateName: 'web-' }) }, code: 403, message: 'pods "web-" is forbidden: unable to create new content in namespace ending because it is being terminated' },
  { name: 'lets updates through in a terminating namespace', req: { kind: 'Pod', operation: 'UPDATE', object: pod('web', 'ending'), oldObject: pod('web', 'ending') } },
  { name: 'lets access reviews through in a missing namespace', req: { kind: 'LocalSubjectAccessReview', namespace: 'missing', object: { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata: { namespace: 'missing' } } } },
  { name: 'lets cluster-scoped objects through', req: { kind: 'Node', object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } } },
  { name: 'admits a pod in an active namespace', req: { kind: 'Pod', object: pod('web', 'default') } },
];

for (const c of cases) {
  test(`NamespaceLifecycle ${c.name}`, async () => {
    const server = new FakeServer([ns('default'), ns('kube-system'), ns('team'), ns('ending', 'Terminating')]);
    const status = await newNamespaceLifecycle().admit!(attributes(c.req), server.context());
    assert.equal(status?.code, c.code);
    assert.equal(status?.message, c.message);
  });
}

test('NamespaceLifecycle marks a terminating namespace in the Forbidden cause', async () => {
  const server = new FakeServer([ns('ending', 'Terminating')]);
  const status = await newNamespaceLifecycle().admit!(attributes({ kind: 'Pod', object: pod('web', 'ending') }), server.context());
  assert.equal(status?.reason, 'Forbidden');
  assert.deepEqual(status?.details?.causes, [{ reason: 'NamespaceTerminating', message: 'namespace ending is being terminated', field: 'metadata.namespace' }]);
});

test('NamespaceLifecycle reads storage, not a stale cache, after deleting a namespace through it', async () => {
  const server = new FakeServer([ns('team')]);
  const ctx = server.context();
  // The cache still says Active; storage already says Terminating.
  const storage = { ...ctx, get: <T extends KubeObject = KubeObject>(): Promise<T | undefined> => Promise.resolve(ns('team', 'Terminating') as T) };
  const plugin = newNamespaceLifecycle();
  assert.equal(await plugin.admit!(attributes({ kind: 'Pod', object: pod('a', 'team') }), storage), undefined);
  await plugin.admit!(attributes({ kind: 'Namespace', operation: 'DELETE', name: 'team', oldObject: ns('team') }), storage);
  const status = await plugin.admit!(attributes({ kind: 'Pod', object: pod('b', 'team') }), storage);
  assert.equal(status?.message, 'pods "b" is forbidden: unable to create new content in namespace team because it is being terminated');
  await server.clock.advance(30_001);
  assert.equal(await plugin.admit!(attributes({ kind: 'Pod', object: pod('c', 'team') }), storage), undefined);
});
