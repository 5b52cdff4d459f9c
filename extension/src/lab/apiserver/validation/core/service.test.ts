/**
 * Service validation and defaulting: each case is a Service as a client sends
 * it, run through SetDefaults_Service and the strategy's create preparation,
 * and the exact errors of pkg/apis/core/validation/validation.go (ValidateService,
 * ValidateServiceUpdate, ValidateServiceClusterIPsRelatedFields) and the
 * allocator's IP family checks (pkg/registry/core/service/ipallocator … alloc.go).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/types';
import { defaultService } from '../../defaulting/core';
import { initIPFamilies, normalizeClusterIPs, patchAllocatedValues } from '../../defaulting/service';
import { fieldErrorText } from '../../fieldErrors';
import { dns1035Name } from '../objectMeta';
import { CLUSTER_IP_FAMILIES, validateService, validateServiceIPFamilies, validateServiceStatusUpdate, validateServiceUpdate } from './service';

type Rec = Record<string, unknown>;

function service(spec: Rec, annotations?: Rec): KubeObject {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...spec } } as KubeObject;
  defaultService(svc);
  normalizeClusterIPs(svc.spec as Rec);
  initIPFamilies(svc.spec as Rec, undefined, CLUSTER_IP_FAMILIES);
  return svc;
}

const errors = (svc: KubeObject) => [...validateService(svc), ...validateServiceIPFamilies(svc)].map(fieldErrorText);

test('defaults: ClusterIP, no affinity, TCP, targetPort = port, Cluster traffic, single-stack IPv4', () => {
  const svc = service({ ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] });
  assert.deepEqual(svc.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }],
    sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
  });
});

test('defaults: a NodePort service keeps external traffic in the cluster; a load balancer allocates node ports', () => {
  assert.equal((service({ type: 'NodePort' }).spec as Rec).externalTrafficPolicy, 'Cluster');
  const lb = service({ type: 'LoadBalancer' }).spec as Rec;
  assert.equal(lb.allocateLoadBalancerNodePorts, true);
  assert.equal(lb.externalTrafficPolicy, 'Cluster');
});

test('defaults: ClientIP affinity gets a three-hour timeout; a headless selectorless service asks for both families', () => {
  assert.deepEqual((service({ sessionAffinity: 'ClientIP' }).spec as Rec).sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  const headless = service({ clusterIP: 'None', selector: undefined }).spec as Rec;
  assert.deepEqual([headless.clusterIPs, headless.ipFamilyPolicy, headless.ipFamilies], [['None'], 'RequireDualStack', ['IPv4', 'IPv6']]);
});

const DNS1035 = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const cases: { name: string; svc: KubeObject; errors: string[] }[] = [
  { name: 'a valid service', svc: service({}), errors: [] },
  { name: 'no ports', svc: service({ ports: [] }), errors: ['spec.ports: Required value'] },
  { name: 'a headless service needs no ports', svc: service({ ports: [], clusterIP: 'None' }), errors: [] },
  {
    name: 'two unnamed ports and a bad port number',
    svc: service({ ports: [{ port: 80 }, { port: 0, targetPort: 8080 }] }),
    errors: ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value', 'spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
  },
  {
    name: 'duplicate port names (a leading digit is fine: port names are DNS-1123 labels)',
    svc: service({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }, { name: '1http', port: 82 }] }),
    errors: ['spec.ports[1].name: Duplicate value: "http"'],
  },
  {
    name: 'a target port name that is not a port name',
    svc: service({ ports: [{ port: 80, targetPort: 'HTTP_PORT' }] }),
    errors: [
      'spec.ports[0].targetPort: Invalid value: "HTTP_PORT": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ports[0].targetPort: Invalid value: "HTTP_PORT": must contain at least one letter (a-z)',
    ],
  },
  { name: 'an unknown protocol', svc: service({ ports: [{ port: 80, protocol: 'HTTP' }] }), errors: ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'] },
  { name: 'an unknown type', svc: service({ type: 'Internal' }), errors: ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'] },
  { name: 'a node port on a ClusterIP service', svc: service({ ports: [{ port: 80, nodePort: 30080 }] }), errors: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"] },
  {
    name: 'two ports sharing a node port',
    svc: service({ type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30080 }] }),
    errors: ['spec.ports[1].nodePort: Duplicate value: 30080'],
  },
  { name: 'a headless NodePort service', svc: service({ type: 'NodePort', clusterIP: 'None' }), errors: ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"] },
  { name: 'an ExternalName service without a name', svc: service({ type: 'ExternalName', ports: [] }), errors: ['spec.externalName: Required value'] },
  {
    name: 'an external name that is not a DNS name',
    svc: service({ type: 'ExternalName', externalName: 'Example.COM.' }),
    errors: ["spec.externalName: Invalid value: \"Example.COM\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
  },
  { name: 'a bad session affinity', svc: service({ sessionAffinity: 'Cookie' }), errors: ['spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"'] },
  {
    name: 'a ClientIP timeout over a day',
    svc: service({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } }),
    errors: ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400'],
  },
  { name: 'a cluster IP that is not an IP', svc: service({ clusterIP: '10.0.0.256' }), errors: ['spec.clusterIPs[0]: Invalid value: "10.0.0.256": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
  { name: 'an IPv6 cluster IP on an IPv4 cluster', svc: service({ clusterIP: '2001:db8::1' }), errors: ['spec.clusterIPs[0]: Invalid value: "2001:db8::1": expected an IPv4 value as indicated by `ipFamilies[0]`'] },
  { name: 'dual-stack required of a single-stack cluster', svc: service({ ipFamilyPolicy: 'RequireDualStack' }), errors: ['spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services'] },
  {
    name: 'an external IP that is loopback',
    svc: service({ externalIPs: ['127.0.0.1'] }),
    errors: ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
  },
  { name: 'source ranges on a ClusterIP service', svc: service({ loadBalancerSourceRanges: ['10.0.0.0/8'] }), errors: ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"] },
  { name: 'a source range with host bits', svc: service({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.1/8'] }), errors: ['spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.1/8": must not have bits set beyond the prefix length'] },
  { name: 'external traffic policy on an internal service', svc: service({ externalTrafficPolicy: 'Local' }), errors: ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'] },
  { name: 'a bad selector value', svc: service({ selector: { app: 'web server' } }), errors: ["spec.selector: Invalid value: \"web server\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"] },
];

for (const c of cases) {
  test(`service validation: ${c.name}`, () => {
    assert.deepEqual(errors(c.svc), c.errors);
  });
}

test('the service name rule is DNS-1035 (no leading digit)', () => {
  assert.deepEqual(dns1035Name('1web', false), [DNS1035]);
  assert.deepEqual(dns1035Name('web-', true), []);
});

test('update: the cluster IP may not change once set, and an update without it keeps the allocated one', () => {
  const old = service({ clusterIP: '10.96.0.10' });
  const moved = service({ clusterIP: '10.96.0.11' });
  normalizeClusterIPs(moved.spec as Rec, old.spec as Rec);
  assert.deepEqual(validateServiceUpdate(moved, old).map((e) => [e.field, e.detail, e.value]), [['spec.clusterIPs[0]', 'may not change once set', ['10.96.0.11']]]);
  const applied = service({});
  patchAllocatedValues(applied.spec as Rec, old.spec as Rec);
  normalizeClusterIPs(applied.spec as Rec, old.spec as Rec);
  assert.deepEqual(validateServiceUpdate(applied, old), []);
  assert.equal((applied.spec as Rec).clusterIP, '10.96.0.10');
});

test('status: load balancer ingress only on load balancers, and an IP needs its mode', () => {
  const clusterIP = { ...service({}), status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } };
  assert.deepEqual(validateServiceStatusUpdate(clusterIP).map(fieldErrorText), ["status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'"]);
  const lb = { ...service({ type: 'LoadBalancer' }), status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }, { hostname: '1.2.3.5' }] } } };
  assert.deepEqual(validateServiceStatusUpdate(lb).map(fieldErrorText), [
    'status.loadBalancer.ingress[0].ipMode: Required value: must be specified when `ip` is set',
    'status.loadBalancer.ingress[1].hostname: Invalid value: "1.2.3.5": must be a DNS name, not an IP address',
  ]);
});
