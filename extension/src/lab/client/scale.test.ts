import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Deployment, type Pod, isStatus } from '../api/types';
import type { ApiRequest } from '../apiserver/apiServer';
import { startTestLab } from '../testLab';
import { KubeClient } from './kubeClient';
import { DEPLOYMENTS, PODS, type ResourceRef } from './resources';
import type { Transport } from './transport';
import { REPLICAS_REQUIRED, getScale, isScalable, parseReplicas, scaleResource } from './scale';

const cases: [text: string, want: number | string][] = [
  ['3', 3],
  [' 0 ', 0],
  ['-0', 0],
  ['+2', 2],
  ['-1', REPLICAS_REQUIRED],
  ['1.5', 'invalid argument "1.5" for "--replicas" flag: strconv.ParseInt: parsing "1.5": invalid syntax'],
  ['', 'invalid argument "" for "--replicas" flag: strconv.ParseInt: parsing "": invalid syntax'],
  ['three', 'invalid argument "three" for "--replicas" flag: strconv.ParseInt: parsing "three": invalid syntax'],
  ['99999999999999999999', 'invalid argument "99999999999999999999" for "--replicas" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range'],
];
for (const [text, want] of cases) {
  test(`parseReplicas(${JSON.stringify(text)}) is ${JSON.stringify(want)}`, () => {
    const got = parseReplicas(text);
    assert.deepEqual(got, typeof want === 'number' ? want : { error: want });
  });
}

test('only the workloads with a scale subresource are scalable', () => {
  const ref = (group: string, resource: string): ResourceRef => ({ group, version: 'v1', resource, namespaced: true });
  assert.deepEqual(
    [ref('apps', 'deployments'), ref('apps', 'replicasets'), ref('apps', 'statefulsets'), ref('', 'replicationcontrollers'), ref('apps', 'daemonsets'), ref('', 'pods')].map(isScalable),
    [true, true, true, true, false, false],
  );
});

const web: Deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
};

test('scale writes through the scale subresource and the ReplicaSet follows', async () => {
  const { lab, clock } = await startTestLab(2);
  const inner = lab.client();
  const sent: ApiRequest[] = [];
  // The lab's own transport, with every request noted on the way.
  const transport = Object.create(inner.transport) as Transport;
  transport.request = (req) => (sent.push(req), inner.transport.request(req));
  const client = new KubeClient(transport);
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, web)));
  await clock.advance(10_000);

  const before = await getScale(client, DEPLOYMENTS, 'default', 'web');
  assert.ok(!isStatus(before));
  assert.equal(before.kind, 'Scale');
  assert.equal(before.spec.replicas, 1);

  sent.length = 0;
  const result = await scaleResource(client, DEPLOYMENTS, 'Deployment', 'default', 'web', 3);
  assert.deepEqual(result, { ok: true, line: 'deployment.apps/web scaled' });
  assert.deepEqual(sent.map((r) => [r.method, r.path, r.contentType, r.body]), [
    ['PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', 'application/merge-patch+json', { spec: { replicas: 3 } }],
  ]);
  await clock.advance(20_000);
  const d = await client.get<Deployment>(DEPLOYMENTS, 'default', 'web');
  assert.ok(!isStatus(d));
  assert.equal(d.spec.replicas, 3);
  const pods = await client.list<Pod>(PODS, 'default');
  assert.ok(!isStatus(pods));
  assert.equal(pods.items.filter((p) => !p.metadata.deletionTimestamp).length, 3);

  const missing = await scaleResource(client, DEPLOYMENTS, 'Deployment', 'default', 'nope', 2);
  assert.deepEqual(missing, { ok: false, line: 'Error from server (NotFound): deployments.apps "nope" not found' });
  lab.stop();
});
