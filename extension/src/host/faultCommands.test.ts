// The fault injection commands on a stand-in vscode over a real lab on a manual
// clock: each asks for what it needs, runs the lab's control operation and says
// what happened; a refusal is an error message and changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeVscode, installFakeVscode } from '../../../test/bench/fakeVscode';
import { isStatus, type Pod } from '../lab/api/types';
import { DEPLOYMENTS, PODS } from '../lab/client/resources';
import type { LabControl } from '../lab/labControl';
import { runControl } from '../lab/labControl';
import { startTestLab, webDeployment } from '../lab/testLab';
import type { LabHost } from './labHost';

const fake = createFakeVscode();
installFakeVscode(fake);

test('Fill and Release Node Memory, Crash Container and Kill Control-Plane Leader run the lab\'s faults and say what they did', async () => {
  const { registerFaultCommands } = await import('./faultCommands.js');
  const { lab, clock } = await startTestLab(2, 7, { schedulerReplicas: 2 });
  const client = lab.client();
  const host = {
    state: 'running', client,
    control: async (op: LabControl) => {
      const r = await runControl(lab, op);
      if (r && typeof r === 'object' && 'error' in r) throw new Error(r.error);
      return r;
    },
  } as unknown as LabHost;
  const disposables = registerFaultCommands(host);
  const run = (command: string, ...args: unknown[]): unknown => fake.commands.get(command)?.(...args);
  const last = () => fake.messages.at(-1);
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
