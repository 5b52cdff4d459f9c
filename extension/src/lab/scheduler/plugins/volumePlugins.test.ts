import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../../api/types';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../controllers/persistentVolumeUtil';
import type { Handle } from '../framework/interfaces';
import { snapshotOf } from '../framework/snapshot';
import { NodeInfo } from '../nodeInfo';
import { ERR_REASON_BIND_CONFLICT, ERR_REASON_NODE_CONFLICT, ERR_REASON_PV_NOT_EXIST } from './volumeBinder';
import { ERR_REASON_UNBOUND_IMMEDIATE, volumeBinding } from './volumeBinding';
import { type PodVolume, staticStorageListers } from './volumeListers';
import { ERR_REASON_DISK_CONFLICT, ERR_REASON_RWOP_CONFLICT, volumeRestrictions } from './volumeRestrictions';
import { ERR_REASON_CONFLICT, volumeZone } from './volumeZone';

const podWith = (name: string, volumes: PodVolume[], nodeName?: string): Pod => ({
  metadata: { name, namespace: 'default', uid: name }, spec: { containers: [], volumes, ...(nodeName ? { nodeName } : {}) },
});
const nodeInfo = (labels: Record<string, string> = {}, ...pods: Pod[]): NodeInfo => {
  const n = new NodeInfo({ metadata: { name: 'node-a', labels }, spec: {} });
  for (const p of pods) n.addPod(p);
  return n;
};
const claimVol = (claimName: string): PodVolume => ({ name: claimName, persistentVolumeClaim: { claimName } });
const pvc = (name: string, spec: Partial<PersistentVolumeClaim['spec']> = {}, annotations?: Record<string, string>): PersistentVolumeClaim => ({
  metadata: { name, namespace: 'default', resourceVersion: '1', ...(annotations ? { annotations } : {}) },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});
const pv = (name: string, labels: Record<string, string> = {}, spec: Partial<PersistentVolume['spec']> = {}): PersistentVolume => ({
  metadata: { name, labels, resourceVersion: '1' }, spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], ...spec }, status: { phase: 'Available' },
});
const sc = (name: string, mode: 'Immediate' | 'WaitForFirstConsumer', provisioner = 'rancher.io/local-path'): StorageClass => ({ metadata: { name }, provisioner, volumeBindingMode: mode });

// volume_restrictions_test.go: TestGCEDiskConflicts, TestAWSDiskConflicts, TestRBDDiskConflicts, TestISCSIDiskConflicts, TestAccessModeConflicts.
const gce = (pdName: string, readOnly = false): PodVolume => ({ name: 'v', gcePersistentDisk: { pdName, readOnly } });
const aws = (volumeID: string): PodVolume => ({ name: 'v', awsElasticBlockStore: { volumeID } });
const rbd = (monitors: string[], image: string, readOnly = false): PodVolume => ({ name: 'v', rbd: { monitors, pool: 'foo', image, readOnly } });
const iscsi = (iqn: string, readOnly = false): PodVolume => ({ name: 'v', iscsi: { iqn, readOnly } });
const restrictionCases: [string, PodVolume[], PodVolume[], string][] = [
  ['no volumes on either side', [], [], 'Skip'],
  ['GCE: same disk read-write conflicts', [gce('foo')], [gce('foo')], ERR_REASON_DISK_CONFLICT],
  ['GCE: different disks', [gce('foo')], [gce('bar')], ''],
  ['GCE: same disk read-only on both sides', [gce('foo', true)], [gce('foo', true)], ''],
  ['AWS: same volume id conflicts even read-only', [aws('foo')], [aws('foo')], ERR_REASON_DISK_CONFLICT],
  ['AWS: different ids', [aws('foo')], [aws('bar')], ''],
  ['RBD: overlapping monitors, same pool and image', [rbd(['a', 'b'], 'foo')], [rbd(['b', 'c'], 'foo')], ERR_REASON_DISK_CONFLICT],
  ['RBD: disjoint monitors', [rbd(['a'], 'foo')], [rbd(['c'], 'foo')], ''],
  ['RBD: read-only on both sides', [rbd(['a'], 'foo', true)], [rbd(['a'], 'foo', true)], ''],
  ['ISCSI: same IQN read-write', [iscsi('iqn.1')], [iscsi('iqn.1')], ERR_REASON_DISK_CONFLICT],
  ['ISCSI: same IQN read-only on both sides', [iscsi('iqn.1', true)], [iscsi('iqn.1', true)], ''],
];
for (const [name, wanted, existing, want] of restrictionCases) {
  test(`VolumeRestrictions: ${name}`, () => {
    const node = nodeInfo({}, podWith('existing', existing, 'node-a'));
    const p = volumeRestrictions({ snapshot: () => snapshotOf([node]), informerFactory: undefined }, staticStorageListers({}));
    const state = new Map();
    const pre = p.preFilter(state, podWith('new', wanted), []);
    if (want === 'Skip') return assert.equal(pre.code, 'Skip');
    assert.equal(pre.code, 'Success');
    const s = p.filter(state, podWith('new', wanted), node);
    assert.deepEqual([s.code, s.reasons], want ? ['Unschedulable', [want]] : ['Success', []]);
  });
}

test('VolumeRestrictions: a ReadWriteOncePod claim in use by a scheduled pod rejects every node; removing that pod (preemption) clears it', () => {
  const holder = podWith('holder', [claimVol('rwop')], 'node-a');
  const node = nodeInfo({}, holder);
  const listers = staticStorageListers({ claims: [pvc('rwop', { accessModes: ['ReadWriteOncePod'] })] });
  const p = volumeRestrictions({ snapshot: () => snapshotOf([node]), informerFactory: undefined }, listers);
  const state = new Map();
  const wanting = podWith('new', [claimVol('rwop')]);
  assert.equal(p.preFilter(state, wanting, []).code, 'Success');
  assert.deepEqual(p.filter(state, wanting, nodeInfo()).reasons, [ERR_REASON_RWOP_CONFLICT]);
  const copy = new Map(state);
  assert.equal(p.preFilterExtensions?.()?.removePod(copy, wanting, holder, node).code, 'Success');
  assert.equal(p.filter(copy, wanting, nodeInfo()).code, 'Success');
  assert.deepEqual(p.filter(state, wanting, nodeInfo()).reasons, [ERR_REASON_RWOP_CONFLICT], 'the original state is untouched');
  assert.deepEqual(p.preFilter(new Map(), podWith('x', [claimVol('missing')]), []).reasons, ['persistentvolumeclaim "missing" not found']);
});

// volume_zone_test.go TestSingleZone / TestMultiZone / TestWithBinding.
const zoneListers = staticStorageListers({
  claims: [pvc('PVC_1', { volumeName: 'Vol_1' }), pvc('PVC_2', { volumeName: 'Vol_2' }), pvc('PVC_3', { volumeName: 'Vol_3' }), pvc('PVC_4', { volumeName: 'Vol_not_exist' }),
    pvc('PVC_Wait', { storageClassName: 'wait' }), pvc('PVC_Imm', { storageClassName: 'imm' }), pvc('PVC_NoSC', { storageClassName: '' })],
  volumes: [pv('Vol_1', { 'topology.kubernetes.io/zone': 'us-west1-a' }), pv('Vol_2', { 'topology.kubernetes.io/region': 'us-west1', 'failure-domain.beta.kubernetes.io/zone': 'us-west1-b__us-west1-c' }),
    pv('Vol_3', { 'failure-domain.beta.kubernetes.io/region': 'us-west1' })],
  classes: [sc('wait', 'WaitForFirstConsumer'), sc('imm', 'Immediate')],
});
const zoneCases: [string, string, Record<string, string>, string | undefined][] = [
  ['pod without volumes', '', {}, 'Skip'],
  ['node without zone labels fits', 'PVC_1', { 'kubernetes.io/hostname': 'host1' }, undefined],
  ['label zone matches', 'PVC_1', { 'topology.kubernetes.io/zone': 'us-west1-a' }, undefined],
  ['label zone mismatch', 'PVC_1', { 'topology.kubernetes.io/zone': 'us-west1-b' }, ERR_REASON_CONFLICT],
  ['one of several zones (beta label on the volume, GA on the node)', 'PVC_2', { 'topology.kubernetes.io/region': 'us-west1', 'topology.kubernetes.io/zone': 'us-west1-c' }, undefined],
  ['region matches but no zone among the volume\'s', 'PVC_2', { 'topology.kubernetes.io/region': 'us-west1', 'topology.kubernetes.io/zone': 'us-west1-a' }, ERR_REASON_CONFLICT],
  ['beta region on the volume against the GA region of the node', 'PVC_3', { 'topology.kubernetes.io/region': 'us-west1' }, undefined],
  ['a WaitForFirstConsumer claim not yet bound is left to VolumeBinding', 'PVC_Wait', { 'topology.kubernetes.io/zone': 'us-west1-a' }, 'Skip'],
];
for (const [name, claim, labels, want] of zoneCases) {
  test(`VolumeZone: ${name}`, () => {
    const p = volumeZone({ informerFactory: undefined }, zoneListers);
    const pod = podWith('p', claim ? [claimVol(claim)] : []);
    const state = new Map();
    const pre = p.preFilter(state, pod, []);
    if (want === 'Skip') return assert.equal(pre.code, 'Skip');
    assert.equal(pre.code, 'Success');
    const s = p.filter(state, pod, nodeInfo(labels));
    assert.deepEqual([s.code, s.reasons], want ? ['UnschedulableAndUnresolvable', [want]] : ['Success', []]);
  });
}
const zoneErrors: [string, string][] = [
  ['PVC_4', 'persistentvolume "Vol_not_exist" not found'], ['PVC_NotExist', 'persistentvolumeclaim "PVC_NotExist" not found'],
  ['PVC_Imm', 'PersistentVolume had no name'], ['PVC_NoSC', 'PersistentVolumeClaim had no pv name and storageClass name'],
];
for (const [claim, reason] of zoneErrors) {
  test(`VolumeZone: PreFilter stops the pod: ${reason}`, () => {
    const s = volumeZone({ informerFactory: undefined }, zoneListers).preFilter(new Map(), podWith('p', [claimVol(claim)]), []);
    assert.deepEqual([s.code, s.reasons], ['UnschedulableAndUnresolvable', [reason]]);
  });
}

// volume_binding_test.go TestVolumeBinding.
const zoneAffinity = (zone: string): PersistentVolume['spec']['nodeAffinity'] => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [zone] }] }] } });
const boundClaim = (name: string, volume: string) => pvc(name, { volumeName: volume, storageClassName: 'wait' }, { 'pv.kubernetes.io/bind-completed': 'yes' });
const bindingCases: { name: string; claims: PersistentVolumeClaim[]; volumes?: PersistentVolume[]; classes?: StorageClass[]; pre?: [string, string[]]; filter?: [string, string[]] }[] = [
  { name: 'pod has not pvcs', claims: [], pre: ['Skip', []] },
  { name: 'all bound', claims: [boundClaim('pvc-a', 'pv-a')], volumes: [pv('pv-a', {}, { nodeAffinity: zoneAffinity('zone-a'), storageClassName: 'wait' })], filter: ['Success', []] },
  { name: 'PVC does not exist', claims: [], pre: ['UnschedulableAndUnresolvable', ['persistentvolumeclaim "pvc-a" not found']] },
  { name: 'Part of PVCs do not exist', claims: [boundClaim('pvc-a', 'pv-a')], volumes: [pv('pv-a')], pre: ['UnschedulableAndUnresolvable', ['persistentvolumeclaim "pvc-b" not found']] },
  { name: 'immediate claims not bound', claims: [pvc('pvc-a', { storageClassName: 'imm' })], classes: [sc('imm', 'Immediate')], pre: ['UnschedulableAndUnresolvable', [ERR_REASON_UNBOUND_IMMEDIATE]] },
  { name: 'unbound claims no matches', claims: [pvc('pvc-a', { storageClassName: 'wait' })], classes: [sc('wait', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner')], filter: ['UnschedulableAndUnresolvable', [ERR_REASON_BIND_CONFLICT]] },
  { name: 'bound and unbound unsatisfied', claims: [boundClaim('pvc-a', 'pv-a'), pvc('pvc-b', { storageClassName: 'wait' })], volumes: [pv('pv-a', {}, { nodeAffinity: zoneAffinity('zone-b'), storageClassName: 'wait' })],
    classes: [sc('wait', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner')], filter: ['UnschedulableAndUnresolvable', [ERR_REASON_NODE_CONFLICT, ERR_REASON_BIND_CONFLICT]] },
  { name: 'pvc bound to a missing pv', claims: [boundClaim('pvc-a', 'pv-gone')], filter: ['UnschedulableAndUnresolvable', [ERR_REASON_PV_NOT_EXIST]] },
  { name: 'unbound claim with a static pv whose node affinity fits', claims: [pvc('pvc-a', { storageClassName: 'wait' })], volumes: [pv('pv-a', {}, { nodeAffinity: zoneAffinity('zone-a'), storageClassName: 'wait' })],
    classes: [sc('wait', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner')], filter: ['Success', []] },
  { name: 'unbound claim whose class can provision', claims: [pvc('pvc-a', { storageClassName: 'wait' })], classes: [sc('wait', 'WaitForFirstConsumer')], filter: ['Success', []] },
  { name: 'a claim already selected for another node', claims: [pvc('pvc-a', { storageClassName: 'wait' }, { 'volume.kubernetes.io/selected-node': 'node-b' })], classes: [sc('wait', 'WaitForFirstConsumer')],
    filter: ['UnschedulableAndUnresolvable', [ERR_REASON_BIND_CONFLICT]] },
];
for (const c of bindingCases) {
  test(`VolumeBinding: ${c.name}`, () => {
    const listers = staticStorageListers({ claims: c.claims, volumes: c.volumes ?? [], classes: c.classes ?? [sc('wait', 'WaitForFirstConsumer')] });
    const p = volumeBinding({}, { informerFactory: undefined } as unknown as Handle, listers);
    const names = c.name === 'PVC does not exist' ? ['pvc-a'] : c.name === 'Part of PVCs do not exist' ? ['pvc-a', 'pvc-b'] : c.claims.map((x) => x.metadata.name ?? '');
    const pod = podWith('p', names.map(claimVol));
    const state = new Map();
    const pre = p.preFilter(state, pod, []);
    if (c.pre) return assert.deepEqual([pre.code, pre.reasons], c.pre);
    assert.equal(pre.code, 'Success');
    const node: Node = { metadata: { name: 'node-a', labels: { 'topology.kubernetes.io/zone': 'zone-a' } }, spec: {} };
    const s = p.filter(state, pod, new NodeInfo(node));
    assert.deepEqual([s.code, s.reasons], c.filter);
  });
}

test('VolumeBinding: Reserve assumes the static volume so the next pod cannot take it; Unreserve gives it back', () => {
  const listers = staticStorageListers({
    claims: [pvc('pvc-a', { storageClassName: 'wait' }), pvc('pvc-b', { storageClassName: 'wait' })],
    volumes: [pv('pv-1', {}, { storageClassName: 'wait' })], classes: [sc('wait', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner')],
  });
  const p = volumeBinding({}, { informerFactory: undefined } as unknown as Handle, listers);
  const node = new NodeInfo({ metadata: { name: 'node-a' }, spec: {} });
  const first = podWith('first', [claimVol('pvc-a')]);
  const s1 = new Map();
  p.preFilter(s1, first, []);
  assert.equal(p.filter(s1, first, node).code, 'Success');
  assert.equal(p.reserve(s1, first, 'node-a').code, 'Success');
  const second = podWith('second', [claimVol('pvc-b')]);
  const s2 = new Map();
  p.preFilter(s2, second, []);
  assert.deepEqual(p.filter(s2, second, node).reasons, [ERR_REASON_BIND_CONFLICT], 'the only volume is spoken for');
  p.unreserve(s1, first, 'node-a');
  const s3 = new Map();
  p.preFilter(s3, second, []);
  assert.equal(p.filter(s3, second, node).code, 'Success');
});
