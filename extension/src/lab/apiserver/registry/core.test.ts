/**
 * The core/v1 resources end to end through an in-process ApiServer: discovery
 * entries as upstream's api/discovery/api__v1.json lists them, defaults on the
 * stored object, and 422 Status messages as kube-apiserver words them
 * (apimachinery's errors.NewInvalid over pkg/apis/core/validation's field errors).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testServer } from '../testing';
import { coreResources } from './core';

const ns = '/api/v1/namespaces/default';

test('discovery: names, verbs, categories and subresources as upstream serves them', async () => {
  const { call } = await testServer();
  const list = (await call({ method: 'GET', path: '/api/v1' })).body as { resources: { name: string; shortNames?: string[]; verbs: string[]; categories?: string[]; namespaced: boolean }[] };
  const byName = new Map(list.resources.map((r) => [r.name, r]));
  assert.deepEqual(byName.get('componentstatuses')?.verbs, ['get', 'list']);
  assert.deepEqual(byName.get('namespaces')?.verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  assert.deepEqual(byName.get('services')?.shortNames, ['svc']);
  assert.deepEqual(byName.get('services')?.categories, ['all']);
  assert.deepEqual(byName.get('limitranges')?.shortNames, ['limits']);
  assert.deepEqual(byName.get('resourcequotas')?.shortNames, ['quota']);
  assert.equal(byName.get('persistentvolumes')?.namespaced, false);
  for (const sub of ['pods/eviction', 'pods/log', 'pods/ephemeralcontainers', 'pods/binding', 'replicationcontrollers/scale', 'serviceaccounts/token', 'namespaces/finalize']) {
    assert.ok(byName.has(sub), sub);
  }
});

test('the table serves every core/v1 resource of issue 3 exactly once', () => {
  const names = coreResources.map((r) => r.resource).sort();
  assert.deepEqual(names, [
    'componentstatuses', 'configmaps', 'endpoints', 'events', 'limitranges', 'namespaces', 'nodes', 'persistentvolumeclaims', 'persistentvolumes',
    'pods', 'podtemplates', 'replicationcontrollers', 'resourcequotas', 'secrets', 'serviceaccounts', 'services',
  ]);
});

test('a created service carries its defaults and an empty load balancer status', async () => {
  const { call } = await testServer();
  const res = await call({ method: 'POST', path: `${ns}/services`, body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } });
  assert.equal(res.status, 201);
  assert.equal(res.body.spec.type, 'ClusterIP');
  assert.equal(res.body.spec.sessionAffinity, 'None');
  assert.deepEqual(res.body.spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  assert.equal(res.body.spec.internalTrafficPolicy, 'Cluster');
  assert.equal(res.body.spec.ipFamilyPolicy, 'SingleStack');
  assert.deepEqual(res.body.status, { loadBalancer: {} });
});

test('a replication controller starts at generation 1 with zero replicas in status', async () => {
  const { call } = await testServer();
  const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
  const res = await call({ method: 'POST', path: `${ns}/replicationcontrollers`, body: rc });
  assert.equal(res.status, 201);
  assert.deepEqual([res.body.metadata.generation, res.body.spec.replicas, res.body.spec.selector, res.body.status], [1, 1, { app: 'web' }, { replicas: 0 }]);
});

const rejections: { name: string; path: string; body: Record<string, unknown>; message: string }[] = [
  {
    name: 'a service without ports',
    path: `${ns}/services`,
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' } } },
    message: 'Service "web" is invalid: spec.ports: Required value',
  },
  {
    name: 'a service whose name starts with a digit',
    path: `${ns}/services`,
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } },
    message: "Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  },
  {
    name: 'a pod requesting more CPU than its limit',
    path: `${ns}/pods`,
    body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] } },
    message: 'Pod "p" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
  },
  {
    name: 'a pod with two problems, in upstream\'s order',
    path: `${ns}/pods`,
    body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { restartPolicy: 'Sometimes', containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 0 }] }] } },
    message: 'Pod "p" is invalid: [spec.containers[0].ports[0].containerPort: Required value, spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"]',
  },
  {
    name: 'a config map over 1 MiB',
    path: `${ns}/configmaps`,
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(1024 * 1024 + 1) } },
    message: 'ConfigMap "big" is invalid: []: Too long: may not be more than 1048576 bytes',
  },
  {
    name: 'a TLS secret without its key',
    path: `${ns}/secrets`,
    body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'cert' } },
    message: 'Secret "tls" is invalid: data[tls.key]: Required value',
  },
  {
    name: 'a namespace with a dot in its name',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } },
    message: 'Namespace "team.a" is invalid: metadata.name: Invalid value: "team.a": must not contain dots',
  },
];

for (const r of rejections) {
  test(`rejects ${r.name} with upstream's 422`, async () => {
    const { call, store } = await testServer();
    const before = await store.revision();
    const res = await call({ method: 'POST', path: r.path, body: r.body });
    assert.equal(res.status, 422);
    assert.equal(res.body.reason, 'Invalid');
    assert.equal(res.body.message, r.message);
    assert.equal(await store.revision(), before);
  });
}

test('a pod update that changes more than images is refused with upstream\'s list', async () => {
  const { call } = await testServer();
  const created = (await call({ method: 'POST', path: `${ns}/pods`, body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } })).body;
  const res = await call({ method: 'PUT', path: `${ns}/pods/web`, body: { ...created, spec: { ...created.spec, restartPolicy: 'Never' } } });
  assert.equal(res.status, 422);
  assert.ok(String(res.body.message).startsWith('Pod "web" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,'), res.body.message);
  const image = await call({ method: 'PUT', path: `${ns}/pods/web`, body: { ...created, spec: { ...created.spec, containers: [{ ...created.spec.containers[0], image: 'nginx:1.28' }] } } });
  assert.equal(image.status, 200);
  assert.equal(image.body.metadata.generation, 2);
});

test('secrets can be selected by type', async () => {
  const { call } = await testServer();
  await call({ method: 'POST', path: `${ns}/secrets`, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a' }, stringData: { k: 'v' } } });
  await call({ method: 'POST', path: `${ns}/secrets`, body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b' }, type: 'kubernetes.io/basic-auth', stringData: { username: 'u' } } });
  const res = await call({ method: 'GET', path: `${ns}/secrets`, query: { fieldSelector: 'type=Opaque' } });
  assert.deepEqual(res.body.items.map((s: { metadata: { name: string } }) => s.metadata.name), ['a']);
});

test('a pod named like a domain is created with the hostname warning', async () => {
  const { call } = await testServer();
  const res = await call({ method: 'POST', path: `${ns}/pods`, body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web.v1' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
  assert.equal(res.status, 201);
  assert.deepEqual(res.warnings, ["metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]"]);
});

/** JUNK is what a careless or hostile client may put where a field is expected. */
const JUNK: unknown[] = [null, true, 0, -1, 1.5, '', 'x', '-1', '..', '💥', [], [null, 3, 'a'], {}, { a: { b: [] } }, '1Gi', 'None', 'a'.repeat(300)];

/** mutate replaces a random path of obj (up to three levels deep) with junk. */
function mutate(obj: Record<string, unknown>, pick: (n: number) => number): void {
  let cur: Record<string, unknown> = obj;
  for (let depth = 0; depth < 3; depth++) {
    const keys = Object.keys(cur);
    if (keys.length === 0) break;
    const key = keys[pick(keys.length)];
    const next = cur[key];
    if (depth === 2 || typeof next !== 'object' || next === null || pick(3) === 0) {
      cur[key] = structuredClone(JUNK[pick(JUNK.length)]);
      return;
    }
    cur = next as Record<string, unknown>;
  }
}

test('every core strategy survives junk in any field without throwing', () => {
  let seed = 42;
  const pick = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const samples: Record<string, Record<string, unknown>> = {
    pods: { spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } }, livenessProbe: { httpGet: { port: 80 } }, env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }], volumes: [{ name: 'v', projected: { sources: [{ configMap: { name: 'c', items: [{ key: 'k', path: 'p' }] } }] } }], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] }] } } }, tolerations: [{ key: 'k', operator: 'Exists' }] } },
    services: { spec: { ports: [{ port: 80, targetPort: 'http' }], selector: { a: 'b' }, clusterIP: '10.0.0.1', type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'] }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } },
    secrets: { type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==' }, stringData: { 'tls.key': 'k' } },
    configmaps: { data: { a: 'b' }, binaryData: { c: 'YQ==' } },
    limitranges: { spec: { limits: [{ type: 'Container', max: { cpu: '1' }, min: { cpu: '100m' }, maxLimitRequestRatio: { cpu: '2' } }] } },
    resourcequotas: { spec: { hard: { pods: '1' }, scopes: ['Terminating'], scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } } },
    persistentvolumes: { spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, csi: { driver: 'd', volumeHandle: 'h' }, nodeAffinity: { required: { nodeSelectorTerms: [] } } } },
    persistentvolumeclaims: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, dataSourceRef: { kind: 'K', name: 'n', apiGroup: 'g' } } },
    replicationcontrollers: { spec: { selector: { a: 'b' }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } },
    endpoints: { subsets: [{ addresses: [{ ip: '10.0.0.1', nodeName: 'n' }], ports: [{ port: 80 }] }] },
    events: { involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, eventTime: '2026-01-01T00:00:00Z', reportingComponent: 'x' },
    nodes: { spec: { podCIDRs: ['10.0.0.0/24'], taints: [{ key: 'k', effect: 'NoSchedule' }] }, status: { capacity: { cpu: '1' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } },
    namespaces: { spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
    podtemplates: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  };
  for (const type of coreResources) {
    const sample = samples[type.resource] ?? {};
    for (let i = 0; i < 300; i++) {
      const obj = { apiVersion: 'v1', kind: type.kind, metadata: { name: 'n', namespace: 'default', resourceVersion: '1' }, ...structuredClone(sample) };
      for (let m = pick(4); m >= 0; m--) mutate(obj, pick);
      const old = structuredClone(obj);
      const s = type.strategy;
      assert.doesNotThrow(() => {
        s.defaults?.(obj);
        s.prepareForCreate?.(obj);
        s.validate?.(obj);
        s.warningsOnCreate?.(obj);
        s.prepareForUpdate?.(obj, old);
        s.validateUpdate?.(obj, old);
        s.validateStatusUpdate?.(obj, old);
      }, `${type.resource} ${JSON.stringify(obj)}`);
    }
  }
});
