// ManifestDiagnostics on a stand-in vscode: the as-you-type dry run puts objects that
// name no namespace in the active cluster's default namespace, as Apply does, and the
// hint shown while the cluster is out of reach names that cluster.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeVscode, installFakeVscode } from '../../../test/bench/fakeVscode';
import type { KubeClient } from '../lab/client/kubeClient';
import type { LabState } from '../lab/lab';
import { startTestLab } from '../lab/testLab';
import type { Cluster } from './cluster';

const fake = createFakeVscode({ 'kubelab.validation.delay': 0 });
installFakeVscode(fake);

type Emitter<T> = { event: (l: (e: T) => void) => { dispose(): void }; fire(e: T): void };
const EventEmitter = fake.api.EventEmitter as new <T>() => Emitter<T>;
const Position = fake.api.Position as new (line: number, character: number) => unknown;

/** yamlEditor is an open YAML editor's document. */
function yamlEditor(name: string, text: string) {
  const uri = (fake.api.Uri as { from(c: { scheme: string; path: string }): { toString(): string } }).from({ scheme: 'untitled', path: name });
  return {
    uri, languageId: 'yaml', version: 1, isClosed: false, getText: () => text,
    positionAt: (offset: number) => {
      const before = text.slice(0, offset).split('\n');
      return new Position(before.length - 1, before[before.length - 1].length);
    },
  };
}

/** messagesOf waits for the diagnostics of uri to be set (again, after since) and gives their messages. */
async function messagesOf(uri: { toString(): string }, since?: unknown[]): Promise<string[]> {
  for (let i = 0; i < 500; i++) {
    const set = fake.diagnostics.get(uri.toString());
    if (set && set !== since) return set.map((d) => (d as { message: string }).message);
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`no diagnostics for ${uri.toString()}`);
}

function fakeCluster(fields: { name: string; isLab: boolean; state: LabState; client: KubeClient | undefined; defaultNamespace: string }) {
  const namespaces = new EventEmitter<string>();
  const cluster = { ...fields, onDidChangeState: new EventEmitter<LabState>().event, onDidChangeDefaultNamespace: namespaces.event, start: () => Promise.reject(new Error('not in this test')) };
  return { cluster: cluster satisfies Cluster, setNamespace: (ns: string) => { cluster.defaultNamespace = ns; namespaces.fire(ns); } };
}

const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: blue\n';

test('objects that name no namespace are checked in the cluster\'s default namespace, and again when it changes', async () => {
  const { lab } = await startTestLab(1);
  const { cluster, setNamespace } = fakeCluster({ name: 'KubeLab', isLab: true, state: 'running', client: lab.client(), defaultNamespace: 'team' });
  const doc = yamlEditor('settings.yaml', configMap);
  const workspace = fake.api.workspace as { textDocuments: unknown[] };
  workspace.textDocuments.push(doc);
  const { ManifestDiagnostics } = await import('./diagnostics.js');
  const logged: string[] = [];
  const diagnostics = new ManifestDiagnostics(cluster, (line) => logged.push(line));
  try {
    const inTeam = await messagesOf(doc.uri);
    assert.deepEqual(inTeam, ['namespaces "team" not found']);
    setNamespace('default');
    assert.deepEqual(await messagesOf(doc.uri, fake.diagnostics.get(doc.uri.toString())), []);
    assert.deepEqual(logged, []);
  } finally {
    diagnostics.dispose();
    workspace.textDocuments.length = 0;
    fake.diagnostics.clear();
    lab.stop();
  }
});

test('with a kubeconfig context out of reach, the hint names the context and offers Switch Cluster', async () => {
  const { cluster } = fakeCluster({ name: 'prod', isLab: false, state: 'stopped', client: undefined, defaultNamespace: 'default' });
  const doc = yamlEditor('offline.yaml', configMap);
  const workspace = fake.api.workspace as { textDocuments: unknown[] };
  workspace.textDocuments.push(doc);
  const { ManifestDiagnostics } = await import('./diagnostics.js');
  const diagnostics = new ManifestDiagnostics(cluster, () => undefined);
  try {
    assert.deepEqual(await messagesOf(doc.uri), ['context "prod" is not connected: connect to it (KubeLab: Switch Cluster) to check this manifest through its API server (validation, admission, quota, policies)']);
    const shown = fake.diagnostics.get(doc.uri.toString())?.[0] as { source?: string };
    assert.equal(shown.source, 'KubeLab · not connected');
  } finally {
    diagnostics.dispose();
    workspace.textDocuments.length = 0;
    fake.diagnostics.clear();
  }
});
