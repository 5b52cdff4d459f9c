// KubeLab: Apply, Dry-run, Diff and Delete on a stand-in vscode, over a lab built
// in-process: an unsaved (untitled) editor's text is what they act on, and the
// confirmation names the cluster the objects are deleted from.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeVscode, installFakeVscode } from '../../../test/bench/fakeVscode';
import { type KubeObject, isStatus } from '../lab/api/types';
import type { KubeClient } from '../lab/client/kubeClient';
import { CONFIGMAPS } from '../lab/client/resources';
import { startTestLab } from '../lab/testLab';

const fake = createFakeVscode();
installFakeVscode(fake);

type UriClass = { from(c: { scheme: string; path: string }): { toString(): string } };

/** untitled is an unsaved YAML editor's document: nothing of it is on disk. */
function untitled(text: string) {
  const uri = (fake.api.Uri as UriClass).from({ scheme: 'untitled', path: 'Untitled-1' });
  return { uri, languageId: 'yaml', version: 1, isUntitled: true, isDirty: true, isClosed: false, text, getText(): string { return this.text; } };
}

const manifest = (mode: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\ndata:\n  mode: ${mode}\n`;

async function setup(cluster: { name: string; isLab: boolean }, client: KubeClient) {
  const { registerManifestCommands } = await import('./codeLens.js');
  const output = (fake.api.window as { createOutputChannel(name: string): never }).createOutputChannel('KubeLab');
  const errors: unknown[] = [];
  const getClient = Object.assign(() => Promise.resolve(client), { namespace: () => 'default', cluster: () => cluster });
  const disposables = registerManifestCommands(getClient, output, (err) => errors.push(err));
  const run = async (id: string, ...args: unknown[]) => {
    fake.messages.length = 0;
    await fake.commands.get(id)?.(...args);
    assert.deepEqual(errors, []);
  };
  return { run, channel: fake.outputChannels[fake.outputChannels.length - 1], dispose: () => disposables.forEach((d) => void d.dispose()) };
}

test('Apply, Dry-run, Diff and Delete act on an untitled editor\'s text', async () => {
  const { lab } = await startTestLab(1);
  const client = lab.client();
  const doc = untitled(manifest('blue'));
  const workspace = fake.api.workspace as { textDocuments: unknown[] };
  const window = fake.api.window as { activeTextEditor?: unknown };
  workspace.textDocuments.push(doc);
  window.activeTextEditor = { document: doc };
  const h = await setup({ name: 'KubeLab', isLab: true }, client);
  try {
    // The palette's Apply takes the active editor.
    await h.run('kubelab.apply');
    assert.deepEqual(fake.messages, [{ level: 'info', text: 'KubeLab: configmap/demo created' }]);
    const created = await client.get<KubeObject & { data?: Record<string, string> }>(CONFIGMAPS, 'default', 'demo');
    assert.ok(!isStatus(created));
    assert.deepEqual(created.data, { mode: 'blue' });

    // A CodeLens passes the editor's uri and the document's index; the text is the editor's, unsaved.
    doc.text = manifest('green');
    await h.run('kubelab.apply', doc.uri, 0);
    assert.deepEqual(fake.messages, [{ level: 'info', text: 'KubeLab: configmap/demo configured' }]);

    await h.run('kubelab.dryRun', doc.uri, 0);
    doc.text = manifest('red');
    await h.run('kubelab.dryRun', doc.uri, 0);
    assert.deepEqual(fake.messages, []);
    assert.ok(h.channel.text.endsWith([
      '$ kubectl apply --dry-run=server -f untitled:Untitled-1', 'configmap/demo unchanged (server dry run)',
      '$ kubectl apply --dry-run=server -f untitled:Untitled-1', 'configmap/demo configured (server dry run)', '',
    ].join('\n')), h.channel.text);

    await h.run('kubelab.diff', doc.uri);
    assert.deepEqual(fake.messages, []);
    assert.equal(fake.executed.at(-1)?.[0], 'vscode.diff');

    const asked: string[] = [];
    fake.answer = (text, buttons, options) => (options?.modal && asked.push(text), buttons[0]);
    await h.run('kubelab.delete', doc.uri);
    assert.deepEqual(asked, ['Delete configmap/demo from the lab?']);
    assert.deepEqual(fake.messages.slice(1), [{ level: 'info', text: 'KubeLab: configmap "demo" deleted' }]);
    const gone = await client.get(CONFIGMAPS, 'default', 'demo');
    assert.ok(isStatus(gone) && gone.code === 404);
  } finally {
    fake.answer = undefined;
    window.activeTextEditor = undefined;
    workspace.textDocuments.length = 0;
    h.dispose();
    lab.stop();
  }
});

test('Delete\'s confirmation names the kubeconfig context it deletes from', async () => {
  const { lab } = await startTestLab(1);
  const client = lab.client();
  const doc = untitled(manifest('blue'));
  const workspace = fake.api.workspace as { textDocuments: unknown[] };
  workspace.textDocuments.push(doc);
  const h = await setup({ name: 'prod', isLab: false }, client);
  try {
    assert.ok(!isStatus(await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo', namespace: 'default' } })));
    const asked: string[] = [];
    fake.answer = (text, _buttons, options) => (options?.modal && asked.push(text), undefined);
    await h.run('kubelab.delete', doc.uri, 0);
    assert.deepEqual(asked, ['Delete configmap/demo from context "prod"?']);
    assert.ok(!isStatus(await client.get(CONFIGMAPS, 'default', 'demo')), 'declined: nothing deleted');
  } finally {
    fake.answer = undefined;
    workspace.textDocuments.length = 0;
    h.dispose();
    lab.stop();
  }
});
