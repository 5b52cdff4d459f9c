/**
 * The apps group's printers against kubernetes/kubernetes
 * pkg/printers/internalversion/printers_test.go (TestPrintDeployment,
 * TestPrintReplicaSet, TestPrintStatefulSet, TestPrintDaemonSet,
 * TestPrintControllerRevision), with every wide cell as the server prints them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { controllerRevisionPrinter, daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './apps';
import { MINUTE, NOW, ago, cells, columnNames, obj } from './testing';
import type { Cell, TablePrinter } from './table';

function check(printer: TablePrinter, cases: [string, KubeObject, Cell[]][]): void {
  for (const [name, o, want] of cases) assert.deepEqual(cells(printer, o), want, name);
}

const template = { spec: { containers: [{ name: 'fake-container1', image: 'fake-image1' }, { name: 'fake-container2', image: 'fake-image2' }] } };
const foo = { matchLabels: { foo: 'bar' } };

test('printDeployment: READY ready/desired, UP-TO-DATE, AVAILABLE, then CONTAINERS, IMAGES, SELECTOR', () => {
  check(deploymentPrinter, [
    ['TestPrintDeployment', obj('test1', ago(-1900), { spec: { replicas: 5, template, selector: foo }, status: { replicas: 10, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 4 } }), ['test1', '0/5', 2, 1, '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2', 'foo=bar']],
    ['a rolled-out deployment', obj('web', ago(42 * MINUTE), { spec: { replicas: 3, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } }, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] } }, status: { readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 } }), ['web', '3/3', 3, 3, '42m', 'nginx', 'nginx:1.27', 'app=web,tier in (edge,front)']],
    ['an unconvertible selector is <invalid>', obj('bad', ago(-1900), { spec: { replicas: 1, template, selector: { matchExpressions: [{ key: 'k', operator: 'In', values: [] }] } } }), ['bad', '0/1', 0, 0, '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2', '<invalid>']],
  ]);
  assert.deepEqual(columnNames(deploymentPrinter), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers:1', 'Images:1', 'Selector:1']);
  assert.equal(deploymentPrinter.columns[2].description, 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.');
});

test('printReplicaSet and printStatefulSet', () => {
  check(replicaSetPrinter, [
    ['TestPrintReplicaSet', obj('test1', ago(-1900), { spec: { replicas: 5, template, selector: foo }, status: { replicas: 5, readyReplicas: 2 } }), ['test1', 5, 5, 2, '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2', 'foo=bar']],
    ['no selector', obj('replicaset2', ago(-1900), { spec: { replicas: 4, template: {} }, status: { replicas: 3, readyReplicas: 1 } }), ['replicaset2', 4, 3, 1, '0s', '', '', '<none>']],
  ]);
  check(statefulSetPrinter, [
    ['TestPrintStatefulSet', obj('test1', ago(-1900), { spec: { replicas: 5, template }, status: { replicas: 5, readyReplicas: 2 } }), ['test1', '2/5', '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2']],
  ]);
  assert.deepEqual(columnNames(statefulSetPrinter), ['Name', 'Ready', 'Age', 'Containers:1', 'Images:1']);
});

test('printDaemonSet: scheduling counts and NODE SELECTOR', () => {
  check(daemonSetPrinter, [
    ['TestPrintDaemonSet', obj('test1', ago(-1900), { spec: { template, selector: foo }, status: { currentNumberScheduled: 2, desiredNumberScheduled: 3, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 0 } }), ['test1', 3, 2, 1, 2, 0, '<none>', '0s', 'fake-container1,fake-container2', 'fake-image1,fake-image2', 'foo=bar']],
    ['node selector', obj('kube-proxy', ago(2 * 24 * 60 * MINUTE), { spec: { template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.0' }] } }, selector: { matchLabels: { 'k8s-app': 'kube-proxy' } } }, status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3 } }), ['kube-proxy', 3, 3, 3, 3, 3, 'kubernetes.io/os=linux', '2d', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.32.0', 'k8s-app=kube-proxy']],
  ]);
});

test('printControllerRevision: CONTROLLER as kind.group/name of the controlling owner', () => {
  check(controllerRevisionPrinter, [
    ['controller', obj('test1', ago(-1900), { metadata: { ownerReferences: [{ controller: true, apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'foo' }] }, revision: 1 }), ['test1', 'daemonset.apps/foo', 1, '0s']],
    ['owner that is not the controller', obj('test2', ago(-1900), { metadata: { ownerReferences: [{ controller: false, kind: 'ABC', name: 'foo' }] }, revision: 2 }), ['test2', '<none>', 2, '0s']],
    ['no owners', obj('test3', ago(-1900), { metadata: { ownerReferences: [] }, revision: 3 }), ['test3', '<none>', 3, '0s']],
    ['core group owner', obj('test4', ago(-1900), { metadata: { ownerReferences: [{ controller: true, apiVersion: 'v1', kind: 'ReplicationController', name: 'rc' }] }, revision: 4 }), ['test4', 'replicationcontroller/rc', 4, '0s']],
  ]);
  const row = controllerRevisionPrinter.print(obj('bad', ago(0), { metadata: { ownerReferences: [{ controller: true, apiVersion: 'a/b/c', kind: 'X', name: 'x' }] } }), NOW);
  assert.deepEqual(row, { error: 'unexpected GroupVersion string: a/b/c' });
});
