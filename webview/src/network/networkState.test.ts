import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetworkHopView, NetworkNodeView, NetworkRulesView, NetworkTraceView } from '../shared/protocol';
import { NetworkState, destinationChoices, hopAnchor, lookupAnswer, parseDestination, parseDnsName, parseSource, ruleLines, sourceKey } from './networkState';

test('parseDestination reads an address or a DNS name and a port, and says what is wrong', () => {
  const cases: [string, unknown][] = [
    ['10.96.0.1:443', { ip: '10.96.0.1', port: 443 }],
    [' Web.Default:80 ', { dnsName: 'web.default', port: 80 }],
    ['kubernetes.default.svc.cluster.local.:443', { dnsName: 'kubernetes.default.svc.cluster.local.', port: 443 }],
    ['10.96.0.1', { error: 'Type an address or DNS name and a port: 10.96.0.1:443, web:80.' }],
    ['web:0', { error: 'Port 0 is not between 1 and 65535.' }],
    ['web:70000', { error: 'Port 70000 is not between 1 and 65535.' }],
    ['10.96.0.300:80', { error: '10.96.0.300 is not an IPv4 address.' }],
    ['web_app:80', { error: 'web_app is not a DNS name.' }],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseDestination(text), want, text);
  assert.equal(parseDnsName(' Kube-DNS.kube-system '), 'kube-dns.kube-system');
  assert.deepEqual(parseDnsName('a b'), { error: 'a b is not a DNS name.' });
});

test('a source survives the picker: pods, nodes and outside through a node', () => {
  for (const s of [{ pod: 'default/web-1' }, { node: 'node-2' }, { external: { node: 'node-1' } }, { external: {} }]) assert.deepEqual(parseSource(sourceKey(s)), s);
  assert.equal(parseSource('pod:nameless'), undefined);
  assert.equal(parseSource('bogus'), undefined);
});

const node = (name: string, ip: string, pods: [string, string][]): NetworkNodeView => ({
  name, internalIP: ip, podCIDR: '', bridge: { name: 'cni0', address: '', cidr: '' }, routes: [], proxyMode: 'iptables',
  pods: pods.map(([n, podIP]) => ({ uid: n, namespace: 'default', name: n, ip: podIP, veth: 'veth0', ports: [] })),
});

function sampleState(): NetworkState {
  const s = new NetworkState();
  s.snapshot({
    gateway: '172.18.0.1', nodeNetwork: '172.18.0.0/16', omittedNodes: 0, traces: [],
    nodes: [node('node-2', '172.18.0.3', [['web-b', '10.244.2.3']]), node('node-1', '172.18.0.2', [['web-a', '10.244.1.2']])],
    services: [
      { key: 'default/web', namespace: 'default', name: 'web', type: 'NodePort', clusterIP: '10.100.0.9', endpoints: [], ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: '80', nodePort: 30080, hostPort: '127.0.0.1:30080' }] },
      { key: 'kube-system/kube-dns', namespace: 'kube-system', name: 'kube-dns', type: 'ClusterIP', clusterIP: '10.96.0.10', endpoints: [], ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: '53' }] },
    ],
  });
  return s;
}

const trace = (hops: NetworkHopView[], extra: Partial<NetworkTraceView> = {}): NetworkTraceView => ({
  name: 't', created: '', purpose: 'trace', source: 'pod/default/web-a', destination: 'web:80', done: true, outcome: 'Delivered', message: '',
  client: '', endpoint: '', pod: '', node: '', proxyMode: 'iptables', hops, ...extra,
});

test('each hop happens at a place in the drawing', () => {
  const s = sampleState();
  const t = trace([], { resolution: { name: 'web.default.svc.cluster.local', address: '10.100.0.9', via: 'dns', server: '10.96.0.10:53' } });
  const cases: [NetworkHopView, unknown][] = [
    [{ type: 'resolve', text: '' }, { kind: 'service', service: 'kube-system/kube-dns' }],
    [{ type: 'veth', node: 'node-1', pod: 'default/web-a', text: '' }, { kind: 'veth', node: 'node-1', pod: 'default/web-a' }],
    [{ type: 'bridge', node: 'node-1', text: '' }, { kind: 'bridge', node: 'node-1' }],
    [{ type: 'rule', node: 'node-1', text: '' }, { kind: 'proxy', node: 'node-1' }],
    [{ type: 'nat', node: 'node-1', text: '' }, { kind: 'proxy', node: 'node-1' }],
    [{ type: 'route', node: 'node-1', device: 'eth0', to: '172.18.0.3', text: '' }, { kind: 'eth0', node: 'node-2' }],
    [{ type: 'route', node: 'node-2', device: 'cni0', text: '' }, { kind: 'bridge', node: 'node-2' }],
    [{ type: 'deliver', node: 'node-2', pod: 'default/web-b', text: '' }, { kind: 'pod', node: 'node-2', pod: 'default/web-b' }],
    [{ type: 'reject', node: 'node-2', text: '' }, { kind: 'proxy', node: 'node-2' }],
    [{ type: 'response', node: 'node-1', text: '' }, { kind: 'proxy', node: 'node-1' }],
    [{ type: 'response', to: '10.244.1.2:32768', text: '' }, { kind: 'pod', node: 'node-1', pod: 'default/web-a' }],
  ];
  for (const [hop, want] of cases) assert.deepEqual(hopAnchor(hop, t, s), want, JSON.stringify(hop));
  // A name resolved from the Services (no DNS add-on) happens at the source.
  assert.deepEqual(hopAnchor({ type: 'resolve', text: '' }, trace([]), s), { kind: 'pod', node: 'node-1', pod: 'default/web-a' });
  assert.deepEqual(s.sortedNodes().map((n) => n.name), ['node-1', 'node-2']);
});

test('destination choices: each Service port by ClusterIP and DNS name, node ports at the first node, pods at their ports', () => {
  const keys = destinationChoices(sampleState(), '').map((d) => [d.key, d.destination]);
  assert.deepEqual(keys, [
    ['svc:default/web:80', { ip: '10.100.0.9', port: 80 }],
    ['dns:default/web:80', { dnsName: 'web.default', port: 80 }],
    ['nodeport:default/web:30080', { ip: '172.18.0.2', port: 30080 }],
    ['pod:default/web-a:80', { ip: '10.244.1.2', port: 80 }],
    ['pod:default/web-b:80', { ip: '10.244.2.3', port: 80 }],
  ]);
  assert.equal(destinationChoices(sampleState(), 'kube-system').length, 0, 'the sample kube-dns has only a UDP port, and no kube-system pod is drawn');
});

test('ruleLines finds an nftables rule nft wrapped over lines, and an IPVS service with the real server chosen', () => {
  const nft: NetworkRulesView = {
    node: 'node-1', mode: 'nftables', truncated: false, syncs: 1, lastSyncTime: '', services: 1, endpoints: 2,
    sections: [{ title: 'nft', text: 'table ip kube-proxy {\n\tchain services {\n\t\tip daddr . meta l4proto . th dport vmap @service-ips\n\t}\n\tchain service-X {\n\t\tnumgen random mod 2 vmap { 0 : goto endpoint-A,\n\t\t\t\t\t   1 : goto endpoint-B }\n\t}\n}' }],
  };
  assert.deepEqual(ruleLines(nft, { type: 'rule', node: 'node-1', chain: 'service-X', rule: 'numgen random mod 2 vmap { 0 : goto endpoint-A , 1 : goto endpoint-B }', text: '' }), { section: 0, lines: [5, 6] });
  assert.deepEqual(ruleLines(nft, { type: 'rule', node: 'node-1', chain: 'services', rule: 'ip daddr . meta l4proto . th dport vmap @service-ips', text: '' }), { section: 0, lines: [2] });
  assert.equal(ruleLines(nft, { type: 'rule', node: 'node-1', chain: 'services', rule: 'jump nowhere', text: '' }), undefined);
  assert.equal(ruleLines(nft, { type: 'rule', node: 'node-2', chain: 'services', rule: 'ip daddr . meta l4proto . th dport vmap @service-ips', text: '' }), undefined, 'another node\'s rule');
  const ipvs: NetworkRulesView = {
    ...nft, mode: 'ipvs',
    sections: [{ title: 'ipvsadm -Ln', text: 'Prot LocalAddress:Port Scheduler Flags\nTCP  10.96.0.1:443 rr\n  -> 172.18.255.254:6443          Masq    1      0          0\nTCP  10.100.0.9:80 rr\n  -> 10.244.1.2:80                Masq    1      0          0\n  -> 10.244.2.3:80                Masq    1      0          0' }],
  };
  assert.deepEqual(ruleLines(ipvs, { type: 'ipvs', node: 'node-1', rule: 'TCP  10.100.0.9:80 rr', to: '10.244.2.3:80', text: '' }), { section: 0, lines: [3, 5] });
});

test('a delta replaces what changed and says whether the drawing did', () => {
  const s = sampleState();
  const t = trace([], { name: 'x', done: false });
  let changed = s.apply({ nodes: { upsert: [], remove: [] }, services: { upsert: [], remove: [] }, traces: { upsert: [t], remove: [] }, omittedNodes: 0 });
  assert.deepEqual(changed, { drawing: false, traces: ['x'] });
  changed = s.apply({ nodes: { upsert: [], remove: ['node-2'] }, services: { upsert: [], remove: [] }, traces: { upsert: [], remove: [] }, omittedNodes: 0 });
  assert.equal(changed.drawing, true);
  assert.deepEqual([...s.nodes.keys()], ['node-1']);
  assert.equal(lookupAnswer(t), 'Looking up…');
  assert.equal(lookupAnswer({ ...t, done: true, outcome: 'Failed', message: 'server can\'t find nope: NXDOMAIN' }), 'server can\'t find nope: NXDOMAIN');
  assert.equal(lookupAnswer({ ...t, done: true, resolution: { name: 'web.default.svc.cluster.local', address: '10.100.0.9', via: 'dns', server: '10.96.0.10:53' } }), 'web.default.svc.cluster.local → 10.100.0.9 (A record from 10.96.0.10:53)');
});
