import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type Pod } from '../../lab/api/types';
import { runControl } from '../../lab/labControl';
import { DEPLOYMENTS, PODS } from '../../lab/client/resources';
import { startTestLab, webDeployment } from '../../lab/testLab';
import type { PodsToPanel } from '../../../../webview/src/shared/protocol';
import { BY_CONTROLLER, ClusterModel } from '../clusterModel';
import { podDetail } from './podDetail';
import { FLUSH_MS, PodsFeed, type Schedule } from './podsFeed';

/** manualSchedule runs the feed's flush only when the test says so. */
function manualSchedule(): { schedule: Schedule; due: () => number; run: () => void } {
  let queued: (() => void)[] = [];
  const delays: number[] = [];
  return {
    schedule: (fn, ms) => {
      queued.push(fn);
      delays.push(ms);
      return () => {
        queued = queued.filter((f) => f !== fn);
      };
    },
    due: () => queued.length,
    run: () => {
      const fns = queued;
      queued = [];
      for (const f of fns) f();
      assert.ok(delays.every((d) => d === FLUSH_MS));
    },
  };
}

async function until(clock: { advance(ms: number): Promise<void> }, check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await clock.advance(500);
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`${what} never happened`);
}

test('the Pods panel gets a snapshot, then only deltas of what it draws, grouped by the Deployment that owns the pods', async () => {
  const { lab, clock } = await startTestLab(3);
  const model = new ClusterModel(lab.client());
  const messages: PodsToPanel[] = [];
  const timer = manualSchedule();
  const feed = new PodsFeed({ nodes: model.nodes, pods: model.pods, replicaSets: model.replicaSets }, (m) => messages.push(m), timer.schedule,
    (rs) => model.pods.byIndex(BY_CONTROLLER, rs.metadata.uid ?? ''));
  try {
    await model.start();
    feed.snapshot('running', 'KubeLab');
    const snap = messages[0];
    assert.equal(snap.type, 'snapshot');
    if (snap.type !== 'snapshot') return;
    assert.deepEqual(snap.nodes.map((n) => n.name).sort(), ['node-1', 'node-2', 'node-3']);
    const node = snap.nodes.find((n) => n.name === 'node-1');
    assert.ok(node && node.ready && node.cpu > 0 && node.memory > 0 && node.pods === 110, JSON.stringify(node));
    // Replaying the synced informers' objects to the new handlers sends nothing new.
    timer.run();
    assert.equal(messages.length, 1, JSON.stringify(messages.slice(1)));

    assert.ok(!isStatus(await lab.client().create(DEPLOYMENTS, webDeployment({ cpu: '100m', memory: '64Mi' }))));
    await until(clock, () => model.pods.list().filter((p) => p.metadata.labels?.app === 'web' && p.status?.phase === 'Running').length === 3, 'web running');
    assert.ok(timer.due() <= 1, 'one flush is armed at a time');
    timer.run();
    const deltas = messages.slice(1).filter((m) => m.type === 'delta');
    assert.equal(deltas.length, 1, 'a burst of changes is one delta');
    const d = deltas[0];
    if (d.type !== 'delta') return;
    const web = d.pods.upsert.filter((p) => p.labels.app === 'web');
    assert.equal(web.length, 3);
    for (const p of web) {
      assert.equal(p.owner, 'Deployment/web');
      assert.equal(p.phase, 'Running');
      assert.equal(p.status, 'Running');
      assert.deepEqual([p.ready, p.containers, p.cpu, p.memory], [1, 1, 100, 64 * 1024 * 1024]);
      assert.match(p.node, /^node-\d$/);
    }

    // A change the panel does not draw (an annotation) sends nothing; a deletion sends the uid.
    const victim = web[0];
    const pod = model.pods.get(`default/${victim.name}`);
    assert.ok(pod);
    assert.ok(!isStatus(await lab.client().patch(PODS, 'default', victim.name, { metadata: { annotations: { note: 'x' } } })));
    await until(clock, () => model.pods.get(`default/${victim.name}`)?.metadata.annotations?.note === 'x', 'annotation seen');
    const before = messages.length;
    timer.run();
    assert.equal(messages.length, before, 'an annotation changes nothing the panel draws');

    assert.ok(!isStatus(await lab.client().delete(PODS, 'default', victim.name, { gracePeriodSeconds: 0 })));
    await until(clock, () => !model.pods.get(`default/${victim.name}`) && model.pods.list().filter((p) => p.metadata.labels?.app === 'web').length === 3, 'pod replaced');
    timer.run();
    const after = messages.slice(before).filter((m) => m.type === 'delta');
    assert.ok(after.some((m) => m.type === 'delta' && m.pods.remove.includes(victim.uid)), JSON.stringify(after));
    assert.ok(after.some((m) => m.type === 'delta' && m.pods.upsert.some((p) => p.labels.app === 'web' && p.uid !== victim.uid)));

    const detail = await podDetail(lab.client(), 'default', web[1].name);
    assert.ok(detail);
    assert.equal(detail.node, web[1].node);
    assert.ok(detail.conditions.some((c) => c.type === 'Ready' && c.status === 'True'), JSON.stringify(detail.conditions));
    assert.ok(detail.events.some((e) => e.reason === 'Scheduled' && e.source === 'default-scheduler'), JSON.stringify(detail.events));
    assert.deepEqual(detail.containers.map((c) => [c.name, c.state, c.ready]), [['nginx', 'Running', true]]);
    assert.equal(typeof detail.logTail, 'string');
    assert.equal(await podDetail(lab.client(), 'default', 'nope'), undefined);
  } finally {
    feed.dispose();
    model.stop();
    lab.stop();
  }
});

/** barePod is a pod with no owner, named name, for time travel to find and lose. */
function barePod(name: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { travel: name } }, spec: { containers: [{ name: 'c', image: 'pause' }] } };
}

test('travelling shows the pods and nodes as of a past revision, ignores live events, and comes back to live; a compacted revision says so', async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  const model = new ClusterModel(client);
  const messages: PodsToPanel[] = [];
  const timer = manualSchedule();
  const feed = new PodsFeed({ nodes: model.nodes, pods: model.pods, replicaSets: model.replicaSets, client }, (m) => messages.push(m), timer.schedule);
  const take = (): PodsToPanel[] => messages.splice(0);
  const names = (m: PodsToPanel | undefined): string[] => (m?.type === 'snapshot' ? m.pods.filter((p) => p.labels.travel).map((p) => p.name).sort() : ['not a snapshot']);
  try {
    await model.start();
    assert.ok(!isStatus(await client.create(PODS, barePod('old'))));
    await until(clock, () => Boolean(model.pods.get('default/old')?.spec.nodeName), 'old bound');
    const listed = await client.list(PODS);
    assert.ok(!isStatus(listed));
    const past = Number(listed.metadata.resourceVersion);
    const oldNode = model.pods.get('default/old')?.spec.nodeName;
    assert.ok(!isStatus(await client.delete(PODS, 'default', 'old', { gracePeriodSeconds: 0 })));
    assert.ok(!isStatus(await client.create(PODS, barePod('new'))));
    await until(clock, () => !model.pods.get('default/old') && Boolean(model.pods.get('default/new')?.spec.nodeName), 'old gone, new bound');
    feed.snapshot('running', 'KubeLab');
    assert.deepEqual(names(take()[0]), ['new']);
    assert.equal(feed.revision, null);

    await feed.travel(past);
    const travelled = take();
    assert.deepEqual(travelled.map((m) => m.type), ['snapshot', 'travel']);
    assert.deepEqual(names(travelled[0]), ['old']);
    const old = travelled[0].type === 'snapshot' ? travelled[0].pods.find((p) => p.name === 'old') : undefined;
    assert.equal(old?.node, oldNode);
    assert.deepEqual(travelled[0].type === 'snapshot' && travelled[0].nodes.map((n) => n.name).sort(), ['node-1', 'node-2']);
    assert.deepEqual(travelled[1], { type: 'travel', travel: { revision: past } });

    // Live changes while travelling are not applied.
    assert.ok(!isStatus(await client.create(PODS, barePod('later'))));
    await until(clock, () => Boolean(model.pods.get('default/later')?.spec.nodeName), 'later bound');
    timer.run();
    assert.deepEqual(take(), []);
    assert.equal(timer.due(), 0);

    await feed.travel(null);
    const live = take();
    assert.deepEqual(live.map((m) => m.type), ['snapshot', 'travel']);
    assert.deepEqual(names(live[0]), ['later', 'new']);
    assert.deepEqual(live[1], { type: 'travel', travel: { revision: null } });
    // Live again, changes flow as deltas.
    assert.ok(!isStatus(await client.delete(PODS, 'default', 'later', { gracePeriodSeconds: 0 })));
    await until(clock, () => !model.pods.get('default/later'), 'later gone');
    timer.run();
    assert.ok(take().some((m) => m.type === 'delta' && m.pods.remove.length === 1));

    const compacted = await runControl(lab, { op: 'storeCompact' });
    assert.ok(!('error' in compacted));
    await feed.travel(past);
    assert.deepEqual(take(), [{
      type: 'travel',
      travel: { revision: past, error: `Revision ${past} has been compacted away: the store no longer keeps it (410 Expired: The resourceVersion for the provided list is too old.)` },
    }]);
    assert.equal(feed.revision, past);
    await feed.travel(null);
    assert.deepEqual(names(take()[0]), ['new']);
  } finally {
    feed.dispose();
    model.stop();
    lab.stop();
  }
});
