import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Deployment, type Node, type Pod, type Status, isStatus } from '../api/types';
import { startTestLab } from '../testLab';
import { cordonNode } from './cordon';
import {
  DAEMONSET_FATAL, DAEMONSET_WARNING, IGNORE_DAEMONSETS_DELETE_EMPTYDIR, LOCAL_STORAGE_FATAL, MIRROR_POD_ANNOTATION, UNMANAGED_FATAL, UNMANAGED_WARNING,
  type DrainOptions, type PodDelete, aggregate, drainNode, errorsOf, podDeleteStatus, warningsOf,
} from './drain';
import type { KubeClient } from './kubeClient';
import { DEPLOYMENTS, NODES, PODS, type ResourceRef } from './resources';

const owner = (kind: string, name: string) => [{ apiVersion: 'apps/v1', kind, name, uid: `uid-${name}`, controller: true }];
const pod = (name: string, extra: { ownerReferences?: ReturnType<typeof owner>; annotations?: Record<string, string>; emptyDir?: boolean; phase?: string } = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'default', ownerReferences: extra.ownerReferences, annotations: extra.annotations },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...(extra.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}) },
  status: { phase: (extra.phase ?? 'Running') as 'Running' },
});
const notFound: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'daemonsets.apps "gone" not found' };
const lookup = (_ns: string, name: string) => Promise.resolve(name === 'gone' ? notFound : undefined);
const strict: DrainOptions = { force: false, ignoreDaemonSets: false, deleteEmptyDirData: false };
const kubectlDefaults = IGNORE_DAEMONSETS_DELETE_EMPTYDIR;
const forced: DrainOptions = { ...kubectlDefaults, force: true };

const filterCases: [name: string, p: Pod, options: DrainOptions, want: Pick<PodDelete, 'delete' | 'reason' | 'message'>][] = [
  ['a ReplicaSet pod is evicted', pod('a', { ownerReferences: owner('ReplicaSet', 'rs') }), strict, { delete: true, reason: 'Okay', message: '' }],
  ['a DaemonSet pod is refused without --ignore-daemonsets', pod('b', { ownerReferences: owner('DaemonSet', 'ds') }), strict, { delete: false, reason: 'Error', message: DAEMONSET_FATAL }],
  ['a DaemonSet pod is ignored with --ignore-daemonsets', pod('b', { ownerReferences: owner('DaemonSet', 'ds') }), kubectlDefaults, { delete: false, reason: 'Warning', message: DAEMONSET_WARNING }],
  ['an orphan of a deleted DaemonSet is refused', pod('c', { ownerReferences: owner('DaemonSet', 'gone') }), kubectlDefaults, { delete: false, reason: 'Error', message: notFound.message ?? '' }],
  // Upstream keeps only the last filter's verdict, so the orphan's warning gives way to the later filters' Okay.
  ['an orphan of a deleted DaemonSet goes with --force', pod('c', { ownerReferences: owner('DaemonSet', 'gone') }), forced, { delete: true, reason: 'Okay', message: '' }],
  ['a finished DaemonSet pod is evicted', pod('d', { ownerReferences: owner('DaemonSet', 'ds'), phase: 'Succeeded' }), strict, { delete: true, reason: 'Okay', message: '' }],
  ['a mirror pod is skipped silently', pod('e', { annotations: { [MIRROR_POD_ANNOTATION]: 'x' } }), strict, { delete: false, reason: 'Skip', message: '' }],
  ['an emptyDir pod is refused without --delete-emptydir-data', pod('f', { ownerReferences: owner('ReplicaSet', 'rs'), emptyDir: true }), strict, { delete: false, reason: 'Error', message: LOCAL_STORAGE_FATAL }],
  // localStorage's warning is replaced by the next filter's Okay, as upstream's TODO says.
  ['an emptyDir pod goes with --delete-emptydir-data', pod('f', { ownerReferences: owner('ReplicaSet', 'rs'), emptyDir: true }), kubectlDefaults, { delete: true, reason: 'Okay', message: '' }],
  ['an unmanaged emptyDir pod keeps the last filter\'s verdict', pod('g', { emptyDir: true }), forced, { delete: true, reason: 'Warning', message: UNMANAGED_WARNING }],
  ['an unmanaged pod is refused', pod('h'), kubectlDefaults, { delete: false, reason: 'Error', message: UNMANAGED_FATAL }],
  ['an unmanaged pod goes with --force', pod('h'), forced, { delete: true, reason: 'Warning', message: UNMANAGED_WARNING }],
  ['a finished unmanaged pod is evicted', pod('i', { phase: 'Failed' }), strict, { delete: true, reason: 'Okay', message: '' }],
];
for (const [name, p, options, want] of filterCases) {
  test(`drain filters: ${name}`, async () => {
    const { delete: del, reason, message } = await podDeleteStatus(p, options, lookup);
    assert.deepEqual({ delete: del, reason, message }, want);
  });
}

test('errors and warnings read as kubectl prints them', async () => {
  const list = await Promise.all([pod('x'), pod('y'), pod('z', { ownerReferences: owner('DaemonSet', 'ds') })].map((p) => podDeleteStatus(p, kubectlDefaults, lookup)));
  assert.deepEqual(errorsOf(list), ['cannot delete cannot delete Pods that declare no controller (use --force to override): default/x, default/y']);
  assert.equal(warningsOf(list), `${DAEMONSET_WARNING}: default/z`);
  assert.equal(aggregate(['a']), 'a');
  assert.equal(aggregate(['a', 'b', 'a']), '[a, b]');
});

const web: Deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
};

async function podsOn(client: KubeClient, node: string): Promise<Pod[]> {
  const list = await client.list<Pod>(PODS, '', { fieldSelector: `spec.nodeName=${node}` });
  assert.ok(!isStatus(list));
  return list.items;
}

/** runningPods steps the clock until count pods of the namespace run, and returns them. */
async function runningPods(client: KubeClient, clock: { advance(ms: number): Promise<void> }, count: number): Promise<Pod[]> {
  for (let t = 0; t < 120_000; t += 1000) {
    const list = await client.list<Pod>(PODS, 'default');
    assert.ok(!isStatus(list));
    const running = list.items.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
    if (running.length === count && list.items.length === count) return running;
    await clock.advance(1000);
  }
  return assert.fail(`${count} pods did not come to run`);
}

/** run steps the clock a second at a time until the drain ends. */
async function run<T>(clock: { advance(ms: number): Promise<void> }, work: Promise<T>, limitMs = 300_000): Promise<T> {
  let result: { value: T } | undefined;
  void work.then((value) => (result = { value }));
  for (let t = 0; t < limitMs && !result; t += 1000) await clock.advance(1000);
  assert.ok(result, 'drain did not finish');
  return result.value;
}

test('cordon and uncordon patch spec.unschedulable and say when there is nothing to do', async () => {
  const { lab } = await startTestLab(1);
  const client = lab.client();
  assert.deepEqual(await cordonNode(client, 'node-1', true), { ok: true, line: 'node/node-1 cordoned' });
  assert.deepEqual(await cordonNode(client, 'node-1', true), { ok: true, line: 'node/node-1 already cordoned' });
  const cordoned = await client.get<Node>(NODES, '', 'node-1');
  assert.ok(!isStatus(cordoned) && cordoned.spec.unschedulable === true);
  assert.deepEqual(await cordonNode(client, 'node-1', false), { ok: true, line: 'node/node-1 uncordoned' });
  assert.deepEqual(await cordonNode(client, 'node-1', false), { ok: true, line: 'node/node-1 already uncordoned' });
  const uncordoned = await client.get<Node>(NODES, '', 'node-1');
  assert.ok(!isStatus(uncordoned) && uncordoned.spec.unschedulable === undefined);
  assert.deepEqual(await cordonNode(client, 'node-9', true), { ok: false, line: 'Error from server (NotFound): nodes "node-9" not found' });
  lab.stop();
});

test('a drained node\'s pods are evicted and recreated elsewhere by their ReplicaSet; a bare pod needs force', async () => {
  const { lab, clock } = await startTestLab(3, 7, { dns: false });
  const client = lab.client();
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, web)));
  const node = (await runningPods(client, clock, 3))[0].spec.nodeName ?? '';
  const target = await podsOn(client, node);
  const bare: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: 'default' }, spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx' }] } };
  assert.ok(!isStatus(await client.create(PODS, bare)));
  await runningPods(client, clock, 4);

  const refused: string[] = [];
  const first = await run(clock, drainNode(client, node, clock, kubectlDefaults, (line) => refused.push(line)));
  const fatal = 'cannot delete cannot delete Pods that declare no controller (use --force to override): default/bare';
  assert.deepEqual(first, { ok: false, line: fatal });
  assert.deepEqual(refused, [`node/${node} cordoned`, `error: unable to drain node "${node}" due to error: ${fatal}, continuing command...`, 'There are pending nodes to be drained:', ` ${node}`, fatal]);
  assert.equal((await podsOn(client, node)).length, target.length + 1, 'a refused drain evicts nothing');

  const lines: [string, string][] = [];
  const second = await run(clock, drainNode(client, node, clock, forced, (line, stream) => lines.push([stream, line])));
  assert.deepEqual(second, { ok: true, line: `node/${node} drained` });
  const names = ['bare', ...target.map((p) => p.metadata.name ?? '')].sort();
  const n = names.length;
  assert.deepEqual(lines.slice(0, 2), [['out', `node/${node} already cordoned`], ['err', `WARNING: ${UNMANAGED_WARNING}: default/bare`]]);
  assert.deepEqual(lines.slice(2, 2 + n).map(([, l]) => l).sort(), names.map((x) => `evicting pod default/${x}`));
  assert.deepEqual(lines.slice(2 + n, 2 + 2 * n).map(([, l]) => l).sort(), names.map((x) => `pod/${x} evicted`));
  assert.deepEqual(lines.slice(2 + 2 * n), [['out', `node/${node} drained`]]);
  assert.deepEqual(await podsOn(client, node), []);

  const live = await runningPods(client, clock, 3);
  assert.ok(live.every((p) => p.metadata.name !== 'bare' && p.spec.nodeName && p.spec.nodeName !== node), 'the ReplicaSet replaced its pods elsewhere; the bare pod is gone for good');
  lab.stop();
});

test('an eviction a PodDisruptionBudget refuses is tried again every 5 s until it is allowed', async () => {
  const { lab, clock } = await startTestLab(2);
  const client = lab.client();
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, { ...web, spec: { ...web.spec, replicas: 2 } })));
  const victim = (await runningPods(client, clock, 2))[0];
  const node = victim.spec.nodeName ?? '';
  const PDBS: ResourceRef = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespaced: true };
  assert.ok(!isStatus(await client.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } })));

  const lines: { at: number; line: string }[] = [];
  const start = clock.now();
  let result: { ok: boolean; line: string } | undefined;
  void drainNode(client, node, clock, IGNORE_DAEMONSETS_DELETE_EMPTYDIR, (line) => lines.push({ at: clock.now() - start, line })).then((r) => (result = r));
  await clock.advance(12_000);
  const name = victim.metadata.name ?? '';
  const refusals = lines.filter((l) => l.line.startsWith(`error when evicting pods/"${name}"`));
  assert.deepEqual(refusals.map((l) => l.at), [0, 5_000, 10_000]);
  assert.match(refusals[0].line, new RegExp(`^error when evicting pods/"${name}" -n "default" \\(will retry after 5s\\): Cannot evict pod as it would violate the pod's disruption budget\\.$`));
  assert.equal(result, undefined);

  const deleted = await client.delete(PDBS, 'default', 'web');
  assert.ok(!isStatus(deleted) || deleted.status === 'Success', JSON.stringify(deleted));
  await clock.advance(60_000);
  assert.deepEqual(result, { ok: true, line: `node/${node} drained` });
  assert.ok(lines.some((l) => l.line === `pod/${name} evicted`));
  lab.stop();
});

test('drain cancelled by its signal stops retrying and reports it', async () => {
  const { lab, clock } = await startTestLab(1);
  const client = lab.client();
  assert.ok(!isStatus(await client.create(DEPLOYMENTS, { ...web, spec: { ...web.spec, replicas: 1 } })));
  await runningPods(client, clock, 1);
  const PDBS: ResourceRef = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespaced: true };
  assert.ok(!isStatus(await client.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } })));
  const controller = new AbortController();
  let result: { ok: boolean; line: string } | undefined;
  void drainNode(client, 'node-1', clock, { ...IGNORE_DAEMONSETS_DELETE_EMPTYDIR, signal: controller.signal }, () => undefined).then((r) => (result = r));
  await clock.advance(6_000);
  assert.equal(result, undefined);
  controller.abort();
  await clock.advance(0);
  const cancelled = result as { ok: boolean; line: string } | undefined;
  assert.ok(cancelled && !cancelled.ok);
  assert.match(cancelled.line, /^error when evicting pods\/"web-[a-z0-9]+-[a-z0-9]+" -n "default": context canceled$/);
  lab.stop();
});
