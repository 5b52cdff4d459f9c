import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../lab/api/types';
import { isStatus } from '../../lab/api/types';
import { CONFIGMAPS, PODS } from '../../lab/client/resources';
import type { ManualClock } from '../../lab/clock';
import { startTestLab } from '../../lab/testLab';
import type { SchedulerConfigView, SchedulerPodDetail, SchedulerToPanel } from '../../../../webview/src/shared/protocol';
import { ClusterModel } from '../clusterModel';
import { FLUSH_MS, type Schedule } from './podsFeed';
import { SchedulerFeed, decisionsAsOf, latestTime } from './schedulerFeed';
import { runControl } from '../../lab/labControl';
import type { SchedulingDecision } from '../../lab/scheduler/decision';
import { CONFIG_KEY, CONFIG_NAME, CONFIG_NAMESPACE, type ConfigMap } from './schedulerProfile';

/** manualSchedule runs the feed's flush only when the test says so. */
function manualSchedule(): { schedule: Schedule; run: () => void } {
  let queued: (() => void)[] = [];
  return {
    schedule: (fn, ms) => {
      assert.equal(ms, FLUSH_MS);
      queued.push(fn);
      return () => {
        queued = queued.filter((f) => f !== fn);
      };
    },
    run: () => {
      const fns = queued;
      queued = [];
      for (const f of fns) f();
    },
  };
}

async function until(clock: ManualClock, run: () => void, check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    run();
    if (check()) return;
    await clock.advance(500);
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`${what} never happened`);
}

function pod(name: string, cpu: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu, memory: '64Mi' } } }] },
  };
}

async function harness(): Promise<{ clock: ManualClock; feed: SchedulerFeed; messages: SchedulerToPanel[]; run: () => void; client: ReturnType<Awaited<ReturnType<typeof startTestLab>>['lab']['client']>; stop: () => void }> {
  const { lab, clock } = await startTestLab(3);
  const model = new ClusterModel(lab.client());
  await model.start();
  const messages: SchedulerToPanel[] = [];
  const timer = manualSchedule();
  const feed = new SchedulerFeed({ client: lab.client(), pods: model.pods, post: (m) => messages.push(m), schedule: timer.schedule });
  await feed.start('running', 'KubeLab');
  return { clock, feed, messages, run: timer.run, client: lab.client(), stop: () => { feed.dispose(); model.stop(); lab.stop(); } };
}

function lastOf<T extends SchedulerToPanel['type']>(messages: SchedulerToPanel[], type: T): Extract<SchedulerToPanel, { type: T }> | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].type === type) return messages[i] as Extract<SchedulerToPanel, { type: T }>;
  return undefined;
}

test('a pod too big for any node waits as unschedulable, with Insufficient cpu on every node and the sentence saying so', async () => {
  const { clock, feed, messages, run, client, stop } = await harness();
  try {
    const snap = messages[0];
    assert.equal(snap.type, 'snapshot');
    if (snap.type !== 'snapshot') return;
    assert.equal(snap.config.source, 'defaults');
    const profile = snap.config.profiles[0];
    assert.equal(profile.schedulerName, 'default-scheduler');
    const fit = profile.plugins.find((p) => p.name === 'NodeResourcesFit');
    assert.deepEqual(fit && { filters: fit.points.includes('filter'), scores: fit.points.includes('score'), weight: fit.weight, legacy: fit.legacy.includes('PodFitsResources') }, { filters: true, scores: true, weight: 1, legacy: true });
    assert.deepEqual(profile.plugins.find((p) => p.name === 'PrioritySort')?.points, ['queueSort']);
    assert.equal(profile.plugins.find((p) => p.name === 'TaintToleration')?.weight, 3);

    assert.ok(!isStatus(await client.create(PODS, pod('huge', '64'))));
    let entry: { queue: string; reason: string } | undefined;
    await until(clock, run, () => {
      for (const m of messages) if (m.type === 'delta') for (const v of m.queue.upsert) if (v.name === 'huge') entry = v;
      return entry?.queue === 'unschedulable';
    }, 'huge unschedulable');
    assert.equal(entry?.reason, '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');

    feed.select({ namespace: 'default', name: 'huge' });
    const detail = lastOf(messages, 'detail')?.detail as SchedulerPodDetail;
    assert.ok(detail);
    assert.equal(detail.queue, 'unschedulable');
    assert.equal(detail.requests, 'cpu 64, memory 64Mi');
    assert.equal(detail.why, 'None of the 3 nodes can run it: all 3 are short of CPU (the pod requests 64 CPU).');
    const d = detail.decision;
    assert.ok(d);
    assert.equal(d.result, 'Unschedulable');
    const fitAt = d.filterPlugins.findIndex((p) => p.name === 'NodeResourcesFit');
    assert.ok(fitAt >= 0 && d.filterPlugins[fitAt].legacy.includes('PodFitsResources'));
    assert.deepEqual(d.filterRows.map((r) => [r.node, r.failedAt, r.reasons]), ['node-1', 'node-2', 'node-3'].map((n) => [n, fitAt, ['Insufficient cpu']]));
    assert.equal(d.scoreRows.length, 0);
    assert.equal(d.preemption?.message, 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    assert.ok(detail.attempts.length >= 1 && detail.attempts.every((a) => a.result === 'Unschedulable'));

    // Shrunk to fit, the pod is scheduled, leaves the queue, and the detail says where it went and why.
    assert.ok(!isStatus(await client.delete(PODS, 'default', 'huge', { gracePeriodSeconds: 0 })));
    assert.ok(!isStatus(await client.create(PODS, pod('huge', '500m'))));
    await until(clock, run, () => {
      const det = lastOf(messages, 'detail')?.detail;
      return !!det?.node && det.decision?.result === 'Scheduled';
    }, 'huge scheduled');
    const bound = lastOf(messages, 'detail')?.detail as SchedulerPodDetail;
    assert.match(bound.why, new RegExp(`^It was scheduled to ${bound.node}, (the highest total score \\(\\d+\\) of the 3 feasible nodes|picked at random among the \\d nodes tied for the highest total score \\(\\d+\\) of the 3 feasible ones)\\.$`));
    const sd = bound.decision;
    assert.ok(sd && sd.scoreRows.length === 3 && sd.scoreRows[0].node === bound.node);
    for (const row of sd.scoreRows) {
      assert.equal(row.total, row.weighted.reduce((a, b) => a + b, 0));
      sd.scorePlugins.forEach((p, j) => assert.equal(row.weighted[j], row.normalized[j] * p.weight));
    }
    assert.ok(messages.some((m) => m.type === 'delta' && m.recent?.some((r) => r.name === 'huge' && r.node === bound.node)));
    const queued = new Set<string>();
    for (const m of messages) if (m.type === 'delta') { for (const v of m.queue.upsert) queued.add(v.uid); for (const u of m.queue.remove) queued.delete(u); }
    assert.equal(queued.size, 0, 'nothing is left in the queue');
  } finally {
    stop();
  }
});

test('editing a weight writes the ConfigMap, the scheduler scores with it; a configuration it refuses shows its Warning event', async () => {
  const { clock, feed, messages, run, client, stop } = await harness();
  try {
    await feed.edit('default-scheduler', { type: 'setWeight', plugin: 'NodeResourcesBalancedAllocation', weight: 7 });
    assert.deepEqual(lastOf(messages, 'notice'), { type: 'notice', message: 'NodeResourcesBalancedAllocation weighs 7 in profile default-scheduler: configmap/kube-scheduler-config created', error: false });
    const cm = await client.get<ConfigMap>(CONFIGMAPS, CONFIG_NAMESPACE, CONFIG_NAME);
    assert.ok(!isStatus(cm));
    assert.equal(cm.data?.[CONFIG_KEY], [
      'apiVersion: kubescheduler.config.k8s.io/v1',
      'kind: KubeSchedulerConfiguration',
      'profiles:',
      '  - schedulerName: default-scheduler',
      '    plugins:',
      '      multiPoint:',
      '        enabled:',
      '          - name: NodeResourcesBalancedAllocation',
      '            weight: 7',
      '',
    ].join('\n'));
    let config: SchedulerConfigView | undefined;
    await until(clock, run, () => {
      config = lastOf(messages, 'config')?.config;
      return config?.source === 'configmap';
    }, 'the config message');
    assert.equal(config?.error, undefined);
    assert.equal(config?.profiles[0].plugins.find((p) => p.name === 'NodeResourcesBalancedAllocation')?.weight, 7);

    // The scheduler reads the ConfigMap through its own watch: the next pod is scored with the new weight.
    await clock.advance(1000);
    assert.ok(!isStatus(await client.create(PODS, pod('after', '100m'))));
    await until(clock, run, () => feed.decisions.list().some((d) => d.pod.name === 'after' && d.result === 'Scheduled'), 'after scheduled');
    const decision = feed.decisions.list().find((d) => d.pod.name === 'after');
    assert.equal(decision?.score?.plugins.find((p) => p.name === 'NodeResourcesBalancedAllocation')?.weight, 7);

    // Bad input is refused and writes nothing.
    const before = await client.get<ConfigMap>(CONFIGMAPS, CONFIG_NAMESPACE, CONFIG_NAME);
    await feed.edit('default-scheduler', { type: 'setWeight', plugin: 'ImageLocality', weight: 0 });
    assert.deepEqual(lastOf(messages, 'notice'), { type: 'notice', message: 'weight must be a whole number from 1 to 2147483647, not 0', error: true });
    await feed.edit('nobody', { type: 'setEnabled', plugin: 'ImageLocality', enabled: false });
    assert.deepEqual(lastOf(messages, 'notice'), { type: 'notice', message: 'the configuration has no profile named nobody', error: true });
    const after = await client.get<ConfigMap>(CONFIGMAPS, CONFIG_NAMESPACE, CONFIG_NAME);
    assert.ok(!isStatus(before) && !isStatus(after));
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);

    // Without a queue sort plugin no profile builds: the scheduler keeps its configuration and says why in a Warning event.
    await feed.edit('default-scheduler', { type: 'setEnabled', plugin: 'PrioritySort', enabled: false });
    await until(clock, run, () => {
      config = lastOf(messages, 'config')?.config;
      return !!config?.warning;
    }, 'the Warning event');
    const refusal = 'initializing profiles: creating profile for scheduler name default-scheduler: no queue sort plugin is enabled';
    assert.equal(config?.error, refusal);
    assert.equal(config?.warning?.reason, 'InvalidConfiguration');
    assert.equal(config?.warning?.message, `invalid KubeSchedulerConfiguration, keeping the previous one: ${refusal}`);
    assert.equal(config?.profiles[0].plugins.find((p) => p.name === 'PrioritySort')?.enabled, false);

    // Enabling it again is accepted; reset goes back to the defaults.
    await feed.edit('default-scheduler', { type: 'setEnabled', plugin: 'PrioritySort', enabled: true });
    await until(clock, run, () => {
      config = lastOf(messages, 'config')?.config;
      return !!config && config.error === undefined && config.profiles[0].plugins.find((p) => p.name === 'PrioritySort')?.enabled === true;
    }, 'PrioritySort enabled again');
    await feed.reset();
    assert.deepEqual(lastOf(messages, 'notice'), { type: 'notice', message: 'configmap "kube-scheduler-config" deleted: the scheduler goes back to its defaults', error: false });
    await until(clock, run, () => lastOf(messages, 'config')?.config.source === 'defaults', 'defaults again');
  } finally {
    stop();
  }
});

test('travelling shows the queue, the bindings and the configuration as of a past revision, refuses edits, and comes back to live', async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  const model = new ClusterModel(client);
  await model.start();
  const messages: SchedulerToPanel[] = [];
  const timer = manualSchedule();
  const feed = new SchedulerFeed({ client, pods: model.pods, post: (m) => messages.push(m), schedule: timer.schedule });
  const take = (): SchedulerToPanel[] => messages.splice(0);
  const queued = (m: SchedulerToPanel | undefined): string[] => (m?.type === 'snapshot' ? m.queue.map((q) => `${q.name}:${q.queue}`).sort() : ['not a snapshot']);
  const bound = (m: SchedulerToPanel | undefined): string[] => (m?.type === 'snapshot' ? m.recent.map((r) => r.name).filter((n) => n === 'fits').sort() : ['not a snapshot']);
  try {
    await feed.start('running', 'KubeLab');
    assert.ok(!isStatus(await client.create(PODS, pod('huge', '64'))));
    await until(clock, timer.run, () => feed.decisionsOf(model.pods.get('default/huge') as Pod).length > 0, 'huge tried');
    await clock.advance(2000);
    const listed = await client.list(PODS);
    assert.ok(!isStatus(listed));
    const past = Number(listed.metadata.resourceVersion);
    await clock.advance(2000);

    await feed.edit('default-scheduler', { type: 'setWeight', plugin: 'NodeResourcesBalancedAllocation', weight: 7 });
    assert.ok(!isStatus(await client.delete(PODS, 'default', 'huge', { gracePeriodSeconds: 0 })));
    assert.ok(!isStatus(await client.create(PODS, pod('fits', '100m'))));
    await until(clock, timer.run, () => Boolean(model.pods.get('default/fits')?.spec.nodeName) && !model.pods.get('default/huge'), 'fits bound, huge gone');
    timer.run();
    take();

    await feed.travel(past);
    const travelled = take();
    assert.deepEqual(travelled.map((m) => m.type), ['snapshot', 'travel']);
    assert.deepEqual(queued(travelled[0]), ['huge:unschedulable']);
    assert.deepEqual(bound(travelled[0]), []);
    assert.equal(travelled[0].type === 'snapshot' && travelled[0].config.source, 'defaults');
    assert.deepEqual(travelled[1], { type: 'travel', travel: { revision: past } });

    // Writes are refused while travelling, and live changes are not applied.
    await feed.reset();
    await feed.edit('default-scheduler', { type: 'setWeight', plugin: 'NodeResourcesBalancedAllocation', weight: 2 });
    const refused = `Viewing revision ${past} — read-only: go back to live to change the cluster.`;
    assert.deepEqual(take(), [{ type: 'notice', message: refused, error: true }, { type: 'notice', message: refused, error: true }]);
    const cm = await client.get<ConfigMap>(CONFIGMAPS, CONFIG_NAMESPACE, CONFIG_NAME);
    assert.ok(!isStatus(cm) && cm.data?.[CONFIG_KEY]?.includes('weight: 7'), 'the ConfigMap is as the live edit left it');
    assert.ok(!isStatus(await client.create(PODS, pod('later', '64'))));
    await until(clock, timer.run, () => Boolean(model.pods.get('default/later')), 'later seen');
    timer.run();
    assert.deepEqual(take(), []);

    await feed.travel(null);
    const live = take();
    assert.deepEqual(live.map((m) => m.type), ['snapshot', 'travel']);
    assert.deepEqual(queued(live[0]).filter((q) => !q.startsWith('later:')), []);
    assert.ok(queued(live[0]).some((q) => q.startsWith('later:')));
    assert.deepEqual(bound(live[0]), ['fits']);
    assert.equal(live[0].type === 'snapshot' && live[0].config.source, 'configmap');
    assert.deepEqual(live[1], { type: 'travel', travel: { revision: null } });

    assert.ok(!('error' in await runControl(lab, { op: 'storeCompact' })));
    await feed.travel(past);
    assert.deepEqual(take(), [{
      type: 'travel',
      travel: { revision: past, error: `Revision ${past} has been compacted away: the store no longer keeps it (410 Expired: The resourceVersion for the provided list is too old.)` },
    }]);
  } finally {
    feed.dispose();
    model.stop();
    lab.stop();
  }
});

test('latestTime finds the newest time a revision\'s objects record, and decisionsAsOf keeps the decisions made by then', () => {
  const objects = [
    { metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:01Z' }, status: { conditions: [{ lastTransitionTime: '2026-01-01T00:00:05Z' }] } },
    { metadata: { name: 'b', creationTimestamp: '2026-01-01T00:00:03Z' }, lastTimestamp: '2026-01-01T00:00:07Z' },
    { metadata: { name: 'c', creationTimestamp: '2026-01-01T00:00:02Z', managedFields: [{ time: '2026-01-01T00:00:06Z' }] } },
  ];
  assert.equal(latestTime(objects as never), '2026-01-01T00:00:07Z');
  assert.equal(latestTime([]), '');
  const d = (name: string, t: string): SchedulingDecision => ({ metadata: { name, creationTimestamp: t } } as SchedulingDecision);
  assert.deepEqual(decisionsAsOf([d('x', '2026-01-01T00:00:07Z'), d('y', '2026-01-01T00:00:08Z'), d('z', '2026-01-01T00:00:01Z')], '2026-01-01T00:00:07Z').map((x) => x.metadata.name), ['x', 'z']);
});
