/**
 * printPod's cells, case for case from TestPrintPod, TestPrintPodWithRestartableInitContainer,
 * TestPrintPodwide and TestPrintNonTerminatedPod in kubernetes/kubernetes
 * pkg/printers/internalversion/printers_test.go, written as v1 JSON.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { podPrinter } from './pod';
import { DAY, MINUTE, SECOND, ago, cells, columnNames, obj, printed } from './testing';

const running = { running: {} };
const waiting = (reason?: string) => ({ waiting: reason === undefined ? {} : { reason } });
const finished = (ms: number) => ({ terminated: { exitCode: 0, finishedAt: ago(ms) } });

function pod(name: string, spec: Record<string, unknown>, status: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return obj(name, undefined, { metadata, spec, status });
}

const two = { containers: [{}, {}] };
const one = { containers: [{}] };
const sidecars = { initContainers: [{ name: 'restartable-init-1', restartPolicy: 'Always' }, { name: 'restartable-init-2', restartPolicy: 'Always' }], containers: [{}] };
const deleting = { deletionTimestamp: ago(10 * SECOND) };

test('printPod: NAME, READY, STATUS, RESTARTS and AGE as upstream computes them', () => {
  const cases: [string, KubeObject, string[]][] = [
    ['phase when containers are fine', pod('test1', two, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3 }] }), ['test1', '1/2', 'podPhase', '6', '<unknown>']],
    ['a waiting container overrides the phase', pod('test2', two, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3, state: waiting('ContainerWaitingReason') }] }), ['test2', '1/2', 'ContainerWaitingReason', '6', '<unknown>']],
    ['the first container wins', pod('test3', two, { phase: 'podPhase', containerStatuses: [{ restartCount: 3, state: waiting('ContainerWaitingReason') }, { restartCount: 3, state: { terminated: { reason: 'ContainerTerminatedReason', exitCode: 0 } } }] }), ['test3', '0/2', 'ContainerWaitingReason', '6', '<unknown>']],
    ['ready is not enough for running', pod('test4', two, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: running }, { ready: true, restartCount: 3 }] }), ['test4', '1/2', 'podPhase', '6', '<unknown>']],
    ['status.reason beats the phase', pod('test5', two, { reason: 'podReason', phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: running }, { ready: true, restartCount: 3 }] }), ['test5', '1/2', 'podReason', '6', '<unknown>']],
    ['completed and running without Ready is NotReady', pod('test6', two, { phase: 'Running', containerStatuses: [{ ready: true, restartCount: 3, state: { terminated: { reason: 'Completed', exitCode: 0 } } }, { ready: true, restartCount: 3, state: running }] }), ['test6', '1/2', 'NotReady', '6', '<unknown>']],
    ['completed and running with Ready is Running', pod('test6', two, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ ready: true, restartCount: 3, state: { terminated: { reason: 'Completed', exitCode: 0 } } }, { ready: true, restartCount: 3, state: running }] }), ['test6', '1/2', 'Running', '6', '<unknown>']],
    ['an init container restarting', pod('test7', { initContainers: [{}], ...one }, { phase: 'podPhase', initContainerStatuses: [{ restartCount: 3, state: running, lastState: finished(10 * SECOND) }], containerStatuses: [{ state: waiting() }] }), ['test7', '0/1', 'Init:0/1', '3 (10s ago)', '<unknown>']],
    ['two init containers, the first restarting', pod('test8', { initContainers: [{}, {}], ...one }, { phase: 'podPhase', initContainerStatuses: [{ restartCount: 3, state: running, lastState: finished(10 * SECOND) }, { state: waiting() }], containerStatuses: [{ state: waiting() }] }), ['test8', '0/1', 'Init:0/2', '3 (10s ago)', '<unknown>']],
    ['the first init container done', pod('test9', { initContainers: [{}, {}], ...one }, { phase: 'podPhase', initContainerStatuses: [{ state: { terminated: { exitCode: 0 } } }, { restartCount: 3, state: running, lastState: finished(10 * SECOND) }], containerStatuses: [{ state: waiting() }] }), ['test9', '0/1', 'Init:1/2', '3 (10s ago)', '<unknown>']],
    ['restarts of done init containers count', pod('test10', { initContainers: [{}, {}], ...one }, { phase: 'podPhase', initContainerStatuses: [{ restartCount: 2, state: { terminated: { exitCode: 0 } }, lastState: finished(2 * MINUTE) }, { restartCount: 3, state: running, lastState: finished(10 * SECOND) }], containerStatuses: [{ state: waiting() }] }), ['test10', '0/1', 'Init:1/2', '5 (10s ago)', '<unknown>']],
    ['once initialised only app containers count', pod('test11', { initContainers: [{}], ...one }, { phase: 'Running', initContainerStatuses: [{ restartCount: 2, state: { terminated: { exitCode: 0 } }, lastState: finished(2 * MINUTE) }], containerStatuses: [{ restartCount: 4, state: running, lastState: finished(20 * SECOND) }] }), ['test11', '0/1', 'Running', '4 (20s ago)', '<unknown>']],
    ['a restart five days ago', pod('test12', one, { phase: 'Running', containerStatuses: [{ ready: true, restartCount: 3, state: running, lastState: finished(5 * DAY) }] }), ['test12', '1/1', 'Running', '3 (5d ago)', '<unknown>']],
    ['the latest restart of any container', pod('test14', two, { phase: 'Running', containerStatuses: [{ ready: true, restartCount: 6, state: running, lastState: finished(5 * DAY) }, { ready: true, restartCount: 3, state: running, lastState: finished(20 * DAY) }] }), ['test14', '2/2', 'Running', '9 (5d ago)', '<unknown>']],
    ['scheduling gated', pod('test15', two, { phase: 'podPhase', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), ['test15', '0/2', 'SchedulingGated', '0', '<unknown>']],
    ['a failed container shows its reason', pod('test17', one, { phase: 'Failed', containerStatuses: [{ state: { terminated: { reason: 'Error', exitCode: 1 } } }] }), ['test17', '0/1', 'Error', '0', '<unknown>']],
    ['a finished pod being deleted keeps its reason', pod('test18', one, { phase: 'Succeeded', containerStatuses: [{ state: { terminated: { reason: 'Completed', exitCode: 0 } } }] }, deleting), ['test18', '0/1', 'Completed', '0', '<unknown>']],
    ['a running pod being deleted is Terminating', pod('test19', one, { phase: 'Running', containerStatuses: [{ state: running }] }, deleting), ['test19', '0/1', 'Terminating', '0', '<unknown>']],
    ['a pending pod being deleted is Terminating', pod('test20', one, { phase: 'Pending' }, deleting), ['test20', '0/1', 'Terminating', '0', '<unknown>']],
    ['a pod on a lost node being deleted is Unknown', pod('lost', one, { phase: 'Running', reason: 'NodeLost', containerStatuses: [{ ready: true, state: running }] }, deleting), ['lost', '1/1', 'Unknown', '0', '<unknown>']],
    ['an exit code without a reason', pod('crash', one, { phase: 'Running', containerStatuses: [{ restartCount: 1, state: { terminated: { exitCode: 2 } } }] }), ['crash', '0/1', 'ExitCode:2', '1', '<unknown>']],
    ['a signal without a reason', pod('killed', { initContainers: [{}], ...one }, { phase: 'Pending', initContainerStatuses: [{ state: { terminated: { exitCode: 137, signal: 9 } } }] }), ['killed', '0/1', 'Init:Signal:9', '0', '<unknown>']],
    ['an init container crash looping', pod('looping', { initContainers: [{}], ...one }, { phase: 'Pending', initContainerStatuses: [{ restartCount: 4, state: waiting('CrashLoopBackOff'), lastState: { terminated: { exitCode: 1, finishedAt: ago(30 * SECOND) } } }] }), ['looping', '0/1', 'Init:CrashLoopBackOff', '4 (30s ago)', '<unknown>']],
    ['sidecar running but not started', pod('test1', sidecars, { phase: 'Pending', conditions: [{ type: 'Initialized', status: 'False' }], initContainerStatuses: [{ name: 'restartable-init-1', restartCount: 3, state: running, started: false, lastState: finished(10 * SECOND) }, { name: 'restartable-init-2', state: waiting(), started: false }], containerStatuses: [{ state: waiting() }] }), ['test1', '0/3', 'Init:0/2', '3 (10s ago)', '<unknown>']],
    ['first sidecar started', pod('test1', sidecars, { phase: 'Pending', conditions: [{ type: 'Initialized', status: 'False' }], initContainerStatuses: [{ name: 'restartable-init-1', restartCount: 3, state: running, started: true, lastState: finished(10 * SECOND) }, { name: 'restartable-init-2', state: running, started: false }], containerStatuses: [{ state: waiting() }] }), ['test1', '0/3', 'Init:1/2', '3 (10s ago)', '<unknown>']],
    ['sidecars started and the app running', pod('test2', sidecars, { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }], initContainerStatuses: [{ name: 'restartable-init-1', restartCount: 3, state: running, started: true, lastState: finished(10 * SECOND) }, { name: 'restartable-init-2', state: running, started: true }], containerStatuses: [{ ready: true, restartCount: 4, state: running, lastState: finished(20 * SECOND) }] }), ['test2', '1/3', 'Running', '7 (10s ago)', '<unknown>']],
    ['sidecars failed after the app completed', pod('test3', sidecars, { phase: 'Succeeded', conditions: [{ type: 'Initialized', status: 'True' }], initContainerStatuses: [{ name: 'restartable-init-1', restartCount: 3, state: { terminated: { reason: 'Error', exitCode: 137 } }, started: false, lastState: finished(10 * SECOND) }, { name: 'restartable-init-2', state: { terminated: { reason: 'Error', exitCode: 137 } }, started: false }], containerStatuses: [{ restartCount: 4, state: { terminated: { reason: 'Completed', exitCode: 0 } }, lastState: finished(20 * SECOND) }] }), ['test3', '0/3', 'Completed', '7 (10s ago)', '<unknown>']],
    ['statuses for containers the spec lacks', pod('test4', { initContainers: [{ name: 'init1', image: 'initimage' }, { name: 'sidecar1', image: 'sidecarimage', restartPolicy: 'Always' }], containers: [{ name: 'container1', image: 'containerimage' }] }, { phase: 'Running', initContainerStatuses: [{ name: 'initinvalid' }, { name: 'init1' }, { name: 'sidecar1' }], containerStatuses: [{ name: 'containerinvalid' }, { name: 'container1' }] }), ['test4', '0/2', 'Init:0/2', '0', '<unknown>']],
    ['Unknown phase', pod('test3', two, { phase: 'Unknown', containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3 }] }), ['test3', '1/2', 'Unknown', '6', '<unknown>']],
  ];
  for (const [name, p, want] of cases) assert.deepEqual(cells(podPrinter, p).slice(0, 5), want, name);
});

test('printPod marks finished pods with a Completed row condition', () => {
  const statuses = [{ ready: true, restartCount: 3, state: running }, { restartCount: 3 }];
  const cases: [string, string, unknown][] = [
    ['Running', 'Running', undefined],
    ['Succeeded', 'Succeeded', [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]],
    ['Failed', 'Failed', [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]],
  ];
  for (const [phase, status, conditions] of cases) {
    const row = printed(podPrinter, pod('test1', two, { phase, containerStatuses: statuses }));
    assert.equal(row.cells[2], status);
    assert.deepEqual(row.conditions, conditions, phase);
  }
});

test('printPod wide columns: IP, NODE, NOMINATED NODE, READINESS GATES (TestPrintPodwide)', () => {
  const gates = { ...two, nodeName: 'test1', readinessGates: [{ conditionType: 'condition1' }, { conditionType: 'condition2' }, { conditionType: 'condition3' }] };
  const gated = { phase: 'podPhase', nominatedNodeName: 'node1', conditions: [{ type: 'condition1', status: 'False' }, { type: 'condition2', status: 'True' }], containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3 }] };
  const cases: [string, KubeObject, string[]][] = [
    ['first pod IP', pod('test1', gates, { ...gated, podIPs: [{ ip: '1.1.1.1' }] }), ['test1', '1/2', 'podPhase', '6', '<unknown>', '1.1.1.1', 'test1', 'node1', '1/3']],
    ['dual stack shows the first', pod('test1', gates, { ...gated, podIPs: [{ ip: '1.1.1.1' }, { ip: '2001:db8::' }] }), ['test1', '1/2', 'podPhase', '6', '<unknown>', '1.1.1.1', 'test1', 'node1', '1/3']],
    ['podIP as v1 writes it', pod('test1', gates, { ...gated, podIP: '10.0.0.7' }), ['test1', '1/2', 'podPhase', '6', '<unknown>', '10.0.0.7', 'test1', 'node1', '1/3']],
    ['nothing known', pod('test2', { ...two, nodeName: '' }, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3, state: waiting('ContainerWaitingReason') }] }), ['test2', '1/2', 'ContainerWaitingReason', '6', '<unknown>', '<none>', '<none>', '<none>', '<none>']],
  ];
  for (const [name, p, want] of cases) assert.deepEqual(cells(podPrinter, p), want, name);
});

test('printPod AGE measures creationTimestamp to now', () => {
  const cases: [string, string][] = [[ago(-1900), '0s'], [ago(-2100), '<invalid>'], [ago(30 * SECOND), '30s'], [ago(5 * MINUTE), '5m'], [ago(100 * MINUTE), '100m'], [ago(90 * DAY), '90d']];
  for (const [created, want] of cases) assert.equal(cells(podPrinter, obj('p', created, { spec: one, status: { phase: 'Pending' } }))[4], want, created);
});

test('pod columns are upstream podColumnDefinitions', () => {
  assert.deepEqual(columnNames(podPrinter), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1']);
  assert.deepEqual(podPrinter.columns[3], {
    name: 'Restarts', type: 'string', format: '', priority: 0,
    description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
  });
  assert.equal(podPrinter.columns[0].format, 'name');
  assert.equal(podPrinter.columns[5].description, 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.');
});
