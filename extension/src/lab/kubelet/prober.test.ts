/**
 * Probes in a whole lab on a manual clock: readiness gates the container's
 * ready flag, the pod's Ready condition and its Service endpoints; a failed
 * liveness probe kills and restarts the container; a startup probe holds the
 * others back until it passes; HTTP, TCP and exec handlers fail with
 * upstream's words.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ContainerStatus, type KubeObject, type Pod, isStatus } from '../api/types';
import type { ManualClock } from '../clock';
import { ENDPOINTS, SERVICES } from '../controllers/kubernetesService';
import { EVENTS, PODS } from '../client/resources';
import type { Lab } from '../lab';
import { startTestLab } from '../testLab';
import { closedPipe, Collector } from './pipe';
import { Interrupt } from './process';

interface Ev { reason: string; message: string; type: string; count?: number; lastTimestamp?: string; involvedObject: { fieldPath?: string } }

/** PodLab is a one-node lab with one pod in it, and ways to read it. */
interface PodLab {
  lab: Lab;
  clock: ManualClock;
  pod(): Promise<Pod>;
  status(): Promise<ContainerStatus>;
  events(reason?: string): Promise<Ev[]>;
  /** exec runs a command in the pod's container, as `kubectl exec` would. */
  exec(argv: string[]): Promise<number>;
  /** at is how long since the pod was created, in seconds. */
  at(): number;
}

/**
 * withPod starts a one-node lab, lets a period pass (so the kubelet's first
 * workers do not wait a random part of it) and creates pod `p` of spec.
 */
async function withPod(spec: object, labels: Record<string, string> = {}): Promise<PodLab> {
  const { lab, clock } = await startTestLab(1, 7, { dns: false });
  await clock.advance(15_000);
  const client = lab.client();
  const created = await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels }, spec });
  assert.ok(!isStatus(created), JSON.stringify(created));
  const t0 = clock.now();
  const pod = async (): Promise<Pod> => {
    const got = await client.get<Pod>(PODS, 'default', 'p');
    assert.ok(!isStatus(got));
    return got;
  };
  return {
    lab, clock, pod,
    status: async () => ((await pod()).status?.containerStatuses ?? [])[0],
    events: async (reason) => {
      const list = await client.list<KubeObject & Ev>(EVENTS, 'default');
      assert.ok(!isStatus(list));
      return list.items.filter((e) => reason === undefined || e.reason === reason);
    },
    exec: async (argv) => {
      const p = await pod();
      const record = lab.kubelets[0].runtime.sandbox(p.metadata.uid ?? '')?.containers.get(p.spec.containers[0].name);
      assert.ok(record);
      const result = await lab.kubelets[0].runtime.exec(record, argv, { stdin: closedPipe(), stdout: new Collector(), stderr: new Collector() }, new Interrupt());
      assert.ok('exitCode' in result, JSON.stringify(result));
      return result.exitCode;
    },
    at: () => (clock.now() - t0) / 1000,
  };
}

const condition = (pod: Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type);

test('a readiness probe keeps the container unready, the pod not Ready and out of its Service\'s endpoints until it passes', async () => {
  const readinessProbe = { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 };
  const t = await withPod({ containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }], readinessProbe }] }, { app: 'web' });
  const client = t.lab.client();
  assert.ok(!isStatus(await client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } })));
  await t.clock.advance(20_000);
  let pod = await t.pod();
  const cs = (pod.status?.containerStatuses ?? [])[0];
  assert.deepEqual([cs.state.running !== undefined, cs.started, cs.ready], [true, true, false]);
  for (const type of ['Ready', 'ContainersReady']) {
    const c = condition(pod, type);
    assert.deepEqual([c?.status, c?.reason, c?.message], ['False', 'ContainersNotReady', 'containers with unready status: [web]']);
  }
  const unhealthy = await t.events('Unhealthy');
  assert.equal(unhealthy.length, 1);
  assert.deepEqual([unhealthy[0].type, unhealthy[0].message, unhealthy[0].involvedObject.fieldPath], ['Warning', 'Readiness probe failed: HTTP probe failed with statuscode: 404', 'spec.containers{web}']);
  assert.ok((unhealthy[0].count ?? 0) >= 3);
  let ep = await client.get<KubeObject & { subsets?: { addresses?: unknown[]; notReadyAddresses?: { ip: string }[] }[] }>(ENDPOINTS, 'default', 'web');
  assert.ok(!isStatus(ep));
  assert.deepEqual(ep.subsets?.[0].notReadyAddresses?.map((a) => a.ip), [pod.status?.podIP]);
  assert.equal(ep.subsets?.[0].addresses, undefined);

  // The probe comes from the node's bridge address, as kube-probe.
  const log = await t.lab.server.handle(t.lab.asAdmin({ method: 'GET', path: '/api/v1/namespaces/default/pods/p/log' }));
  const bridge = `${(pod.status?.podIP ?? '').split('.').slice(0, 3).join('.')}.1`;
  assert.match(log.body as string, new RegExp(`^${bridge.replaceAll('.', '\\.')} - - \\[.*\\] "GET /ready HTTP/1.1" 404 153 "-" "kube-probe/1.32" "-"$`, 'm'));

  assert.equal(await t.exec(['sh', '-c', 'echo ok > /usr/share/nginx/html/ready']), 0);
  const readyFrom = t.at();
  await t.clock.advance(5_000);
  pod = await t.pod();
  assert.equal((pod.status?.containerStatuses ?? [])[0].ready, true);
  assert.deepEqual([condition(pod, 'Ready')?.status, condition(pod, 'ContainersReady')?.status], ['True', 'True']);
  assert.ok(t.at() - readyFrom <= 5);
  ep = await client.get(ENDPOINTS, 'default', 'web');
  assert.ok(!isStatus(ep));
  assert.deepEqual([(ep.subsets?.[0].addresses as { ip: string }[] | undefined)?.map((a) => a.ip), ep.subsets?.[0].notReadyAddresses], [[pod.status?.podIP], undefined]);
  t.lab.stop();
});

test('a failing liveness probe kills the container after failureThreshold failures and restarts it, counting the restart', async () => {
  // The docs' liveness-exec example: healthy for 30 s, then the file is gone.
  const livenessProbe = { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 5, periodSeconds: 5 };
  const t = await withPod({ containers: [{ name: 'liveness', image: 'busybox:1.36', args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'], livenessProbe }] });
  await t.clock.advance(40_000);
  assert.equal((await t.status()).restartCount, 0);
  assert.deepEqual((await t.events('Unhealthy')).map((e) => e.message), ['Liveness probe failed: cat: can\'t open \'/tmp/healthy\': No such file or directory\n']);
  assert.deepEqual(await t.events('Killing'), []);
  // Probes every 5 s from the pod's creation: the file went at 30.5 s, so failures at 35, 40 and 45 s kill it.
  await t.clock.advance(4_000);
  assert.deepEqual(await t.events('Killing'), []);
  await t.clock.advance(1_000);
  const killing = await t.events('Killing');
  assert.deepEqual(killing.map((e) => [e.type, e.message, e.involvedObject.fieldPath]), [['Normal', 'Container liveness failed liveness probe, will be restarted', 'spec.containers{liveness}']]);
  assert.equal((await t.events('Unhealthy'))[0].count, 3);
  // The shell as PID 1 ignores SIGTERM: the default 30 s grace period passes, then SIGKILL.
  await t.clock.advance(29_000);
  assert.equal((await t.status()).restartCount, 0);
  await t.clock.advance(2_000);
  const cs = await t.status();
  assert.equal(cs.restartCount, 1);
  assert.ok(cs.state.running);
  assert.deepEqual([cs.lastState.terminated?.exitCode, cs.lastState.terminated?.reason], [137, 'Error']);
  assert.deepEqual((await t.events('Started')).map((e) => e.count), [2]);
  t.lab.stop();
});

test('a liveness probe\'s terminationGracePeriodSeconds replaces the pod\'s when it kills, and restartPolicy Never leaves the container dead', async () => {
  const livenessProbe = { tcpSocket: { port: 8080 }, periodSeconds: 3, failureThreshold: 2, terminationGracePeriodSeconds: 4 };
  const t = await withPod({ restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'], livenessProbe }] });
  await t.clock.advance(7_000);
  const pod = await t.pod();
  const killing = await t.events('Killing');
  assert.deepEqual(killing.map((e) => e.message), ['Container c failed liveness probe']);
  assert.deepEqual((await t.events('Unhealthy')).map((e) => e.message), [`Liveness probe failed: dial tcp ${pod.status?.podIP}:8080: connect: connection refused`]);
  const killedAt = Date.parse(killing[0].lastTimestamp ?? '');
  await t.clock.advance(5_000);
  const after = await t.pod();
  const cs = (after.status?.containerStatuses ?? [])[0];
  assert.deepEqual([after.status?.phase, cs.restartCount, cs.state.terminated?.exitCode], ['Failed', 0, 137]);
  assert.equal(Date.parse(cs.state.terminated?.finishedAt ?? '') - killedAt, 4_000);
  t.lab.stop();
});

test('a startup probe holds liveness and readiness back until it passes; the container is then started and ready', async () => {
  const check = { exec: { command: ['cat', '/tmp/started'] } };
  const t = await withPod({
    containers: [{
      name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 20; touch /tmp/started; sleep 3600'],
      startupProbe: { ...check, periodSeconds: 5, failureThreshold: 10 },
      livenessProbe: { ...check, periodSeconds: 1, failureThreshold: 1 },
      readinessProbe: { ...check, periodSeconds: 1 },
    }],
  });
  await t.clock.advance(15_000);
  let cs = await t.status();
  assert.deepEqual([cs.state.running !== undefined, cs.started, cs.ready], [true, false, false]);
  const early = await t.events('Unhealthy');
  assert.ok(early.length > 0 && early.every((e) => e.message.startsWith('Startup probe failed: cat: can\'t open \'/tmp/started\'')), JSON.stringify(early));
  await t.clock.advance(15_000);
  cs = await t.status();
  assert.deepEqual([cs.started, cs.ready, cs.restartCount], [true, true, 0]);
  assert.ok((await t.events('Unhealthy')).every((e) => e.message.startsWith('Startup probe failed')));
  assert.deepEqual(await t.events('Killing'), []);
  t.lab.stop();
});

test('a container that never passes its startup probe is killed and restarted', async () => {
  const t = await withPod({
    terminationGracePeriodSeconds: 5,
    containers: [{ name: 'slow', image: 'busybox:1.36', command: ['sleep', '3600'], startupProbe: { exec: { command: ['test', '-f', '/tmp/never'] }, periodSeconds: 2, failureThreshold: 3 } }],
  });
  await t.clock.advance(7_000);
  assert.deepEqual((await t.events('Killing')).map((e) => e.message), ['Container slow failed startup probe, will be restarted']);
  // test prints nothing: the failure's output is empty.
  assert.deepEqual((await t.events('Unhealthy')).map((e) => [e.message, e.count]), [['Startup probe failed: ', 3]]);
  await t.clock.advance(6_000);
  const cs = await t.status();
  assert.deepEqual([cs.restartCount, cs.started, cs.lastState.terminated?.exitCode], [1, false, 137]);
  t.lab.stop();
});

test('tcpSocket and exec readiness probes: a named port that listens passes, a command past its timeout fails', async () => {
  const t = await withPod({
    containers: [{
      name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }],
      readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 },
    }],
  });
  await t.clock.advance(5_000);
  assert.equal((await t.status()).ready, true);
  assert.deepEqual(await t.events('Unhealthy'), []);
  t.lab.stop();

  const slow = await withPod({ containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'], readinessProbe: { exec: { command: ['sleep', '5'] }, timeoutSeconds: 2, periodSeconds: 10 } }] });
  await slow.clock.advance(5_000);
  assert.equal((await slow.status()).ready, false);
  assert.deepEqual((await slow.events('Unhealthy')).map((e) => e.message), ['Readiness probe failed: command "sleep 5" timed out']);
  slow.lab.stop();
});

const failures: [string, object, string][] = [
  ['an HTTP error status', { httpGet: { path: '/echo?code=500', port: 8080 } }, 'Readiness probe failed: HTTP probe failed with statuscode: 500'],
  ['a closed port', { httpGet: { path: '/healthz', port: 9090 } }, 'Readiness probe failed: Get "http://IP:9090/healthz": dial tcp IP:9090: connect: connection refused'],
  ['HTTPS to a plain HTTP server', { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTPS' } }, 'Readiness probe failed: Get "https://IP:8080/healthz": http: server gave HTTP response to HTTPS client'],
  ['a port name the container does not have', { httpGet: { path: '/', port: 'metrics' } }, 'Readiness probe errored and resulted in unknown state: port "metrics" not found'],
  ['a command the image lacks', { exec: { command: ['redis-cli', 'ping'] } }, 'Readiness probe errored and resulted in unknown state: rpc error: code = Unknown desc = failed to exec in container: failed to start exec "HEX": OCI runtime exec failed: exec failed: unable to start container process: exec: "redis-cli": executable file not found in $PATH: unknown'],
  ['a gRPC check (no simulated image serves grpc.health.v1)', { grpc: { port: 8080 } }, 'Readiness probe failed: timeout: failed to connect service "IP:8080" within 1s: context deadline exceeded'],
];

for (const [what, handler, message] of failures) {
  test(`a readiness probe fails on ${what}, as the kubelet words it`, async () => {
    const t = await withPod({ containers: [{ name: 'c', image: 'registry.k8s.io/e2e-test-images/agnhost:2.52', args: ['netexec', '--http-port=8080'], readinessProbe: { ...handler, periodSeconds: 10 } }] });
    await t.clock.advance(8_000);
    const ip = (await t.pod()).status?.podIP ?? '';
    const got = (await t.events('Unhealthy')).map((e) => e.message.replaceAll(ip, 'IP').replace(/"[0-9a-f]{64}"/, '"HEX"'));
    // Each exec has its own ID, so a missing command's events do not aggregate.
    assert.deepEqual([...new Set(got)], [message]);
    assert.equal((await t.status()).ready, false);
    t.lab.stop();
  });
}

test('an HTTP probe sends the probe\'s headers and passes on a 2xx', async () => {
  const t = await withPod({ containers: [{ name: 'c', image: 'registry.k8s.io/e2e-test-images/agnhost:2.52', args: ['netexec', '--http-port=8080'], readinessProbe: { httpGet: { path: '/header?key=X-Check', port: 8080, httpHeaders: [{ name: 'X-Check', value: 'yes' }] } } }] });
  await t.clock.advance(5_000);
  assert.equal((await t.status()).ready, true);
  const log = await t.lab.server.handle(t.lab.asAdmin({ method: 'GET', path: '/api/v1/namespaces/default/pods/p/log' }));
  assert.match(log.body as string, /GET \/header\?key=X-Check/);
  t.lab.stop();
});

test('a pod without probes runs no probe workers; a deleted pod\'s workers stop', async () => {
  const t = await withPod({ containers: [{ name: 'c', image: 'nginx:1.27', readinessProbe: { tcpSocket: { port: 80 } }, livenessProbe: { tcpSocket: { port: 80 } } }] });
  await t.clock.advance(5_000);
  assert.equal(t.lab.kubelets[0].prober.workerCount, 2);
  assert.ok(!isStatus(await t.lab.client().delete(PODS, 'default', 'p')));
  await t.clock.advance(5_000);
  assert.equal(t.lab.kubelets[0].prober.workerCount, 0);
  t.lab.stop();
});
