// The lab's API server on a real 3-member etcd cluster, as members go away: with one
// member stopped (the leader, the harder case) the lab keeps working; with two stopped
// the cluster has no quorum and a write fails within the request timeout with etcd's own
// error, answered as kube-apiserver answers an etcd error (500, the error's text), never
// hanging; with a member back, writes work again and the API server's watch cache follows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isStatus, type KubeObject, type Status } from '../../extension/src/lab/api/types';
import { ManualClock } from '../../extension/src/lab/clock';
import { CONFIGMAPS } from '../../extension/src/lab/client/resources';
import { Lab } from '../../extension/src/lab/lab';
import { DEFAULT_ETCD_REQUEST_TIMEOUT_MS, ERR_DEADLINE, ERR_NO_LEADER } from '../../extension/src/lab/store/etcdStore';
import { EtcdCluster } from './etcdCluster';

/** The lab's default: long enough to ride out an election, short enough that a lost quorum is reported within seconds. */
const REQUEST_TIMEOUT_MS = DEFAULT_ETCD_REQUEST_TIMEOUT_MS;

let cluster: EtcdCluster;
let lab: Lab;
/** firstFailure is the message of the first create refused without quorum. */
let firstFailure: string | undefined;

/** leader is the index of the member that leads, from etcd's own etcd_server_is_leader gauge. */
async function leader(c: EtcdCluster): Promise<number> {
  for (let i = 0; i < c.members.length; i++) {
    if (!c.members[i].process) continue;
    const metrics = await (await fetch(`${c.members[i].clientUrl}/metrics`)).text();
    if (/^etcd_server_is_leader 1$/m.test(metrics)) return i;
  }
  throw new Error('no member leads');
}

const configMap = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { k: name } });

/** create times one create through the API server. */
async function create(name: string): Promise<{ result: KubeObject | Status; ms: number }> {
  const started = Date.now();
  const result = await lab.client().create(CONFIGMAPS, configMap(name));
  return { result, ms: Date.now() - started };
}

before(async () => {
  cluster = await EtcdCluster.start(3);
  lab = new Lab({ nodes: 0, clock: new ManualClock(), store: { backend: 'etcd', endpoints: cluster.endpoints } });
  await lab.startApiServer();
}, { timeout: 60_000 });

after(async () => {
  lab?.stop();
  await cluster?.close();
});

test('with the leader stopped, the lab goes on creating and reading', { timeout: 30_000 }, async (t) => {
  const before = await create('before');
  assert.ok(!isStatus(before.result), JSON.stringify(before.result));
  await cluster.stopMember(await leader(cluster));
  const during = await create('one-member-down');
  t.diagnostic(`first create with the leader stopped: ${during.ms} ms`);
  assert.ok(!isStatus(during.result), `a create with one member down failed: ${JSON.stringify(during.result)}`);
  const read = await lab.client().get<KubeObject>(CONFIGMAPS, 'default', 'before');
  assert.ok(!isStatus(read), JSON.stringify(read));
  assert.equal(read.metadata.resourceVersion, (before.result).metadata.resourceVersion);
});

test('with two members stopped, a create fails promptly with etcd\'s error as a 500', { timeout: 45_000 }, async (t) => {
  const running = cluster.members.findIndex((m) => m.process);
  const others = cluster.members.map((_, i) => i).filter((i) => i !== running && cluster.members[i].process);
  for (const i of others) await cluster.stopMember(i);
  const first = await create('no-quorum-1');
  assert.ok(isStatus(first.result), 'a create without quorum must fail');
  assert.equal(first.result.code, 500);
  assert.equal(first.result.reason, undefined, 'kube-apiserver answers an etcd error with StatusReasonUnknown');
  assert.match(first.result.message ?? '', /^(etcdserver: no leader|etcdserver: request timed out.*|context deadline exceeded)$/);
  assert.ok(first.ms < REQUEST_TIMEOUT_MS + 2_000, `the create took ${first.ms} ms`);
  firstFailure = first.result.message;
  t.diagnostic(`first create without quorum: ${first.ms} ms, ${firstFailure ?? ''}`);
  // Once the member has seen its leader go (an election timeout or a few on a loaded machine), it says so itself; every attempt fails promptly.
  let second = await create('no-quorum-2');
  for (let i = 3; i <= 4 && isStatus(second.result) && second.result.message === ERR_DEADLINE; i++) {
    assert.ok(second.ms < REQUEST_TIMEOUT_MS + 2_000, `the create took ${second.ms} ms`);
    second = await create(`no-quorum-${i}`);
  }
  assert.ok(isStatus(second.result));
  assert.deepEqual([second.result.code, second.result.message], [500, ERR_NO_LEADER]);
  assert.ok(second.ms < REQUEST_TIMEOUT_MS + 2_000, `the create took ${second.ms} ms`);
  t.diagnostic(`second create without quorum: ${second.ms} ms, ${second.result.message ?? ''}`);
});

test('with a member back, writes work again and the watch cache follows', { timeout: 60_000 }, async () => {
  const stopped = cluster.members.map((m, i) => (m.process ? -1 : i)).filter((i) => i >= 0);
  await cluster.startMember(stopped[0]);
  let after: { result: KubeObject | Status; ms: number } | undefined;
  // The restarted member rejoins and the two elect a leader within a few election timeouts.
  for (let i = 0; i < 10 && (!after || isStatus(after.result)); i++) after = await create('after-recovery');
  assert.ok(after && !isStatus(after.result), JSON.stringify(after?.result));
  const deadline = Date.now() + 10_000;
  let names: string[] = [];
  while (Date.now() < deadline) {
    const list = await lab.client().list<KubeObject>(CONFIGMAPS, 'default');
    if (!isStatus(list)) names = list.items.map((o) => o.metadata.name ?? '');
    if (names.includes('after-recovery')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A write refused for want of a leader was never proposed; one that timed out may have been, and committed once quorum came back.
  assert.deepEqual(names.filter((n) => !n.startsWith('no-quorum-1')).sort(), ['after-recovery', 'before', 'one-member-down']);
  if (firstFailure === ERR_NO_LEADER) assert.ok(!names.includes('no-quorum-1'));
});
