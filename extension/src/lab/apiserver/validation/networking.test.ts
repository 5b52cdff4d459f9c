/**
 * Messages come from pkg/apis/networking/validation/validation.go
 * (ValidateNetworkPolicyPort/Peer/Spec, ValidateIPBlock, ValidateIngressSpec,
 * validateIngressBackend, validateHTTPIngressPath, validateIngressClassSpec,
 * ValidateIngressLoadBalancerStatus) and defaults from pkg/apis/networking/v1/defaults.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultIngressClass, defaultNetworkPolicy } from '../defaulting/networking';
import { type FieldError, fieldErrorText } from '../fieldErrors';
import {
  validateIngressClass, validateIngressClassUpdate, validateIngressCreate, validateIngressStatusUpdate, validateNetworkPolicy, validateNetworkPolicyUpdate,
} from './networking';
import type { Ingress, IngressClass, NetworkPolicy } from './types/networking';

const texts = (errs: FieldError[]) => errs.map(fieldErrorText);
const netpol = (spec: Record<string, unknown>): NetworkPolicy => {
  const np = { metadata: { name: 'np', namespace: 'default' }, spec } as NetworkPolicy;
  defaultNetworkPolicy(np);
  return np;
};

test('networkpolicy defaults: TCP ports, Ingress always and Egress when egress rules exist', () => {
  const np = netpol({ podSelector: {}, ingress: [{ ports: [{ port: 80 }] }], egress: [{}] });
  assert.deepEqual(np.spec?.policyTypes, ['Ingress', 'Egress']);
  assert.equal(np.spec?.ingress?.[0].ports?.[0].protocol, 'TCP');
  assert.deepEqual(netpol({ podSelector: {} }).spec?.policyTypes, ['Ingress']);
});

const netpolCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'accepts a named port and a CIDR with a strict subset excepted', spec: { podSelector: {}, ingress: [{ ports: [{ port: 'http' }], from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] }, want: [] },
  {
    name: 'checks ports and end ports',
    spec: { podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP', port: 0 }, { port: 90, endPort: 80 }, { port: 'http', endPort: 90 }, { endPort: 90 }] }] },
    want: [
      'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      'spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ingress[0].ports[1].endPort: Invalid value: 80: must be greater than or equal to `port`',
      'spec.ingress[0].ports[2].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
      'spec.ingress[0].ports[3].endPort: Invalid value: 90: may not be specified when `port` is not specified',
    ],
  },
  {
    name: 'a peer needs exactly one kind when ipBlock is used',
    spec: { podSelector: {}, egress: [{ to: [{}, { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] },
    want: ['spec.egress[0].to[0]: Required value: must specify a peer', 'spec.egress[0].to[1]: Forbidden: may not specify both ipBlock and another peer'],
  },
  {
    name: 'an except must be a strict subset and CIDRs must parse',
    spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16', '192.168.0.0/24'] } }, { ipBlock: { cidr: 'ten' } }] }] },
    want: [
      'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`',
      'spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`',
      'spec.ingress[0].from[1].ipBlock.cidr: Invalid value: "ten": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
  },
  { name: 'rejects unknown policy types', spec: { podSelector: {}, policyTypes: ['Ingress', 'Sideways'] }, want: ['spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"'] },
];

for (const c of netpolCases) {
  test(`networkpolicy: ${c.name}`, () => {
    assert.deepEqual(texts(validateNetworkPolicy(netpol(c.spec))), c.want);
  });
}

test('networkpolicy update: a stored CIDR stays acceptable', () => {
  const old = netpol({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: 'legacy' } }] }] });
  assert.deepEqual(texts(validateNetworkPolicyUpdate(old, old)), []);
});

const ingress = (spec: Record<string, unknown>, annotations?: Record<string, string>): Ingress => ({ metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec });
const backend = (port: Record<string, unknown> = { number: 80 }) => ({ service: { name: 'web', port } });

const ingressCases: { name: string; obj: Ingress; want: string[] }[] = [
  { name: 'accepts a prefix rule', obj: ingress({ rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend() }] } }] }), want: [] },
  { name: 'needs rules or a default backend', obj: ingress({}), want: ['spec: Invalid value: "null": either `defaultBackend` or `rules` must be specified'] },
  {
    name: 'checks hosts',
    obj: ingress({ rules: [{ host: '10.0.0.1' }, { host: 'a.*.example.com' }] }),
    want: [
      'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
      "spec.rules[1].host: Invalid value: \"a.*.example.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
  },
  {
    name: 'checks paths',
    obj: ingress({ rules: [{ http: { paths: [{ path: '/a', backend: backend() }, { path: 'a//b/.', pathType: 'Exact', backend: backend() }, { path: '/', pathType: 'Regex', backend: backend() }] } }, { http: { paths: [] } }] }),
    want: [
      'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
      'spec.rules[0].http.paths[1].path: Invalid value: "a//b/.": must be an absolute path',
      'spec.rules[0].http.paths[1].path: Invalid value: "a//b/.": must not contain \'//\'',
      'spec.rules[0].http.paths[1].path: Invalid value: "a//b/.": cannot end with \'/.\'',
      'spec.rules[0].http.paths[2].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
      'spec.rules[1].http.paths: Required value',
    ],
  },
  {
    name: 'checks backends',
    obj: ingress({ defaultBackend: { service: { name: '1web', port: { name: 'http', number: 80 } } } }),
    want: [
      "spec.defaultBackend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      'spec.defaultBackend: Invalid value: "": cannot set both port name & port number',
    ],
  },
  { name: 'a backend needs a port', obj: ingress({ defaultBackend: backend({}) }), want: ['spec.defaultBackend: Required value: port name or number is required'] },
  { name: 'a backend needs a target', obj: ingress({ defaultBackend: {} }), want: ['spec.defaultBackend: Invalid value: "": resource or service backend is required'] },
  {
    name: 'the legacy class annotation must agree with ingressClassName',
    obj: ingress({ ingressClassName: 'nginx', defaultBackend: backend() }, { 'kubernetes.io/ingress.class': 'traefik' }),
    want: ['annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified'],
  },
];

for (const c of ingressCases) {
  test(`ingress: ${c.name}`, () => {
    assert.deepEqual(texts(validateIngressCreate(c.obj)), c.want);
  });
}

test('ingress status: load balancer hostnames are DNS names', () => {
  const old = ingress({ defaultBackend: backend() });
  const next = { ...old, status: { loadBalancer: { ingress: [{ ip: 'x.y' }, { hostname: '10.0.0.1' }] } } };
  assert.deepEqual(texts(validateIngressStatusUpdate(next, old)), [
    'status.loadBalancer.ingress[0].ip: Invalid value: "x.y": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'status.loadBalancer.ingress[1].hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
  ]);
});

const ingressClass = (spec: Record<string, unknown>): IngressClass => {
  const ic = { metadata: { name: 'nginx' }, spec } as IngressClass;
  defaultIngressClass(ic);
  return ic;
};

test('ingressclass: controller is a domain-prefixed path; parameters scope defaults to Cluster', () => {
  const ic = ingressClass({ controller: 'k8s.io/ingress-nginx', parameters: { kind: 'Params', name: 'p' } });
  assert.equal(ic.spec?.parameters?.scope, 'Cluster');
  assert.deepEqual(texts(validateIngressClass(ic)), []);
  assert.deepEqual(texts(validateIngressClass(ingressClass({ controller: 'nginx' }))), ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']);
  assert.deepEqual(texts(validateIngressClass(ingressClass({ controller: 'k8s.io/x', parameters: { kind: 'P', name: 'p', scope: 'Namespace' } }))), ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"]);
  assert.deepEqual(texts(validateIngressClass(ingressClass({ controller: 'k8s.io/x', parameters: { kind: 'P', name: 'p', namespace: 'a' } }))), ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"]);
  assert.deepEqual(texts(validateIngressClassUpdate(ingressClass({ controller: 'k8s.io/y' }), ingressClass({ controller: 'k8s.io/x' }))), ['spec.controller: Invalid value: "k8s.io/y": field is immutable']);
});
