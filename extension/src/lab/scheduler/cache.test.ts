import assert from 'node:assert/strict';
import test from 'node:test';
import type { Node, Pod } from '../api/types';
import { SeededRandom } from '../random';
import { SchedulerCache } from './cache';
import { Snapshot } from './framework/snapshot';
import { newCaches } from './plugins/interPodAffinity';
import { PodCountViews } from './plugins/podCountViews';

const node = (name: string, zone: string): Node => ({
  metadata: { name, labels: { 'topology.kubernetes.io/zone': zone } }, spec: {}, status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110' } },
});

const term = { labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'kubernetes.io/hostname' };
const kinds: Pod['spec'][] = [
  { containers: [] },
  { containers: [], affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } },
  { containers: [], affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term }] } } },
];

const ZONE_KEY = 'topology.kubernetes.io/zone';
const names = (list: readonly { name: string }[]) => list.map((n) => n.name);

/** expected is what the affinity lists hold by definition: the node list filtered. */
function assertLists(s: Snapshot, at: string): void {
  assert.deepEqual(names(s.havePodsWithAffinityList), names(s.nodeInfoList.filter((n) => n.podsWithAffinity.size > 0)), `affinity list ${at}`);
  assert.deepEqual(names(s.havePodsWithRequiredAntiAffinityList), names(s.nodeInfoList.filter((n) => n.podsWithRequiredAntiAffinity.size > 0)), `anti-affinity list ${at}`);
}

test('the affinity lists follow pods placed, moved, forgotten and removed, in node-list order, as a rebuild would', () => {
  const cache = new SchedulerCache();
  const random = new SeededRandom(7);
  const nodes = Array.from({ length: 12 }, (_, i) => node(`n${i}`, `z${i % 3}`));
  for (const n of nodes) cache.addOrUpdateNode(n);
  const snapshot = new Snapshot();
  cache.updateSnapshot(snapshot);
  const placed = new Map<string, Pod>();
  for (let step = 0; step < 400; step++) {
    const op = random.int(5);
    const name = `p${random.int(30)}`;
    const on = nodes[random.int(nodes.length)].metadata.name ?? '';
    const existing = placed.get(name);
    if (op <= 1 || !existing) {
      const p: Pod = { metadata: { name, namespace: 'default' }, spec: { ...kinds[random.int(kinds.length)], nodeName: on } };
      if (op === 0) cache.assumePod(p, on);
      else cache.addPod(p);
      placed.set(name, p);
    } else if (op === 2) {
      cache.addPod({ ...existing, spec: { ...existing.spec, nodeName: on } });
      placed.set(name, { ...existing, spec: { ...existing.spec, nodeName: on } });
    } else if (op === 3) {
      cache.forgetPod(existing);
      if (!cache.isAssumed(existing)) cache.removePod(existing);
      placed.delete(name);
    } else {
      cache.removePod(existing);
      placed.delete(name);
    }
    // Several changes may pile up between two cycles.
    if (random.int(3) === 0) {
      cache.updateSnapshot(snapshot);
      assertLists(snapshot, `after step ${step}`);
    }
  }
  cache.removeNode(nodes[4]);
  cache.updateSnapshot(snapshot);
  assertLists(snapshot, 'after a node went');
  assert.ok(snapshot.havePodsWithRequiredAntiAffinityList.length > 0, 'the walk left pods with anti-affinity behind');
});

test('a second snapshot is built whole', () => {
  const cache = new SchedulerCache();
  cache.addOrUpdateNode(node('a', 'z'));
  cache.addPod({ metadata: { name: 'p', namespace: 'default' }, spec: { ...kinds[1], nodeName: 'a' } });
  const first = new Snapshot();
  cache.updateSnapshot(first);
  const second = new Snapshot();
  cache.updateSnapshot(second);
  assert.deepEqual(names(second.havePodsWithRequiredAntiAffinityList), ['a']);
});

test('counts kept across cycles follow the cache\'s change feed exactly as a recount would, nodes coming and changing zone included', () => {
  const cache = new SchedulerCache();
  const random = new SeededRandom(11);
  const nodes = Array.from({ length: 10 }, (_, i) => node(`n${i}`, `z${i % 3}`));
  for (const n of nodes) cache.addOrUpdateNode(n);
  const snapshot = new Snapshot();
  const views = new PodCountViews();
  const kept = newCaches();
  const matches = (p: Pod) => p.metadata.labels?.app === 'x';
  const placed = new Map<string, Pod>();
  for (let step = 0; step < 500; step++) {
    const op = random.int(8);
    const name = `p${random.int(40)}`;
    const on = nodes[random.int(nodes.length)].metadata.name ?? '';
    const existing = placed.get(name);
    if (op === 0) {
      const i = random.int(nodes.length);
      nodes[i] = node(nodes[i].metadata.name ?? '', `z${random.int(4)}`);
      cache.addOrUpdateNode(nodes[i]);
    } else if (op === 1 && step % 50 === 1) {
      nodes.push(node(`n${nodes.length}`, 'z9'));
      cache.addOrUpdateNode(nodes[nodes.length - 1]);
    } else if (existing && op < 4) {
      cache.removePod(existing);
      placed.delete(name);
    } else {
      const p: Pod = { metadata: { name, namespace: 'default', labels: { app: random.int(2) ? 'x' : 'y' } }, spec: { ...kinds[random.int(kinds.length)], nodeName: on } };
      cache.addPod(p);
      placed.set(name, p);
    }
    if (random.int(2) === 0) continue;
    cache.updateSnapshot(snapshot);
    const list = snapshot.nodeInfoList;
    views.startCycle();
    const view = views.view('x', matches, list);
    const fresh = new PodCountViews();
    fresh.startCycle();
    // A copy of the list has no feed: it is counted node by node.
    const recount = fresh.view('x', matches, [...list]);
    assert.deepEqual([...view.counts], [...recount.counts], `counts at step ${step}`);
    assert.deepEqual(view.byTopology(ZONE_KEY).entries(), recount.byTopology(ZONE_KEY).entries(), `zones at step ${step}`);
    kept.existing.refresh(list);
    const again = newCaches().existing;
    again.refresh([...list]);
    const groups = (t: typeof again) => [...t.groups].map(([sig, g]) => [sig, g.pods, g.counts.entries()]);
    assert.deepEqual(groups(kept.existing), groups(again), `anti-affinity terms at step ${step}`);
  }
});
