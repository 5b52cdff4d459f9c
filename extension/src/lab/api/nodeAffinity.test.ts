import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type NodeSelectorRequirement, requiredNodeAffinityMatches } from './nodeAffinity';
import type { Node, Pod } from './types';

const node: Node = { metadata: { name: 'node-1', labels: { zone: 'a', disktype: 'ssd', cores: '8' } }, spec: {} };

function pod(spec: Partial<Pod['spec']>): Pod {
  return { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'pause' }], ...spec } };
}

function requiring(matchExpressions?: NodeSelectorRequirement[], matchFields?: NodeSelectorRequirement[]): Pod {
  return pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions, matchFields }] } } } });
}

const cases: { name: string; pod: Pod; want: boolean }[] = [
  { name: 'a pod without constraints fits', pod: pod({}), want: true },
  { name: 'nodeSelector with the node\'s labels fits', pod: pod({ nodeSelector: { zone: 'a', disktype: 'ssd' } }), want: true },
  { name: 'nodeSelector with another value does not', pod: pod({ nodeSelector: { zone: 'b' } }), want: false },
  { name: 'nodeSelector with a missing label does not', pod: pod({ nodeSelector: { gpu: 'true' } }), want: false },
  { name: 'In matches a listed value', pod: requiring([{ key: 'zone', operator: 'In', values: ['b', 'a'] }]), want: true },
  { name: 'In misses an unlisted value', pod: requiring([{ key: 'zone', operator: 'In', values: ['b'] }]), want: false },
  { name: 'NotIn matches a missing label', pod: requiring([{ key: 'gpu', operator: 'NotIn', values: ['true'] }]), want: true },
  { name: 'NotIn misses a listed value', pod: requiring([{ key: 'zone', operator: 'NotIn', values: ['a'] }]), want: false },
  { name: 'Exists matches a present label', pod: requiring([{ key: 'disktype', operator: 'Exists' }]), want: true },
  { name: 'DoesNotExist misses a present label', pod: requiring([{ key: 'disktype', operator: 'DoesNotExist' }]), want: false },
  { name: 'Gt compares as integers', pod: requiring([{ key: 'cores', operator: 'Gt', values: ['4'] }]), want: true },
  { name: 'Lt compares as integers', pod: requiring([{ key: 'cores', operator: 'Lt', values: ['10'] }]), want: true },
  { name: 'Gt on a label that is not a number misses', pod: requiring([{ key: 'zone', operator: 'Gt', values: ['1'] }]), want: false },
  { name: 'a term that does not parse matches nothing', pod: requiring([{ key: 'zone', operator: 'In', values: [] }]), want: false },
  { name: 'an empty term matches nothing', pod: requiring([], []), want: false },
  { name: 'metadata.name In selects the node by name', pod: requiring(undefined, [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }]), want: true },
  { name: 'metadata.name In another name misses', pod: requiring(undefined, [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }]), want: false },
  { name: 'metadata.name NotIn another name matches', pod: requiring(undefined, [{ key: 'metadata.name', operator: 'NotIn', values: ['node-2'] }]), want: true },
  { name: 'expressions and fields of one term are ANDed', pod: requiring([{ key: 'zone', operator: 'In', values: ['b'] }], [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }]), want: false },
  { name: 'nodeSelector and affinity must both match', pod: { ...requiring([{ key: 'zone', operator: 'In', values: ['a'] }]), spec: { ...requiring([{ key: 'zone', operator: 'In', values: ['a'] }]).spec, nodeSelector: { zone: 'b' } } }, want: false },
];

for (const c of cases) {
  test(`requiredNodeAffinityMatches: ${c.name}`, () => {
    assert.equal(requiredNodeAffinityMatches(c.pod, node), c.want);
  });
}

test('requiredNodeAffinityMatches ORs the terms', () => {
  const p = pod({
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }],
        },
      },
    },
  });
  assert.equal(requiredNodeAffinityMatches(p, node), true);
});
