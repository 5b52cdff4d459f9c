import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { KubeClient } from '../../lab/client/kubeClient';
import type { Transport } from '../../lab/client/transport';
import { configView, editConfig } from './schedulerProfile';

/** No request is made: the profiles are built only to learn their plugins. */
const client = new KubeClient({} as Transport);

const custom = `# tuned for bin packing
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: default-scheduler
    plugins:
      score:
        enabled:
          - name: ImageLocality # heavier than the default
            weight: 4
`;

function ok(r: { text: string } | { error: string }): string {
  assert.ok('text' in r, JSON.stringify(r));
  return r.text;
}

test('a weight is set where the profile already weighs the plugin, keeping the rest of the text and its comments', () => {
  const text = ok(editConfig(custom, 'default-scheduler', { type: 'setWeight', plugin: 'ImageLocality', weight: 9 }));
  assert.match(text, /^# tuned for bin packing\n/);
  assert.match(text, /- name: ImageLocality # heavier than the default\n\s+weight: 9\n/);
  assert.equal(parse(text).profiles[0].plugins.multiPoint, undefined);
  const view = configView({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-scheduler-config' }, data: { 'config.yaml': text } }, undefined, client);
  assert.equal(view.error, undefined);
  assert.equal(view.profiles[0].plugins.find((p) => p.name === 'ImageLocality')?.weight, 9);
});

test('other plugins are weighted in multiPoint; disabling takes a plugin off every point and enabling brings it back', () => {
  const weighted = ok(editConfig(custom, 'default-scheduler', { type: 'setWeight', plugin: 'TaintToleration', weight: 5 }));
  assert.deepEqual(parse(weighted).profiles[0].plugins.multiPoint, { enabled: [{ name: 'TaintToleration', weight: 5 }] });
  const off = ok(editConfig(weighted, 'default-scheduler', { type: 'setEnabled', plugin: 'TaintToleration', enabled: false }));
  assert.deepEqual(parse(off).profiles[0].plugins.multiPoint, { disabled: [{ name: 'TaintToleration' }] });
  const view = configView({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { 'config.yaml': off } }, undefined, client);
  assert.deepEqual(view.profiles[0].plugins.find((p) => p.name === 'TaintToleration'), { name: 'TaintToleration', legacy: ['PodToleratesNodeTaints', 'TaintTolerationPriority'], points: [], enabled: false });
  assert.deepEqual(editConfig(off, 'default-scheduler', { type: 'setWeight', plugin: 'TaintToleration', weight: 2 }), { error: 'TaintToleration is disabled in this profile: enable it before weighting it' });
  const on = ok(editConfig(off, 'default-scheduler', { type: 'setEnabled', plugin: 'TaintToleration', enabled: true }));
  assert.equal(parse(on).profiles[0].plugins.multiPoint, undefined);
});

test('without a ConfigMap the edit starts from a bare configuration; bad input is an error', () => {
  assert.deepEqual(parse(ok(editConfig(undefined, 'default-scheduler', { type: 'setEnabled', plugin: 'ImageLocality', enabled: false }))), {
    apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration',
    profiles: [{ schedulerName: 'default-scheduler', plugins: { multiPoint: { disabled: [{ name: 'ImageLocality' }] } } }],
  });
  const cases: [string | undefined, string, number, string][] = [
    [custom, 'ImageLocality', 1.5, 'weight must be a whole number from 1 to 2147483647, not 1.5'],
    [custom, 'ImageLocality', 2147483648, 'weight must be a whole number from 1 to 2147483647, not 2147483648'],
    ['profiles: [', 'ImageLocality', 2, 'config.yaml does not parse: '],
    ['- a list', 'ImageLocality', 2, 'config.yaml is not a KubeSchedulerConfiguration: expected a YAML mapping'],
  ];
  for (const [text, plugin, weight, error] of cases) {
    const r = editConfig(text, 'default-scheduler', { type: 'setWeight', plugin, weight });
    assert.ok('error' in r && r.error.startsWith(error), `${String(text)}: ${JSON.stringify(r)}`);
  }
  assert.deepEqual(editConfig(custom, 'default-scheduler', { type: 'setEnabled', plugin: 'NoSuchPlugin', enabled: true }), { error: 'no plugin named NoSuchPlugin is registered' });
});

test('a configuration kube-scheduler refuses is shown with its error, and its profiles as far as they read', () => {
  const refused = custom.replace('kind: KubeSchedulerConfiguration', 'kind: KubeSchedulerConfiguration\npercentageOfNodesToScore: 120');
  const view = configView({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { 'config.yaml': refused } }, { type: 'Warning', reason: 'InvalidConfiguration', message: 'm', count: 1, lastTimestamp: '', source: 'default-scheduler' }, client);
  assert.equal(view.error, 'percentageOfNodesToScore: Invalid value: 120: not in valid range [0-100]');
  assert.equal(view.warning?.reason, 'InvalidConfiguration');
  assert.equal(view.profiles[0].plugins.find((p) => p.name === 'ImageLocality')?.weight, 4);
});
