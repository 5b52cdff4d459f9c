import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inTreeRegistry } from '../framework/registry';
import { loadSchedulerConfig } from './validation';

const registry = inTreeRegistry();
const load = (text: string) => loadSchedulerConfig(text, (n) => n in registry);
const head = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';

const errors: [string, string, string][] = [
  ['an old version', 'apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n',
    'no kind "KubeSchedulerConfiguration" is registered for version "kubescheduler.config.k8s.io/v1beta3" in scheme "k8s.io/kubernetes/pkg/scheduler/apis/config/scheme/scheme.go:30"'],
  ['an unknown field', `${head}percentageOfNodes: 10\n`, 'strict decoding error: unknown field "percentageOfNodes"'],
  ['percentageOfNodesToScore over 100', `${head}percentageOfNodesToScore: 110\n`, 'percentageOfNodesToScore: Invalid value: 110: not in valid range [0-100]'],
  ['a zero initial backoff', `${head}podInitialBackoffSeconds: 0\n`, 'podInitialBackoffSeconds: Invalid value: 0: must be greater than 0'],
  ['a max backoff below the initial', `${head}podInitialBackoffSeconds: 5\npodMaxBackoffSeconds: 2\n`, 'podMaxBackoffSeconds: Invalid value: 2: must be greater than or equal to PodInitialBackoffSeconds'],
  ['two unnamed profiles', `${head}profiles:\n- {}\n- schedulerName: b\n`, 'profiles[0].schedulerName: Required value'],
  ['a duplicate schedulerName', `${head}profiles:\n- schedulerName: a\n- schedulerName: a\n`, 'profiles[1].schedulerName: Duplicate value: "a"'],
  ['different queue sorts', `${head}profiles:\n- schedulerName: a\n- schedulerName: b\n  plugins:\n    queueSort:\n      disabled: [{name: "*"}]\n      enabled: [{name: PrioritySort}]\n`,
    'profiles[1].plugins.queueSort: Invalid value: {"enabled":[{"name":"PrioritySort"}],"disabled":[{"name":"*"}]}: has to match for all profiles'],
  ['a bad scoring strategy', `${head}profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: Fancy\n`,
    'profiles[0].pluginConfig[0].args.scoringStrategy.type: Unsupported value: "Fancy": supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"'],
  ['several errors at once', `${head}parallelism: 0\npercentageOfNodesToScore: -1\n`,
    '[parallelism: Invalid value: 0: should be an integer value greater than zero, percentageOfNodesToScore: Invalid value: -1: not in valid range [0-100]]'],
];
for (const [name, text, error] of errors) test(`refuses ${name}`, () => assert.deepEqual(load(text), { error }));

test('defaults fill the globals, name a lone profile, and add the args of the plugins in use', () => {
  const r = load(head);
  assert.ok('config' in r);
  const c = r.config;
  assert.equal(c.podInitialBackoffSeconds, 1);
  assert.equal(c.podMaxBackoffSeconds, 10);
  assert.equal(c.percentageOfNodesToScore, 0);
  assert.equal(c.profiles?.[0].schedulerName, 'default-scheduler');
  const fit = c.profiles?.[0].pluginConfig?.find((p) => p.name === 'NodeResourcesFit');
  assert.deepEqual(fit?.args, { apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'NodeResourcesFitArgs', scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] } });
  const names = c.profiles?.[0].plugins?.multiPoint?.enabled?.map((p) => p.name) ?? [];
  assert.deepEqual(names.slice(0, 4), ['SchedulingGates', 'PrioritySort', 'NodeUnschedulable', 'NodeName']);
  assert.ok(!names.includes('InterPodAffinity') || 'InterPodAffinity' in registry, 'only registered plugins are enabled by default');
});
