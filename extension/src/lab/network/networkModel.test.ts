import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../api/types';
import { networkModel, routeFor, vethName } from './networkModel';
import { type PacketTrace, validatePacketTrace } from './packetTrace';

const node = (i: number): Node => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}` },
  spec: { podCIDR: `10.244.${i}.0/24` }, status: { addresses: [{ type: 'InternalIP', address: `172.18.0.${i + 1}` }, { type: 'Hostname', address: `node-${i}` }] },
});
const pod = (name: string, nodeName: string, ip?: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }] }, ...(ip ? { status: { podIP: ip } } : {}),
});

test('each node gets cni0 at its podCIDR\'s first address, a veth per running pod, and routes to the other nodes\' podCIDRs via their InternalIPs', () => {
  const m = networkModel([node(2), node(1), node(3)], [pod('a', 'node-1', '10.244.1.3'), pod('b', 'node-1', '10.244.1.2'), pod('pending', 'node-2')]);
  assert.deepEqual(m.nodes.map((n) => n.name), ['node-1', 'node-2', 'node-3']);
  const n1 = m.nodes[0];
  assert.deepEqual(n1.bridge, { name: 'cni0', address: '10.244.1.1', cidr: '10.244.1.1/24' });
  assert.deepEqual(n1.pods.map((p) => [p.name, p.podIP, p.hostVeth, p.gateway]), [['b', '10.244.1.2', vethName('uid-b'), '10.244.1.1'], ['a', '10.244.1.3', vethName('uid-a'), '10.244.1.1']]);
  assert.match(n1.pods[0].hostVeth, /^veth[0-9a-f]{8}$/);
  assert.deepEqual(n1.routes.map((r) => r.text), [
    'default via 172.18.0.1 dev eth0',
    '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1',
    '10.244.2.0/24 via 172.18.0.3 dev eth0',
    '10.244.3.0/24 via 172.18.0.4 dev eth0',
    '172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2',
  ]);
  assert.equal(m.nodes[1].pods.length, 0, 'a pod without an IP has no veth yet');
  assert.equal(routeFor(n1, '10.244.3.9').node, 'node-3');
  assert.equal(routeFor(n1, '10.244.1.9').dev, 'cni0');
  assert.equal(routeFor(n1, '8.8.8.8').kind, 'default');
});

const trace = (spec: unknown): PacketTrace => ({ apiVersion: 'lab.kubelab.dev/v1alpha1', kind: 'PacketTrace', metadata: { name: 't' }, spec } as PacketTrace);

test('a PacketTrace needs exactly one source and one destination with a port', () => {
  const cases: [unknown, string[]][] = [
    [{ source: { pod: 'default/box' }, destination: { ip: '10.96.0.10', port: 53 } }, []],
    [{ source: { external: {} }, destination: { dnsName: 'web.default.svc.cluster.local', port: 80 } }, []],
    [{ source: {}, destination: { ip: '10.96.0.10', port: 80 } }, ['spec.source']],
    [{ source: { pod: 'box', node: 'node-1' }, destination: { ip: '10.96.0.10', port: 80 } }, ['spec.source.node', 'spec.source.pod']],
    [{ source: { node: 'node-1' }, destination: { ip: '10.96.0.300', dnsName: 'x', port: 0 } }, ['spec.destination.dnsName', 'spec.destination.ip', 'spec.destination.port']],
    [{ source: { node: 'node-1' }, destination: { ip: '10.96.0.1', port: 80, protocol: 'ICMP' } }, ['spec.destination.protocol']],
  ];
  for (const [spec, fields] of cases) assert.deepEqual(validatePacketTrace(trace(spec)).map((e) => e.field).sort(), fields, JSON.stringify(spec));
});
