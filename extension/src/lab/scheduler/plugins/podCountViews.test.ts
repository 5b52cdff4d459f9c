import assert from 'node:assert/strict';
import test from 'node:test';
import type { Node, Pod } from '../../api/types';
import { SeededRandom } from '../../random';
import { NodeInfo } from '../nodeInfo';
import { PodCountViews } from './podCountViews';

const ZONE = 'topology.kubernetes.io/zone';
const node = (name: string, zone: string | undefined): Node => ({
  metadata: { name, labels: zone === undefined ? {} : { [ZONE]: zone } }, spec: {}, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
});

/** byDefinition is what domains must hold: every zone some node carries, with its nodes and their matching pods. */
function byDefinition(list: readonly NodeInfo[], matches: (p: Pod) => boolean): Map<string, { nodes: number; sum: number }> {
  const out = new Map<string, { nodes: number; sum: number }>();
  for (const n of list) {
    const zone = n.node.metadata.labels?.[ZONE];
    if (zone === undefined) continue;
    const d = out.get(zone) ?? { nodes: 0, sum: 0 };
    d.nodes++;
    for (const p of n.pods.values()) if (matches(p)) d.sum++;
    out.set(zone, d);
  }
  return out;
}

test('domains keep every zone a node carries, with the matching pods summed, as pods come and go and nodes change zone', () => {
  const random = new SeededRandom(3);
  const zones = ['a', 'b', 'c', undefined];
  const list = Array.from({ length: 9 }, (_, i) => new NodeInfo(node(`n${i}`, zones[i % 3])));
  const matches = (p: Pod) => p.metadata.labels?.app === 'x';
  const views = new PodCountViews();
  for (let step = 0; step < 300; step++) {
    const n = list[random.int(list.length)];
    const op = random.int(4);
    if (op === 0) n.node = node(n.name, zones[random.int(zones.length)]);
    else if (op === 1 && n.pods.size) n.removePod([...n.pods.values()][random.int(n.pods.size)]);
    else n.addPod({ metadata: { name: `p${step}`, namespace: 'default', labels: { app: random.int(2) ? 'x' : 'y' } }, spec: { containers: [] } });
    views.startCycle();
    const domains = views.view('x', matches, list).domains(ZONE);
    assert.deepEqual(new Map([...domains].map(([k, v]) => [k, { ...v }])), byDefinition(list, matches), `step ${step}`);
  }
});
