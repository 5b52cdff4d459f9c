import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DnsQuery, DnsReply } from './dnsMessage';
import { ClusterRecords, type DnsEndpointSlice, type DnsService } from './kubernetesZone';
import { searchOrder, parseResolvConf } from './stubResolver';

const svc = (namespace: string, name: string, spec: DnsService['spec']): DnsService => ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec });
const slice = (namespace: string, service: string, endpoints: DnsEndpointSlice['endpoints'], ports: DnsEndpointSlice['ports']): DnsEndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace, name: `${service}-abcde`, labels: { 'kubernetes.io/service-name': service } }, addressType: 'IPv4', endpoints, ports,
});

/** cluster is a small cluster: a ClusterIP Service, a headless one backing a StatefulSet, an ExternalName and the kubernetes Service. */
function cluster(): ClusterRecords {
  const r = new ClusterRecords();
  for (const ns of ['default', 'shop', 'kube-system']) r.setNamespace(ns, true);
  r.setService(svc('default', 'kubernetes', { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }));
  r.setService(svc('default', 'web', { type: 'ClusterIP', clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }] }));
  r.setService(svc('shop', 'db', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }));
  r.setSlice(slice('shop', 'db', [
    { addresses: ['10.244.1.5'], hostname: 'db-0', conditions: { ready: true } },
    { addresses: ['10.244.2.7'], hostname: 'db-1', conditions: { ready: true } },
    { addresses: ['10.244.3.9'], hostname: 'db-2', conditions: { ready: false } },
  ], [{ name: 'pg', port: 5432, protocol: 'TCP' }]));
  r.setService(svc('shop', 'ext', { type: 'ExternalName', externalName: 'db.example.com' }));
  r.setService(svc('shop', 'alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }));
  r.synced = true;
  return r;
}

const q = (name: string, type: DnsQuery['type'] = 'A'): DnsQuery => ({ name, type });
const ok = (answers: DnsReply['answers']): DnsReply => ({ rcode: 'NOERROR', authoritative: true, answers });
const NXDOMAIN: DnsReply = { rcode: 'NXDOMAIN', authoritative: true, answers: [] };
const a = (name: string, address: string): DnsReply['answers'][number] => ({ name, ttl: 30, type: 'A', address });

// The kubernetes plugin's answers, as `dig` against CoreDNS in a kubeadm cluster shows them.
const matrix: [string, DnsQuery, DnsReply | undefined][] = [
  ['a Service\'s A record is its ClusterIP', q('web.default.svc.cluster.local'), ok([a('web.default.svc.cluster.local', '10.96.12.34')])],
  ['names are case-insensitive and may end in a dot', q('WEB.Default.svc.cluster.local.'), ok([a('web.default.svc.cluster.local', '10.96.12.34')])],
  ['the kubernetes Service', q('kubernetes.default.svc.cluster.local'), ok([a('kubernetes.default.svc.cluster.local', '10.96.0.1')])],
  ['a Service in another namespace', q('db.shop.svc.cluster.local'), ok([a('db.shop.svc.cluster.local', '10.244.1.5'), a('db.shop.svc.cluster.local', '10.244.2.7')])],
  ['a headless Service\'s endpoint by hostname', q('db-1.db.shop.svc.cluster.local'), ok([a('db-1.db.shop.svc.cluster.local', '10.244.2.7')])],
  ['a not-ready endpoint has no record', q('db-2.db.shop.svc.cluster.local'), NXDOMAIN],
  ['an IPv4-only Service has no AAAA record (NODATA)', q('web.default.svc.cluster.local', 'AAAA'), ok([])],
  ['SRV for a named port points at the Service', q('_http._tcp.web.default.svc.cluster.local', 'SRV'),
    ok([{ name: '_http._tcp.web.default.svc.cluster.local', ttl: 30, type: 'SRV', priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }])],
  ['SRV for a headless Service names each endpoint and shares the weight', q('_pg._tcp.db.shop.svc.cluster.local', 'SRV'), ok([
    { name: '_pg._tcp.db.shop.svc.cluster.local', ttl: 30, type: 'SRV', priority: 0, weight: 50, port: 5432, target: 'db-0.db.shop.svc.cluster.local' },
    { name: '_pg._tcp.db.shop.svc.cluster.local', ttl: 30, type: 'SRV', priority: 0, weight: 50, port: 5432, target: 'db-1.db.shop.svc.cluster.local' },
  ])],
  ['SRV for a port the Service lacks', q('_grpc._tcp.web.default.svc.cluster.local', 'SRV'), NXDOMAIN],
  ['a pod record is the dashed address (pods insecure)', q('10-244-1-5.shop.pod.cluster.local'), ok([a('10-244-1-5.shop.pod.cluster.local', '10.244.1.5')])],
  ['a pod record in a namespace that does not exist', q('10-244-1-5.nowhere.pod.cluster.local'), NXDOMAIN],
  ['an ExternalName Service is a CNAME', q('ext.shop.svc.cluster.local'), ok([{ name: 'ext.shop.svc.cluster.local', ttl: 30, type: 'CNAME', target: 'db.example.com' }])],
  ['a CNAME into the cluster domain is followed', q('alias.shop.svc.cluster.local'), ok([
    { name: 'alias.shop.svc.cluster.local', ttl: 30, type: 'CNAME', target: 'web.default.svc.cluster.local' }, a('web.default.svc.cluster.local', '10.96.12.34'),
  ])],
  ['a missing Service is NXDOMAIN', q('nope.default.svc.cluster.local'), NXDOMAIN],
  ['a missing namespace is NXDOMAIN', q('web.nowhere.svc.cluster.local'), NXDOMAIN],
  ['the search expansion svc.cluster.local reads web as a namespace: NXDOMAIN', q('web.svc.cluster.local'), NXDOMAIN],
  ['a name neither under svc nor pod is NXDOMAIN', q('web.cluster.local'), NXDOMAIN],
  ['an existing namespace alone is NODATA', q('default.svc.cluster.local'), ok([])],
  ['the zone apex is NODATA', q('cluster.local'), ok([])],
  ['a ClusterIP\'s PTR names its Service', q('34.12.96.10.in-addr.arpa', 'PTR'), ok([{ name: '34.12.96.10.in-addr.arpa', ttl: 30, type: 'PTR', target: 'web.default.svc.cluster.local' }])],
  ['an endpoint\'s PTR names it under its Service', q('5.1.244.10.in-addr.arpa', 'PTR'), ok([{ name: '5.1.244.10.in-addr.arpa', ttl: 30, type: 'PTR', target: 'db-0.db.shop.svc.cluster.local' }])],
  ['an unknown address falls through to the next plugin', q('1.2.3.4.in-addr.arpa', 'PTR'), undefined],
];

for (const [name, query, want] of matrix) {
  test(`DNS: ${name}`, () => {
    assert.deepEqual(cluster().answer(query), want);
  });
}

test('before its watches have synced the plugin answers SERVFAIL rather than NXDOMAIN', () => {
  const r = cluster();
  r.synced = false;
  assert.equal(r.answer(q('nope.default.svc.cluster.local'))?.rcode, 'SERVFAIL');
});

test('a deleted Service and slice leave no records behind', () => {
  const r = cluster();
  r.setService(svc('default', 'web', {}), false);
  assert.deepEqual(r.answer(q('web.default.svc.cluster.local')), NXDOMAIN);
  r.setSlice(slice('shop', 'db', [], []), false);
  assert.deepEqual(r.answer(q('db.shop.svc.cluster.local')), NXDOMAIN);
});

// res_search's order from a pod's resolv.conf (ClusterFirst: ndots:5 and three search domains).
const POD_RESOLV = 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';
const searches: [string, string, string[]][] = [
  ['a short name tries the search list first, the name itself last', 'web', ['web.default.svc.cluster.local', 'web.svc.cluster.local', 'web.cluster.local', 'web']],
  ['a name with fewer than ndots dots is still searched first', 'db.shop', ['db.shop.default.svc.cluster.local', 'db.shop.svc.cluster.local', 'db.shop.cluster.local', 'db.shop']],
  ['a name with ndots dots is tried as it is first', 'a.b.c.d.e.example', ['a.b.c.d.e.example', 'a.b.c.d.e.example.default.svc.cluster.local', 'a.b.c.d.e.example.svc.cluster.local', 'a.b.c.d.e.example.cluster.local']],
  ['a trailing dot makes the name absolute', 'web.default.svc.cluster.local.', ['web.default.svc.cluster.local']],
];
for (const [name, host, want] of searches) {
  test(`search: ${name}`, () => {
    assert.deepEqual(searchOrder(host, parseResolvConf(POD_RESOLV)), want);
  });
}

test('resolv.conf: defaults, the last search line, at most three nameservers, options', () => {
  assert.deepEqual(parseResolvConf(''), { nameservers: [], search: [], ndots: 1, timeoutMs: 5000, attempts: 2 });
  assert.deepEqual(parseResolvConf('search a b\nsearch c\nnameserver 1.1.1.1\nnameserver 2.2.2.2\nnameserver 3.3.3.3\nnameserver 4.4.4.4\noptions ndots:2 timeout:1 attempts:3\n'),
    { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'], search: ['c'], ndots: 2, timeoutMs: 1000, attempts: 3 });
});
