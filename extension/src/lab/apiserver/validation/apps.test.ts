/**
 * Messages and paths asserted here come from pkg/apis/apps/validation/validation.go
 * (ValidateDeploymentSpec, ValidateReplicaSetSpec, ValidateStatefulSetSpec,
 * ValidateDaemonSetSpec, ValidateControllerRevision and their status/update
 * variants) and the selector immutability in pkg/registry/apps/*\/strategy.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, ReplicaSet } from '../../api/types';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from '../defaulting/apps';
import { type FieldError, fieldErrorText } from '../fieldErrors';
import {
  validateControllerRevision, validateControllerRevisionUpdate, validateDaemonSet, validateDaemonSetStatusUpdate, validateDaemonSetUpdate,
  validateDeployment, validateDeploymentStatusUpdate, validateDeploymentUpdate, validateReplicaSet, validateReplicaSetStatusUpdate,
  validateReplicaSetUpdate, validateStatefulSet, validateStatefulSetStatusUpdate, validateStatefulSetUpdate,
} from './apps';
import type { DaemonSet, StatefulSet } from './types/apps';

const texts = (errs: FieldError[]) => errs.map(fieldErrorText);
const template = (labels: Record<string, string> = { app: 'web' }) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

function deployment(spec: Record<string, unknown>): Deployment {
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec } as unknown as Deployment;
  defaultDeployment(d);
  return d;
}
const goodDeployment = () => ({ selector: { matchLabels: { app: 'web' } }, template: template() });

test('a defaulted deployment with a matching selector is valid', () => {
  assert.deepEqual(texts(validateDeployment(deployment(goodDeployment()))), []);
});

const deploymentCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  {
    name: 'rejects a deployment without a selector: required, and a nil selector matches no template',
    spec: { template: template() },
    want: ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
  },
  {
    name: 'rejects an empty selector',
    spec: { selector: {}, template: template() },
    want: ['spec.selector: Invalid value: map[string]string{}: empty selector is invalid for deployment'],
  },
  {
    name: 'rejects negative replicas first',
    spec: { ...goodDeployment(), replicas: -1 },
    want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
  },
  {
    name: 'rejects a selector that does not match the template labels',
    spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'api' }) },
    want: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`'],
  },
  {
    name: 'rejects an In expression without values and calls the selector invalid',
    spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In' }] }, template: template() },
    want: ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'", 'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"In"}]}: invalid label selector'],
  },
  {
    name: 'rejects a bad selector operator',
    spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] }, template: template() },
    want: ['spec.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator', 'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Equals","values":["web"]}]}: invalid label selector'],
  },
  {
    name: 'accepts only restartPolicy Always in the template',
    spec: { ...goodDeployment(), template: { ...template(), spec: { containers: [{ name: 'c', image: 'nginx' }], restartPolicy: 'Never' } } },
    want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
  },
  {
    name: 'forbids activeDeadlineSeconds in the template, naming ReplicaSet as upstream does',
    spec: { ...goodDeployment(), template: { ...template(), spec: { containers: [{ name: 'c', image: 'nginx' }], activeDeadlineSeconds: 5 } } },
    want: ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'],
  },
  {
    name: 'rejects a strategy of an unknown type',
    spec: { ...goodDeployment(), strategy: { type: 'BlueGreen' } },
    want: ['spec.strategy: Unsupported value: map[string]string{"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"'],
  },
  {
    name: 'forbids rollingUpdate with the Recreate strategy',
    spec: { ...goodDeployment(), strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } },
    want: ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
  },
  {
    name: 'rejects maxUnavailable and maxSurge both zero',
    spec: { ...goodDeployment(), strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } },
    want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0'],
  },
  {
    name: 'rejects a negative integer maxSurge',
    spec: { ...goodDeployment(), strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: -2 } } },
    want: ['spec.strategy.rollingUpdate.maxSurge: Invalid value: -2: must be greater than or equal to 0'],
  },
  {
    name: 'rejects progressDeadlineSeconds not above minReadySeconds',
    spec: { ...goodDeployment(), minReadySeconds: 10, progressDeadlineSeconds: 10 },
    want: ['spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds'],
  },
  {
    name: 'rejects negative minReadySeconds and revisionHistoryLimit',
    spec: { ...goodDeployment(), minReadySeconds: -1, revisionHistoryLimit: -1 },
    want: ['spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0', 'spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0'],
  },
  {
    name: 'rejects a template label value that is not a label value',
    spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web', tier: 'front end' }) },
    want: ["spec.template.labels: Invalid value: \"front end\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
  },
];

for (const c of deploymentCases) {
  test(`deployment: ${c.name}`, () => {
    assert.deepEqual(texts(validateDeployment(deployment(c.spec))), c.want);
  });
}

test('deployment: a percent string rollingUpdate is checked as a percent', () => {
  const errs = validateDeployment(deployment({ ...goodDeployment(), strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '120%', maxSurge: 'lots' } } }));
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [
    ['spec.strategy.rollingUpdate.maxSurge', "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"],
    ['spec.strategy.rollingUpdate.maxUnavailable', 'must not be greater than 100%'],
  ]);
});

test('deployment update: the selector is immutable in apps/v1', () => {
  const old = deployment(goodDeployment());
  const next = deployment({ selector: { matchLabels: { app: 'web', v: '2' } }, template: template({ app: 'web', v: '2' }) });
  assert.deepEqual(texts(validateDeploymentUpdate(next, old)), ['spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable']);
  assert.deepEqual(texts(validateDeploymentUpdate(deployment({ ...goodDeployment(), replicas: 5 }), old)), []);
});

test('deployment status: counts are bounded by replicas and collisionCount never decreases', () => {
  const old = { ...deployment(goodDeployment()), status: { collisionCount: 2 } };
  const next = { ...old, status: { replicas: 1, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 2, unavailableReplicas: -1, collisionCount: 1 } };
  assert.deepEqual(texts(validateDeploymentStatusUpdate(next, old)), [
    'status.unavailableReplicas: Invalid value: -1: must be greater than or equal to 0',
    'status.updatedReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas',
    'status.collisionCount: Invalid value: 1: cannot be decremented',
  ]);
});

function replicaSet(spec: Record<string, unknown>): ReplicaSet {
  const rs = { metadata: { name: 'web-1' }, spec } as unknown as ReplicaSet;
  defaultReplicaSet(rs);
  return rs;
}

test('replicaset: empty selector message says "deployment", as upstream', () => {
  assert.deepEqual(texts(validateReplicaSet(replicaSet({ selector: {}, template: template() }))), ['spec.selector: Invalid value: map[string]string{}: empty selector is invalid for deployment']);
});

test('replicaset: a missing template is validated as empty: labels mismatch and no containers', () => {
  assert.deepEqual(texts(validateReplicaSet(replicaSet({ selector: { matchLabels: { app: 'web' } } }))), [
    'spec.template.metadata.labels: Invalid value: map[string]string{}: `selector` does not match template `labels`',
    'spec.template.spec.containers: Required value',
  ]);
});

test('replicaset update and status', () => {
  const old = replicaSet({ selector: { matchLabels: { app: 'web' } }, template: template() });
  assert.deepEqual(texts(validateReplicaSetUpdate(replicaSet({ selector: { matchLabels: { app: 'x' } }, template: template({ app: 'x' }) }), old)), ['spec.selector: Invalid value: {"matchLabels":{"app":"x"}}: field is immutable']);
  const status = { ...old, status: { replicas: 1, fullyLabeledReplicas: 2, readyReplicas: 1, availableReplicas: 1, observedGeneration: -1 } };
  assert.deepEqual(texts(validateReplicaSetStatusUpdate(status)), [
    'status.observedGeneration: Invalid value: -1: must be greater than or equal to 0',
    'status.fullyLabeledReplicas: Invalid value: 2: cannot be greater than status.replicas',
  ]);
});

function statefulSet(spec: Record<string, unknown>): StatefulSet {
  const ss = { metadata: { name: 'db' }, spec } as StatefulSet;
  defaultStatefulSet(ss);
  return ss;
}
const goodStatefulSet = () => ({ serviceName: 'db', selector: { matchLabels: { app: 'web' } }, template: template() });

const statefulSetCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'accepts a defaulted statefulset', spec: goodStatefulSet(), want: [] },
  { name: 'rejects an unknown podManagementPolicy', spec: { ...goodStatefulSet(), podManagementPolicy: 'Random' }, want: ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"] },
  { name: 'rejects rollingUpdate with OnDelete', spec: { ...goodStatefulSet(), updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } }, want: ['spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy \'RollingUpdate\''] },
  { name: 'rejects a negative partition', spec: { ...goodStatefulSet(), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }, want: ['spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'rejects maxUnavailable 0', spec: { ...goodStatefulSet(), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 0 } } }, want: ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0'] },
  { name: 'rejects an unknown retention policy', spec: { ...goodStatefulSet(), persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep', whenScaled: 'Delete' } }, want: ['spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"'] },
  { name: 'rejects a negative ordinals start', spec: { ...goodStatefulSet(), ordinals: { start: -1 } }, want: ['spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'rejects an empty selector', spec: { ...goodStatefulSet(), selector: {} }, want: ['spec.selector: Invalid value: map[string]string{}: empty selector is invalid for statefulset'] },
  { name: 'forbids activeDeadlineSeconds', spec: { ...goodStatefulSet(), template: { ...template(), spec: { containers: [], activeDeadlineSeconds: 1 } } }, want: ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported'] },
];

for (const c of statefulSetCases) {
  test(`statefulset: ${c.name}`, () => {
    assert.deepEqual(texts(validateStatefulSet(statefulSet(c.spec))), c.want);
  });
}

test('statefulset update: only replicas, template, updateStrategy, minReadySeconds, ordinals and retention may change', () => {
  const old = statefulSet(goodStatefulSet());
  assert.deepEqual(texts(validateStatefulSetUpdate(statefulSet({ ...goodStatefulSet(), replicas: 3, minReadySeconds: 5 }), old)), []);
  assert.deepEqual(texts(validateStatefulSetUpdate(statefulSet({ ...goodStatefulSet(), serviceName: 'other' }), old)), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

test('statefulset status: availableReplicas is bounded by readyReplicas', () => {
  const old = statefulSet(goodStatefulSet());
  const next = { ...old, status: { replicas: 2, readyReplicas: 1, availableReplicas: 2, currentReplicas: 3 } };
  assert.deepEqual(texts(validateStatefulSetStatusUpdate(next, old)), [
    'status.currentReplicas: Invalid value: 3: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 2: cannot be greater than status.readyReplicas',
  ]);
});

function daemonSet(spec: Record<string, unknown>): DaemonSet {
  const ds = { metadata: { name: 'agent' }, spec } as DaemonSet;
  defaultDaemonSet(ds);
  return ds;
}
const goodDaemonSet = () => ({ selector: { matchLabels: { app: 'web' } }, template: template() });

const daemonSetCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'accepts a defaulted daemonset', spec: goodDaemonSet(), want: [] },
  { name: 'without a selector only the template match fails', spec: { template: template() }, want: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'] },
  { name: 'rejects an empty selector', spec: { ...goodDaemonSet(), selector: {} }, want: ['spec.selector: Invalid value: map[string]string{}: empty selector is invalid for daemonset'] },
  { name: 'rejects both maxSurge and maxUnavailable set', spec: { ...goodDaemonSet(), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } }, want: ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero'] },
  { name: 'requires maxUnavailable when maxSurge is 0', spec: { ...goodDaemonSet(), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }, want: ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0'] },
  { name: 'rejects an unknown update strategy', spec: { ...goodDaemonSet(), updateStrategy: { type: 'Surge' } }, want: ['spec.updateStrategy: Unsupported value: map[string]string{"type":"Surge"}: supported values: "RollingUpdate", "OnDelete"'] },
  { name: 'rejects a template without containers through core pod validation', spec: { ...goodDaemonSet(), template: { metadata: { labels: { app: 'web' } }, spec: {} } }, want: ['spec.template.spec.containers: Required value'] },
];

for (const c of daemonSetCases) {
  test(`daemonset: ${c.name}`, () => {
    assert.deepEqual(texts(validateDaemonSet(daemonSet(c.spec))), c.want);
  });
}

test('daemonset update and status', () => {
  const old = { ...daemonSet(goodDaemonSet()), status: { collisionCount: 1 } };
  assert.deepEqual(texts(validateDaemonSetUpdate(daemonSet({ selector: { matchLabels: { app: 'x' } }, template: template({ app: 'x' }) }), old)), ['spec.selector: Invalid value: {"matchLabels":{"app":"x"}}: field is immutable']);
  assert.deepEqual(texts(validateDaemonSetStatusUpdate({ ...old, status: { numberReady: -1 } }, old)), [
    'status.numberReady: Invalid value: -1: must be greater than or equal to 0',
    'status.collisionCount: Invalid value: 0: cannot be decremented',
  ]);
});

test('controllerrevision: data is mandatory and immutable, revision non-negative', () => {
  assert.deepEqual(texts(validateControllerRevision({ metadata: { name: 'r' }, revision: -1 })), ['data: Required value: data is mandatory', 'revision: Invalid value: -1: must be greater than or equal to 0']);
  const old = { metadata: { name: 'r' }, revision: 1, data: { spec: { a: 1 } } };
  assert.deepEqual(texts(validateControllerRevisionUpdate({ ...old, data: { spec: { a: 2 } } }, old)), ['data: Invalid value: {"spec":{"a":2}}: field is immutable']);
});

test('validation survives fields of the wrong type', () => {
  for (const spec of [null, 'x', 3, [], { selector: 'x', template: [], strategy: 'x' }, { selector: { matchExpressions: 'x', matchLabels: 5 }, template: { spec: 'x', metadata: 5 } }]) {
    const obj = { metadata: { name: 'w' }, spec } as unknown as Deployment;
    assert.doesNotThrow(() => {
      defaultDeployment(obj);
      validateDeployment(obj);
      validateStatefulSet(obj);
      validateDaemonSet(obj);
      validateReplicaSet(obj as unknown as ReplicaSet);
    }, `spec ${JSON.stringify(spec)}`);
  }
});
