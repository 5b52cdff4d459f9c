// The fault injection commands on a stand-in vscode over a real lab on a manual
// clock: each asks for what it needs, runs the lab's control operation and says
// what happened; a refusal is an error message and changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createFakeVscode, installFakeVscode } from '../../../test/bench/fakeVscode';
import { isStatus, type Pod } from '../lab/api/types';
import { DEPLOYMENTS, PODS } from '../lab/client/resources';
import type { LabControl } from '../lab/labControl';
import { runControl } from '../lab/labControl';
import { startTestLab, webDeployment } from '../lab/testLab';
import type { LabHost } from './labHost';
import type { Lab } from '../lab/lab';

const fake = createFakeVscode();
installFakeVscode(fake);


/** faultCommands registers the fault commands against lab, as the editor's LabHost would run them, and how a test runs them and reads the last message. */
async function faultCommands(lab: Lab): Promise<{ disposables: { dispose(): void }[]; run: (command: string, ...args: unknown[]) => unknown; last: () => (typeof fake.messages)[number] | undefined }> {
  const { registerFaultCommands } = await import('./faultCommands.js');
  const host = {
    state: 'running', client: lab.client(),
    control: async (op: LabControl) => {
      const r = await runControl(lab, op);
      if (r && typeof r === 'object' && 'error' in r) throw new Error(r.error);
      return r;
    },
  } as unknown as LabHost;
  return {
    disposables: registerFaultCommands(host),
    run: (command, ...args) => fake.commands.get(command)?.(...args),
    last: () => fake.messages.at(-1),
  };
}

test('Fill and Release Node Memory, Crash Container and Kill Control-Plane Leader run the lab\'s faults and say what they did', async () => {
  const { lab, clock } = await startTestLab(2, 7, { schedulerReplicas: 2 });
  const client = lab.client();
  const { disposables, run, last } = await faultCommands(lab);
  try {
    // A node picked from the list, an amount typed in.
    fake.pick = (items) => items.find((i) => (typeof i === 'string' ? i : i.label) === 'node-2');
    fake.input = () => '1Gi';
    await run('kubelab.fillNodeMemory');
    assert.equal(last()?.level, 'info');
    assert.match(last()?.text ?? '', /^KubeLab: 1Gi of node-2's memory is taken; .* is available\./);
    // A bad amount is refused with the lab's words.
    fake.input = () => 'lots';
    await run('kubelab.fillNodeMemory', 'node-2');
    assert.equal(last()?.level, 'error');
    await run('kubelab.releaseNodeMemory', 'node-2');
    assert.match(last()?.text ?? '', /^KubeLab: 1Gi of node-2's memory was given back/);

    // Crash Container on a pod item: one container, no question asked.
    assert.ok(!isStatus(await client.create(DEPLOYMENTS, webDeployment())));
    let pod: Pod | undefined;
    for (let i = 0; i < 60 && !pod; i++) {
      await clock.advance(1_000);
      const pods = await client.list<Pod>(PODS, 'default');
      if (!isStatus(pods)) pod = pods.items.find((p) => p.status?.phase === 'Running');
    }
    assert.ok(pod, 'a web pod runs');
    const name = pod.metadata.name ?? '';
    await run('kubelab.crashContainer', { ref: PODS, kind: 'Pod', namespace: 'default', name });
    assert.equal(last()?.text, `KubeLab: nginx in default/${name} exited with code 137; its restart policy decides what happens next.`);
    let restarts = 0;
    for (let i = 0; i < 30 && restarts === 0; i++) {
      await clock.advance(1_000);
      const p = await client.get<Pod>(PODS, 'default', name);
      if (!isStatus(p)) restarts = p.status?.containerStatuses?.[0]?.restartCount ?? 0;
    }
    assert.equal(restarts, 1);

    // Kill the scheduler's leader: the standby and the killed one's replacement campaign.
    fake.pick = (items) => items.find((i) => (typeof i === 'string' ? i : i.label) === 'kube-scheduler');
    await run('kubelab.killControlPlaneLeader');
    assert.match(last()?.text ?? '', /\(kube-scheduler\) was killed without releasing its Lease; 2 candidates campaign for it/);
    // Escape changes nothing.
    fake.pick = () => undefined;
    const before = fake.messages.length;
    await run('kubelab.killControlPlaneLeader');
    assert.equal(fake.messages.length, before);
  } finally {
    for (const d of disposables) d.dispose();
    lab.stop();
  }
});

test('Cut Node Off and Reconnect Node offer the nodes each fits, say what they did, and refuse what they cannot do', async () => {
  const { lab, clock } = await startTestLab(2);
  const { disposables, run, last } = await faultCommands(lab);
  const offered: string[][] = [];
  try {
    await clock.advance(2_000);
    // Nothing is cut off: Reconnect has nothing to offer.
    await run('kubelab.reconnectNode');
    assert.deepEqual(last(), { level: 'error', text: 'KubeLab: no node is cut off' });
    fake.pick = (items) => {
      offered.push(items.map((i) => (typeof i === 'string' ? i : i.label)));
      return items.find((i) => (typeof i === 'string' ? i : i.label) === 'node-2');
    };
    await run('kubelab.cutNodeOff');
    assert.deepEqual(offered.at(-1), ['node-1', 'node-2']);
    assert.equal(last()?.level, 'info');
    assert.match(last()?.text ?? '', /^KubeLab: node-2 is cut off the network: its kubelet and pods run on, unheard\. After 40 s without a heartbeat it goes Unknown/);
    assert.ok(lab.partition.isCutOff('node-2'));
    // From the Cluster view's node item; a second cut is refused with the lab's words.
    await run('kubelab.cutNodeOff', { ref: { group: '', version: 'v1', resource: 'nodes', namespaced: false }, kind: 'Node', namespace: '', name: 'node-2' });
    assert.deepEqual(last(), { level: 'error', text: 'KubeLab: node "node-2" is already cut off' });
    assert.deepEqual((await runControl(lab, { op: 'listNodes' })), { nodes: [{ name: 'node-1', kubelet: 'running' }, { name: 'node-2', kubelet: 'running', network: 'cut off' }] });
    // Cut Node Off offers only the connected nodes, Reconnect only the cut-off ones.
    fake.pick = (items) => void offered.push(items.map((i) => (typeof i === 'string' ? i : i.label)));
    await run('kubelab.cutNodeOff');
    assert.deepEqual(offered.at(-1), ['node-1']);
    await run('kubelab.reconnectNode');
    assert.deepEqual(offered.at(-1), ['node-2']);
    assert.ok(lab.partition.isCutOff('node-2'), 'Escape changes nothing');
    await run('kubelab.reconnectNode', 'node-2');
    assert.equal(last()?.text, 'KubeLab: node-2 is back on the network: its kubelet catches up at its next retry, stops the pods deleted meanwhile and reports Ready.');
    assert.ok(!lab.partition.isCutOff('node-2'));
    await run('kubelab.reconnectNode', 'node-9');
    assert.deepEqual(last(), { level: 'error', text: 'KubeLab: nodes "node-9" not found' });
  } finally {
    for (const d of disposables) d.dispose();
    lab.stop();
  }
});

test('package.json contributes Cut Node Off and Reconnect Node on node items and in the palette while the lab runs', () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { commands: { command: string; title: string }[]; menus: Record<string, { command: string; when?: string; group?: string }[]> };
  };
  const fill = manifest.contributes.menus['view/item/context'].find((m) => m.command === 'kubelab.fillNodeMemory');
  for (const [id, title] of [['kubelab.cutNodeOff', 'Cut Node Off'], ['kubelab.reconnectNode', 'Reconnect Node']]) {
    assert.equal(manifest.contributes.commands.find((c) => c.command === id)?.title, title);
    const menu = manifest.contributes.menus['view/item/context'].find((m) => m.command === id);
    assert.equal(menu?.when, fill?.when, `${id} is on the node items' menu`);
    assert.match(menu?.group ?? '', /^5_fault@/);
    const re = /viewItem =~ \/(.*)\/$/.exec(menu?.when ?? '');
    assert.deepEqual(['resource.node', 'resource.node.unschedulable', 'resource.pod'].map((v) => new RegExp(re?.[1] ?? '$^').test(v)), [true, true, false]);
    assert.equal(manifest.contributes.menus.commandPalette.find((p) => p.command === id)?.when, 'kubelab.state == running && kubelab.activeIsLab');
  }
});
