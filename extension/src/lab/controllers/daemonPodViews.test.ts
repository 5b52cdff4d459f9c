import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromLabelSelector } from '../api/labels';
import type { DaemonSet, Node, Pod } from '../api/types';
import type { Informer } from '../client/informer';
import { DAEMON_POD_NODE_INDEX, DaemonPodViews, NodeMemo } from './daemonPodViews';
import type { NodeToDaemonPods } from './daemonSetUpdate';

const ds: DaemonSet = {
  apiVersion: 'apps/v1', kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default', uid: 'ds-1', generation: 1 },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'pause' }] } } },
};
const selector = fromLabelSelector(ds.spec.selector) ?? [];

const pod = (name: string, node: string | undefined, labels: Record<string, string> = { app: 'agent' }): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'default', labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'ds-1', controller: true }] },
  spec: { containers: [{ name: 'c', image: 'pause' }], ...(node ? { nodeName: node } : {}) },
});

/** PodIndex stands in for the pod informer: the daemon pod index, kept by hand. */
class PodIndex {
  readonly byKey = new Map<string, Pod[]>();
  reads = 0;
  put(p: Pod): void {
    const key = `ds-1\u0000${p.spec.nodeName ?? ''}`;
    this.byKey.set(key, [...(this.byKey.get(key) ?? []).filter((q) => q.metadata.name !== p.metadata.name), p]);
  }
  byIndex(name: string, key: string): Pod[] {
    assert.equal(name, DAEMON_POD_NODE_INDEX);
    this.reads++;
    return this.byKey.get(key) ?? [];
  }
}

function setup(): { index: PodIndex; views: DaemonPodViews; byNode: NodeToDaemonPods } {
  const index = new PodIndex();
  const a = pod('agent-a', 'node-a');
  const b = pod('agent-b', 'node-b');
  index.put(a);
  index.put(b);
  const views = new DaemonPodViews(index as unknown as Informer<Pod>);
  const byNode: NodeToDaemonPods = new Map([['node-a', [a]], ['node-b', [b]]]);
  views.remember(ds, false, byNode);
  return { index, views, byNode };
}

test('a view reads again only the nodes whose pods changed, and keeps the other nodes\' arrays', () => {
  const { index, views, byNode } = setup();
  const first = views.current(ds, selector, false);
  assert.ok(first);
  assert.equal(index.reads, 0, 'nothing changed: nothing read');
  assert.equal(first.get('node-b'), byNode.get('node-b'));
  const running = { ...pod('agent-a', 'node-a'), status: { phase: 'Running' } } as Pod;
  index.put(running);
  views.touch(running);
  const next = views.current(ds, selector, false);
  assert.ok(next);
  assert.equal(index.reads, 1);
  assert.deepEqual(next.get('node-a'), [running]);
  assert.equal(next.get('node-b'), byNode.get('node-b'), 'node-b\'s array is the same object, so per-node answers kept for it stay valid');
  // A pod gone from its node leaves no entry.
  index.byKey.delete('ds-1\u0000node-b');
  views.touch(pod('agent-b', 'node-b'));
  assert.equal(views.current(ds, selector, false)?.has('node-b'), false);
});

test('a view gives way to a claim when the claim could decide otherwise', () => {
  const relabelled = setup();
  const other = pod('agent-a', 'node-a', { app: 'other' });
  relabelled.index.put(other);
  relabelled.views.touch(other);
  assert.equal(relabelled.views.current(ds, selector, false), undefined, 'an owned pod the selector no longer matches is the claim\'s to release');

  const nodeless = setup();
  nodeless.views.touch(pod('agent-c', undefined));
  assert.equal(nodeless.views.current(ds, selector, false), undefined, 'a pod that names no node');

  const reselected = setup();
  assert.equal(reselected.views.current({ ...ds, spec: { ...ds.spec, selector: { matchLabels: { app: 'agent', tier: 'x' } } } }, selector, false), undefined, 'another selector');
  assert.equal(reselected.views.current(ds, selector, true), undefined, 'the view with deleted terminal pods is another view');
  reselected.views.forget('ds-1');
  assert.equal(reselected.views.current(ds, selector, false), undefined, 'forgotten');
});

test('a deleted terminal pod is left out of the view that excludes them', () => {
  const { index, views } = setup();
  const done = { ...pod('agent-a', 'node-a'), status: { phase: 'Succeeded' } } as Pod;
  done.metadata = { ...done.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' };
  index.put(done);
  views.touch(done);
  assert.equal(views.current(ds, selector, false)?.has('node-a'), false);
});

test('a node memo answers while the node, its pods and the spec are the ones it was worked out from', () => {
  const memo = new NodeMemo<number>();
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } } as Node;
  const pods = [pod('agent-a', 'node-a')];
  memo.for(ds, 'h1')?.set(node, pods, 7);
  assert.equal(memo.for(ds, 'h1')?.get(node, pods), 7);
  assert.equal(memo.for({ ...ds, status: { numberReady: 1 } } as DaemonSet, 'h1')?.get(node, pods), 7, 'a status write keeps the spec');
  assert.equal(memo.for(ds, 'h1')?.get({ ...node }, pods), undefined, 'another node object');
  assert.equal(memo.for(ds, 'h1')?.get(node, [...pods]), undefined, 'another pods array');
  assert.equal(memo.for(ds, 'h2')?.get(node, pods), undefined, 'another revision: the memo starts over');
  memo.for(ds, 'h1')?.set(node, pods, 7);
  assert.equal(memo.for({ ...ds, metadata: { ...ds.metadata, generation: 2 } }, 'h1')?.get(node, pods), undefined, 'a spec change');
  assert.equal(memo.for({ ...ds, metadata: { ...ds.metadata, uid: undefined } }, 'h1'), undefined, 'a DaemonSet the server has not stored is never memoised');
});
