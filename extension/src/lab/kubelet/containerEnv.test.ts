import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ServiceLike, expand, serviceEnvironment } from './containerEnv';

const svc = (namespace: string, name: string, clusterIP: string, ports: { name?: string; port: number; protocol?: string }[]): ServiceLike => ({ metadata: { namespace, name }, spec: { clusterIP, ports } });

// pkg/kubelet/envvars/envvars_test.go's shape: the first port is special, named ports get their own variable, every port its link variables.
test('serviceEnvironment gives each service its SERVICE_HOST, SERVICE_PORT and Docker link variables', () => {
  const env = serviceEnvironment('default', true, [
    svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]),
    svc('default', 'db-main', '10.96.0.20', [{ port: 5432 }, { name: 'metrics', port: 9187, protocol: 'UDP' }]),
    svc('default', 'headless', 'None', [{ port: 80 }]),
    svc('other', 'elsewhere', '10.96.0.30', [{ port: 80 }]),
  ]);
  assert.deepEqual([...env], [
    ['DB_MAIN_SERVICE_HOST', '10.96.0.20'], ['DB_MAIN_SERVICE_PORT', '5432'], ['DB_MAIN_SERVICE_PORT_METRICS', '9187'],
    ['DB_MAIN_PORT', 'tcp://10.96.0.20:5432'], ['DB_MAIN_PORT_5432_TCP', 'tcp://10.96.0.20:5432'], ['DB_MAIN_PORT_5432_TCP_PROTO', 'tcp'], ['DB_MAIN_PORT_5432_TCP_PORT', '5432'], ['DB_MAIN_PORT_5432_TCP_ADDR', '10.96.0.20'],
    ['DB_MAIN_PORT_9187_UDP', 'udp://10.96.0.20:9187'], ['DB_MAIN_PORT_9187_UDP_PROTO', 'udp'], ['DB_MAIN_PORT_9187_UDP_PORT', '9187'], ['DB_MAIN_PORT_9187_UDP_ADDR', '10.96.0.20'],
    ['KUBERNETES_SERVICE_HOST', '10.96.0.1'], ['KUBERNETES_SERVICE_PORT', '443'], ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
    ['KUBERNETES_PORT', 'tcp://10.96.0.1:443'], ['KUBERNETES_PORT_443_TCP', 'tcp://10.96.0.1:443'], ['KUBERNETES_PORT_443_TCP_PROTO', 'tcp'], ['KUBERNETES_PORT_443_TCP_PORT', '443'], ['KUBERNETES_PORT_443_TCP_ADDR', '10.96.0.1'],
  ]);
});

test('with enableServiceLinks false only the master service\'s variables remain', () => {
  const env = serviceEnvironment('apps', false, [svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]), svc('apps', 'web', '10.96.0.9', [{ port: 80 }])]);
  assert.deepEqual([...env.keys()].filter((k) => k.startsWith('WEB')), []);
  assert.equal(env.get('KUBERNETES_SERVICE_HOST'), '10.96.0.1');
});

// third_party/forked/golang/expansion: $(VAR) when defined, $$ escapes, anything else as written.
const expansions: [string, string][] = [
  ['$(A)-$(B)', 'one-$(B)'],
  ['$$(A)', '$(A)'],
  ['$A and $', '$A and $'],
  ['$(A', '$(A'],
];
for (const [input, want] of expansions) {
  test(`expand ${JSON.stringify(input)}`, () => {
    assert.equal(expand(input, (n) => (n === 'A' ? 'one' : undefined)), want);
  });
}
