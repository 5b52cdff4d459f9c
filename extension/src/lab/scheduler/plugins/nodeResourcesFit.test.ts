import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container, Pod, ResourceList } from '../../api/types';
import { NodeInfo } from '../nodeInfo';
import { type NodeResourcesFitArgs, computePodResourceRequest, nodeResourcesFit, validateNodeResourcesFitArgs } from './nodeResourcesFit';

const EXT_A = 'example.com/aaa';
const EXT_B = 'example.com/bbb';
const HUGE = 'hugepages-2Mi';

/** container requests as fit_test's newResourcePod: cpu in millicores, memory in bytes, the rest as counts. */
const c = (req: Record<string, number>, restartPolicy?: string): Container => {
  const requests: ResourceList = {};
  for (const [k, v] of Object.entries(req)) requests[k] = k === 'cpu' ? `${v}m` : String(v);
  return { name: 'c', resources: { requests }, ...(restartPolicy ? { restartPolicy } : {}) };
};
const pod = (containers: Record<string, number>[], init: Container[] = [], overhead?: ResourceList): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'p' },
  spec: { containers: containers.map((r) => c(r)), ...(init.length ? { initContainers: init } : {}), ...(overhead ? { overhead } : {}) },
});
let seq = 0;
/** node is makeAllocatableResources(10, 20, 32, 5, 20, 5) with one pod already requesting existing. */
const node = (existing: Record<string, number>, pods = '32'): NodeInfo => {
  const n = new NodeInfo({ metadata: { name: 'n' }, spec: {}, status: { allocatable: { cpu: '10m', memory: '20', pods, [EXT_A]: '5', 'ephemeral-storage': '20', [HUGE]: '5' } } });
  n.addPod({ metadata: { name: `e${seq}`, namespace: 'default', uid: `e${seq++}` }, spec: { nodeName: 'n', containers: [c(existing)] } });
  return n;
};

// fit_test.go's enoughPodsTests: pod requests, what the node's pod already uses, the reasons.
const cases: { name: string; pod: Pod; existing: Record<string, number>; args?: NodeResourcesFitArgs; reasons: string[] }[] = [
  { name: 'no resources requested always fits', pod: pod([{}]), existing: { cpu: 10, memory: 20 }, reasons: [] },
  { name: 'too many resources fails', pod: pod([{ cpu: 1, memory: 1 }]), existing: { cpu: 10, memory: 20 }, reasons: ['Insufficient cpu', 'Insufficient memory'] },
  { name: 'too many resources fails due to init container cpu', pod: pod([{ cpu: 1, memory: 1 }], [c({ cpu: 3, memory: 1 })]), existing: { cpu: 8, memory: 19 }, reasons: ['Insufficient cpu'] },
  { name: 'too many resources fails due to highest init container cpu', pod: pod([{ cpu: 1, memory: 1 }], [c({ cpu: 3, memory: 1 }), c({ cpu: 2, memory: 1 })]), existing: { cpu: 8, memory: 19 }, reasons: ['Insufficient cpu'] },
  { name: 'too many resources fails due to init container memory', pod: pod([{ cpu: 1, memory: 1 }], [c({ cpu: 1, memory: 3 })]), existing: { cpu: 9, memory: 19 }, reasons: ['Insufficient memory'] },
  { name: 'too many resources fails due to highest init container memory', pod: pod([{ cpu: 1, memory: 1 }], [c({ cpu: 1, memory: 3 }), c({ cpu: 1, memory: 2 })]), existing: { cpu: 9, memory: 19 }, reasons: ['Insufficient memory'] },
  { name: "init container fits because it's the max, not sum, of containers and init containers", pod: pod([{ cpu: 1, memory: 1 }], [c({ cpu: 1, memory: 1 })]), existing: { cpu: 9, memory: 19 }, reasons: [] },
  { name: "multiple init containers fit because it's the max, not sum, of containers and init containers", pod: pod([{ cpu: 1, memory: 1 }], [c({ cpu: 1, memory: 1 }), c({ cpu: 1, memory: 1 })]), existing: { cpu: 9, memory: 19 }, reasons: [] },
  { name: 'both resources fit', pod: pod([{ cpu: 1, memory: 1 }]), existing: { cpu: 5, memory: 5 }, reasons: [] },
  { name: 'one resource memory fits', pod: pod([{ cpu: 2, memory: 1 }]), existing: { cpu: 9, memory: 5 }, reasons: ['Insufficient cpu'] },
  { name: 'one resource cpu fits', pod: pod([{ cpu: 1, memory: 2 }]), existing: { cpu: 5, memory: 19 }, reasons: ['Insufficient memory'] },
  { name: 'equal edge case', pod: pod([{ cpu: 5, memory: 1 }]), existing: { cpu: 5, memory: 19 }, reasons: [] },
  { name: 'equal edge case for init container', pod: pod([{ cpu: 4, memory: 1 }], [c({ cpu: 5, memory: 1 })]), existing: { cpu: 5, memory: 19 }, reasons: [] },
  { name: 'extended resource fits', pod: pod([{ [EXT_A]: 1 }]), existing: {}, reasons: [] },
  { name: 'extended resource fits for init container', pod: pod([{}], [c({ [EXT_A]: 1 })]), existing: {}, reasons: [] },
  { name: 'extended resource capacity enforced', pod: pod([{ [EXT_A]: 10 }]), existing: {}, reasons: [`Insufficient ${EXT_A}`] },
  { name: 'extended resource capacity enforced for init container', pod: pod([{}], [c({ [EXT_A]: 10 })]), existing: {}, reasons: [`Insufficient ${EXT_A}`] },
  { name: 'extended resource allocatable enforced', pod: pod([{ [EXT_A]: 1 }]), existing: { [EXT_A]: 5 }, reasons: [`Insufficient ${EXT_A}`] },
  { name: 'extended resource allocatable enforced for multiple containers', pod: pod([{ [EXT_A]: 3 }, { [EXT_A]: 3 }]), existing: { [EXT_A]: 2 }, reasons: [`Insufficient ${EXT_A}`] },
  { name: 'extended resource allocatable admits multiple init containers', pod: pod([{}], [c({ [EXT_A]: 3 }), c({ [EXT_A]: 3 })]), existing: { [EXT_A]: 2 }, reasons: [] },
  { name: 'extended resource allocatable enforced for multiple init containers', pod: pod([{}], [c({ [EXT_A]: 6 }), c({ [EXT_A]: 3 })]), existing: { [EXT_A]: 2 }, reasons: [`Insufficient ${EXT_A}`] },
  { name: 'extended resource allocatable enforced for unknown resource', pod: pod([{ [EXT_B]: 1 }]), existing: {}, reasons: [`Insufficient ${EXT_B}`] },
  { name: 'extended resource allocatable enforced for unknown resource for init container', pod: pod([{}], [c({ [EXT_B]: 1 })]), existing: {}, reasons: [`Insufficient ${EXT_B}`] },
  { name: 'kubernetes.io resource capacity enforced', pod: pod([{ 'kubernetes.io/something': 10 }]), existing: {}, reasons: ['Insufficient kubernetes.io/something'] },
  { name: 'hugepages resource capacity enforced', pod: pod([{ [HUGE]: 10 }]), existing: {}, reasons: [`Insufficient ${HUGE}`] },
  { name: 'hugepages resource allocatable enforced for multiple containers', pod: pod([{ [HUGE]: 3 }, { [HUGE]: 3 }]), existing: { [HUGE]: 2 }, reasons: [`Insufficient ${HUGE}`] },
  { name: 'skip checking ignored extended resource', pod: pod([{ [EXT_B]: 1 }]), existing: {}, args: { ignoredResources: [EXT_B] }, reasons: [] },
  { name: 'resources + pod overhead fits', pod: pod([{ cpu: 1, memory: 1 }], [], { cpu: '3m', memory: '13' }), existing: { cpu: 5, memory: 5 }, reasons: [] },
  { name: 'requests + overhead does not fit for memory', pod: pod([{ cpu: 1, memory: 1 }], [], { cpu: '1m', memory: '15' }), existing: { cpu: 5, memory: 5 }, reasons: ['Insufficient memory'] },
  { name: 'skip checking ignored extended resource via resource groups', pod: pod([{ [EXT_B]: 1 }]), existing: {}, args: { ignoredResourceGroups: ['example.com'] }, reasons: [] },
  { name: 'extended resource with zero quantity', pod: pod([{ [EXT_B]: 0 }]), existing: {}, reasons: [] },
  { name: 'ephemeral storage is enforced', pod: pod([{ 'ephemeral-storage': 25 }]), existing: {}, reasons: ['Insufficient ephemeral-storage'] },
  { name: 'a sidecar adds to the app containers', pod: pod([{ cpu: 1, memory: 1 }], [c({ cpu: 4, memory: 1 }, 'Always')]), existing: { cpu: 6, memory: 5 }, reasons: ['Insufficient cpu'] },
  { name: 'an init container after a sidecar runs beside it', pod: pod([{ cpu: 1, memory: 1 }], [c({ cpu: 2, memory: 1 }, 'Always'), c({ cpu: 3, memory: 1 })]), existing: { cpu: 6, memory: 5 }, reasons: ['Insufficient cpu'] },
];

for (const tc of cases) {
  test(`NodeResourcesFit filter: ${tc.name}`, () => {
    const p = nodeResourcesFit(tc.args);
    const state = new Map();
    assert.equal(p.preFilter(state, tc.pod, []).code, 'Success');
    const status = p.filter(state, tc.pod, node(tc.existing));
    assert.deepEqual(status.reasons, tc.reasons);
    assert.equal(status.code, tc.reasons.length ? 'Unschedulable' : 'Success');
    // Filter decides the same without PreFilter's state.
    assert.deepEqual(p.filter(new Map(), tc.pod, node(tc.existing)).reasons, tc.reasons);
  });
}

test('NodeResourcesFit filter: Too many pods comes first, beside the resources', () => {
  const status = nodeResourcesFit().filter(new Map(), pod([{ cpu: 1, memory: 1 }]), node({ cpu: 10, memory: 20 }, '1'));
  assert.deepEqual(status.reasons, ['Too many pods', 'Insufficient cpu', 'Insufficient memory']);
});

test('computePodResourceRequest counts sidecars in the sum and as a floor for later init containers', () => {
  const r = computePodResourceRequest(pod([{ cpu: 1, memory: 1 }], [c({ cpu: 2, memory: 1 }, 'Always'), c({ cpu: 3, memory: 10 })], { cpu: '1m', memory: '1' }));
  // Apps + sidecar: 3m / 2; init while the sidecar runs: 5m / 11; max, plus overhead.
  assert.deepEqual([r.milliCPU, r.memory], [6, 12]);
});

test('validateNodeResourcesFitArgs words errors as upstream', () => {
  assert.deepEqual(validateNodeResourcesFitArgs({}), []);
  assert.deepEqual(validateNodeResourcesFitArgs({ scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'memory', weight: -1 }, { name: 'cpu', weight: 101 }] } }), [
    'scoringStrategy.resources[0].weight: Invalid value: -1: resource weight of memory not in valid range [1, 100]',
    'scoringStrategy.resources[1].weight: Invalid value: 101: resource weight of cpu not in valid range [1, 100]',
  ]);
  assert.deepEqual(validateNodeResourcesFitArgs({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 50, score: 1 }, { utilization: 10, score: 11 }] } } }), [
    'scoringStrategy.requestedToCapacityRatio.shape[1].utilization: Invalid value: 10: utilization values must be sorted in increasing order',
    'scoringStrategy.requestedToCapacityRatio.shape[1].score: Invalid value: 11: not in valid range [0, 10]',
  ]);
  assert.throws(() => nodeResourcesFit({ ignoredResourceGroups: ['example.com/aaa'] }), /resource group name can't contain '\/'/);
});
