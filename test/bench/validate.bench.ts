// Validation-as-you-type benchmarks, run by `npm run bench` (scripts/bench.mjs) on Node 24
// with tsx. stdout carries one JSON object per line; everything else goes to stderr.
//
// validate.1000lines.p95.ms         time from a keystroke to the diagnostics of a 1,000-line,
//                                   40-document manifest, after the debounce, with the lab in
//                                   its worker thread over the channel: the edited document is
//                                   parsed with `yaml` (the others' parses are remembered by
//                                   their text), every document's live object is read (GET),
//                                   the edited one is dry-run through the whole chain as a
//                                   create or a patch (with a second, lenient run after an
//                                   unknown field, and the RequestTrace of a rejection), the
//                                   others' answers are reused because neither their text nor
//                                   their live object changed, and every answer is placed on
//                                   its YAML node. Half the objects exist (updates); the
//                                   namespace has a LimitRange, a ResourceQuota and PodSecurity
//                                   warn. Not included: the debounce and VS Code drawing.
//                                   fullP95: every document dry-run (a new validator, as after a
//                                   change to quotas, policies, namespaces … or at lab start).
//                                   inProcess*: the same with the lab on the host's thread.
// validate.yamlls.1000lines.p95.ms  the yaml-language-server package validating the same text
//                                   against the Kubernetes JSON schema (the lab's own OpenAPI
//                                   definitions, served as the yannh/kubernetes-json-schema
//                                   standalone-strict all.json it expects), as vscode-yaml runs
//                                   it: kubernetes on, GVK detection on. Skipped, with what to
//                                   install, when the package is absent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { ManifestValidator } from '../../extension/src/editor/manifestValidator';
import type { Problem } from '../../extension/src/editor/findings';
import { WorkerTransport } from '../../extension/src/host/workerTransport';
import type { LabMessage } from '../../extension/src/lab/channel';
import { RealClock } from '../../extension/src/lab/clock';
import { ResourceMapper, applyObject, parseManifests } from '../../extension/src/lab/client/apply';
import { KubeClient } from '../../extension/src/lab/client/kubeClient';
import { Lab } from '../../extension/src/lab/lab';
import { definitionsData } from '../../extension/src/lab/openapi/generated/definitionsData';
import { emit, log, percentile, round } from './report';

const DOCUMENTS = 40;
const LINES = 1000;
const WARMUP_RUNS = 15;
const RUNS = 60;
const FULL_RUNS = 30;
const TARGET_MS = 50;
/** The package and version the yamlls figure was written against (`npm i -D yaml-language-server@2.0.0`). */
const YAMLLS = 'yaml-language-server@2.0.0';
/** PEER_MODULES are imported by name at run time, so the benchmark compiles without them. */
const PEER_MODULES: Record<'server' | 'documents', string> = { server: 'yaml-language-server', documents: 'vscode-languageserver-textdocument' };
const NAMESPACE = 'shop';
const KUBERNETES_SCHEMA_URL = 'https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.36.0-standalone-strict/all.json';


function repoRoot(): string {
  if (process.env.KUBELAB_ROOT) return process.env.KUBELAB_ROOT;
  for (let dir = process.cwd(); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kubelab') return dir;
  }
  throw new Error('run the benchmarks from inside the kubelab repository');
}

// ---------------------------------------------------------------------------------------
// The manifest: 40 documents, 1,000 lines, a handful of the mistakes people make.

function deployment(i: number): string[] {
  const app = `app-${i}`;
  return [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${app}`, `  namespace: ${NAMESPACE}`, '  labels:', `    app: ${app}`, 'spec:',
    `  replicas: ${1 + (i % 3)}`, '  selector:', '    matchLabels:', `      app: ${app}`, '  template:', '    metadata:', '      labels:',
    `        app: ${i === 28 ? `${app}-typo` : app}`, '    spec:', '      containers:', '        - name: web',
    `          image: ${i === 12 ? 'nginx' : 'nginx:1.27'}`, `          ${i === 8 ? 'replica' : 'imagePullPolicy'}: ${i === 4 ? 'Sometimes' : 'IfNotPresent'}`,
    '          ports:', '            - containerPort: 80', '              name: http', '          env:', '            - name: MODE', `              value: "${i % 2 ? 'blue' : 'green'}"`,
    '          readinessProbe:', '            httpGet:', '              path: /', '              port: http', '          resources:', '            requests:',
    '              cpu: 100m', '              memory: 64Mi', '            limits:', '              cpu: 200m', '              memory: 128Mi',
  ];
}

function service(i: number): string[] {
  return [
    'apiVersion: v1', 'kind: Service', 'metadata:', `  name: svc-${i}`, `  namespace: ${NAMESPACE}`, 'spec:', '  type: ClusterIP', '  selector:',
    `    app: app-${i - 1}`, '  ports:', '    - name: http', '      port: 80', `      targetPort: ${i === 21 ? 'Web_Port' : 'http'}`, '      protocol: TCP',
  ];
}

function configMap(i: number, entries: number): string[] {
  const data = Array.from({ length: entries }, (_, j) => `  key-${j}: "value ${i}.${j}"`);
  return ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: config-${i}`, `  namespace: ${NAMESPACE}`, 'data:', ...data];
}

function pod(i: number): string[] {
  return [
    'apiVersion: v1', 'kind: Pod', 'metadata:', `  name: worker-${i}`, `  namespace: ${NAMESPACE}`, '  labels:', '    role: worker', 'spec:',
    '  restartPolicy: Always', '  containers:', '    - name: main', `      image: ${i === 15 ? 'busybox' : 'busybox:1.36'}`,
    '      command: ["sh", "-c", "while true; do echo tick; sleep 5; done"]', '      resources:', '        requests:', '          cpu: 50m',
    '          memory: 32Mi', '        limits:', '          cpu: 100m', '          memory: 64Mi',
  ];
}

/** manifestText builds the file, padding the config maps so it has exactly LINES lines. */
function manifestText(): string {
  const build = (entries: number): string[][] => Array.from({ length: DOCUMENTS }, (_, i) => {
    switch (i % 4) {
      case 0: return deployment(i);
      case 1: return service(i);
      case 2: return configMap(i, entries);
      default: return pod(i);
    }
  });
  const count = (docs: string[][]) => docs.reduce((n, d) => n + d.length, 0) + docs.length - 1;
  const base = count(build(0));
  const configMaps = DOCUMENTS / 4;
  const extra = LINES - base;
  const docs = build(Math.floor(extra / configMaps));
  let missing = LINES - count(docs);
  for (const d of docs) {
    if (missing <= 0) break;
    if (d[1] === 'kind: ConfigMap') {
      d.push(`  padding: "${missing}"`);
      missing--;
    }
  }
  return `${docs.map((d) => d.join('\n')).join('\n---\n')}\n`;
}

/** edited is the text after one keystroke: a replica count changes. */
function edited(text: string, run: number): string {
  return text.replace('replicas: 1\n', `replicas: ${(run % 9) + 1}\n`);
}

// ---------------------------------------------------------------------------------------
// The lab: its admission inputs, and half the objects already applied (so half are updates).

const SETUP = `apiVersion: v1
kind: Namespace
metadata:
  name: ${NAMESPACE}
  labels:
    pod-security.kubernetes.io/warn: restricted
---
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: ${NAMESPACE}
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 256Mi}
      defaultRequest: {cpu: 100m, memory: 64Mi}
      max: {cpu: "2", memory: 2Gi}
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: ${NAMESPACE}
spec:
  hard:
    pods: "100"
    limits.cpu: "40"
    limits.memory: 40Gi
`;

async function applyAll(client: KubeClient, text: string, keep: (index: number) => boolean = () => true): Promise<void> {
  const mapper = new ResourceMapper(client);
  for (const doc of parseManifests(text).documents) {
    if (!keep(doc.index)) continue;
    // Documents with deliberate mistakes fail; the valid ones are created.
    await applyObject(client, mapper, doc);
  }
}

/** prepare applies the admission inputs, waits for the namespace's service account, and applies the even documents. */
async function prepare(client: KubeClient, text: string): Promise<void> {
  await applyAll(client, SETUP);
  for (let i = 0; i < 100; i++) {
    const sa = await client.get({ group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true }, NAMESPACE, 'default');
    if (sa.kind === 'ServiceAccount') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await applyAll(client, text, (i) => i % 2 === 0);
}

interface Figures {
  /** times are keystrokes: one document changed, the validator the editor keeps. */
  times: number[];
  /** full are whole re-checks: a new validator, as after a change to the cluster's admission inputs, so every document is sent. */
  full: number[];
  problems: Problem[];
}

async function measure(client: KubeClient, text: string): Promise<Figures> {
  let problems: Problem[] = [];
  const validator = new ManifestValidator(client);
  for (let run = 0; run < WARMUP_RUNS; run++) await validator.validate(edited(text, run));
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const changed = edited(text, run);
    const t0 = performance.now();
    const result = await validator.validate(changed);
    times.push(performance.now() - t0);
    problems = result ?? [];
  }
  const full: number[] = [];
  for (let run = 0; run < FULL_RUNS; run++) {
    const t0 = performance.now();
    await new ManifestValidator(client).validate(edited(text, run));
    full.push(performance.now() - t0);
  }
  return { times, full, problems };
}

async function viaWorker(root: string, text: string): Promise<Figures> {
  const worker = new Worker(join(root, 'dist', 'labWorker.js'));
  const transport = new WorkerTransport(worker);
  const running = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: LabMessage) => {
      if (transport.receive(m) || m.type !== 'state') return;
      if (m.error) reject(new Error(`the lab failed to start: ${m.error}`));
      else if (m.state === 'running') resolve();
    });
    worker.on('error', reject);
  });
  worker.postMessage({ type: 'start', options: { nodes: 3, seed: 1, speed: 1 } });
  try {
    await running;
    const client = new KubeClient(transport);
    await prepare(client, text);
    return await measure(client, text);
  } finally {
    await worker.terminate();
  }
}

async function inProcess(text: string): Promise<Figures> {
  const lab = new Lab({ nodes: 3, clock: new RealClock(), stopwatch: () => performance.now() });
  await lab.start();
  try {
    const client = lab.client();
    await prepare(client, text);
    return await measure(client, text);
  } finally {
    lab.stop();
  }
}

// ---------------------------------------------------------------------------------------
// yaml-language-server against the Kubernetes JSON schema.

/**
 * kubernetesSchemas turns the lab's OpenAPI v3 definitions into what
 * yannh/kubernetes-json-schema's standalone-strict folder serves: `_definitions.json`
 * (refs as `#/definitions/…`, objects closed with additionalProperties: false) and
 * `all.json`, a oneOf over every kind.
 */
function kubernetesSchemas(): { all: string; definitions: string } {
  const { definitions } = JSON.parse(definitionsData) as { definitions: Record<string, Record<string, unknown>> };
  const strict = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strict);
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = k === '$ref' && typeof x === 'string' ? x.replace('#/components/schemas/', '#/definitions/') : strict(x);
    if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
    return out;
  };
  const kinds = Object.entries(definitions).filter(([, d]) => d['x-kubernetes-group-version-kind']).map(([name]) => ({ $ref: `_definitions.json#/definitions/${name}` }));
  return { all: JSON.stringify({ oneOf: kinds }), definitions: JSON.stringify({ definitions: strict(definitions) }) };
}

interface YamlLs {
  getLanguageService(params: Record<string, unknown>): {
    configure(settings: Record<string, unknown>): void;
    doValidation(document: unknown, isKubernetes: boolean): Promise<{ message: string }[]>;
  };
}
interface TextDocuments {
  TextDocument: { create(uri: string, languageId: string, version: number, text: string): unknown };
}

async function yamlLanguageServer(root: string, text: string): Promise<{ times: number[]; diagnostics: number; version: string } | undefined> {
  let ls: YamlLs;
  let docs: TextDocuments;
  try {
    // Not a dependency of the extension: a peer to compare with, installed for the benchmark.
    ls = (await import(PEER_MODULES.server)) as YamlLs;
    docs = (await import(PEER_MODULES.documents)) as TextDocuments;
  } catch (err) {
    log(`validate.yamlls.1000lines.p95.ms skipped: ${(err as Error).message.split('\n')[0]}. Install the peer with \`npm i -D ${YAMLLS}\` (it brings vscode-languageserver-textdocument).`);
    return undefined;
  }
  const schemas = kubernetesSchemas();
  const base = KUBERNETES_SCHEMA_URL.slice(0, KUBERNETES_SCHEMA_URL.lastIndexOf('/') + 1);
  const service = ls.getLanguageService({
    schemaRequestService: (uri: string) => {
      if (uri === KUBERNETES_SCHEMA_URL) return Promise.resolve(schemas.all);
      if (uri.split('#')[0] === `${base}_definitions.json`) return Promise.resolve(schemas.definitions);
      return Promise.reject(new Error(`offline: ${uri}`));
    },
    workspaceContext: { resolveRelativePath: (relative: string, resource: string) => new URL(relative, resource).toString() },
    // vscode-yaml's defaults: Kubernetes schemas are picked per document by its GroupVersionKind.
    yamlSettings: { kubernetesCRDStoreEnabled: true },
    telemetry: { send: () => undefined, sendError: () => undefined, sendTrack: () => undefined },
  });
  service.configure({ validate: true, isKubernetes: true, schemas: [{ uri: KUBERNETES_SCHEMA_URL, fileMatch: ['*.yaml'] }], customTags: [], yamlVersion: '1.2' });
  const validate = (run: number) => service.doValidation(docs.TextDocument.create('file:///bench/manifests.yaml', 'yaml', run + 1, edited(text, run)), true);
  for (let run = 0; run < WARMUP_RUNS; run++) await validate(run);
  const times: number[] = [];
  let diagnostics = 0;
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const result = await validate(WARMUP_RUNS + run);
    times.push(performance.now() - t0);
    diagnostics = result.length;
  }
  const manifest = join(root, 'node_modules', 'yaml-language-server', 'package.json');
  const version = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : 'unknown';
  return { times, diagnostics, version };
}

async function main(): Promise<void> {
  const root = repoRoot();
  const text = manifestText();
  const lines = text.split('\n').length - 1;
  log(`validating a ${lines}-line, ${DOCUMENTS}-document manifest ${RUNS} times after ${WARMUP_RUNS} warm-up runs: KubeLab through its worker, then in-process, then yaml-language-server`);
  const worker = await viaWorker(root, text);
  const local = await inProcess(text);
  const bySource = (ps: Problem[]) => Object.fromEntries([...new Set(ps.map((p) => p.source))].map((s) => [s, ps.filter((p) => p.source === s).length]));
  emit({
    bench: 'validate.1000lines.p95.ms', value: round(percentile(worker.times, 95)), unit: 'ms', target: TARGET_MS,
    p50: round(percentile(worker.times, 50)), max: round(Math.max(...worker.times)), runs: RUNS, lines, documents: DOCUMENTS,
    problems: worker.problems.length, bySource: bySource(worker.problems),
    fullP95: round(percentile(worker.full, 95)), fullP50: round(percentile(worker.full, 50)),
    inProcessP95: round(percentile(local.times, 95)), inProcessP50: round(percentile(local.times, 50)), inProcessFullP95: round(percentile(local.full, 95)),
  });
  const peer = await yamlLanguageServer(root, text);
  if (peer) {
    emit({
      bench: 'validate.yamlls.1000lines.p95.ms', value: round(percentile(peer.times, 95)), unit: 'ms',
      p50: round(percentile(peer.times, 50)), max: round(Math.max(...peer.times)), runs: RUNS, lines, documents: DOCUMENTS, diagnostics: peer.diagnostics, peer: `yaml-language-server@${peer.version}`,
      kubelabP95: round(percentile(worker.times, 95)),
    });
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  log(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exit(1);
});
