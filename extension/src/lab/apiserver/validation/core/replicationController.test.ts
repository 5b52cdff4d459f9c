/**
 * ReplicationController, PodTemplate and Endpoints validation with
 * pkg/apis/core/validation/validation.go's messages
 * (ValidateReplicationControllerSpec, ValidatePodTemplate, ValidateEndpoints)
 * and SetDefaults_ReplicationController.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/types';
import { defaultEndpoints, defaultPodTemplate, defaultReplicationController } from '../../defaulting/core';
import { fieldErrorText } from '../../fieldErrors';
import { validateEndpoints, validatePodTemplate, validateReplicationController, validateReplicationControllerStatus } from './replicationController';

const template = (labels: Record<string, string>, spec: Record<string, unknown> = {}) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });

const rc = (spec: Record<string, unknown>) => {
  const r = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: 'default' }, spec } as KubeObject;
  defaultReplicationController(r);
  return r;
};

test('replication controller defaults: selector and labels from the template, one replica', () => {
  const r = rc({ template: template({ app: 'web' }) });
  const spec = r.spec as Record<string, unknown>;
  assert.deepEqual([spec.selector, r.metadata.labels, spec.replicas], [{ app: 'web' }, { app: 'web' }, 1]);
  assert.equal((spec.template as { spec: { restartPolicy: string } }).spec.restartPolicy, 'Always');
});

const cases: { name: string; rc: KubeObject; errors: string[] }[] = [
  { name: 'a valid controller', rc: rc({ template: template({ app: 'web' }) }), errors: [] },
  { name: 'no template', rc: rc({ selector: { app: 'web' } }), errors: ['spec.template: Required value'] },
  { name: 'negative replicas', rc: rc({ replicas: -1, template: template({ app: 'web' }) }), errors: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'] },
  {
    name: 'a template that restarts on failure and has a deadline',
    rc: rc({ template: template({ app: 'web' }, { restartPolicy: 'OnFailure', activeDeadlineSeconds: 10 }) }),
    errors: [
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported',
    ],
  },
  { name: 'a template without containers', rc: rc({ template: { metadata: { labels: { app: 'web' } }, spec: {} } }), errors: ['spec.template.spec.containers: Required value'] },
];

for (const c of cases) test(`replication controller: ${c.name}`, () => assert.deepEqual(validateReplicationController(c.rc).map(fieldErrorText), c.errors));

test('replication controller: a selector that misses the template labels', () => {
  const errs = validateReplicationController(rc({ selector: { app: 'web' }, template: template({ app: 'api' }) }));
  assert.deepEqual(errs.map((e) => [e.field, e.detail, e.value]), [['spec.template.metadata.labels', '`selector` does not match template `labels`', { app: 'api' }]]);
});

test('replication controller status: counts are consistent', () => {
  assert.deepEqual(validateReplicationControllerStatus({ replicas: 1, readyReplicas: 2, availableReplicas: 3 }).map(fieldErrorText), [
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas',
  ]);
});

test('pod template: the template is validated under `template`', () => {
  const pt = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 't', namespace: 'default' }, template: template({ 'bad key!': 'x' }, { containers: [{ name: 'c' }] }) } as KubeObject;
  defaultPodTemplate(pt);
  assert.deepEqual(validatePodTemplate(pt).map((e) => e.field), ['template.labels', 'template.spec.containers[0].image']);
});

test('endpoints: addresses needed, special IPs refused, ports named when several', () => {
  const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: [{ ports: [{ port: 80 }] }, { addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 80 }, { port: 81, name: 'b' }] }] } as KubeObject;
  defaultEndpoints(ep);
  assert.deepEqual(validateEndpoints(ep).map(fieldErrorText), [
    'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
    'subsets[1].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[1].ports[0].name: Required value',
  ]);
});
