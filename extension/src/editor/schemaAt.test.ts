import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomResourceDefinition } from '../lab/apiserver/apiextensions/types';
import { CrdSchemas } from './crdSchemas';
import { describeProperty } from './descriptions';
import { itemOf, nodeAt, schemaFor } from './schemaAt';

/** A CRD with a served and an unserved version, as `kubectl apply` would install it. */
const CRONTAB_CRD: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                description: 'CronTabSpec is what the crontab runs.',
                required: ['cronSpec'],
                properties: {
                  cronSpec: { type: 'string', description: 'The schedule, in cron format.' },
                  image: { type: 'string' },
                  replicas: { type: 'integer', default: 1 },
                  policy: { type: 'string', enum: ['Allow', 'Forbid'] },
                  port: { 'x-kubernetes-int-or-string': true },
                  tags: { type: 'array', items: { type: 'string' } },
                  env: { type: 'object', additionalProperties: { type: 'string' } },
                },
              },
            },
          },
        },
      },
      { name: 'v2', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
    ],
  },
};

test('schemaFor picks the built-in model from apiVersion and kind', () => {
  const cases: [string, string, string | undefined][] = [
    ['apps/v1', 'Deployment', 'Deployment'],
    ['v1', 'Pod', 'Pod'],
    ['batch/v1', 'CronJob', 'CronJob'],
    ['apps/v1', 'Pod', undefined],
    ['stable.example.com/v1', 'CronTab', undefined],
  ];
  for (const [apiVersion, kind, type] of cases) assert.equal(schemaFor(apiVersion, kind)?.type, type, `${apiVersion} ${kind}`);
});

test('nodeAt walks properties, steps through lists and takes map keys as keys', () => {
  const deployment = schemaFor('apps/v1', 'Deployment')!;
  const cases: [string[], string | undefined, string][] = [
    [['spec', 'replicas'], 'integer', 'scalar'],
    [['spec', 'template', 'spec', 'containers'], '[]Container', 'array'],
    [['spec', 'template', 'spec', 'containers', 'imagePullPolicy'], 'string', 'scalar'],
    [['spec', 'template', 'spec', 'containers', 'ports', 'containerPort'], 'integer', 'scalar'],
    [['spec', 'template', 'spec', 'containers', 'resources', 'limits'], 'map[string]Quantity', 'map'],
    [['spec', 'template', 'spec', 'containers', 'resources', 'limits', 'cpu'], 'Quantity', 'scalar'],
    [['spec', 'selector', 'matchLabels', 'app'], 'string', 'scalar'],
    [['spec', 'strategy', 'rollingUpdate', 'maxSurge'], 'IntOrString', 'scalar'],
    [['metadata', 'creationTimestamp'], 'string', 'scalar'],
    [['spec', 'nope'], undefined, ''],
    [['spec', 'replicas', 'deeper'], undefined, ''],
  ];
  for (const [path, type, shape] of cases) {
    const node = nodeAt(deployment, path);
    assert.equal(node?.type, type, path.join('.'));
    if (node) assert.equal(node.shape, shape, path.join('.'));
  }
});

test('built-in nodes carry required names, descriptions, enums and defaults', () => {
  const deployment = schemaFor('apps/v1', 'Deployment')!;
  const spec = nodeAt(deployment, ['spec'])!;
  assert.deepEqual(spec.required, ['selector', 'template']);
  assert.match(nodeAt(deployment, ['spec', 'replicas'])!.description!, /^Number of desired pods\./);
  assert.equal(nodeAt(deployment, ['spec', 'replicas'])!.defaultText, '`1`');
  const pullPolicy = nodeAt(deployment, ['spec', 'template', 'spec', 'containers', 'imagePullPolicy'])!;
  assert.deepEqual(pullPolicy.enum, ['Always', 'IfNotPresent', 'Never']);
  assert.equal(pullPolicy.defaultText, '`IfNotPresent` when the image\'s tag is not `latest`; `Always` for `:latest` or no tag');
  assert.deepEqual(pullPolicy.origin, { model: 'V1Container', property: 'imagePullPolicy' });
  assert.deepEqual(itemOf(nodeAt(deployment, ['spec', 'template', 'spec', 'containers']))?.required, ['name']);
  const accessModes = nodeAt(schemaFor('v1', 'PersistentVolumeClaim')!, ['spec', 'accessModes'])!;
  assert.deepEqual(accessModes.element()?.enum, ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod']);
  assert.deepEqual(nodeAt(schemaFor('v1', 'Service')!, ['spec', 'type'])!.enum, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']);
  assert.match(describeProperty('AdmissionregistrationV1WebhookClientConfig', 'caBundle')!, /the webhook's server certificate/);
});

test('CRDs contribute their served versions\' schemas, with the standard fields typed', () => {
  const crds = new CrdSchemas();
  crds.set(CRONTAB_CRD);
  assert.deepEqual(crds.kinds(), [{ apiVersion: 'stable.example.com/v1', kind: 'CronTab' }]);
  assert.equal(schemaFor('stable.example.com/v2', 'CronTab', crds), undefined, 'v2 is not served');
  const root = schemaFor('stable.example.com/v1', 'CronTab', crds)!;
  assert.deepEqual([...root.fields().keys()], ['apiVersion', 'kind', 'metadata', 'spec']);
  assert.equal(nodeAt(root, ['metadata', 'labels'])?.type, 'map[string]string');
  const cases: [string[], string, Record<string, unknown>][] = [
    [['spec'], 'Object', { description: 'CronTabSpec is what the crontab runs.', required: ['cronSpec'] }],
    [['spec', 'cronSpec'], 'string', { description: 'The schedule, in cron format.' }],
    [['spec', 'replicas'], 'integer', { defaultText: '`1`' }],
    [['spec', 'policy'], 'string', { enum: ['Allow', 'Forbid'] }],
    [['spec', 'port'], 'IntOrString', {}],
    [['spec', 'tags'], '[]string', { shape: 'array' }],
    [['spec', 'env', 'HOME'], 'string', { shape: 'scalar' }],
  ];
  for (const [path, type, props] of cases) {
    const node = nodeAt(root, path);
    assert.equal(node?.type, type, path.join('.'));
    const facts: Record<string, unknown> = { ...node };
    for (const [k, v] of Object.entries(props)) assert.deepEqual(facts[k], v, `${path.join('.')} ${k}`);
  }
  crds.delete(CRONTAB_CRD);
  assert.equal(schemaFor('stable.example.com/v1', 'CronTab', crds), undefined);
});
