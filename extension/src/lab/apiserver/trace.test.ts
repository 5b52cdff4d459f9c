import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compare } from 'fast-json-patch';
import type { KubeObject } from '../api/types';
import type { AdmissionPlugin } from './admission/admission';
import { FakeServer, attributes } from './admission/testing';
import { type PluginVerdict, TraceBuffer, Tracer, settleTrace } from './trace';

const pod = (): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

/** The chain: one plugin that changes the pod, one that says it cannot, one that changes it again. */
const addLabel: AdmissionPlugin = { name: 'AddLabel', admit: (a) => void ((a.object as KubeObject).metadata.labels = { app: 'web' }) };
const lookOnly: AdmissionPlugin = { name: 'LookOnly', admit: () => undefined, mutates: () => false };
const dropImage: AdmissionPlugin = { name: 'DropImage', admit: (a) => void delete ((a.object as KubeObject).spec as { containers: { image?: string }[] }).containers[0].image };

async function traced(settle = true): Promise<{ verdicts: PluginVerdict[]; states: KubeObject[]; tracer: Tracer }> {
  const tracer = new Tracer(() => 0, 't', 0, 'POST', '/api/v1/namespaces/default/pods');
  const obj = pod();
  const a = attributes({ kind: 'Pod', object: obj });
  const ctx = new FakeServer().context();
  const verdicts: PluginVerdict[] = [];
  const states = [structuredClone(obj)];
  for (const plugin of [addLabel, lookOnly, dropImage]) {
    await tracer.plugin(verdicts, plugin, 'mutating', a, ctx, plugin.mutates?.(a, ctx) === false ? undefined : obj);
    states.push(structuredClone(obj));
  }
  tracer.stage('mutating admission').plugins = verdicts;
  if (settle) settleTrace(tracer.trace);
  return { verdicts, states, tracer };
}

test('a mutating plugin\'s patch is the RFC 6902 diff of the object around it; a plugin that changed nothing has none', async () => {
  const { verdicts, states } = await traced();
  assert.deepEqual(verdicts.map((v) => v.patch), [compare(states[0], states[1]), undefined, compare(states[2], states[3])]);
  assert.deepEqual(verdicts[0].patch, [{ op: 'add', path: '/metadata/labels', value: { app: 'web' } }]);
  assert.deepEqual(verdicts[2].patch, [{ op: 'remove', path: '/spec/containers/0/image' }]);
});

test('a patch is worked out when the trace is read: none before, a plain property after, only on the verdicts that changed something', async () => {
  const { verdicts, states, tracer } = await traced(false);
  assert.ok(verdicts.every((v) => !('patch' in v)), 'nothing is diffed while the request runs');
  const buffer = new TraceBuffer(10);
  buffer.add(tracer.trace);
  assert.equal(buffer.get('t'), tracer.trace);
  const want = [compare(states[0], states[1]), compare(states[2], states[3])];
  assert.deepEqual(JSON.parse(JSON.stringify(verdicts)).map((v: PluginVerdict) => v.patch), [want[0], undefined, want[1]]);
  assert.deepEqual([{ ...verdicts[0] }.patch, structuredClone(verdicts[2]).patch], want);
  assert.deepEqual(Object.keys(verdicts[0]), ['name', 'phase', 'verdict', 'durationMs', 'patch']);
  assert.ok(!('patch' in verdicts[1]));
  assert.deepEqual(Object.getOwnPropertyDescriptor(verdicts[0], 'patch'), { value: want[0], enumerable: true, writable: true, configurable: true });
});

test('a persist stage counts its watchers once the fan-out has happened, whenever the trace is read after it', () => {
  const tracer = new Tracer(() => 0, 'w', 0, 'POST', '/api/v1/namespaces/default/pods');
  const stage = tracer.stage('persist', 'ok', 'revision 7');
  let notified: number | undefined;
  tracer.countWatchersLater(stage, () => notified);
  const buffer = new TraceBuffer(10);
  buffer.add(tracer.trace);
  assert.ok(!('watchers' in buffer.list()[0].status.stages[0]), 'not known yet: left out');
  notified = 3;
  assert.equal(buffer.get('w')?.status.stages[0].watchers, 3);
  notified = 4;
  assert.equal(buffer.list()[0].status.stages[0].watchers, 3, 'settled once known');
});

test('every patch of a run of plugins that each change the object comes back, whatever order they are read in', async () => {
  const tracer = new Tracer(() => 0, 't', 0, 'POST', '/api/v1/namespaces/default/pods');
  const obj = pod();
  const a = attributes({ kind: 'Pod', object: obj });
  const ctx = new FakeServer().context();
  const spec = obj.spec as { containers: { name: string; image?: string; args?: string[] }[]; volumes?: unknown[] };
  const plugins: AdmissionPlugin[] = [
    { name: 'Args', admit: () => void (spec.containers[0].args = ['--listen=0.0.0.0:8080', '--verbose']) },
    { name: 'Volumes', admit: () => void (spec.volumes = [{ name: 'kube-api-access-abcde', projected: { sources: [] } }]) },
    { name: 'Image', admit: () => void (spec.containers[0].image = 'registry.k8s.io/nginx:1.27') },
    { name: 'Shorter', admit: () => void (spec.containers[0].args = ['-v']) },
  ];
  const verdicts: PluginVerdict[] = [];
  const states = [structuredClone(obj)];
  for (const plugin of plugins) {
    await tracer.plugin(verdicts, plugin, 'mutating', a, ctx, obj);
    states.push(structuredClone(obj));
  }
  // A new stage starts a new run: the next plugin's patch is from the object as it is then.
  tracer.stage('mutating admission');
  const later: PluginVerdict[] = [];
  await tracer.plugin(later, { name: 'Label', admit: () => void (obj.metadata.labels = { app: 'web' }) }, 'mutating', a, ctx, obj);
  states.push(structuredClone(obj));
  settleTrace(tracer.trace);
  assert.deepEqual(later[0].patch, compare(states[4], states[5]));
  for (const i of [3, 1, 0, 2]) assert.deepEqual(verdicts[i].patch, compare(states[i], states[i + 1]), plugins[i].name);
});
