/**
 * Network printers against kubernetes/kubernetes pkg/printers/internalversion/printers_test.go
 * (TestPrintIngress, TestPrintIngressClass, TestPrintNetworkPolicy, TestPrintEndpointSlice).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { endpointSlicePrinter } from './discovery';
import { ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from './networking';
import { DAY, MINUTE, ago, cells, columnNames, obj } from './testing';
import type { Cell, TablePrinter } from './table';

function check(printer: TablePrinter, cases: [string, KubeObject, Cell[]][]): void {
  for (const [name, o, want] of cases) assert.deepEqual(cells(printer, o), want, name);
}

test('printIngress: CLASS, HOSTS, ADDRESS, PORTS', () => {
  const rules = (...hosts: string[]) => hosts.map((host) => (host ? { host } : {}));
  check(ingressPrinter, [
    ['TestPrintIngress', obj('test1', ago(3650 * DAY), { spec: { ingressClassName: 'foo', defaultBackend: { service: { name: 'default-backend', port: { number: 80 } } } }, status: { loadBalancer: { ingress: [{ ip: '2.3.4.5', hostname: 'localhost.localdomain' }] } } }), ['test1', 'foo', '*', '2.3.4.5', '80', '10y']],
    ['TLS and hosts', obj('web', ago(5 * MINUTE), { spec: { rules: rules('a.example.com', 'b.example.com'), tls: [{ hosts: ['a.example.com'] }] }, status: { loadBalancer: { ingress: [{ hostname: 'lb.example.net' }] } } }), ['web', '<none>', 'a.example.com,b.example.com', 'lb.example.net', '80, 443', '5m']],
    ['more than three rules, one without a host', obj('many', ago(5 * MINUTE), { spec: { rules: rules('a', '', 'b', 'c', 'd') } }), ['many', '<none>', 'a,b,c + 2 more...', '', '80', '5m']],
  ]);
  assert.deepEqual(columnNames(ingressPrinter), ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
});

test('printIngressClass: PARAMETERS as Kind[.apiGroup]/name', () => {
  check(ingressClassPrinter, [
    ['params', obj('test1', ago(3650 * DAY), { spec: { controller: 'example.com/controller', parameters: { kind: 'customgroup', name: 'example' } } }), ['test1', 'example.com/controller', 'customgroup/example', '10y']],
    ['params with an API group', obj('test1', ago(3650 * DAY), { spec: { controller: 'example.com/controller', parameters: { apiGroup: 'example.com', kind: 'customgroup', name: 'example' } } }), ['test1', 'example.com/controller', 'customgroup.example.com/example', '10y']],
    ['no params', obj('test2', ago(4015 * DAY), { spec: { controller: 'example.com/controller2' } }), ['test2', 'example.com/controller2', '<none>', '11y']],
  ]);
});

test('printNetworkPolicy: POD-SELECTOR', () => {
  check(networkPolicyPrinter, [
    ['empty spec', obj('policy1', ago(-1900), { spec: {} }), ['policy1', '<none>', '0s']],
    ['match labels', obj('policy2', ago(-1900), { spec: { podSelector: { matchLabels: { foo: 'bar' } } } }), ['policy2', 'foo=bar', '0s']],
    ['expressions', obj('policy3', ago(-1900), { spec: { podSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }, { key: 'app', operator: 'Exists' }, { key: 'canary', operator: 'DoesNotExist' }] } } }), ['policy3', 'app,!canary,env notin (prod)', '0s']],
  ]);
});

test('printEndpointSlice: ADDRESSTYPE, PORTS, ENDPOINTS', () => {
  const port = (name: string, p: number) => ({ name, port: p, protocol: 'TCP' });
  check(endpointSlicePrinter, [
    ['one port', obj('abcslice.123', ago(-1900), { addressType: 'IPv4', ports: [port('http', 80)], endpoints: [{ addresses: ['10.1.2.3', '2001:db8::1234:5678'] }] }), ['abcslice.123', 'IPv4', '80', '10.1.2.3,2001:db8::1234:5678', '0s']],
    ['more endpoints', obj('longerslicename.123', ago(5 * MINUTE), { addressType: 'IPv6', ports: [port('http', 80), port('https', 443)], endpoints: [{ addresses: ['10.1.2.3', '2001:db8::1234:5678'] }, { addresses: ['10.2.3.4', '2001:db8::2345:6789'] }] }), ['longerslicename.123', 'IPv6', '80,443', '10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...', '5m']],
    ['more ports', obj('multiportslice.123', ago(5 * MINUTE), { addressType: 'IPv4', ports: [port('http', 80), port('https', 443), port('extra1', 3000), port('extra2', 3001)], endpoints: [{ addresses: ['10.1.2.3', '2001:db8::1234:5678'] }, { addresses: ['10.2.3.4', '2001:db8::2345:6789'] }] }), ['multiportslice.123', 'IPv4', '80,443,3000 + 1 more...', '10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...', '5m']],
    ['empty slice', obj('empty', ago(-1900), { addressType: 'IPv4' }), ['empty', 'IPv4', '<unset>', '<unset>', '0s']],
    ['a named port without a number, and a port with neither', obj('named', ago(-1900), { addressType: 'IPv4', ports: [{ name: 'http' }, {}], endpoints: [] }), ['named', 'IPv4', 'http,*', '<unset>', '0s']],
  ]);
});
