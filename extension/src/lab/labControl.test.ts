import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type KubeObject, type Node, type Pod, type Status, type WatchEvent } from './api/types';
import { ManualClock } from './clock';
import { Informer } from './client/informer';
import { LEASES, NODES, PODS, type ResourceRef } from './client/resources';
import type { NodeLeaseObject } from './kubelet/nodeLease';
import { Lab, type LabConfig } from './lab';
import { runControl } from './labControl';
import { startTestLab } from './testLab';

const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const configMap = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });
const pod = (name: string, nodeName?: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'nginx:1.27' }] },
});

/** startLab starts a lab with config on a manual clock, as startTestLab does. */
async function startLab(config: Omit<LabConfig, 'clock'>): Promise<{ lab: Lab; clock: ManualClock }> {
  const clock = new ManualClock();
  const lab = new Lab({ ...config, clock });
  const started = lab.start();
  await clock.advance(0);
  await started;
  return { lab, clock };
}

function ok<T>(x: T | { error: string }): T {
  assert.ok(!(typeof x === 'object' && x !== null && 'error' in x), JSON.stringify(x));
  return x;
}

function readyHeartbeat(node: Node | Status): string | undefined {
  assert.ok(!isStatus(node), JSON.stringify(node));
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
}

test('addNode joins node-N+1 with the configured size, whose kubelet runs the pods bound to it', async () => {
  const { lab, clock } = await startLab({ nodes: 2, seed: 7, nodeCapacity: { cpu: '2', memory: '4Gi', pods: '20' } });
  try {
    assert.deepEqual(ok(await runControl(lab, { op: 'addNode' })), { node: 'node-3' });
    await clock.advance(1_000);
    const node = await lab.client().get<Node>(NODES, '', 'node-3');
    assert.ok(!isStatus(node));
    assert.deepEqual(node.status?.capacity, { cpu: '2', memory: '4Gi', pods: '20', 'ephemeral-storage': '100Gi' });
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    // The node IPAM's third range: node-1 and node-2 joined first.
    assert.deepEqual(node.spec?.podCIDR, '10.244.2.0/24');
    // The new node's kubelet runs a pod bound to it.
    const client = lab.client();
    assert.ok(!isStatus(await client.create(PODS, pod('on-new', 'node-3'))));
    await clock.advance(30_000);
    const placed = await client.get<Pod>(PODS, 'default', 'on-new');
    assert.ok(!isStatus(placed));
    assert.equal(placed.spec.nodeName, 'node-3');
    assert.equal(placed.status?.phase, 'Running');
    // The next one goes past the highest in use.
    assert.deepEqual(ok(await runControl(lab, { op: 'addNode' })), { node: 'node-4' });
  } finally {
    lab.stop();
  }
});

test('removeNode stops the kubelet and deletes the Node; its pods stay bound and are reported', async () => {
  const { lab, clock } = await startTestLab(3, 7, { dns: false });
  try {
    const client = lab.client();
    assert.ok(!isStatus(await client.create(PODS, pod('stranded', 'node-2'))));
    await clock.advance(20_000);
    assert.deepEqual(ok(await runControl(lab, { op: 'removeNode', name: 'node-2' })), { node: 'node-2', pods: ['default/stranded'] });
    // The stopped kubelet does not register its Node again.
    await clock.advance(60_000);
    const gone = await client.get<Node>(NODES, '', 'node-2');
    assert.ok(isStatus(gone) && gone.code === 404);
    assert.deepEqual(lab.kubelets.map((k) => k.nodeName), ['node-1', 'node-3']);
    assert.deepEqual(await runControl(lab, { op: 'removeNode', name: 'node-2' }), { error: 'nodes "node-2" not found' });
    // The next node added does not take the removed one's name back while it is the highest; here node-3 is.
    assert.deepEqual(ok(await runControl(lab, { op: 'addNode' })), { node: 'node-4' });
  } finally {
    lab.stop();
  }
});

test('stopNode stops heartbeats and the kubelet\'s endpoints; startNode resumes them with the pods still running', async () => {
  const { lab, clock } = await startTestLab(2);
  try {
    const client = lab.client();
    assert.ok(!isStatus(await client.create(PODS, pod('web', 'node-1'))));
    await clock.advance(20_000);
    assert.deepEqual(ok(await runControl(lab, { op: 'stopNode', name: 'node-1' })), { node: 'node-1', kubelet: 'stopped' });
    assert.deepEqual(ok(await runControl(lab, { op: 'listNodes' })), { nodes: [{ name: 'node-1', kubelet: 'stopped' }, { name: 'node-2', kubelet: 'running' }] });
    // The node Lease is the kubelet's heartbeat (its status is posted on change, or every 5 minutes).
    const renewed = async (name: string) => {
      const lease = await client.get<NodeLeaseObject>(LEASES, 'kube-node-lease', name);
      assert.ok(!isStatus(lease));
      return lease.spec?.renewTime;
    };
    const before = readyHeartbeat(await client.get<Node>(NODES, '', 'node-1'));
    const [renewed1, renewed2] = [await renewed('node-1'), await renewed('node-2')];
    await clock.advance(30_000);
    assert.equal(readyHeartbeat(await client.get<Node>(NODES, '', 'node-1')), before, 'a stopped kubelet posts no status');
    assert.equal(await renewed('node-1'), renewed1, 'nor renews its Lease');
    assert.notEqual(await renewed('node-2'), renewed2);
    const logs = await client.raw({ method: 'GET', path: '/api/v1/namespaces/default/pods/web/log' });
    assert.ok(isStatus(logs), JSON.stringify(logs));
    assert.match(logs.message ?? '', /connect: connection refused/);

    assert.deepEqual(ok(await runControl(lab, { op: 'startNode', name: 'node-1' })), { node: 'node-1', kubelet: 'running' });
    await clock.advance(20_000);
    assert.notEqual(readyHeartbeat(await client.get<Node>(NODES, '', 'node-1')), before, 'a started kubelet posts status again');
    const web = await client.get<Pod>(PODS, 'default', 'web');
    assert.ok(!isStatus(web));
    assert.equal(web.status?.phase, 'Running');
    assert.equal(web.status?.containerStatuses?.[0]?.restartCount, 0, 'the container kept running while its kubelet was stopped');

    assert.deepEqual(await runControl(lab, { op: 'stopNode', name: 'node-9' }), { error: 'nodes "node-9" not found' });
    assert.ok(!isStatus(await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'byo' } } as Node)));
    assert.deepEqual(await runControl(lab, { op: 'startNode', name: 'byo' }), { error: 'node "byo" has no kubelet in the lab' });
  } finally {
    lab.stop();
  }
});

test('a snapshot restored brings back its objects at its revision; later changes are undone', async () => {
  const { lab, clock } = await startTestLab(2);
  try {
    const client = lab.client();
    const kept = await client.create(CONFIGMAPS, configMap('kept', { a: '1' }));
    assert.ok(!isStatus(kept));
    await clock.advance(5_000);
    const snapshot = ok(await runControl(lab, { op: 'snapshotSave' }));
    assert.equal(snapshot.revision, await lab.store.revision());
    assert.ok(!isStatus(await client.create(CONFIGMAPS, configMap('later'))));
    const deleted = await client.delete(CONFIGMAPS, 'default', 'kept');
    assert.ok(!isStatus(deleted) || deleted.status === 'Success', JSON.stringify(deleted));
    assert.ok(ok(await runControl(lab, { op: 'addNode' })));
    const before = await lab.store.revision();

    // The snapshot goes through JSON, as it does through a file.
    const restored = ok(await runControl(lab, { op: 'snapshotRestore', snapshot: JSON.parse(JSON.stringify(snapshot)) as unknown }));
    assert.deepEqual(restored, { revision: snapshot.revision, nodes: ['node-1', 'node-2'] });
    assert.ok(before > snapshot.revision + 2);
    // The revision carries on from the snapshot's: the restarted components' first write is the one after it.
    const since = lab.snapshot().kvs.map((kv) => kv.modRevision).filter((r) => r > snapshot.revision);
    assert.equal(Math.min(...since), snapshot.revision + 1);
    const back = await client.get<KubeObject>(CONFIGMAPS, 'default', 'kept');
    assert.ok(!isStatus(back), JSON.stringify(back));
    assert.equal(back.metadata.resourceVersion, kept.metadata.resourceVersion);
    assert.equal(back.metadata.uid, kept.metadata.uid);
    const later = await client.get<KubeObject>(CONFIGMAPS, 'default', 'later');
    assert.ok(isStatus(later) && later.code === 404);
    const nodes = await client.list<Node>(NODES);
    assert.ok(!isStatus(nodes));
    assert.deepEqual(nodes.items.map((n) => n.metadata.name), ['node-1', 'node-2']);

    // The kubelets run over the restored store: a new pod runs.
    assert.ok(!isStatus(await client.create(PODS, pod('after', 'node-2'))));
    await clock.advance(30_000);
    const after = await client.get<Pod>(PODS, 'default', 'after');
    assert.ok(!isStatus(after));
    assert.equal(after.status?.phase, 'Running');
  } finally {
    lab.stop();
  }
});

test('a watch open across a restore ends with 410 Gone, and an informer relists to the snapshot', async () => {
  const { lab, clock } = await startTestLab(1);
  try {
    const client = lab.client();
    assert.ok(!isStatus(await client.create(CONFIGMAPS, configMap('one'))));
    const snapshot = ok(await runControl(lab, { op: 'snapshotSave' }));
    assert.ok(!isStatus(await client.create(CONFIGMAPS, configMap('two'))));
    const informer = new Informer<KubeObject>(client, CONFIGMAPS, clock, { namespace: 'default' });
    await informer.start();
    assert.ok(informer.get('default/one') && informer.get('default/two'));

    const events: WatchEvent[] = [];
    let ended: Status | undefined | 'open' = 'open';
    await client.watch(CONFIGMAPS, 'default', { resourceVersion: String(await lab.store.revision()) }, (e) => events.push(e), (error) => {
      ended = error;
    });
    ok(await runControl(lab, { op: 'snapshotRestore', snapshot }));
    await clock.advance(0);
    const error = events.find((e) => e.type === 'ERROR');
    assert.ok(error, JSON.stringify(events));
    assert.equal((error.object as unknown as Status).code, 410);
    assert.equal((error.object as unknown as Status).reason, 'Expired');
    assert.notEqual(ended, 'open', 'the watch ended');

    // The informer's watch ended the same way; it relists (after its back-off) and sees the snapshot's objects.
    await clock.advance(5_000);
    assert.ok(informer.get('default/one'));
    assert.equal(informer.get('default/two'), undefined);
    informer.stop();
  } finally {
    lab.stop();
  }
});

test('a bad snapshot is refused and changes nothing', async () => {
  const { lab } = await startTestLab(1);
  try {
    const revision = await lab.store.revision();
    const cases: [unknown, string][] = [
      ['nope', 'not a KubeLab snapshot: a snapshot is a JSON object with "revision" and "kvs"'],
      [{ revision: 3, kvs: [{ key: '/registry/configmaps/default/x', value: '{', createRevision: 2, modRevision: 2, version: 1 }] }, 'not a KubeLab snapshot: the value of /registry/configmaps/default/x is not a stored object'],
    ];
    for (const [snapshot, error] of cases) assert.deepEqual(await runControl(lab, { op: 'snapshotRestore', snapshot }), { error });
    assert.equal(await lab.store.revision(), revision);
    assert.equal(lab.kubelets.length, 1);
  } finally {
    lab.stop();
  }
});

test('a lab started from a snapshot has its objects, revision and nodes', async () => {
  const first = await startTestLab(1);
  ok(await runControl(first.lab, { op: 'addNode' }));
  assert.ok(!isStatus(await first.lab.client().create(CONFIGMAPS, configMap('saved'))));
  await first.clock.advance(1_000);
  const snapshot = first.lab.snapshot();
  first.lab.stop();

  const { lab } = await startLab({ nodes: 5, seed: 7, snapshot });
  try {
    assert.deepEqual(lab.kubelets.map((k) => k.nodeName), ['node-1', 'node-2']);
    assert.ok((await lab.store.revision()) >= snapshot.revision);
    assert.ok(!isStatus(await lab.client().get(CONFIGMAPS, 'default', 'saved')));
  } finally {
    lab.stop();
  }
});

test('admission plugins can be disabled, and an unknown one stops the lab with kube-apiserver\'s message', async () => {
  const ghost = { ...configMap('x'), metadata: { name: 'x', namespace: 'ghost' } };
  const strict = await startTestLab(1);
  const refused = await strict.lab.client().create(CONFIGMAPS, ghost);
  strict.lab.stop();
  assert.ok(isStatus(refused));
  assert.equal(refused.message, 'namespaces "ghost" not found');

  const { lab } = await startLab({ nodes: 1, admissionPlugins: { disable: ['NamespaceLifecycle'] } });
  try {
    assert.ok(!isStatus(await lab.client().create(CONFIGMAPS, ghost)), 'without NamespaceLifecycle an object may go in a namespace that does not exist');
  } finally {
    lab.stop();
  }
  assert.throws(() => new Lab({ nodes: 1, clock: new ManualClock(), admissionPlugins: { enable: ['AlwaysPullImage'] } }), { message: 'enable-admission-plugins plugin "AlwaysPullImage" is unknown' });
});

test('custom resources survive a restore: their definition is served again and its instances kept', async () => {
  const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false };
  const WIDGETS: ResourceRef = { group: 'example.com', version: 'v1', resource: 'widgets', namespaced: true };
  const { lab, clock } = await startTestLab(1);
  try {
    const client = lab.client();
    assert.ok(!isStatus(await client.create(CRDS, {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    })));
    await clock.advance(1_000);
    assert.ok(!isStatus(await client.create(WIDGETS, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } })));
    const snapshot = ok(await runControl(lab, { op: 'snapshotSave' }));
    ok(await runControl(lab, { op: 'snapshotRestore', snapshot }));
    await clock.advance(5_000);
    const w = await client.get(WIDGETS, 'default', 'w');
    assert.ok(!isStatus(w), JSON.stringify(w));
  } finally {
    lab.stop();
  }
});

test('a kube-proxy mode other than iptables, ipvs or nftables stops the lab with kube-proxy\'s message', () => {
  assert.throws(() => new Lab({ nodes: 1, clock: new ManualClock(), kubeProxyMode: 'userspace' as never }), {
    message: 'KubeProxyConfiguration.Mode.ProxyMode: Invalid value: "userspace": must be iptables, ipvs, nftables or blank (blank means the best-available proxy [currently iptables])',
  });
  assert.equal(new Lab({ nodes: 1, clock: new ManualClock(), kubeProxyMode: 'nftables' }).config.kubeProxyMode, 'nftables');
});

test('a node size that is not quantities, or pods out of range, stops the lab', () => {
  const cases: [NonNullable<LabConfig['nodeCapacity']>, string][] = [
    [{ cpu: 'four', memory: '8Gi', pods: '110' }, 'node cpu "four": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\''],
    [{ cpu: '4', memory: '0', pods: '110' }, 'node memory "0": must be greater than zero'],
    [{ cpu: '4', memory: '8Gi', pods: '300' }, 'node pods "300": must be a whole number from 1 to 253'],
    [{ cpu: '4', memory: '8Gi', pods: '1.5' }, 'node pods "1.5": must be a whole number from 1 to 253'],
  ];
  for (const [nodeCapacity, message] of cases) assert.throws(() => new Lab({ nodes: 1, clock: new ManualClock(), nodeCapacity }), { message });
});
