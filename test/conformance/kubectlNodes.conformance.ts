// kubectl on nodes: cordon, uncordon, taint, and drain evicting pods through the
// eviction subresource, which honours a PodDisruptionBudget: refused evictions print
// upstream's message and kubectl retries until the budget allows them. One lab for the
// file, stopped with SIGTERM at the end.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubelabProcess, eventually, lines, parseTable } from './harness';

let lab: KubelabProcess;
before(async () => {
  lab = await KubelabProcess.up({ nodes: 3 });
});
after(async () => {
  await lab?.cleanup();
});

const nodeStatus = async (node: string): Promise<string> => parseTable(await lab.ok(['get', 'node', node])).rows[0].STATUS;

void test('cordon marks a node unschedulable and uncordon clears it, each saying so once', async () => {
  assert.equal(await lab.ok(['cordon', 'node-1']), 'node/node-1 cordoned\n');
  assert.equal(await nodeStatus('node-1'), 'Ready,SchedulingDisabled');
  assert.equal(await lab.ok(['get', 'node', 'node-1', '-o', 'jsonpath={.spec.unschedulable}']), 'true');
  assert.equal(await lab.ok(['cordon', 'node-1']), 'node/node-1 already cordoned\n');
  assert.equal(await lab.ok(['uncordon', 'node-1']), 'node/node-1 uncordoned\n');
  assert.equal(await nodeStatus('node-1'), 'Ready');
  assert.equal(await lab.ok(['uncordon', 'node-1']), 'node/node-1 already uncordoned\n');
  const missing = await lab.kubectl(['cordon', 'node-9']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error from server (NotFound): nodes "node-9" not found\n');
});

void test('a cordoned node gets no new pods', { timeout: 90_000 }, async () => {
  await lab.ok(['cordon', 'node-1']);
  try {
    await lab.ok(['create', 'deployment', 'spread', '--image=nginx:1.27', '--replicas=4']);
    await lab.ok(['rollout', 'status', 'deployment/spread', '--timeout=60s'], { timeoutMs: 70_000 });
    const nodes = lines(await lab.ok(['get', 'pods', '-l', 'app=spread', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}{"\\n"}{end}']));
    assert.equal(nodes.length, 4);
    assert.ok(!nodes.includes('node-1'), nodes.join(' '));
  } finally {
    await lab.ok(['uncordon', 'node-1']);
    await lab.ok(['delete', 'deployment', 'spread']);
  }
});

void test('taint adds, overwrites and removes taints, with upstream\'s errors', async () => {
  assert.equal(await lab.ok(['taint', 'nodes', 'node-2', 'dedicated=lab:NoSchedule']), 'node/node-2 tainted\n');
  const taints = lines(await lab.ok(['get', 'node', 'node-2', '-o', 'jsonpath={range .spec.taints[*]}{.key}={.value}:{.effect}{"\\n"}{end}']));
  assert.deepEqual(taints.filter((l) => l.startsWith('dedicated')), ['dedicated=lab:NoSchedule']);
  const clash = await lab.kubectl(['taint', 'nodes', 'node-2', 'dedicated=other:NoSchedule']);
  assert.equal(clash.code, 1);
  assert.equal(clash.stderr, 'error: node node-2 already has dedicated taint(s) with same effect(s) and --overwrite is false\n');
  assert.equal(await lab.ok(['taint', 'nodes', 'node-2', 'dedicated=other:NoSchedule', '--overwrite']), 'node/node-2 modified\n');
  assert.equal(await lab.ok(['taint', 'nodes', 'node-2', 'dedicated:NoSchedule-']), 'node/node-2 untainted\n');
  const gone = await lab.kubectl(['taint', 'nodes', 'node-2', 'dedicated:NoSchedule-']);
  assert.equal(gone.code, 1);
  assert.equal(gone.stderr, 'error: taint "dedicated:NoSchedule" not found\n');
  const bad = await lab.kubectl(['taint', 'nodes', 'node-2', 'dedicated=lab:Sometimes']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'error: invalid taint effect: Sometimes, unsupported taint effect\nSee \'kubectl taint -h\' for help and examples\n');
  const describe = await lab.ok(['describe', 'node', 'node-2']);
  assert.doesNotMatch(describe, /dedicated/);
});

/** podsOn lists the names of the pods of app on node. */
async function podsOn(node: string, app: string): Promise<string[]> {
  return lines(await lab.ok(['get', 'pods', '-l', `app=${app}`, '--field-selector', `spec.nodeName=${node}`, '-o', 'name'])).map((p) => p.slice('pod/'.length));
}

void test('drain cordons the node and evicts its pods, which their ReplicaSet recreates elsewhere', { timeout: 120_000 }, async () => {
  await lab.ok(['create', 'deployment', 'movable', '--image=nginx:1.27', '--replicas=3']);
  await lab.ok(['rollout', 'status', 'deployment/movable', '--timeout=60s'], { timeoutMs: 70_000 });
  const node = lines(await lab.ok(['get', 'pods', '-l', 'app=movable', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}{"\\n"}{end}']))[0];
  const victims = await podsOn(node, 'movable');
  try {
    const out = await lab.ok(['drain', node, '--ignore-daemonsets', '--timeout=60s'], { timeoutMs: 70_000 });
    const printed = lines(out);
    assert.equal(printed[0], `node/${node} cordoned`);
    assert.equal(printed.at(-1), `node/${node} drained`);
    for (const pod of victims) {
      assert.ok(printed.includes(`evicting pod default/${pod}`), out);
      assert.ok(printed.includes(`pod/${pod} evicted`), out);
    }
    assert.equal(await nodeStatus(node), 'Ready,SchedulingDisabled');
    await lab.ok(['rollout', 'status', 'deployment/movable', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.deepEqual(await podsOn(node, 'movable'), []);
  } finally {
    await lab.ok(['uncordon', node]);
  }
  const refused = await lab.kubectl(['drain', 'node-9']);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, 'Error from server (NotFound): nodes "node-9" not found\n');
});

void test('drain refuses a bare pod without --force, naming it as upstream does', async () => {
  await lab.ok(['run', 'bare', '--image=nginx:1.27']);
  await lab.ok(['wait', '--for=condition=Ready', 'pod/bare', '--timeout=60s']);
  const node = await lab.ok(['get', 'pod', 'bare', '-o', 'jsonpath={.spec.nodeName}']);
  try {
    const e = await lab.kubectl(['drain', node, '--ignore-daemonsets', '--timeout=20s']);
    assert.equal(e.code, 1);
    assert.equal(e.stdout, `node/${node} cordoned\n`);
    assert.equal(e.stderr, `error: unable to drain node "${node}" due to error: cannot delete cannot delete Pods that declare no controller (use --force to override): default/bare, continuing command...\nThere are pending nodes to be drained:\n ${node}\ncannot delete cannot delete Pods that declare no controller (use --force to override): default/bare\n`);
  } finally {
    await lab.ok(['uncordon', node]);
    await lab.ok(['delete', 'pod', 'bare', '--wait=false']);
  }
});

void test('drain honours a PodDisruptionBudget: a refused eviction is retried until the budget allows it', { timeout: 120_000 }, async () => {
  await lab.ok(['create', 'deployment', 'guarded', '--image=nginx:1.27', '--replicas=3']);
  await lab.ok(['rollout', 'status', 'deployment/guarded', '--timeout=60s'], { timeoutMs: 70_000 });
  assert.equal(await lab.ok(['create', 'pdb', 'guarded', '--selector=app=guarded', '--min-available=3']), 'poddisruptionbudget.policy/guarded created\n');
  // The disruption controller counts three healthy pods, all three required: no disruption allowed.
  await eventually(async () => {
    const s = (await lab.json(['get', 'pdb', 'guarded'])).status;
    return s.observedGeneration === 1 && s.currentHealthy === 3 && s.desiredHealthy === 3 && s.disruptionsAllowed === 0 ? true : undefined;
  }, 'the disruption controller to count the guarded pods', 10_000);
  const node = lines(await lab.ok(['get', 'pods', '-l', 'app=guarded', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}{"\\n"}{end}']))[0];
  const victims = await podsOn(node, 'guarded');
  const drain = lab.spawnKubectl(['drain', node, '--ignore-daemonsets', '--timeout=90s']);
  try {
    for (const pod of victims) {
      await drain.until((_, err) => err.includes(`error when evicting pods/"${pod}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n`), `the refused eviction of ${pod}`);
    }
    assert.deepEqual(await podsOn(node, 'guarded'), victims, 'a pod went despite its budget');
    // A lower minAvailable lets the node's pods go: the controller allows that many disruptions, and the next retry evicts them.
    await lab.ok(['patch', 'pdb', 'guarded', '--type=merge', '-p', JSON.stringify({ spec: { minAvailable: 3 - victims.length } })]);
    const exit = await drain.exit();
    assert.equal(exit.code, 0, exit.stderr);
    const printed = lines(exit.stdout);
    assert.equal(printed[0], `node/${node} cordoned`);
    for (const pod of victims) assert.ok(printed.includes(`pod/${pod} evicted`), exit.stdout);
    assert.equal(printed.at(-1), `node/${node} drained`);
    // Each eviction spent an allowed disruption; once the evicted pods were deleting the controller dropped
    // them from disruptedPods, and with their replacements ready the budget allows as much as before.
    await eventually(async () => {
      const st = (await lab.json(['get', 'pdb', 'guarded'])).status;
      return st.observedGeneration === 2 && st.currentHealthy === 3 && st.desiredHealthy === 3 - victims.length && st.disruptionsAllowed === victims.length && st.disruptedPods === undefined ? true : undefined;
    }, 'the budget to count the replacements', 60_000);
  } finally {
    await drain.stop();
    await lab.ok(['uncordon', node]);
  }
});

void test('a PodDisruptionBudget\'s status follows its pods', { timeout: 60_000 }, async () => {
  // The movable Deployment's three pods, with no other budget over them.
  await lab.ok(['create', 'pdb', 'counted', '--selector=app=movable', '--min-available=2']);
  try {
    await eventually(async () => {
      const s = (await lab.json(['get', 'pdb', 'counted'])).status;
      return s.observedGeneration === 1 && s.expectedPods === 3 && s.currentHealthy === 3 && s.desiredHealthy === 2 && s.disruptionsAllowed === 1 ? true : undefined;
    }, 'the disruption controller to count the healthy pods', 10_000);
    const table = parseTable(await lab.ok(['get', 'pdb', 'counted']));
    assert.deepEqual(table.rows.map((r) => [r['MIN AVAILABLE'], r['MAX UNAVAILABLE'], r['ALLOWED DISRUPTIONS']]), [['2', 'N/A', '1']]);
  } finally {
    await lab.ok(['delete', 'pdb', 'counted']);
  }
});

void test('eviction through the API answers 429 with upstream\'s Status while the budget forbids it', async () => {
  const pod = lines(await lab.ok(['get', 'pods', '-l', 'app=guarded', '-o', 'name']))[0].slice('pod/'.length);
  // All three guarded pods required again: once the controller has seen the change it allows no disruption.
  await lab.ok(['patch', 'pdb', 'guarded', '--type=merge', '-p', JSON.stringify({ spec: { minAvailable: 3 } })]);
  await eventually(async () => {
    const s = (await lab.json(['get', 'pdb', 'guarded'])).status;
    return s.observedGeneration === 3 && s.currentHealthy === 3 && s.disruptionsAllowed === 0 ? true : undefined;
  }, 'the disruption controller to see minAvailable 3', 10_000);
  const e = await lab.kubectl(['create', '--raw', `/api/v1/namespaces/default/pods/${pod}/eviction`, '-f', '-'], { input: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod } }) });
  assert.equal(e.code, 1);
  assert.equal(e.stderr, 'Error from server (TooManyRequests): Cannot evict pod as it would violate the pod\'s disruption budget.\n');
  const raw = await lab.kubectl(['create', '--raw', `/api/v1/namespaces/default/pods/${pod}/eviction`, '-f', '-', '-v=6'], { input: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod } }) });
  assert.match(raw.stderr, /POST https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/default\/pods\/\S+\/eviction 429 Too Many Requests/);
});

void test('kubelab exits 0 on SIGTERM', async () => {
  const exit = await lab.stop('SIGTERM');
  assert.equal(exit.code, 0, exit.stderr);
});
