import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node } from '../api/types';
import { localPathError } from '../storage/localPathProvisioner';
import { reclaimAction } from './persistentVolumeReclaim';
import {
  type PersistentVolume, type PersistentVolumeClaim, type VolumePhase, bindClaimToVolume, bindVolumeToClaim, checkVolumeSatisfyClaim, findBestMatchForClaim, findMatchingVolume, podClaimKeys,
} from './persistentVolumeUtil';

function pvc(spec: Partial<PersistentVolumeClaim['spec']> = {}, uid = 'c-1'): PersistentVolumeClaim {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns', uid, resourceVersion: '7' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'fast', ...spec } };
}

function pv(name: string, size: string, extra: { spec?: Partial<PersistentVolume['spec']>; labels?: Record<string, string>; phase?: VolumePhase; deleting?: boolean } = {}): PersistentVolume {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}), ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName: 'fast', hostPath: { path: `/mnt/${name}` }, ...extra.spec },
    status: { phase: extra.phase ?? 'Available' },
  };
}

const node = (name: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } } as unknown as Node);
const onNode = (n: string) => ({ nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In' as const, values: [n] }] }] } } });

test('findMatchingVolume picks the smallest available volume that fits, as FindMatchingVolume', () => {
  const cases: { name: string; claim: PersistentVolumeClaim; volumes: PersistentVolume[]; node?: Node; delay?: boolean; want: string | undefined }[] = [
    { name: 'smallest that is big enough', claim: pvc({ resources: { requests: { storage: '2Gi' } } }), volumes: [pv('a', '10Gi'), pv('b', '1Gi'), pv('c', '2048Mi'), pv('d', '3Gi')], want: 'c' },
    { name: 'too small everywhere', claim: pvc({ resources: { requests: { storage: '5Gi' } } }), volumes: [pv('a', '4Gi')], want: undefined },
    { name: 'class must match', claim: pvc(), volumes: [pv('a', '1Gi', { spec: { storageClassName: 'slow' } }), pv('b', '5Gi')], want: 'b' },
    { name: 'an empty class matches only volumes without one', claim: pvc({ storageClassName: '' }), volumes: [pv('a', '1Gi'), pv('b', '5Gi', { spec: { storageClassName: '' } })], want: 'b' },
    { name: 'selector must match', claim: pvc({ selector: { matchLabels: { tier: 'gold' } } }), volumes: [pv('a', '1Gi', { labels: { tier: 'silver' } }), pv('b', '2Gi', { labels: { tier: 'gold' } })], want: 'b' },
    { name: 'volume modes must agree (Filesystem by default)', claim: pvc({ volumeMode: 'Block' }), volumes: [pv('a', '1Gi'), pv('b', '2Gi', { spec: { volumeMode: 'Block' } })], want: 'b' },
    { name: 'only Available volumes', claim: pvc(), volumes: [pv('a', '1Gi', { phase: 'Released' }), pv('b', '2Gi', { phase: 'Pending' })], want: undefined },
    { name: 'not a volume being deleted', claim: pvc(), volumes: [pv('a', '1Gi', { deleting: true })], want: undefined },
    { name: 'not one claimed by another', claim: pvc(), volumes: [pv('a', '1Gi', { spec: { claimRef: { namespace: 'ns', name: 'other' } } })], want: undefined },
    { name: 'a volume pre-bound to the claim wins over a better fit, whatever its phase', claim: pvc(), volumes: [pv('a', '1Gi'), pv('b', '9Gi', { phase: 'Pending', spec: { claimRef: { namespace: 'ns', name: 'data', uid: 'c-1' } } })], want: 'b' },
    { name: 'pre-bound to an older claim of the same name does not count', claim: pvc(), volumes: [pv('b', '9Gi', { spec: { claimRef: { namespace: 'ns', name: 'data', uid: 'old' } } })], want: undefined },
    { name: 'the controller leaves a delayed claim to the scheduler', claim: pvc(), volumes: [pv('a', '1Gi')], delay: true, want: undefined },
    { name: 'but takes a volume pre-bound to a delayed claim', claim: pvc(), volumes: [pv('a', '1Gi', { spec: { claimRef: { namespace: 'ns', name: 'data' } } })], delay: true, want: 'a' },
    { name: 'on a node, node affinity must allow it', claim: pvc(), volumes: [pv('a', '1Gi', { spec: onNode('node-2') }), pv('b', '2Gi', { spec: onNode('node-1') })], node: node('node-1'), delay: true, want: 'b' },
    { name: 'on a node, access modes are checked too', claim: pvc({ accessModes: ['ReadWriteMany'] }), volumes: [pv('a', '1Gi')], node: node('node-1'), delay: true, want: undefined },
  ];
  for (const c of cases) assert.equal(findMatchingVolume(c.claim, c.volumes, c.node, c.delay ?? false)?.metadata.name, c.want, c.name);
});

test('findBestMatchForClaim prefers volumes offering the fewest access modes', () => {
  const volumes = [pv('rwo-rwx-1g', '1Gi', { spec: { accessModes: ['ReadWriteOnce', 'ReadWriteMany'] } }), pv('rwo-5g', '5Gi'), pv('rox', '1Gi', { spec: { accessModes: ['ReadOnlyMany'] } })];
  assert.equal(findBestMatchForClaim(pvc(), volumes, false)?.metadata.name, 'rwo-5g');
  assert.equal(findBestMatchForClaim(pvc({ accessModes: ['ReadWriteMany'] }), volumes, false)?.metadata.name, 'rwo-rwx-1g');
  assert.equal(findBestMatchForClaim(pvc({ accessModes: ['ReadWriteOncePod'] }), volumes, false), undefined);
});

test('checkVolumeSatisfyClaim says why a named volume does not fit', () => {
  const cases: [string, PersistentVolume, PersistentVolumeClaim, string | undefined][] = [
    ['fits', pv('a', '1Gi'), pvc(), undefined],
    ['deleting', pv('a', '1Gi', { deleting: true }), pvc(), 'the volume is marked for deletion "a"'],
    ['small', pv('a', '1Gi'), pvc({ resources: { requests: { storage: '2Gi' } } }), 'requested PV is too small'],
    ['class', pv('a', '1Gi', { spec: { storageClassName: 'slow' } }), pvc(), 'storageClassName does not match'],
    ['mode', pv('a', '1Gi', { spec: { volumeMode: 'Block' } }), pvc(), 'incompatible volumeMode'],
    ['access', pv('a', '1Gi'), pvc({ accessModes: ['ReadOnlyMany'] }), 'incompatible accessMode'],
  ];
  for (const [name, v, c, want] of cases) assert.equal(checkVolumeSatisfyClaim(v, c), want, name);
});

test('binding writes the claimRef and volumeName with the annotations upstream sets', () => {
  const claim = pvc();
  const chosen = bindVolumeToClaim(pv('a', '1Gi'), claim);
  assert.equal(chosen.dirty, true);
  assert.deepEqual(chosen.volume.spec.claimRef, { kind: 'PersistentVolumeClaim', namespace: 'ns', name: 'data', uid: 'c-1', apiVersion: 'v1', resourceVersion: '7' });
  assert.deepEqual(chosen.volume.metadata.annotations, { 'pv.kubernetes.io/bound-by-controller': 'yes' });
  // A volume the user pre-bound by name gets the claim's uid but is not marked as the controller's choice.
  const prebound = bindVolumeToClaim(pv('b', '1Gi', { spec: { claimRef: { namespace: 'ns', name: 'data' } } }), claim);
  assert.equal(prebound.volume.spec.claimRef?.uid, 'c-1');
  assert.equal(prebound.volume.metadata.annotations, undefined);
  assert.equal(bindVolumeToClaim(chosen.volume, claim).dirty, false);

  const bound = bindClaimToVolume(claim, chosen.volume);
  assert.deepEqual([bound.dirty, bound.claim.spec.volumeName, bound.claim.metadata.annotations], [true, 'a', { 'pv.kubernetes.io/bound-by-controller': 'yes', 'pv.kubernetes.io/bind-completed': 'yes' }]);
  const named = bindClaimToVolume(pvc({ volumeName: 'a' }), chosen.volume);
  assert.deepEqual(named.claim.metadata.annotations, { 'pv.kubernetes.io/bind-completed': 'yes' });
  assert.equal(bindClaimToVolume(bound.claim, chosen.volume).dirty, false);
});

test('reclaimAction follows the policy and the volume plugins the controller has', () => {
  const cases: [string, PersistentVolume, ReturnType<typeof reclaimAction>][] = [
    ['Retain keeps it', pv('a', '1Gi', { spec: { persistentVolumeReclaimPolicy: 'Retain' } }), { kind: 'retain' }],
    ['hostPath outside /tmp has no deleter', pv('a', '1Gi', { spec: { persistentVolumeReclaimPolicy: 'Delete' } }), { kind: 'failed', reason: 'VolumeFailedDelete', message: 'host_path deleter only supports /tmp/.+ but received provided /mnt/a' }],
    ['hostPath under /tmp is deleted', pv('a', '1Gi', { spec: { persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: '/tmp/a' } } }), { kind: 'delete' }],
    ['CSI volumes are the driver\'s', pv('a', '1Gi', { spec: { persistentVolumeReclaimPolicy: 'Delete', hostPath: undefined, csi: { driver: 'd', volumeHandle: 'h' } } }), { kind: 'external' }],
    ['local volumes have no deleter', pv('a', '1Gi', { spec: { persistentVolumeReclaimPolicy: 'Delete', hostPath: undefined, local: { path: '/l' } } }),
      { kind: 'failed', reason: 'VolumeFailedDelete', message: 'error getting deleter volume plugin for volume "a": no deletable volume plugin matched' }],
    ['hostPath is recycled', pv('a', '1Gi', { spec: { persistentVolumeReclaimPolicy: 'Recycle' } }), { kind: 'recycled' }],
    ['local is not', pv('a', '1Gi', { spec: { persistentVolumeReclaimPolicy: 'Recycle', hostPath: undefined, local: { path: '/l' } } }), { kind: 'failed', reason: 'VolumeFailedRecycle', message: 'No recycler plugin found for the volume!' }],
  ];
  for (const [name, v, want] of cases) assert.deepEqual(reclaimAction(v), want, name);
  const provisioned = pv('p', '1Gi', { spec: { persistentVolumeReclaimPolicy: 'Delete' } });
  provisioned.metadata.annotations = { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' };
  assert.deepEqual(reclaimAction(provisioned), { kind: 'external' });
});

test('local-path refuses what it cannot provision with its own words', () => {
  const n = node('node-1');
  const cases: [PersistentVolumeClaim, Node | undefined, string | undefined][] = [
    [pvc(), n, undefined],
    [pvc({ accessModes: ['ReadWriteOncePod'] }), n, undefined],
    [pvc({ accessModes: ['ReadWriteMany'] }), n, 'NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes'],
    [pvc({ selector: { matchLabels: { a: 'b' } } }), n, 'claim.Spec.Selector is not supported'],
    [pvc({ volumeMode: 'Block' }), n, 'rancher.io/local-path does not support block volume provisioning'],
    [pvc(), undefined, 'configuration error, no node was specified'],
  ];
  for (const [c, at, want] of cases) assert.equal(localPathError(c, at), want);
});

test('podClaimKeys indexes claims and generic ephemeral volumes', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [], volumes: [{ name: 'a', persistentVolumeClaim: { claimName: 'data' } }, { name: 'scratch', ephemeral: { volumeClaimTemplate: {} } }, { name: 'e', emptyDir: {} }] } };
  assert.deepEqual(podClaimKeys(pod), ['ns/data', 'ns/p-scratch']);
});
