/**
 * LimitRange and ResourceQuota validation with pkg/apis/core/validation/validation.go's
 * messages (ValidateLimitRange, ValidateResourceQuota(Spec|Update|Status)) and
 * SetDefaults_LimitRangeItem's defaults.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/types';
import { defaultLimitRange } from '../../defaulting/core';
import { fieldErrorText } from '../../fieldErrors';
import { validateLimitRange, validateResourceQuotaSpec, validateResourceQuotaStatus, validateResourceQuotaUpdate } from './limitRange';

const limitRange = (limits: unknown[]) => {
  const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'default' }, spec: { limits } } as KubeObject;
  defaultLimitRange(lr);
  return lr;
};

test('limit range defaults: a container default limit from max, default request from default', () => {
  const lr = limitRange([{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }]);
  assert.deepEqual(lr.spec, { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { cpu: '2' }, defaultRequest: { cpu: '2', memory: '64Mi' } }] });
});

const cases: { name: string; limits: unknown[]; errors: string[] }[] = [
  { name: 'a valid container range', limits: [{ type: 'Container', min: { cpu: '100m' }, max: { cpu: '2' }, default: { cpu: '500m' }, defaultRequest: { cpu: '200m' } }], errors: [] },
  {
    name: 'min above max',
    limits: [{ type: 'Pod', min: { cpu: '2' }, max: { cpu: '1' } }],
    errors: ['spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1'],
  },
  {
    name: 'a default request above the default limit',
    limits: [{ type: 'Container', default: { memory: '128Mi' }, defaultRequest: { memory: '256Mi' } }],
    errors: ['spec.limits[0].defaultRequest[memory]: Invalid value: "256Mi": default request value 256Mi is greater than default limit value 128Mi'],
  },
  { name: 'defaults on a Pod range', limits: [{ type: 'Pod', default: { cpu: '1' } }], errors: ["spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"] },
  { name: 'an unknown type, twice', limits: [{ type: 'Node' }, { type: 'Node' }], errors: ['spec.limits[0].type: Invalid value: "Node": must be a standard limit type or fully qualified', 'spec.limits[1].type: Invalid value: "Node": must be a standard limit type or fully qualified', 'spec.limits[1].type: Duplicate value: "Node"'] },
  { name: 'a claim range without storage bounds', limits: [{ type: 'PersistentVolumeClaim', max: { cpu: '1' } }], errors: ['spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided'] },
  { name: 'a ratio below one', limits: [{ type: 'Container', maxLimitRequestRatio: { cpu: '500m' } }], errors: ['spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "500m": ratio 500m is less than 1'] },
  { name: 'a ratio above max/min', limits: [{ type: 'Pod', min: { cpu: '1' }, max: { cpu: '2' }, maxLimitRequestRatio: { cpu: '3' } }], errors: ['spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "3": ratio 3 is greater than max/min = 2.000000'] },
];

for (const c of cases) test(`limit range: ${c.name}`, () => assert.deepEqual(validateLimitRange(limitRange(c.limits)).map(fieldErrorText), c.errors));

test('resource quota: standard resources, whole counts, scopes that fit', () => {
  assert.deepEqual(validateResourceQuotaSpec({ hard: { pods: '10', 'requests.cpu': '4', 'count/deployments.apps': '5' } }), []);
  assert.deepEqual(validateResourceQuotaSpec({ hard: { pods: '1500m', widgets: '1' } }).map(fieldErrorText), [
    'spec.hard[pods]: Invalid value: "1500m": must be an integer',
    'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified',
    'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota',
  ]);
  assert.deepEqual(validateResourceQuotaSpec({ hard: { 'requests.memory': '1Gi' }, scopes: ['BestEffort'] }).map((e) => [e.field, e.detail]), [['spec.scopes', 'unsupported scope applied to resource']]);
  assert.deepEqual(validateResourceQuotaSpec({ hard: { pods: '1' }, scopes: ['Terminating', 'NotTerminating'] }).map((e) => [e.field, e.detail]), [['spec.scopes', 'conflicting scopes']]);
  assert.deepEqual(validateResourceQuotaStatus({ used: { pods: '-1' } }).map(fieldErrorText), ['status.used[pods]: Invalid value: "-1": must be greater than or equal to 0']);
});

test('resource quota: scopes are immutable', () => {
  const quota = (scopes: string[]) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '1' }, scopes } }) as KubeObject;
  assert.deepEqual(validateResourceQuotaUpdate(quota(['NotBestEffort']), quota(['Terminating'])).map((e) => [e.field, e.detail]), [['spec.scopes', 'field is immutable']]);
  assert.deepEqual(validateResourceQuotaUpdate(quota(['Terminating']), quota(['Terminating'])), []);
});
