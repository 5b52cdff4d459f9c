// KubeLab: Describe on a stand-in vscode over an in-process lab: the document a tree
// item opens, its uri round trip, the palette's type-then-object picks, and a refusal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createFakeVscode, installFakeVscode } from '../../../test/bench/fakeVscode';
import { isStatus } from '../lab/api/types';
import type { ManualClock } from '../lab/clock';
import { DEPLOYMENTS, NODES } from '../lab/client/resources';
import type { Lab, LabState } from '../lab/lab';
import { startTestLab } from '../lab/testLab';
import type { Cluster } from './cluster';

const fake = createFakeVscode();
installFakeVscode(fake);

let lab: Lab;
let clock: ManualClock;
let disposables: { dispose(): unknown }[] = [];

interface Provider {
  provideTextDocumentContent(uri: unknown): Promise<string>;
}

before(async () => {
  ({ lab, clock } = await startTestLab(1));
  const client = lab.client();
  const created = await client.create(DEPLOYMENTS, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
  });
  assert.ok(!isStatus(created));
  await clock.advance(20_000);
  const { EventEmitter } = fake.api as { EventEmitter: new () => { event: Cluster['onDidChangeState']; fire(s: LabState): void } };
  const cluster: Cluster = { name: 'KubeLab', isLab: true, state: 'running', client, defaultNamespace: 'default', onDidChangeState: new EventEmitter().event, start: () => Promise.resolve(client) };
  const { registerDescribe } = await import('./describe.js');
  disposables = registerDescribe(cluster);
});
after(() => {
  disposables.forEach((d) => d.dispose());
  lab.stop();
});

async function run(arg?: unknown): Promise<string | undefined> {
  const before = fake.openedDocuments.length;
  await fake.commands.get('kubelab.describe')?.(arg);
  if (fake.openedDocuments.length === before) return undefined;
  const provider = fake.contentProviders.get('kubelab-describe') as Provider;
  return provider.provideTextDocumentContent(fake.openedDocuments.at(-1));
}

test('describing a tree item opens its kubelab-describe document with kubectl describe\'s text', async () => {
  const text = await run({ ref: DEPLOYMENTS, kind: 'Deployment', namespace: 'default', name: 'web' });
  const uri = fake.openedDocuments.at(-1) as { scheme: string; path: string };
  assert.equal(uri.scheme, 'kubelab-describe');
  assert.equal(uri.path, '/default/Deployment/web.describe');
  assert.match(text ?? '', /^Name:                   web\nNamespace:              default\nCreationTimestamp:      /);
  assert.match(text ?? '', /\nReplicas:               1 desired \| 1 updated \| 1 total \| 1 available \| 0 unavailable\n/);
});

test('a cluster-scoped object\'s uri round-trips through the provider', async () => {
  const { describeUri, itemOfUri } = await import('./describe.js');
  const item = { ref: NODES, kind: 'Node', namespace: '', name: 'node-1' };
  const uri = describeUri(item);
  assert.equal(uri.path, '/_/Node/node-1.describe');
  assert.deepEqual(itemOfUri(uri), item);
  const text = await run(item);
  assert.match(text ?? '', /^Name:               node-1\nRoles:              <none>\n/);
});

test('from the palette, the user picks a resource type, then an object', async () => {
  const asked: string[] = [];
  fake.pick = (items, options) => {
    asked.push(options?.placeHolder ?? '');
    return options?.placeHolder === 'Resource type' ? items.find((i) => i.label === 'deployments.apps') : items.find((i) => i.label === 'web');
  };
  const text = await run();
  fake.pick = undefined;
  assert.deepEqual(asked, ['Resource type', 'Object']);
  assert.match(text ?? '', /^Name:                   web\n/);
});

test('an object that cannot be read is an error message, and no document opens', async () => {
  const text = await run({ ref: DEPLOYMENTS, kind: 'Deployment', namespace: 'default', name: 'gone' });
  assert.equal(text, undefined);
  assert.deepEqual(fake.messages.at(-1), { level: 'error', text: 'KubeLab: deployments.apps "gone" not found' });
});

test('a document re-read after its object is deleted says what kubectl would', async () => {
  const { describeUri } = await import('./describe.js');
  const provider = fake.contentProviders.get('kubelab-describe') as Provider;
  const uri = describeUri({ ref: DEPLOYMENTS, kind: 'Deployment', namespace: 'default', name: 'gone' });
  assert.equal(await provider.provideTextDocumentContent(uri), 'Error from server (NotFound): deployments.apps "gone" not found\n');
});
