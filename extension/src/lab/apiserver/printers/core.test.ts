/**
 * The core group's printers against the cases of kubernetes/kubernetes
 * pkg/printers/internalversion/printers_test.go (TestPrintNodeStatus,
 * TestPrintNodeRole, TestPrintNodeExternalIP, TestPrintService,
 * TestPrintServiceLoadBalancer, TestPrintEndpoint, TestPrintResourceQuota, …),
 * always with every (wide) cell: pkg/printers/storage/storage.go prints with Wide: true.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import {
  componentStatusPrinter, configMapPrinter, endpointsPrinter, namespacePrinter, nodePrinter, podTemplatePrinter, replicationControllerPrinter,
  resourceQuotaPrinter, secretPrinter, serviceAccountPrinter, servicePrinter,
} from './core';
import { MINUTE, ago, cells, columnNames, obj } from './testing';
import type { Cell, TablePrinter } from './table';

function check(printer: TablePrinter, cases: [string, KubeObject, Cell[]][]): void {
  for (const [name, o, want] of cases) assert.deepEqual(cells(printer, o), want, name);
}

const node = (name: string, rest: Record<string, unknown>) => obj(name, undefined, rest);
const ready = (status: string) => ({ conditions: [{ type: 'Ready', status }] });
const unknownInfo = ['<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'];

test('printNode: STATUS from Ready plus SchedulingDisabled, ROLES from labels', () => {
  check(nodePrinter, [
    ['ready', node('foo1', { status: ready('True') }), ['foo1', 'Ready', '<none>', '<unknown>', '', ...unknownInfo]],
    ['cordoned', node('foo2', { spec: { unschedulable: true }, status: ready('True') }), ['foo2', 'Ready,SchedulingDisabled', '<none>', '<unknown>', '', ...unknownInfo]],
    ['Ready twice', node('foo3', { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Ready', status: 'True' }] } }), ['foo3', 'Ready', '<none>', '<unknown>', '', ...unknownInfo]],
    ['not ready', node('foo4', { status: ready('False') }), ['foo4', 'NotReady', '<none>', '<unknown>', '', ...unknownInfo]],
    ['not ready and cordoned', node('foo5', { spec: { unschedulable: true }, status: ready('False') }), ['foo5', 'NotReady,SchedulingDisabled', '<none>', '<unknown>', '', ...unknownInfo]],
    ['Ready unknown', node('lost', { status: ready('Unknown') }), ['lost', 'NotReady', '<none>', '<unknown>', '', ...unknownInfo]],
    ['no Ready condition', node('foo6', { status: { conditions: [{ type: 'InvalidValue', status: 'True' }] } }), ['foo6', 'Unknown', '<none>', '<unknown>', '', ...unknownInfo]],
    ['no Ready condition, cordoned', node('foo8', { spec: { unschedulable: true }, status: { conditions: [{}] } }), ['foo8', 'Unknown,SchedulingDisabled', '<none>', '<unknown>', '', ...unknownInfo]],
    ['roles sorted from both label forms', node('foo10', { metadata: { labels: { 'node-role.kubernetes.io/master': '', 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/proxy': '', 'kubernetes.io/role': 'node' } } }), ['foo10', 'Unknown', 'control-plane,master,node,proxy', '<unknown>', '', ...unknownInfo]],
    ['kubernetes.io/role alone', node('foo11', { metadata: { labels: { 'kubernetes.io/role': 'node' } } }), ['foo11', 'Unknown', 'node', '<unknown>', '', ...unknownInfo]],
    ['first addresses of each type', node('foo3', { status: { addresses: [{ type: 'ExternalIP', address: '2.2.2.2' }, { type: 'InternalIP', address: '3.3.3.3' }, { type: 'ExternalIP', address: '4.4.4.4' }] } }), ['foo3', 'Unknown', '<none>', '<unknown>', '', '3.3.3.3', '2.2.2.2', '<unknown>', '<unknown>', '<unknown>']],
    ['a lab node', obj('kind-worker', ago(3 * MINUTE), {
      metadata: { labels: { 'node-role.kubernetes.io/control-plane': '' } },
      status: { ...ready('True'), addresses: [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'kind-worker' }], nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7.24' } },
    }), ['kind-worker', 'Ready', 'control-plane', '3m', 'v1.32.0', '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.8.0', 'containerd://1.7.24']],
  ]);
  assert.deepEqual(columnNames(nodePrinter), ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP:1', 'External-IP:1', 'OS-Image:1', 'Kernel-Version:1', 'Container-Runtime:1']);
});

test('printNamespace, printSecret, printServiceAccount, printConfigMap count and age', () => {
  check(namespacePrinter, [
    ['status and age', obj('namespace1', ago(-1900), { status: { phase: 'FooStatus' } }), ['namespace1', 'FooStatus', '0s']],
    ['neither', obj('namespace2', undefined), ['namespace2', '', '<unknown>']],
  ]);
  check(secretPrinter, [
    ['one key', obj('secret1', ago(-1900), { type: 'kubernetes.io/service-account-token', data: { token: 'c2VjcmV0' } }), ['secret1', 'kubernetes.io/service-account-token', 1, '0s']],
    ['no data', obj('secret1', ago(-1900), { type: 'kubernetes.io/service-account-token' }), ['secret1', 'kubernetes.io/service-account-token', 0, '0s']],
    ['stringData merges into data', obj('s', ago(-1900), { type: 'Opaque', data: { a: 'YQ==' }, stringData: { a: 'x', b: 'y' } }), ['s', 'Opaque', 2, '0s']],
  ]);
  check(serviceAccountPrinter, [
    ['no secrets', obj('sa1', ago(-1900), { secrets: [] }), ['sa1', 0, '0s']],
    ['two secrets', obj('sa1', ago(-1900), { secrets: [{ name: 'Secret1' }, { name: 'Secret2' }] }), ['sa1', 2, '0s']],
  ]);
  check(configMapPrinter, [
    ['no data', obj('configmap1', ago(-1900)), ['configmap1', 0, '0s']],
    ['one entry', obj('configmap2', ago(-1900), { data: { foo: 'bar' } }), ['configmap2', 1, '0s']],
    ['data and binaryData', obj('configmap3', ago(-1900), { data: { foo: 'bar' }, binaryData: { bin: 'YmluYXJ5' } }), ['configmap3', 2, '0s']],
  ]);
});

const svc = (name: string, spec: Record<string, unknown>, status?: Record<string, unknown>) => obj(name, undefined, { spec, ...(status ? { status } : {}) });
const lb = (ips: string[]) => ({ loadBalancer: { ingress: ips.map((ip) => ({ ip })) } });

test('printService: CLUSTER-IP, EXTERNAL-IP <none>/<pending>, PORT(S), SELECTOR', () => {
  check(servicePrinter, [
    ['cluster IP', svc('test1', { type: 'ClusterIP', ports: [{ protocol: 'tcp', port: 2233 }], clusterIPs: ['10.9.8.7'], selector: { foo: 'bar' } }), ['test1', 'ClusterIP', '10.9.8.7', '<none>', '2233/tcp', '<unknown>', 'foo=bar']],
    ['node port', svc('test2', { type: 'NodePort', ports: [{ protocol: 'tcp', port: 8888, nodePort: 9999 }], clusterIPs: ['10.9.8.7'] }), ['test2', 'NodePort', '10.9.8.7', '<none>', '8888:9999/tcp', '<unknown>', '<none>']],
    ['load balancer pending', svc('test3', { type: 'LoadBalancer', ports: [{ protocol: 'tcp', port: 8888 }], clusterIPs: ['10.9.8.7'] }), ['test3', 'LoadBalancer', '10.9.8.7', '<pending>', '8888/tcp', '<unknown>', '<none>']],
    ['external IP, no status', svc('test4', { type: 'LoadBalancer', ports: [{ protocol: 'tcp', port: 8888 }], clusterIPs: ['10.9.8.7'], externalIPs: ['80.11.12.10'] }), ['test4', 'LoadBalancer', '10.9.8.7', '80.11.12.10', '8888/tcp', '<unknown>', '<none>']],
    ['status IPs then external IPs', svc('test6', { type: 'LoadBalancer', ports: [{ protocol: 'tcp', port: 8888 }], clusterIPs: ['10.9.8.7'], externalIPs: ['80.11.12.10', '80.11.12.11'] }, { loadBalancer: { ingress: [{ ip: '2.3.4.5', hostname: 'test.cluster.local' }, { ip: '3.4.5.6', hostname: 'test.cluster.com' }] } }), ['test6', 'LoadBalancer', '10.9.8.7', '2.3.4.5,3.4.5.6,80.11.12.10,80.11.12.11', '8888/tcp', '<unknown>', '<none>']],
    ['external name', svc('test7', { type: 'ExternalName', externalName: 'my.database.example.com' }), ['test7', 'ExternalName', '<none>', 'my.database.example.com', '<none>', '<unknown>', '<none>']],
    ['the server prints wide, so long LB lists are not elided', svc('service4', { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }, { port: 8090, protocol: 'UDP' }, { port: 8000, protocol: 'TCP' }], clusterIPs: ['1.5.6.7'], selector: { foo: 'bar' } }, lb(['5.6.7.8', '2.3.4.5', '3.4.5.6'])), ['service4', 'LoadBalancer', '1.5.6.7', '2.3.4.5,3.4.5.6,5.6.7.8', '80/TCP,8090/UDP,8000/TCP', '<unknown>', 'foo=bar']],
    ['clusterIP without clusterIPs, as v1 allows', svc('web', { type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ port: 80, protocol: 'TCP' }] }), ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '<unknown>', '<none>']],
    ['headless', svc('db', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'db', tier: 'back' } }), ['db', 'ClusterIP', 'None', '<none>', '<none>', '<unknown>', 'app=db,tier=back']],
    ['no type', svc('odd', {}), ['odd', '', '<none>', '<unknown>', '<none>', '<unknown>', '<none>']],
  ]);
});

test('printEndpoints: up to three ip:port, then + N more...', () => {
  const addresses = (...ips: string[]) => ips.map((ip) => ({ ip }));
  check(endpointsPrinter, [
    ['no subsets', obj('endpoint1', ago(-1900)), ['endpoint1', '<none>', '0s']],
    ['no ports', obj('endpoint3', ago(5 * MINUTE), { subsets: [{ addresses: addresses('1.2.3.4', '5.6.7.8') }] }), ['endpoint3', '1.2.3.4,5.6.7.8', '5m']],
    ['one port', obj('endpoint2', ago(-1900), { subsets: [{ addresses: addresses('1.2.3.4', '5.6.7.8'), ports: [{ port: 8001, protocol: 'tcp' }] }] }), ['endpoint2', '1.2.3.4:8001,5.6.7.8:8001', '0s']],
    ['more than three', obj('endpoint2', ago(-1900), { subsets: [{ addresses: addresses('1.2.3.4', '5.6.7.8', '9.8.7.6', '6.6.6.6'), ports: [{ port: 8001, protocol: 'tcp' }] }] }), ['endpoint2', '1.2.3.4:8001,5.6.7.8:8001,9.8.7.6:8001 + 1 more...', '0s']],
    ['IPv6 is bracketed', obj('v6', ago(-1900), { subsets: [{ addresses: addresses('fd00::1'), ports: [{ port: 80 }] }] }), ['v6', '[fd00::1]:80', '0s']],
  ]);
});

test('printComponentStatus: the Healthy condition', () => {
  check(componentStatusPrinter, [
    ['no conditions', obj('cs1', undefined, { conditions: [] }), ['cs1', 'Unknown', '', '']],
    ['healthy', obj('cs2', undefined, { conditions: [{ type: 'Healthy', status: 'True', message: 'test message', error: 'test error' }] }), ['cs2', 'Healthy', 'test message', 'test error']],
    ['unhealthy', obj('cs3', undefined, { conditions: [{ type: 'Healthy', status: 'False', message: 'test message', error: 'test error' }] }), ['cs3', 'Unhealthy', 'test message', 'test error']],
  ]);
});

test('printReplicationController and printPodTemplate', () => {
  const template = { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'test', image: 'test_image' }] } };
  check(replicationControllerPrinter, [
    ['no status', obj('rc1', undefined, { spec: { replicas: 0, selector: { a: 'b' }, template } }), ['rc1', 0, 0, 0, '<unknown>', 'test', 'test_image', 'a=b']],
    ['with status', obj('rc1', undefined, { spec: { replicas: 5, selector: { a: 'b' }, template }, status: { replicas: 3, readyReplicas: 1 } }), ['rc1', 5, 3, 1, '<unknown>', 'test', 'test_image', 'a=b']],
    ['no template', obj('', undefined, { spec: { replicas: 0 } }), ['', 0, 0, 0, '<unknown>', '', '', '<none>']],
  ]);
  check(podTemplatePrinter, [
    ['no containers', obj('pod-template-1', undefined, { template: { spec: { containers: [] } } }), ['pod-template-1', '', '', '<none>']],
    ['two containers', obj('pod-template-2', undefined, { template: { spec: { containers: [{ name: 'fake-container1', image: 'fake-image1' }, { name: 'fake-container2', image: 'fake-image2' }] } } }), ['pod-template-2', 'fake-container1,fake-container2', 'fake-image1,fake-image2', '<none>']],
    ['pod labels', obj('pod-template-3', undefined, { template: { metadata: { labels: { foo: 'bar' } }, spec: { containers: [] } } }), ['pod-template-3', '', '', 'foo=bar']],
  ]);
  assert.deepEqual(columnNames(podTemplatePrinter), ['Name', 'Containers', 'Images', 'Pod Labels']);
});

test('printResourceQuota: used/hard sorted by resource, limits.* apart', () => {
  check(resourceQuotaPrinter, [
    ['TestPrintResourceQuota', obj('test-resourcequota', ago(5 * MINUTE), {
      status: {
        used: { cpu: '1', memory: '1Gi', pods: '1', services: '1', replicationcontrollers: '1', resourcequotas: '1', 'limits.cpu': '2', 'limits.memory': '2Gi' },
        hard: { cpu: '100', memory: '4Gi', pods: '10', services: '10', replicationcontrollers: '10', resourcequotas: '1', 'limits.cpu': '200', 'limits.memory': '8Gi' },
      },
    }), ['test-resourcequota', 'cpu: 1/100, memory: 1Gi/4Gi, pods: 1/10, replicationcontrollers: 1/10, resourcequotas: 1/1, services: 1/10', 'limits.cpu: 2/200, limits.memory: 2Gi/8Gi', '5m']],
    ['canonical quantities, unused is 0', obj('q', ago(5 * MINUTE), { status: { hard: { 'requests.cpu': '0.5', 'requests.memory': '1.5Gi', 'limits.cpu': '2000m' }, used: { 'requests.cpu': '250m' } } }), ['q', 'requests.cpu: 250m/500m, requests.memory: 0/1536Mi', 'limits.cpu: 0/2', '5m']],
    ['no status yet', obj('new', ago(5 * MINUTE), { spec: { hard: { pods: '10' } } }), ['new', '', '', '5m']],
  ]);
});
