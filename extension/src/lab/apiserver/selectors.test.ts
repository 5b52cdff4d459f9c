import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testServer } from './testing';

const ns = '/api/v1/namespaces/default';

async function names(call: Awaited<ReturnType<typeof testServer>>['call'], path: string, fieldSelector: string): Promise<string[]> {
  const res = await call({ method: 'GET', path, query: { fieldSelector } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name).sort();
}

const pod = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], ...spec } });

test('pod field selectors use ToSelectableFields: hostNetwork defaults to "false", spec.host is spec.nodeName', async () => {
  // pkg/registry/core/pod/strategy.go ToSelectableFields; pkg/apis/core/v1/conversion.go (spec.host).
  const { call } = await testServer();
  await call({ method: 'POST', path: `${ns}/pods`, body: pod('plain') });
  await call({ method: 'POST', path: `${ns}/pods`, body: pod('host', { hostNetwork: true, nodeName: 'node-1' }) });
  assert.deepEqual(await names(call, `${ns}/pods`, 'spec.hostNetwork=false'), ['plain']);
  assert.deepEqual(await names(call, `${ns}/pods`, 'spec.hostNetwork=true'), ['host']);
  assert.deepEqual(await names(call, `${ns}/pods`, 'spec.host=node-1'), ['host']);
  assert.deepEqual(await names(call, `${ns}/pods`, 'spec.nodeName='), ['plain']);
  assert.deepEqual(await names(call, `${ns}/pods`, 'status.podIP='), ['host', 'plain']);
  const bad = await call({ method: 'GET', path: `${ns}/pods`, query: { fieldSelector: 'spec.containers=x' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.message, 'field label not supported: spec.containers');
});

test('node spec.unschedulable selects "false" for schedulable nodes', async () => {
  // pkg/registry/core/node/strategy.go NodeToSelectableFields.
  const { call } = await testServer();
  await call({ method: 'POST', path: '/api/v1/nodes', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' } } });
  await call({ method: 'POST', path: '/api/v1/nodes', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'b' }, spec: { unschedulable: true } } });
  assert.deepEqual(await names(call, '/api/v1/nodes', 'spec.unschedulable=false'), ['a']);
  assert.deepEqual(await names(call, '/api/v1/nodes', 'spec.unschedulable!=false'), ['b']);
});

test('event source selects the source component', async () => {
  // pkg/registry/core/event/strategy.go ToSelectableFields: "source": event.Source.Component.
  const { call } = await testServer();
  const event = (name: string, component: string) => ({
    apiVersion: 'v1', kind: 'Event', metadata: { name }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
    reason: 'Scheduled', message: 'm', type: 'Normal', source: { component },
  });
  const created = await call({ method: 'POST', path: `${ns}/events`, body: event('e1', 'default-scheduler') });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await call({ method: 'POST', path: `${ns}/events`, body: event('e2', 'kubelet') });
  assert.deepEqual(await names(call, `${ns}/events`, 'source=kubelet'), ['e2']);
  assert.deepEqual(await names(call, `${ns}/events`, 'involvedObject.kind=Pod,reason=Scheduled,source!=kubelet'), ['e1']);
});
