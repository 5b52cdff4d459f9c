import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../../api/types';
import { SchedulerCache } from '../cache';
import { imageLocality, normalizedImageName } from './imageLocality';

const MB = 1024 * 1024;
const nodeWith = (name: string, images: [string, number][]): Node => ({
  metadata: { name }, spec: {},
  status: { images: images.map(([n, size]) => ({ names: [`${n.split(':')[0]}@sha256:${size}`, n], sizeBytes: size * MB })) },
});
const podWith = (...images: string[]): Pod => ({ metadata: { name: 'p' }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } });

const node1 = nodeWith('node1', [['gcr.io/40:latest', 40], ['gcr.io/300:latest', 300], ['gcr.io/2000:latest', 2000]]);
const node2 = nodeWith('node2', [['gcr.io/250:latest', 250], ['gcr.io/10:latest', 10]]);
const node3 = nodeWith('node3', []);
const node4 = nodeWith('node4', [['gcr.io/4000:latest', 4000]]);

// image_locality_test.go TestImageLocalityPriority: the scores per node, the image's spread counting every node of the cache.
const cases: { name: string; pod: Pod; nodes: Node[]; scores: number[] }[] = [
  // node1: 40 MiB × 1/2 = 20 MiB, below 23 MiB → 0; node2: 250 × 1/2 = 125 MiB → (125 − 23) × 100 / (2000 − 23) = 5.
  { name: 'two images spread on two nodes, prefer the larger image one', pod: podWith('gcr.io/40', 'gcr.io/250'), nodes: [node1, node2], scores: [0, 5] },
  // node1: (40 + 300) / 2 = 170 MiB → 7.
  { name: 'two images on one node, prefer this node', pod: podWith('gcr.io/40', 'gcr.io/300'), nodes: [node1, node2], scores: [7, 0] },
  // node1: 2000 / 2 = 1000 MiB → 49; node2: 10 / 2 → 0.
  { name: 'if exceed limit, use limit', pod: podWith('gcr.io/2000', 'gcr.io/10'), nodes: [node1, node2], scores: [49, 0] },
  // A third node without images widens the spread: 2000 / 3 → 32.
  { name: 'if exceed limit, use limit (with node which has no images present)', pod: podWith('gcr.io/2000', 'gcr.io/10'), nodes: [node1, node2, node3], scores: [32, 0, 0] },
  // One container: the ceiling is 1000 MiB; 4000 / 2 is past it → 100.
  { name: 'one large image scores the maximum', pod: podWith('gcr.io/4000'), nodes: [node1, node4], scores: [0, 100] },
  // One container: 300 / 2 = 150 MiB → (150 − 23) × 100 / (1000 − 23) = 12.
  { name: 'an explicit tag is matched as written', pod: podWith('gcr.io/300:latest'), nodes: [node1, node2], scores: [12, 0] },
  { name: 'no image anywhere scores 0', pod: podWith('gcr.io/nothing'), nodes: [node1, node2], scores: [0, 0] },
];

for (const tc of cases) {
  test(`ImageLocality: ${tc.name}`, () => {
    const cache = new SchedulerCache();
    for (const n of tc.nodes) cache.addOrUpdateNode(n);
    const p = imageLocality({ snapshot: () => ({ numNodes: cache.nodeCount }) });
    assert.deepEqual(tc.nodes.map((n) => p.score(new Map(), tc.pod, cache.nodeInfo(n.metadata.name ?? '')!)), tc.scores);
  });
}

test('normalizedImageName adds :latest only when there is no tag', () => {
  assert.equal(normalizedImageName('nginx'), 'nginx:latest');
  assert.equal(normalizedImageName('nginx:1.27'), 'nginx:1.27');
  assert.equal(normalizedImageName('localhost:5000/app'), 'localhost:5000/app:latest');
});
