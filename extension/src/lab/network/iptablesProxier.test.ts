/**
 * Golden tests: the rules upstream's pkg/proxy/iptables/proxier_test.go expects
 * (TestOverallIPTablesRules and friends), with its fake proxier's settings —
 * pod CIDR 10.0.0.0/8, node test-node at 192.168.0.2, mark 0x4000, nfacct
 * present, localhost node ports on, no --random-fully — and its chain hashes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portProtoHash, servicePortEndpointChainName } from './chainNames';
import { IptablesProxier, type ProxierConfig } from './iptablesProxier';
import { ProxyState, SERVICE_NAME_LABEL, type EndpointSlice, type Service } from './serviceInfo';

export const UPSTREAM_FAKE: ProxierConfig = { nodeName: 'test-node', nodeIP: '192.168.0.2', clusterCIDR: '10.0.0.0/8', masqueradeMark: '0x4000', masqueradeAll: false, localhostNodePorts: true, nfacct: true, randomFully: false };

/** svc is makeTestService: a Service in ns with the given spec and status. */
export function svc(ns: string, name: string, spec: Service['spec'], status?: Service['status']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec, ...(status ? { status } : {}) };
}

/** slice is makeTestEndpointSlice: slice 1 of a Service, IPv4, with the given endpoints on one port. */
export function slice(ns: string, service: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'] = [{ name: 'p80', port: 80, protocol: 'TCP' }]): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace: ns, name: `${service}-1`, labels: { [SERVICE_NAME_LABEL]: service } }, addressType: 'IPv4', endpoints, ports };
}

/** overallCase is TestOverallIPTablesRules' (and TestOverallNFTablesRules') Services and slices. */
export function overallCase(state: ProxyState): void {
  const p80 = (extra: Record<string, unknown> = {}) => [{ name: 'p80', port: 80, protocol: 'TCP', ...extra }];
  const services: Service[] = [
    svc('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: p80() }),
    svc('ns2', 'svc2', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', clusterIP: '172.30.0.42', ports: p80({ nodePort: 3001 }), externalIPs: ['192.168.99.22'], healthCheckNodePort: 30000 }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }),
    svc('ns3', 'svc3', { type: 'NodePort', clusterIP: '172.30.0.43', ports: p80({ nodePort: 3003 }) }),
    svc('ns4', 'svc4', { type: 'NodePort', clusterIP: '172.30.0.44', externalIPs: ['192.168.99.33'], ports: p80({ targetPort: 80 }) }),
    svc('ns5', 'svc5', {
      type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', clusterIP: '172.30.0.45', ports: p80({ nodePort: 3002 }), healthCheckNodePort: 30000,
      loadBalancerSourceRanges: [' 203.0.113.0/25'], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    }, { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } }),
    svc('ns6', 'svc6', { type: 'ClusterIP', clusterIP: '172.30.0.46', ports: p80({ targetPort: 80 }) }),
  ];
  for (const s of services) state.setService(`${s.metadata.namespace}/${s.metadata.name}`, s);
  const slices = [
    slice('ns1', 'svc1', [{ addresses: ['10.180.0.1'] }]),
    slice('ns2', 'svc2', [{ addresses: ['10.180.0.2'] }]),
    slice('ns3', 'svc3', [{ addresses: ['10.180.0.3'] }]),
    slice('ns4', 'svc4', [{ addresses: ['10.180.0.4'] }, { addresses: ['10.180.0.5'], nodeName: 'test-node' }]),
    slice('ns5', 'svc5', [{ addresses: ['10.180.0.3'] }]),
  ];
  for (const s of slices) state.setSlice(`${s.metadata.namespace}/${s.metadata.name}`, s);
}

const dedent = (s: string): string => `${s.replace(/^\n/, '').split('\n').map((l) => l.trim()).filter((l, i, a) => l !== '' || i < a.length - 1).join('\n')}`;

test('chain names hash as upstream: the KUBE-SVC and KUBE-SEP examples of proxier_test.go', () => {
  assert.equal(portProtoHash('ns1/svc1:p80', 'tcp'), 'XPGD46QRK7WJZT7O');
  assert.equal(portProtoHash('ns2/svc2:p80', 'tcp'), 'GNZBNJ2PO5MGZ6GT');
  assert.equal(portProtoHash('ns5/svc5:p80', 'tcp'), 'NUKIZ6OKUXPJNT4C');
  assert.equal(servicePortEndpointChainName('ns1/svc1:p80', 'tcp', '10.180.0.1:80'), 'KUBE-SEP-SXIVWICOYRO3J4NJ');
  assert.equal(servicePortEndpointChainName('ns4/svc4:p80', 'tcp', '10.180.0.5:80'), 'KUBE-SEP-C6EBXVWJJZMIWKLZ');
});

test('TestOverallIPTablesRules: ClusterIP, Local LoadBalancer, NodePort, external IP, affinity with source ranges, no endpoints', () => {
  const state = new ProxyState('test-node');
  overallCase(state);
  const proxier = new IptablesProxier(state, UPSTREAM_FAKE);
  proxier.sync(true);
  assert.equal(proxier.text(), dedent(`
    *filter
    :KUBE-NODEPORTS - [0:0]
    :KUBE-SERVICES - [0:0]
    :KUBE-EXTERNAL-SERVICES - [0:0]
    :KUBE-FIREWALL - [0:0]
    :KUBE-FORWARD - [0:0]
    :KUBE-PROXY-FIREWALL - [0:0]
    -A KUBE-NODEPORTS -m comment --comment "ns2/svc2:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT
    -A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT
    -A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j DROP
    -A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP
    -A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP
    -A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
    -A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP
    -A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
    -A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
    -A KUBE-PROXY-FIREWALL -m comment --comment "ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP
    COMMIT
    *nat
    :KUBE-NODEPORTS - [0:0]
    :KUBE-SERVICES - [0:0]
    :KUBE-EXT-4SW47YFZTEDKD3PK - [0:0]
    :KUBE-EXT-GNZBNJ2PO5MGZ6GT - [0:0]
    :KUBE-EXT-NUKIZ6OKUXPJNT4C - [0:0]
    :KUBE-EXT-X27LE4BHSL4DOUIK - [0:0]
    :KUBE-FW-NUKIZ6OKUXPJNT4C - [0:0]
    :KUBE-MARK-MASQ - [0:0]
    :KUBE-POSTROUTING - [0:0]
    :KUBE-SEP-C6EBXVWJJZMIWKLZ - [0:0]
    :KUBE-SEP-I77PXRDZVX7PMWMN - [0:0]
    :KUBE-SEP-OYPFS5VJICHGATKP - [0:0]
    :KUBE-SEP-RS4RBKLTHTF2IUXJ - [0:0]
    :KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
    :KUBE-SEP-UKSFD7AGPMPPLUHC - [0:0]
    :KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]
    :KUBE-SVC-GNZBNJ2PO5MGZ6GT - [0:0]
    :KUBE-SVC-NUKIZ6OKUXPJNT4C - [0:0]
    :KUBE-SVC-X27LE4BHSL4DOUIK - [0:0]
    :KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
    -A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3001 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
    -A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
    -A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3003 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-X27LE4BHSL4DOUIK
    -A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp --dport 3003 -j KUBE-EXT-X27LE4BHSL4DOUIK
    -A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 3002 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-NUKIZ6OKUXPJNT4C
    -A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp --dport 3002 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
    -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
    -A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
    -A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 external IP" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
    -A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 loadbalancer IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
    -A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK
    -A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK
    -A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 external IP" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK
    -A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j KUBE-SVC-NUKIZ6OKUXPJNT4C
    -A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 loadbalancer IP" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-FW-NUKIZ6OKUXPJNT4C
    -A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
    -A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "masquerade traffic for ns4/svc4:p80 external destinations" -j KUBE-MARK-MASQ
    -A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK
    -A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "pod traffic for ns2/svc2:p80 external destinations" -s 10.0.0.0/8 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
    -A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "masquerade LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
    -A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "route LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
    -A KUBE-EXT-NUKIZ6OKUXPJNT4C -m comment --comment "masquerade traffic for ns5/svc5:p80 external destinations" -j KUBE-MARK-MASQ
    -A KUBE-EXT-NUKIZ6OKUXPJNT4C -j KUBE-SVC-NUKIZ6OKUXPJNT4C
    -A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "masquerade traffic for ns3/svc3:p80 external destinations" -j KUBE-MARK-MASQ
    -A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVC-X27LE4BHSL4DOUIK
    -A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 loadbalancer IP" -s 203.0.113.0/25 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
    -A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"
    -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
    -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
    -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
    -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
    -A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ
    -A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80
    -A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
    -A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
    -A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
    -A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
    -A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -s 10.180.0.2 -j KUBE-MARK-MASQ
    -A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80
    -A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
    -A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
    -A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ
    -A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80
    -A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
    -A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC
    -A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.5:80" -j KUBE-SEP-C6EBXVWJJZMIWKLZ
    -A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
    -A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -j KUBE-SEP-RS4RBKLTHTF2IUXJ
    -A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
    -A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --rcheck --seconds 10800 --reap -j KUBE-SEP-I77PXRDZVX7PMWMN
    -A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -j KUBE-SEP-I77PXRDZVX7PMWMN
    -A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
    -A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.3:80" -j KUBE-SEP-OYPFS5VJICHGATKP
    -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
    -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
    COMMIT
  `) + '\n');
});

/** golden is an iptables-save dump written indented over several pieces: lines trimmed, blank ones dropped, a final newline. */
const golden = (s: string): string => `${s.split('\n').map((l) => l.trim()).filter((l) => l !== '').join('\n')}\n`;

/** FIXED_FILTER and FIXED_NAT are the rules every sync of the fake proxier writes whatever the Services. */
const FIXED_FILTER = `
  -A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
  -A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP
  -A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
  -A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
  COMMIT`;
const FILTER_CHAINS = `
  *filter
  :KUBE-NODEPORTS - [0:0]
  :KUBE-SERVICES - [0:0]
  :KUBE-EXTERNAL-SERVICES - [0:0]
  :KUBE-FIREWALL - [0:0]
  :KUBE-FORWARD - [0:0]
  :KUBE-PROXY-FIREWALL - [0:0]`;
const NODEPORTS_LAST = '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS';
const FIXED_NAT = `
  -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
  -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
  -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
  -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
  COMMIT
`;

test('NodePort with no endpoints (TestNoEndpointsReject): REJECT in KUBE-SERVICES and, for the node port, in KUBE-EXTERNAL-SERVICES', () => {
  const state = new ProxyState('test-node');
  state.setService('ns1/svc1', svc('ns1', 'svc1', { type: 'NodePort', clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }] }));
  const proxier = new IptablesProxier(state, UPSTREAM_FAKE);
  proxier.sync(true);
  assert.equal(proxier.text(), golden(`${FILTER_CHAINS}
    -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j REJECT
    -A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j REJECT
    ${FIXED_FILTER}
    *nat
    :KUBE-NODEPORTS - [0:0]
    :KUBE-SERVICES - [0:0]
    :KUBE-MARK-MASQ - [0:0]
    :KUBE-POSTROUTING - [0:0]
    ${NODEPORTS_LAST}
    ${FIXED_NAT}`));
});

/** itpLocal is TestInternalTrafficPolicy's Service: ns1/svc1 (unnamed port 80), internalTrafficPolicy Local. */
function itpLocal(endpoints: EndpointSlice['endpoints']): IptablesProxier {
  const state = new ProxyState('test-node');
  state.setService('ns1/svc1', svc('ns1', 'svc1', { clusterIP: '172.30.1.1', internalTrafficPolicy: 'Local', ports: [{ name: '', port: 80, protocol: 'TCP' }] }));
  state.setSlice('ns1/svc1-1', slice('ns1', 'svc1', endpoints, [{ name: '', port: 80, protocol: 'TCP' }]));
  const proxier = new IptablesProxier(state, UPSTREAM_FAKE);
  proxier.sync(true);
  return proxier;
}

test('internalTrafficPolicy Local (TestInternalTrafficPolicy): the cluster IP goes to a KUBE-SVL chain of the local endpoints only', () => {
  const proxier = itpLocal([{ addresses: ['10.0.1.1'], nodeName: 'test-node' }, { addresses: ['10.0.1.2'], nodeName: 'test-node' }, { addresses: ['10.0.1.3'], nodeName: 'host1' }]);
  assert.equal(portProtoHash('ns1/svc1', 'tcp'), 'AQI2S6QIMU7PVVRP');
  assert.equal(servicePortEndpointChainName('ns1/svc1', 'tcp', '10.0.1.1:80'), 'KUBE-SEP-3JOIVZTXZZRGORX4');
  assert.equal(proxier.text(), golden(`${FILTER_CHAINS}
    ${FIXED_FILTER}
    *nat
    :KUBE-NODEPORTS - [0:0]
    :KUBE-SERVICES - [0:0]
    :KUBE-MARK-MASQ - [0:0]
    :KUBE-POSTROUTING - [0:0]
    :KUBE-SEP-3JOIVZTXZZRGORX4 - [0:0]
    :KUBE-SEP-IO5XOSKPAXIFQXAJ - [0:0]
    :KUBE-SVL-AQI2S6QIMU7PVVRP - [0:0]
    -A KUBE-SERVICES -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j KUBE-SVL-AQI2S6QIMU7PVVRP
    ${NODEPORTS_LAST}
    -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
    -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
    -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
    -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
    -A KUBE-SEP-3JOIVZTXZZRGORX4 -m comment --comment ns1/svc1 -s 10.0.1.1 -j KUBE-MARK-MASQ
    -A KUBE-SEP-3JOIVZTXZZRGORX4 -m comment --comment ns1/svc1 -m tcp -p tcp -j DNAT --to-destination 10.0.1.1:80
    -A KUBE-SEP-IO5XOSKPAXIFQXAJ -m comment --comment ns1/svc1 -s 10.0.1.2 -j KUBE-MARK-MASQ
    -A KUBE-SEP-IO5XOSKPAXIFQXAJ -m comment --comment ns1/svc1 -m tcp -p tcp -j DNAT --to-destination 10.0.1.2:80
    -A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
    -A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-3JOIVZTXZZRGORX4
    -A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -j KUBE-SEP-IO5XOSKPAXIFQXAJ
    COMMIT
  `));
});

test('internalTrafficPolicy Local with no local endpoint: the cluster IP is dropped in filter KUBE-SERVICES, no nat chains', () => {
  const proxier = itpLocal([{ addresses: ['10.0.1.3'], nodeName: 'host1' }]);
  assert.equal(proxier.text(), golden(`${FILTER_CHAINS}
    -A KUBE-SERVICES -m comment --comment "ns1/svc1 has no local endpoints" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j DROP
    ${FIXED_FILTER}
    *nat
    :KUBE-NODEPORTS - [0:0]
    :KUBE-SERVICES - [0:0]
    :KUBE-MARK-MASQ - [0:0]
    :KUBE-POSTROUTING - [0:0]
    ${NODEPORTS_LAST}
    ${FIXED_NAT}`));
});

test('partial sync: a Service losing its endpoints moves its cluster IP rule from nat to filter and deletes its chains; the top-level chains stay whole', () => {
  const state = new ProxyState('test-node');
  overallCase(state);
  const proxier = new IptablesProxier(state, UPSTREAM_FAKE);
  proxier.sync(true);
  state.setSlice('ns1/svc1-1', undefined);
  const r = proxier.sync(false);
  assert.equal(r.full, false);
  assert.equal(r.rewritten, 1);
  const lines = r.restore.split('\n');
  assert.ok(lines.includes('-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j REJECT'));
  assert.ok(!lines.some((l) => l.includes('ns1/svc1:p80 cluster IP')));
  assert.ok(lines.includes('-X KUBE-SVC-XPGD46QRK7WJZT7O') && lines.includes('-X KUBE-SEP-SXIVWICOYRO3J4NJ'));
  assert.ok(lines.some((l) => l.startsWith('-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP"')), 'unchanged Services stay in KUBE-SERVICES');
  assert.ok(!lines.some((l) => l.startsWith('-A KUBE-SVC-GNZBNJ2PO5MGZ6GT')), 'unchanged Services keep their chains unwritten');
  // The next full sync matches a fresh proxier's.
  const fresh = new IptablesProxier(state, UPSTREAM_FAKE);
  fresh.sync(true);
  assert.equal(proxier.sync(true).restore, fresh.text());
});
