import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../api/types';
import { podFiles } from './containerRoot';

const pod = (spec: Record<string, unknown>, namespace = 'shop'): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-7d4b9c-x2x4q', namespace }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
});

const CLUSTER = 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';
const NODE = 'nameserver 172.18.0.1\n';

// /etc/resolv.conf as the kubelet writes it for each dnsPolicy (pkg/kubelet/network/dns).
const policies: [string, Record<string, unknown>, string][] = [
  ['ClusterFirst (the default) points at kube-dns with the namespace\'s search path', {}, CLUSTER],
  ['ClusterFirst on the host network falls back to the node\'s resolver', { dnsPolicy: 'ClusterFirst', hostNetwork: true }, NODE],
  ['ClusterFirstWithHostNet keeps cluster DNS on the host network', { dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }, CLUSTER],
  ['ClusterFirstWithHostNet off the host network is cluster DNS too', { dnsPolicy: 'ClusterFirstWithHostNet' }, CLUSTER],
  ['Default is the node\'s resolver', { dnsPolicy: 'Default' }, NODE],
  ['None takes only dnsConfig', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['corp.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } },
    'search corp.example\nnameserver 1.1.1.1\noptions ndots:2 edns0\n'],
  ['dnsConfig adds to ClusterFirst and overrides an option by name', { dnsConfig: { nameservers: ['1.1.1.1'], searches: ['corp.example'], options: [{ name: 'ndots', value: '2' }] } },
    'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\nnameserver 1.1.1.1\noptions ndots:2\n'],
];
for (const [name, spec, want] of policies) {
  test(`resolv.conf: ${name}`, () => {
    assert.equal(podFiles(pod(spec), ['10.244.1.5']).resolvConf, want);
  });
}

test('/etc/hosts has the pod\'s address and hostname, its FQDN with a subdomain, and hostAliases one line per address', () => {
  const files = podFiles(pod({ hostname: 'db-0', subdomain: 'db', hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.remote', 'bar.remote'] }, { ip: '127.0.0.1', hostnames: ['foo.local'] }] }), ['10.244.1.5']);
  assert.equal(files.hostname, 'db-0');
  assert.equal(files.hosts, [
    '# Kubernetes-managed hosts file.', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes', 'fe00::2\tip6-allrouters', '10.244.1.5\tdb-0.db.shop.svc.cluster.local\tdb-0', '',
    '# Entries added by HostAliases.', '10.1.2.3\tfoo.remote\tbar.remote', '127.0.0.1\tfoo.local', '',
  ].join('\n'));
});
