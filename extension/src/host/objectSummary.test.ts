import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerStatus, KubeObject, Node, Pod } from '../lab/api/types';
import { describeObject, escapeMarkdown, nodeIcon, nodeStatus, podRow } from './objectSummary';
import { kindSpec, type KindSpec } from './resourceKinds';

const T = '2026-01-01T00:00:00Z';
const running = (name: string, restartCount = 0, ready = true): ContainerStatus => ({ name, image: 'nginx', imageID: '', ready, restartCount, state: { running: { startedAt: T } }, lastState: restartCount ? { terminated: { exitCode: 1, finishedAt: T } } : {} });
const waiting = (name: string, reason: string, restartCount = 0): ContainerStatus => ({ name, image: 'nginx', imageID: '', ready: false, restartCount, state: { waiting: { reason } }, lastState: {} });

function pod(statuses: ContainerStatus[], extra: { nodeName?: string; phase?: 'Pending' | 'Running' | 'Succeeded'; deleting?: boolean; containers?: number; ready?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: T, ...(extra.deleting ? { deletionTimestamp: T } : {}) },
    spec: { ...(extra.nodeName ? { nodeName: extra.nodeName } : {}), containers: Array.from({ length: extra.containers ?? statuses.length ?? 1 }, (_, i) => ({ name: `c${i}`, image: 'nginx' })) },
    status: { phase: extra.phase ?? 'Running', conditions: [{ type: 'Ready', status: extra.ready ?? statuses.every((s) => s.ready) ? 'True' : 'False' }], containerStatuses: statuses },
  };
}

test('a pod row reads STATUS · READY · restarts · NODE as kubectl prints them', () => {
  const cases: [string, Pod, string, string][] = [
    ['running and ready', pod([running('a')], { nodeName: 'node-1' }), 'Running · 1/1 · node-1', 'pass-filled'],
    ['restarted twice', pod([running('a', 2), running('b')], { nodeName: 'node-2' }), 'Running · 2/2 · 2 restarts · node-2', 'pass-filled'],
    ['restarted once', pod([running('a', 1)], { nodeName: 'node-2' }), 'Running · 1/1 · 1 restart · node-2', 'pass-filled'],
    ['running, not ready', pod([running('a', 0, false)], { nodeName: 'node-1', ready: false }), 'Running · 0/1 · node-1', 'circle-large-filled'],
    ['crash looping', pod([waiting('a', 'CrashLoopBackOff', 5)], { nodeName: 'node-3' }), 'CrashLoopBackOff · 0/1 · 5 restarts · node-3', 'error'],
    ['unscheduled', pod([], { phase: 'Pending', containers: 1 }), 'Pending · 0/1 · <none>', 'clock'],
    ['creating', pod([waiting('a', 'ContainerCreating')], { phase: 'Pending', nodeName: 'node-1' }), 'ContainerCreating · 0/1 · node-1', 'loading~spin'],
    ['being deleted', pod([running('a')], { nodeName: 'node-1', deleting: true }), 'Terminating · 1/1 · node-1', 'trash'],
    ['image pull failing', pod([waiting('a', 'ImagePullBackOff')], { phase: 'Pending', nodeName: 'node-1' }), 'ImagePullBackOff · 0/1 · node-1', 'error'],
  ];
  for (const [name, p, description, icon] of cases) {
    const row = podRow(p);
    assert.equal(row.description, description, name);
    assert.equal(row.icon.id, icon, name);
  }
});

test('a node reads Ready or NotReady, and SchedulingDisabled when cordoned', () => {
  const node = (ready: 'True' | 'False' | undefined, unschedulable = false): Node => ({
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: unschedulable ? { unschedulable } : {},
    status: { conditions: ready ? [{ type: 'Ready', status: ready }] : [] },
  });
  const cases: [Node, string, string | undefined][] = [
    [node('True'), 'Ready', 'testing.iconPassed'],
    [node('False'), 'NotReady', 'testing.iconFailed'],
    [node(undefined), 'Unknown', 'testing.iconFailed'],
    [node('True', true), 'Ready,SchedulingDisabled', 'list.warningForeground'],
    [node('False', true), 'NotReady,SchedulingDisabled', 'testing.iconFailed'],
  ];
  for (const [n, status, color] of cases) {
    assert.equal(nodeStatus(n), status);
    assert.equal(nodeIcon(status).color, color, status);
  }
});

test('other kinds are described from their kubectl columns', () => {
  const spec = (k: string) => kindSpec(k) as KindSpec;
  const cases: [string, KubeObject, string][] = [
    ['Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 3 }, status: { readyReplicas: 2 } }, '2/3 ready'],
    ['ReplicaSet', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { replicas: 4 }, status: { replicas: 4, readyReplicas: 4 } }, '4/4 ready'],
    ['Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'NodePort', clusterIP: '10.96.0.12', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] } }, 'NodePort · 10.96.0.12 · 80:30080/TCP'],
    ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, '1 key'],
    ['Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { a: 'MQ==', b: 'Mg==' } }, 'Opaque · 2 keys'],
    ['Job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { completions: 1 }, status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } }, 'Complete · 1/1'],
    ['CronJob', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '*/5 * * * *', suspend: true } }, '*/5 * * * * · suspended'],
    ['ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }, ''],
  ];
  for (const [kind, obj, want] of cases) assert.equal(describeObject(spec(kind), obj), want, kind);
});

test('text from the cluster shows literally in Markdown', () => {
  assert.equal(escapeMarkdown('0/3 nodes: *taint* [x](y) <b>'), '0/3 nodes: \\*taint\\* \\[x\\]\\(y\\) \\<b\\>');
});
