import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type Event, type Pod } from '../api/types';
import { CONTROLLER_MANAGER, Lab, SCHEDULER } from '../lab';
import { ManualClock } from '../clock';
import { SeededRandom } from '../random';
import { startTestLab } from '../testLab';
import { EventRecorder } from './eventRecorder';
import type { KubeClient } from './kubeClient';
import { type Lease, LeaderElector, leaderElectionConfigError } from './leaderElection';
import { EVENTS, LEASES, PODS } from './resources';

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const IDENTITY = /^control-plane_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function lease(client: KubeClient, name: string): Promise<Lease> {
  const got = await client.get<Lease>(LEASES, 'kube-system', name);
  assert.ok(!isStatus(got), JSON.stringify(got));
  return got;
}

/** Candidate is an elector for the Lease kube-system/demo with a log of its callbacks. */
function candidate(client: KubeClient, clock: ManualClock, identity: string, options: { releaseOnCancel?: boolean; seed?: number } = {}) {
  const log: string[] = [];
  const elector = new LeaderElector({
    client, clock, random: new SeededRandom(options.seed ?? 3),
    lock: { namespace: 'kube-system', name: 'demo', identity },
    ...(options.releaseOnCancel ? { releaseOnCancel: true } : {}),
    recorder: new EventRecorder(client, clock, { component: 'demo' }),
    callbacks: {
      onStartedLeading: () => void log.push('started'),
      onStoppedLeading: () => void log.push('stopped'),
      onNewLeader: (id) => void log.push(`leader ${id}`),
    },
  });
  return { elector, log };
}

test('the scheduler and the controller manager each hold their Lease in kube-system, renewed every 2 s', async () => {
  const { lab, clock } = await startTestLab(1);
  try {
    const client = lab.client();
    const started = clock.now();
    const scheduler = await lease(client, 'kube-scheduler');
    const manager = await lease(client, 'kube-controller-manager');
    for (const l of [scheduler, manager]) {
      const s = l.spec ?? {};
      assert.match(s.holderIdentity ?? '', IDENTITY);
      assert.equal(s.leaseDurationSeconds, 15);
      assert.equal(s.leaseTransitions, 0);
      assert.match(s.acquireTime ?? '', MICRO_TIME);
      assert.equal(s.acquireTime, s.renewTime);
    }
    assert.notEqual(scheduler.spec?.holderIdentity, manager.spec?.holderIdentity);

    await clock.advance(4_000);
    const renewed = await lease(client, 'kube-scheduler');
    assert.equal(renewed.spec?.holderIdentity, scheduler.spec?.holderIdentity);
    assert.equal(renewed.spec?.acquireTime, scheduler.spec?.acquireTime, 'renewing keeps the acquire time');
    assert.equal(Date.parse(renewed.spec?.renewTime ?? ''), started + 4_000);

    // Each became leader once, as client-go's LeaseLock records it.
    const events = await client.list<Event>(EVENTS, 'kube-system');
    assert.ok(!isStatus(events));
    const elections = events.items.filter((e) => e.reason === 'LeaderElection').map((e) => [e.involvedObject.kind, e.involvedObject.name, e.type, e.message, e.source?.component]);
    assert.deepEqual(elections.sort(), [
      ['Lease', 'kube-controller-manager', 'Normal', `${manager.spec?.holderIdentity} became leader`, 'kube-controller-manager'],
      ['Lease', 'kube-scheduler', 'Normal', `${scheduler.spec?.holderIdentity} became leader`, 'default-scheduler'],
    ]);
  } finally {
    lab.stop();
  }
});

test('the bootstrap policy lets the scheduler keep its own Lease and the controller manager those of kube-system', async () => {
  const { lab } = await startTestLab(1);
  try {
    const admin = lab.client();
    // system:kube-scheduler's rules name its lease; system::leader-locking-kube-controller-manager covers every lease in kube-system.
    const cases: [typeof SCHEDULER, string, boolean][] = [
      [SCHEDULER, 'kube-scheduler', true], [SCHEDULER, 'kube-controller-manager', false],
      [CONTROLLER_MANAGER, 'kube-controller-manager', true], [CONTROLLER_MANAGER, 'kube-scheduler', true],
    ];
    for (const [user, name, allowed] of cases) {
      const client = lab.client(user);
      const got = await client.get<Lease>(LEASES, 'kube-system', name);
      const updated = await client.update(LEASES, await lease(admin, name));
      if (allowed) {
        assert.ok(!isStatus(got) && !isStatus(updated), `${user.username} gets and updates ${name}: ${JSON.stringify(updated)}`);
      } else {
        assert.ok(isStatus(got) && got.code === 403 && isStatus(updated) && updated.code === 403, `${user.username} may not touch ${name}`);
        assert.equal(updated.message, `leases.coordination.k8s.io "${name}" is forbidden: User "${user.username}" cannot update resource "leases" in API group "coordination.k8s.io" in the namespace "kube-system"`);
      }
    }
    for (const user of [SCHEDULER, CONTROLLER_MANAGER]) {
      const created = await lab.client(user).create(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `${user.username.slice(7)}-new`, namespace: 'kube-system' }, spec: {} });
      assert.ok(!isStatus(created), JSON.stringify(created));
    }
  } finally {
    lab.stop();
  }
});

test('a candidate takes a lease over only after seeing it unrenewed for its whole duration', async () => {
  const { lab, clock } = await startTestLab(1);
  try {
    const client = lab.client();
    const a = candidate(client, clock, 'host-a_1');
    const b = candidate(client, clock, 'host-b_2', { seed: 5 });
    await a.elector.run();
    await b.elector.run();
    assert.deepEqual(a.log, ['leader host-a_1', 'started']);
    assert.deepEqual(b.log, ['leader host-a_1']);
    const first = await lease(client, 'demo');

    await clock.advance(30_000);
    assert.ok(a.elector.isLeader && !b.elector.isLeader, 'a lease renewed in time stays with its holder');
    // The holder goes silent, as a process that died: no release.
    await a.elector.stop();
    const silent = clock.now();
    await clock.advance(12_000);
    assert.equal(b.elector.isLeader, false, 'not before the lease duration has passed since its last renewal was seen');
    await clock.advance(12_000);
    assert.equal(b.elector.isLeader, true);
    assert.deepEqual(b.log, ['leader host-a_1', 'leader host-b_2', 'started']);
    const taken = await lease(client, 'demo');
    assert.equal(taken.spec?.holderIdentity, 'host-b_2');
    assert.equal(taken.spec?.leaseTransitions, 1);
    assert.ok(Date.parse(taken.spec?.acquireTime ?? '') >= silent + 13_000);
    assert.notEqual(taken.spec?.acquireTime, first.spec?.acquireTime);
    b.elector.stop().catch(() => undefined);
  } finally {
    lab.stop();
  }
});

test('a leader that cannot renew within the renew deadline stops leading', async () => {
  const { lab, clock } = await startTestLab(1);
  try {
    const client = lab.client();
    const a = candidate(client, clock, 'host-a_1');
    await a.elector.run();
    await clock.advance(1_000);
    // Someone writes another holder into the lease (kubectl edit): the leader's renewals now fail.
    const held = await lease(client, 'demo');
    assert.ok(!isStatus(await client.update(LEASES, { ...held, spec: { ...held.spec, holderIdentity: 'intruder' } })));
    await clock.advance(9_000);
    assert.ok(!a.log.includes('stopped'), 'still leading within the renew deadline');
    await clock.advance(3_000);
    assert.deepEqual(a.log, ['leader host-a_1', 'started', 'leader intruder', 'stopped']);
    const events = await client.list<Event>(EVENTS, 'kube-system');
    assert.ok(!isStatus(events));
    assert.deepEqual(events.items.filter((e) => e.source?.component === 'demo').map((e) => e.message), ['host-a_1 became leader', 'host-a_1 stopped leading']);
    assert.equal((await lease(client, 'demo')).spec?.holderIdentity, 'intruder');
  } finally {
    lab.stop();
  }
});

test('with releaseOnCancel a stopped leader empties the lease and a waiting candidate takes it at once', async () => {
  const { lab, clock } = await startTestLab(1);
  try {
    const client = lab.client();
    const a = candidate(client, clock, 'host-a_1', { releaseOnCancel: true });
    const b = candidate(client, clock, 'host-b_2', { seed: 5 });
    await a.elector.run();
    await b.elector.run();
    await clock.advance(10_000);
    await a.elector.stop();
    const released = await lease(client, 'demo');
    assert.deepEqual([released.spec?.holderIdentity, released.spec?.leaseDurationSeconds, released.spec?.leaseTransitions], ['', 1, 0]);
    assert.deepEqual(a.log, ['leader host-a_1', 'started', 'stopped']);
    await clock.advance(4_400);
    assert.equal(b.elector.isLeader, true);
    assert.deepEqual([(await lease(client, 'demo')).spec?.holderIdentity, (await lease(client, 'demo')).spec?.leaseTransitions], ['host-b_2', 1]);
    b.elector.stop().catch(() => undefined);
  } finally {
    lab.stop();
  }
});

test('a bad configuration is refused with NewLeaderElector\'s message', () => {
  const lock = { namespace: 'kube-system', name: 'demo', identity: 'x' };
  assert.equal(leaderElectionConfigError({ lock }), undefined);
  assert.equal(leaderElectionConfigError({ lock, leaseDurationMs: 10_000 }), 'leaseDuration must be greater than renewDeadline');
  assert.equal(leaderElectionConfigError({ lock, retryPeriodMs: 9_000 }), 'renewDeadline must be greater than retryPeriod*JitterFactor');
  assert.equal(leaderElectionConfigError({ lock: { ...lock, identity: '' } }), 'Lock identity is empty');
});

test('a lab started over another lab\'s lease schedules nothing until it has taken the lease over', async () => {
  const first = await startTestLab(1, 7);
  const snapshot = first.lab.snapshot();
  const previous = (await lease(first.lab.client(), 'kube-scheduler')).spec?.holderIdentity;
  first.lab.stop();

  const clock = new ManualClock();
  const lab = new Lab({ nodes: 1, clock, seed: 8, snapshot });
  const started = lab.start();
  await clock.advance(0);
  await started;
  try {
    const client = lab.client();
    assert.ok(!isStatus(await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } })));
    await clock.advance(10_000);
    const pending = await client.get<Pod>(PODS, 'default', 'p');
    assert.ok(!isStatus(pending));
    assert.equal(pending.spec.nodeName, undefined, 'no scheduler leads yet');
    assert.equal((await lease(client, 'kube-scheduler')).spec?.holderIdentity, previous);

    await clock.advance(15_000);
    const bound = await client.get<Pod>(PODS, 'default', 'p');
    assert.ok(!isStatus(bound));
    assert.equal(bound.spec.nodeName, 'node-1');
    const taken = await lease(client, 'kube-scheduler');
    assert.match(taken.spec?.holderIdentity ?? '', IDENTITY);
    assert.notEqual(taken.spec?.holderIdentity, previous);
    assert.equal(taken.spec?.leaseTransitions, 1);
  } finally {
    lab.stop();
  }
});
