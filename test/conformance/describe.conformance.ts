// The Describe command's text against the real `kubectl describe` (1.32) over the same lab:
// a Deployment (its pods and ReplicaSet), a Service, a ConfigMap, a node and the namespace.
// Our describer reads the lab through a KubeClient over the HTTPS front door with the
// lab's admin kubeconfig, exactly the requests kubectl makes. kubectl runs with TZ=UTC
// and its run is bracketed by two clock readings; the texts must be equal for some `now`
// in that bracket (ages are whole seconds, so only the bracket's second boundaries matter).
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { ApiRequest, ApiResponse } from '../../extension/src/lab/apiserver/apiServer';
import { KubeClient } from '../../extension/src/lab/client/kubeClient';
import type { ResourceRef } from '../../extension/src/lab/client/resources';
import type { Transport, WatchHandle } from '../../extension/src/lab/client/transport';
import { describe } from '../../extension/src/lab/describe/describe';
import { KubelabProcess } from './harness';

/** HttpsTransport sends API requests to the lab's front door with the kubeconfig's client certificate. */
class HttpsTransport implements Transport {
  private readonly url: URL;
  private readonly tls: { ca: Buffer; cert: Buffer; key: Buffer };

  constructor(kubeconfigPath: string) {
    const kc = parseYaml(readFileSync(kubeconfigPath, 'utf8'));
    const b64 = (s: string) => Buffer.from(s, 'base64');
    this.url = new URL(kc.clusters[0].cluster.server);
    this.tls = { ca: b64(kc.clusters[0].cluster['certificate-authority-data']), cert: b64(kc.users[0].user['client-certificate-data']), key: b64(kc.users[0].user['client-key-data']) };
  }

  request(req: ApiRequest): Promise<ApiResponse> {
    const url = new URL(req.path, this.url);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    return new Promise((resolve, reject) => {
      const r = httpsRequest(url, { method: req.method, ...this.tls, headers: { accept: 'application/json', ...(body ? { 'content-type': req.contentType ?? 'application/json' } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      r.on('error', reject);
      r.end(body);
    });
  }

  watch(): Promise<WatchHandle> {
    return Promise.reject(new Error('describe never watches'));
  }

  stream(): Promise<WatchHandle> {
    return Promise.reject(new Error('describe never streams'));
  }
}

let lab: KubelabProcess;
let client: KubeClient;
before(async () => {
  lab = await KubelabProcess.up({ nodes: 3 });
  client = new KubeClient(new HttpsTransport(lab.kubeconfig));
});
after(async () => {
  await lab?.cleanup();
});

const core = (resource: string, namespaced = true): ResourceRef => ({ group: '', version: 'v1', resource, namespaced });
const apps = (resource: string): ResourceRef => ({ group: 'apps', version: 'v1', resource, namespaced: true });

/** candidates are the instants kubectl may have read its clock at: the bracket's start and each whole second inside it. */
function candidates(start: number, end: number): number[] {
  const out = [start];
  for (let s = Math.floor(start / 1000) * 1000 + 1000; s <= end; s += 1000) out.push(s);
  return out;
}

/** firstDifference names the first line where two texts part. */
function firstDifference(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  const i = a.findIndex((l, k) => l !== b[k]);
  return `line ${i + 1}:\n kubectl: ${JSON.stringify(a[i])}\n ours:    ${JSON.stringify(b[i])}\n\nkubectl:\n${want}\nours:\n${got}`;
}

/**
 * sameAsKubectl runs `kubectl describe kind name` and our describer and asserts they agree.
 * A heartbeat or event landing between the two reads can differ once; three tries absorb that.
 */
async function sameAsKubectl(ref: ResourceRef, kind: string, namespace: string, name: string): Promise<string> {
  let last = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const start = Date.now();
    const want = await lab.ok(['describe', kind.toLowerCase(), name, ...(ref.namespaced ? ['-n', namespace] : [])], { env: { TZ: 'UTC' } });
    const end = Date.now();
    for (const now of candidates(start, end)) {
      const got = await describe(client, ref, kind, namespace, name, now);
      if (got === want) return got;
      last = firstDifference(want, got);
    }
  }
  assert.fail(`describe ${kind} ${name} differs from kubectl's at ${last}`);
}

void test('setup: a Deployment of two nginx pods, a Service in front of it and a ConfigMap', { timeout: 120_000 }, async () => {
  await lab.ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80']);
  await lab.ok(['expose', 'deployment', 'web', '--port=8080', '--target-port=80']);
  await lab.ok(['create', 'configmap', 'settings', '--from-literal=mode=fast', '--from-literal=motd=hello\nworld']);
  await lab.ok(['label', 'configmap', 'settings', 'tier=backend']);
  await lab.ok(['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
});

void test('describe pod matches kubectl', async () => {
  const pods = await lab.json(['get', 'pods', '-l', 'app=web']);
  const text = await sameAsKubectl(core('pods'), 'Pod', 'default', pods.items[0].metadata.name);
  assert.match(text, /^Controlled By:  ReplicaSet\/web-/m);
  assert.match(text, /^QoS Class:\s+BestEffort$/m);
});

void test('describe deployment matches kubectl', async () => {
  const text = await sameAsKubectl(apps('deployments'), 'Deployment', 'default', 'web');
  assert.match(text, /^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
  assert.match(text, /^NewReplicaSet:\s+web-\S+ \(2\/2 replicas created\)$/m);
});

void test('describe replicaset matches kubectl', async () => {
  const rs = await lab.json(['get', 'replicasets', '-l', 'app=web']);
  const text = await sameAsKubectl(apps('replicasets'), 'ReplicaSet', 'default', rs.items[0].metadata.name);
  assert.match(text, /^Pods Status:\s+2 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
});

void test('describe node matches kubectl', async () => {
  const pods = await lab.json(['get', 'pods', '-l', 'app=web']);
  const text = await sameAsKubectl(core('nodes', false), 'Node', '', pods.items[0].spec.nodeName);
  assert.match(text, /^Non-terminated Pods:\s+\(\d+ in total\)$/m);
});

void test('describe service matches kubectl', async () => {
  const text = await sameAsKubectl(core('services'), 'Service', 'default', 'web');
  assert.match(text, /^Port:\s+<unset>  8080\/TCP\nTargetPort:\s+80\/TCP\nEndpoints:/m);
});

void test('describe namespace matches kubectl', async () => {
  const text = await sameAsKubectl(core('namespaces', false), 'Namespace', '', 'default');
  assert.match(text, /^Status:\s+Active$/m);
});

void test('describe configmap matches kubectl', async () => {
  const text = await sameAsKubectl(core('configmaps'), 'ConfigMap', 'default', 'settings');
  assert.match(text, /^motd:\n----\nhello\nworld\n$/m);
});

void test('the lab stops on SIGTERM', async () => {
  const exit = await lab.stop();
  assert.equal(exit.code, 0);
});
