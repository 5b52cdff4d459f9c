// The Cluster tree's object commands on a stand-in vscode, over a lab built in-process
// on a manual clock: what each asks, what it sends, what it says; the palette's pickers;
// the `kubelab:` file system's edit-and-save loop with the API server's Conflict.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { createFakeVscode, installFakeVscode } from '../../../test/bench/fakeVscode';
import { type Deployment, type Node, type Pod, isStatus } from '../lab/api/types';
import type { KubeClient } from '../lab/client/kubeClient';
import { REPLICAS_REQUIRED } from '../lab/client/scale';
import { DEPLOYMENTS, NODES, PODS, type ResourceRef } from '../lab/client/resources';
import type { LabState } from '../lab/lab';
import { startTestLab } from '../lab/testLab';
import type { Cluster } from './cluster';
import type { LiveYamlFs } from './liveYamlFs';

const fake = createFakeVscode();
installFakeVscode(fake);

const COMMANDS = ['kubelab.deleteResource', 'kubelab.scale', 'kubelab.rolloutRestart', 'kubelab.rolloutUndo', 'kubelab.cordon', 'kubelab.uncordon', 'kubelab.drain', 'kubelab.copyName', 'kubelab.editLive'];
const item = (ref: ResourceRef, kind: string, name: string, namespace = 'default') => ({ ref, kind, namespace, name });
const labels = { app: 'web' };
const web: Deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
};

async function setup(nodes = 1) {
  const { lab, clock } = await startTestLab(nodes, 7, { dns: false });
  const client = lab.client();
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, web)));
  await clock.advance(30_000);
  const { EventEmitter } = fake.api as { EventEmitter: new () => { event: Cluster['onDidChangeState']; fire(s: LabState): void } };
  const cluster: Cluster = { name: 'KubeLab', isLab: true, state: 'running', client, defaultNamespace: 'default', onDidChangeState: new EventEmitter().event, start: () => Promise.resolve(client) };
  const { registerResourceCommands } = await import('./resourceCommands.js');
  const output = (fake.api.window as { createOutputChannel(name: string): never }).createOutputChannel('KubeLab');
  const disposables = registerResourceCommands(cluster, output);
  const run = async (id: string, arg?: unknown) => {
    fake.messages.length = 0;
    await fake.commands.get(id)?.(arg);
  };
  const stop = () => {
    disposables.forEach((d) => void d.dispose());
    lab.stop();
  };
  return { lab, clock, client, run, stop, channel: fake.outputChannels[fake.outputChannels.length - 1] };
}

async function get<T extends Deployment | Node>(client: KubeClient, ref: ResourceRef, namespace: string, name: string): Promise<T> {
  const obj = await client.get<T>(ref, namespace, name);
  assert.ok(!isStatus(obj), JSON.stringify(obj));
  return obj;
}

test('package.json contributes each command with its context menu and hides it from the palette while nothing runs', () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
  const declared = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
  const menus: { command: string; when: string; group: string }[] = manifest.contributes.menus['view/item/context'];
  const palette: { command: string; when: string }[] = manifest.contributes.menus.commandPalette;
  for (const id of COMMANDS) {
    assert.ok(declared.has(id), `${id} is declared`);
    const menu = menus.find((m) => m.command === id);
    assert.ok(menu && /viewItem/.test(menu.when) && /^(2_edit|3_rollout|4_node|9_copy)@/.test(menu.group), `${id} is on the item menu`);
    assert.equal(palette.find((p) => p.command === id)?.when, 'kubelab.clusterState == running', 'the palette entry follows the active cluster, the lab or a context');
  }
  // The when clauses pick the right tree items.
  const matches = (id: string, contextValue: string) => {
    const when = menus.find((m) => m.command === id)?.when ?? '';
    const re = /viewItem =~ \/(.*)\/(?:\s|$)/.exec(when);
    return re ? new RegExp(re[1]).test(contextValue) : new RegExp(`viewItem == ${contextValue.replace(/\./g, '\\.')}(\\s|$)`).test(when);
  };
  assert.deepEqual(['resource.deployment', 'resource.statefulset', 'resource.replicaset', 'resource.replicationcontroller', 'resource.pod', 'resource.daemonset'].map((v) => matches('kubelab.scale', v)), [true, true, true, true, false, false]);
  assert.deepEqual(['resource.node', 'resource.node.unschedulable'].map((v) => [matches('kubelab.cordon', v), matches('kubelab.uncordon', v), matches('kubelab.drain', v)]), [[true, false, true], [false, true, true]]);
  assert.deepEqual(['resource.deployment', 'resource.statefulset'].map((v) => matches('kubelab.rolloutUndo', v)), [true, false]);
});

test('Scale offers the current count, refuses a negative one and writes the new one', async () => {
  const h = await setup();
  const asked: { value?: string; error?: unknown }[] = [];
  fake.input = (options) => {
    asked.push({ value: options.value, error: options.validateInput?.('-1') });
    return '3';
  };
  await h.run('kubelab.scale', item(DEPLOYMENTS, 'Deployment', 'web'));
  assert.deepEqual(asked, [{ value: '1', error: REPLICAS_REQUIRED }]);
  assert.deepEqual(fake.messages, [{ level: 'info', text: 'KubeLab: deployment.apps/web scaled' }]);
  assert.equal((await get<Deployment>(h.client, DEPLOYMENTS, 'default', 'web')).spec.replicas, 3);
  assert.match(h.channel.text, /\$ kubectl scale deployment\.apps\/web --replicas=3 -n default\ndeployment\.apps\/web scaled\n/);

  await h.run('kubelab.scale', item(PODS, 'Pod', 'some-pod'));
  assert.deepEqual(fake.messages, [{ level: 'error', text: 'KubeLab: Scale does not apply to pod/some-pod' }]);
  fake.input = undefined;
  h.stop();
});

test('Delete from the palette picks a type, then the object, and asks before deleting', async () => {
  const h = await setup();
  const offered: string[][] = [];
  fake.pick = (items) => {
    offered.push(items.map((i) => i.label));
    return items.find((i) => i.label === 'deployments.apps' || i.label === 'web');
  };
  const asked: [string, string[], boolean | undefined][] = [];
  fake.answer = (text, buttons, options) => (asked.push([text, buttons, options?.modal]), undefined);
  await h.run('kubelab.deleteResource');
  assert.deepEqual(asked, [['Delete deployment.apps/web in namespace default?', ['Delete'], true]]);
  assert.ok(offered[0].includes('pods') && offered[0].includes('deployments.apps') && offered[0].includes('nodes'));
  assert.deepEqual(offered[1], ['web']);
  await get<Deployment>(h.client, DEPLOYMENTS, 'default', 'web');

  fake.answer = (_text, buttons) => buttons[0];
  await h.run('kubelab.deleteResource', item(DEPLOYMENTS, 'Deployment', 'web'));
  assert.deepEqual(fake.messages.slice(1), [{ level: 'info', text: 'KubeLab: deployment.apps "web" deleted' }]);
  const gone = await h.client.get(DEPLOYMENTS, 'default', 'web');
  assert.ok(isStatus(gone) && gone.code === 404);
  await h.run('kubelab.deleteResource', item(DEPLOYMENTS, 'Deployment', 'web'));
  assert.deepEqual(fake.messages.slice(1), [{ level: 'error', text: 'KubeLab: Error from server (NotFound): deployments.apps "web" not found' }]);
  fake.pick = undefined;
  fake.answer = undefined;
  h.stop();
});

test('Cordon, Uncordon and Copy Name', async () => {
  const h = await setup();
  await h.run('kubelab.cordon', item(NODES, 'Node', 'node-1', ''));
  assert.deepEqual(fake.messages, [{ level: 'info', text: 'KubeLab: node/node-1 cordoned' }]);
  assert.equal((await get<Node>(h.client, NODES, '', 'node-1')).spec.unschedulable, true);
  await h.run('kubelab.cordon', item(NODES, 'Node', 'node-1', ''));
  assert.deepEqual(fake.messages, [{ level: 'info', text: 'KubeLab: node/node-1 already cordoned' }]);
  await h.run('kubelab.uncordon', item(NODES, 'Node', 'node-1', ''));
  assert.deepEqual(fake.messages, [{ level: 'info', text: 'KubeLab: node/node-1 uncordoned' }]);
  await h.run('kubelab.copyName', item(DEPLOYMENTS, 'Deployment', 'web'));
  assert.equal(fake.clipboard, 'web');
  h.stop();
});

test('Drain shows kubectl\'s refusal of a bare pod in its modal; Drain without Force cordons and refuses as kubectl', async () => {
  const h = await setup();
  const bare: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  assert.ok(!isStatus(await h.client.create(PODS, bare)));
  await h.clock.advance(10_000);
  const modals: { text: string; buttons: string[]; detail?: string }[] = [];
  fake.answer = (text, buttons, options) => (modals.push({ text, buttons, detail: options?.detail }), undefined);
  await h.run('kubelab.drain', item(NODES, 'Node', 'node-1', ''));
  const fatal = 'cannot delete cannot delete Pods that declare no controller (use --force to override): default/bare';
  assert.equal(modals[0].text, 'Drain node/node-1?');
  assert.deepEqual(modals[0].buttons, ['Drain', 'Force']);
  assert.ok(modals[0].detail?.includes(`kubectl drain refuses: ${fatal}`), modals[0].detail);
  assert.equal((await get<Node>(h.client, NODES, '', 'node-1')).spec.unschedulable, undefined, 'dismissing the modal changes nothing');

  fake.answer = (_text, buttons) => buttons[0];
  await h.run('kubelab.drain', item(NODES, 'Node', 'node-1', ''));
  assert.deepEqual(fake.messages.slice(1), [{ level: 'error', text: `KubeLab: ${fatal}` }]);
  assert.equal((await get<Node>(h.client, NODES, '', 'node-1')).spec.unschedulable, true);
  assert.match(h.channel.text, /\$ kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data\nnode\/node-1 cordoned\nerror: unable to drain node "node-1" due to error: /);
  fake.answer = undefined;
  h.stop();
});

test('Edit Live YAML reads the object without managedFields and saves it back; a change made meanwhile is the server\'s Conflict', async () => {
  const h = await setup();
  await h.run('kubelab.editLive', item(DEPLOYMENTS, 'Deployment', 'web'));
  assert.deepEqual(fake.messages, []);
  const fs = fake.fileSystems.get('kubelab') as LiveYamlFs;
  const { liveUri, parseLivePath } = await import('./liveYamlFs.js');
  const uri = liveUri(item(DEPLOYMENTS, 'Deployment', 'web'));
  assert.equal(uri.path, '/default/deployments.apps/web.yaml');
  assert.deepEqual(parseLivePath('/_cluster/nodes/node-1.yaml'), { namespace: '', resource: 'nodes', group: '', name: 'node-1' });
  assert.equal(parseLivePath('/default/deployments.apps'), undefined);

  const read = async () => new TextDecoder().decode(await fs.readFile(uri));
  const text = await read();
  assert.ok(!text.includes('managedFields'));
  assert.match(text, /^apiVersion: apps\/v1\nkind: Deployment\n/);
  const stat = await fs.stat(uri);
  const save = (t: string) => fs.writeFile(uri, new TextEncoder().encode(t), { create: false, overwrite: true });

  // After a save the provider reports the file changed (a newer mtime), so the editor shows what the server stored.
  const changed = new Promise<string[]>((resolve) => {
    const sub = fs.onDidChangeFile((events) => {
      sub.dispose();
      resolve(events.map((e) => e.uri.path));
    });
  });
  await save(text.replace('replicas: 1', 'replicas: 2'));
  assert.equal((await get<Deployment>(h.client, DEPLOYMENTS, 'default', 'web')).spec.replicas, 2);
  assert.deepEqual(await changed, [uri.path]);
  assert.ok((await fs.stat(uri)).mtime > stat.mtime);
  await h.clock.advance(0);

  const reloaded = await read();
  assert.match(reloaded, /replicas: 2/);
  assert.ok(!isStatus(await h.client.patch(DEPLOYMENTS, 'default', 'web', { metadata: { labels: { edited: 'elsewhere' } } })));
  await assert.rejects(save(reloaded.replace('replicas: 2', 'replicas: 5')), {
    message: 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
  });
  assert.equal((await get<Deployment>(h.client, DEPLOYMENTS, 'default', 'web')).spec.replicas, 2);
  await assert.rejects(save('kind: [unclosed\n'), /^Error: error parsing YAML: Flow sequence .* at line 2, column 1$/);
  await h.clock.advance(0);
  const fresh = await read();
  assert.match(fresh, /edited: elsewhere/);
  await save(fresh.replace('replicas: 2', 'replicas: 5'));
  assert.equal((await get<Deployment>(h.client, DEPLOYMENTS, 'default', 'web')).spec.replicas, 5);

  // Without a reload (the document edited again at once), its own earlier save does not make it stale. The
  // ConfigMap's path is resolved through discovery: nothing remembered its resource.
  const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
  assert.ok(!isStatus(await h.client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode: 'a' } })));
  const cm = liveUri(item(CONFIGMAPS, 'ConfigMap', 'settings'));
  const cmText = new TextDecoder().decode(await fs.readFile(cm));
  for (const mode of ['b', 'c']) await fs.writeFile(cm, new TextEncoder().encode(cmText.replace('mode: a', `mode: ${mode}`)));
  const settings = await h.client.get(CONFIGMAPS, 'default', 'settings');
  assert.ok(!isStatus(settings));
  assert.deepEqual(settings.data, { mode: 'c' });

  const missing = liveUri(item(DEPLOYMENTS, 'Deployment', 'nope'));
  await assert.rejects(fs.readFile(missing), { code: 'FileNotFound' });
  h.stop();
});
