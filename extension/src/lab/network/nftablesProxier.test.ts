/**
 * Golden test: the transaction upstream's pkg/proxy/nftables/proxier_test.go
 * expects from TestOverallNFTablesRules (baseRules plus the per-Service
 * objects), with its fake proxier: pod CIDR 10.0.0.0/8, service CIDR
 * 172.30.0.0/16, node test-node at 192.168.0.2, mark 0x4000. Upstream compares
 * the dumps ignoring object order (assertNFTablesTransactionEqual sorts both),
 * so the lines are compared as sorted lists.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NftablesProxier } from './nftablesProxier';
import { ProxyState } from './serviceInfo';
import { UPSTREAM_FAKE, overallCase } from './iptablesProxier.test';

const TABLE = 'ip kube-proxy';

/** lines turns a transaction into its sorted object lines, dropping blanks and # comments as upstream's comparison does. */
function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).sort();
}

/** BASE is upstream's baseRules: the table, its sets and maps, and the fixed chains and rules (written with TABLE). */
const BASE = `
add table ${TABLE} { comment "rules for kube-proxy" ; }
add set ${TABLE} cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }
add set ${TABLE} nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }
add map ${TABLE} firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }
add map ${TABLE} no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }
add map ${TABLE} no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }
add map ${TABLE} service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }
add map ${TABLE} service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }
add chain ${TABLE} cluster-ips-check
add chain ${TABLE} filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }
add chain ${TABLE} filter-output-pre-dnat { type filter hook output priority -110 ; }
add chain ${TABLE} filter-forward { type filter hook forward priority 0 ; }
add chain ${TABLE} filter-input { type filter hook input priority 0 ; }
add chain ${TABLE} filter-output { type filter hook output priority 0 ; }
add chain ${TABLE} firewall-check
add chain ${TABLE} mark-for-masquerade
add chain ${TABLE} masquerading
add chain ${TABLE} nat-output { type nat hook output priority -100 ; }
add chain ${TABLE} nat-postrouting { type nat hook postrouting priority 100 ; }
add chain ${TABLE} nat-prerouting { type nat hook prerouting priority -100 ; }
add chain ${TABLE} nodeport-endpoints-check
add chain ${TABLE} reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }
add chain ${TABLE} services
add chain ${TABLE} service-endpoints-check
add rule ${TABLE} cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"
add rule ${TABLE} cluster-ips-check ip daddr { 172.30.0.0/16 } drop comment "Drop traffic to unallocated ClusterIPs"
add rule ${TABLE} filter-prerouting-pre-dnat ct state new jump firewall-check
add rule ${TABLE} filter-forward ct state new jump service-endpoints-check
add rule ${TABLE} filter-forward ct state new jump cluster-ips-check
add rule ${TABLE} filter-input ct state new jump nodeport-endpoints-check
add rule ${TABLE} filter-input ct state new jump service-endpoints-check
add rule ${TABLE} filter-output ct state new jump service-endpoints-check
add rule ${TABLE} filter-output-pre-dnat ct state new jump firewall-check
add rule ${TABLE} filter-output ct state new jump cluster-ips-check
add rule ${TABLE} firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips
add rule ${TABLE} mark-for-masquerade mark set mark or 0x4000
add rule ${TABLE} masquerading mark and 0x4000 == 0 return
add rule ${TABLE} masquerading mark set mark xor 0x4000
add rule ${TABLE} masquerading masquerade fully-random
add rule ${TABLE} nat-output jump services
add rule ${TABLE} nat-postrouting jump masquerading
add rule ${TABLE} nat-prerouting jump services
add rule ${TABLE} nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports
add rule ${TABLE} reject-chain reject
add rule ${TABLE} services ip daddr . meta l4proto . th dport vmap @service-ips
add rule ${TABLE} services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports
add element ${TABLE} nodeport-ips { 192.168.0.2 }
add rule ${TABLE} service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services
`;

/** The per-Service chain and set names of the overall case (hashAndTruncate of the port and endpoint names). */
const SVC1 = 'service-ULMVA6XW-ns1/svc1/tcp/p80';
const EP1 = 'endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80';
const SVC2 = 'service-42NFTM6N-ns2/svc2/tcp/p80';
const EXT2 = 'external-42NFTM6N-ns2/svc2/tcp/p80';
const EP2 = 'endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80';
const SVC3 = 'service-4AT6LBPK-ns3/svc3/tcp/p80';
const EXT3 = 'external-4AT6LBPK-ns3/svc3/tcp/p80';
const EP3 = 'endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80';
const SVC4 = 'service-LAUZTJTB-ns4/svc4/tcp/p80';
const EXT4 = 'external-LAUZTJTB-ns4/svc4/tcp/p80';
const EP4A = 'endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80';
const EP4B = 'endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80';
const SVC5 = 'service-HVFWP5L3-ns5/svc5/tcp/p80';
const EXT5 = 'external-HVFWP5L3-ns5/svc5/tcp/p80';
const FW5 = 'firewall-HVFWP5L3-ns5/svc5/tcp/p80';
const EP5 = 'endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80';
const AFF5 = 'affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80';

/** endpointChain is the three lines every endpoint of the case has (no affinity). */
const endpointChain = (chain: string, ip: string): string => `
add chain ${TABLE} ${chain}
add rule ${TABLE} ${chain} ip saddr ${ip} jump mark-for-masquerade
add rule ${TABLE} ${chain} meta l4proto tcp dnat to ${ip}:80
`;

const SERVICES = `
# svc1
add chain ${TABLE} ${SVC1}
add rule ${TABLE} ${SVC1} ip daddr 172.30.0.41 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ${TABLE} ${SVC1} numgen random mod 1 vmap { 0 : goto ${EP1} }
${endpointChain(EP1, '10.180.0.1')}
add element ${TABLE} cluster-ips { 172.30.0.41 }
add element ${TABLE} service-ips { 172.30.0.41 . tcp . 80 : goto ${SVC1} }

# svc2: Local external policy, its only endpoint is not on this node
add chain ${TABLE} ${SVC2}
add rule ${TABLE} ${SVC2} ip daddr 172.30.0.42 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ${TABLE} ${SVC2} numgen random mod 1 vmap { 0 : goto ${EP2} }
add chain ${TABLE} ${EXT2}
add rule ${TABLE} ${EXT2} ip saddr 10.0.0.0/8 goto ${SVC2} comment "short-circuit pod traffic"
add rule ${TABLE} ${EXT2} fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"
add rule ${TABLE} ${EXT2} fib saddr type local goto ${SVC2} comment "short-circuit local traffic"
${endpointChain(EP2, '10.180.0.2')}
add element ${TABLE} cluster-ips { 172.30.0.42 }
add element ${TABLE} service-ips { 172.30.0.42 . tcp . 80 : goto ${SVC2} }
add element ${TABLE} service-ips { 192.168.99.22 . tcp . 80 : goto ${EXT2} }
add element ${TABLE} service-ips { 1.2.3.4 . tcp . 80 : goto ${EXT2} }
add element ${TABLE} service-nodeports { tcp . 3001 : goto ${EXT2} }
add element ${TABLE} no-endpoint-nodeports { tcp . 3001 comment "ns2/svc2:p80" : drop }
add element ${TABLE} no-endpoint-services { 1.2.3.4 . tcp . 80 comment "ns2/svc2:p80" : drop }
add element ${TABLE} no-endpoint-services { 192.168.99.22 . tcp . 80 comment "ns2/svc2:p80" : drop }

# svc3
add chain ${TABLE} ${SVC3}
add rule ${TABLE} ${SVC3} ip daddr 172.30.0.43 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ${TABLE} ${SVC3} numgen random mod 1 vmap { 0 : goto ${EP3} }
add chain ${TABLE} ${EXT3}
add rule ${TABLE} ${EXT3} jump mark-for-masquerade
add rule ${TABLE} ${EXT3} goto ${SVC3}
${endpointChain(EP3, '10.180.0.3')}
add element ${TABLE} cluster-ips { 172.30.0.43 }
add element ${TABLE} service-ips { 172.30.0.43 . tcp . 80 : goto ${SVC3} }
add element ${TABLE} service-nodeports { tcp . 3003 : goto ${EXT3} }

# svc4
add chain ${TABLE} ${SVC4}
add rule ${TABLE} ${SVC4} ip daddr 172.30.0.44 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ${TABLE} ${SVC4} numgen random mod 2 vmap { 0 : goto ${EP4A} , 1 : goto ${EP4B} }
add chain ${TABLE} ${EXT4}
add rule ${TABLE} ${EXT4} jump mark-for-masquerade
add rule ${TABLE} ${EXT4} goto ${SVC4}
${endpointChain(EP4B, '10.180.0.5')}
${endpointChain(EP4A, '10.180.0.4')}
add element ${TABLE} cluster-ips { 172.30.0.44 }
add element ${TABLE} service-ips { 172.30.0.44 . tcp . 80 : goto ${SVC4} }
add element ${TABLE} service-ips { 192.168.99.33 . tcp . 80 : goto ${EXT4} }

# svc5: Cluster policy, ClientIP affinity, source ranges
add set ${TABLE} ${AFF5} { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }
add chain ${TABLE} ${SVC5}
add rule ${TABLE} ${SVC5} ip daddr 172.30.0.45 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ${TABLE} ${SVC5} ip saddr @${AFF5} goto ${EP5}
add rule ${TABLE} ${SVC5} numgen random mod 1 vmap { 0 : goto ${EP5} }
add chain ${TABLE} ${EXT5}
add rule ${TABLE} ${EXT5} jump mark-for-masquerade
add rule ${TABLE} ${EXT5} goto ${SVC5}
add chain ${TABLE} ${EP5}
add rule ${TABLE} ${EP5} ip saddr 10.180.0.3 jump mark-for-masquerade
add rule ${TABLE} ${EP5} update @${AFF5} { ip saddr }
add rule ${TABLE} ${EP5} meta l4proto tcp dnat to 10.180.0.3:80
add chain ${TABLE} ${FW5}
add rule ${TABLE} ${FW5} ip saddr != { 203.0.113.0/25 } drop
add element ${TABLE} cluster-ips { 172.30.0.45 }
add element ${TABLE} service-ips { 172.30.0.45 . tcp . 80 : goto ${SVC5} }
add element ${TABLE} service-ips { 5.6.7.8 . tcp . 80 : goto ${EXT5} }
add element ${TABLE} service-nodeports { tcp . 3002 : goto ${EXT5} }
add element ${TABLE} firewall-ips { 5.6.7.8 . tcp . 80 : goto ${FW5} }

# svc6: no endpoints
add element ${TABLE} cluster-ips { 172.30.0.46 }
add element ${TABLE} no-endpoint-services { 172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain }
`;

test('TestOverallNFTablesRules: the same six Services as the iptables golden, as an nftables transaction', () => {
  const state = new ProxyState('test-node');
  overallCase(state);
  const proxier = new NftablesProxier(state, UPSTREAM_FAKE, '172.30.0.0/16');
  proxier.sync(true);
  assert.deepEqual(lines(proxier.transaction()), lines(BASE + SERVICES));
});

test('nftables: an endpoint going away rewrites the Service and drops its endpoint chain', () => {
  const state = new ProxyState('test-node');
  overallCase(state);
  const proxier = new NftablesProxier(state, UPSTREAM_FAKE, '172.30.0.0/16');
  proxier.sync(true);
  state.setSlice('ns1/svc1-1', undefined);
  proxier.sync(false);
  const got = lines(proxier.transaction());
  assert.ok(!got.some((l) => l.includes(EP1)), 'the endpoint chain is gone');
  assert.ok(got.includes(`add element ${TABLE} no-endpoint-services { 172.30.0.41 . tcp . 80 comment "ns1/svc1:p80" : goto reject-chain }`));
});
