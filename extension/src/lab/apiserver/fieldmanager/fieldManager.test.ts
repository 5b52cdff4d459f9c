import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, Status } from '../../api/types';
import { FieldManager, managerOrUserAgent } from './fieldManager';
import { fieldErrorText } from '../fieldErrors';
import { type ManagedFieldsEntry, validateManagedFields } from './managedFields';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';
const T2 = '2026-01-01T00:02:00Z';

const deployments = new FieldManager({ apiVersion: 'apps/v1', kind: 'Deployment', model: 'V1Deployment', resetFields: [['status']] });

/** A Deployment as `kubectl create deployment nginx --image=nginx` leaves it once defaulted. */
function created(): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: T0, labels: { app: 'nginx' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'nginx' } },
        spec: {
          containers: [{ name: 'nginx', image: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'Always' }],
          restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', securityContext: {}, schedulerName: 'default-scheduler',
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  };
}

const entries = (obj: KubeObject): ManagedFieldsEntry[] => (obj.metadata.managedFields ?? []) as ManagedFieldsEntry[];

test('a create records the fields upstream records for kubectl create deployment, with "." only where Go\'s zero value lacks the field', () => {
  const obj = deployments.update(undefined, created(), 'kubectl-create', T0);
  // The shape of a real cluster's managedFields for this object (managedfields/internal/fieldmanager.go over structured-merge-diff).
  assert.equal(JSON.stringify(obj.metadata.managedFields), JSON.stringify([{
    manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:progressDeadlineSeconds': {}, 'f:replicas': {}, 'f:revisionHistoryLimit': {}, 'f:selector': {},
        'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
        'f:template': {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {}, 'f:resources': {}, 'f:terminationMessagePath': {}, 'f:terminationMessagePolicy': {} },
            },
            'f:dnsPolicy': {}, 'f:restartPolicy': {}, 'f:schedulerName': {}, 'f:securityContext': {}, 'f:terminationGracePeriodSeconds': {},
          },
        },
      },
    },
  }]));
});

test('an update moves the fields it changes to its manager and leaves the rest', () => {
  const live = deployments.update(undefined, created(), 'kubectl-create', T0);
  const next = structuredClone(live);
  (next.spec as any).replicas = 3;
  const out = deployments.update(live, next, 'kube-controller-manager', T1);
  const [first, second] = entries(out);
  assert.deepEqual([first.manager, first.time, second.manager, second.time], ['kubectl-create', T0, 'kube-controller-manager', T1]);
  assert.deepEqual(second.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  assert.equal((first.fieldsV1 as any)['f:spec']['f:replicas'], undefined);
});

test('an update that changes nothing keeps the entries and their times', () => {
  const live = deployments.update(undefined, created(), 'kubectl-create', T0);
  const out = deployments.update(live, structuredClone(live), 'someone', T1);
  assert.deepEqual(out.metadata.managedFields, live.metadata.managedFields);
});

test('reset fields are never owned: the main resource does not record status', () => {
  const live = deployments.update(undefined, created(), 'kubectl-create', T0);
  const next = { ...structuredClone(live), status: { replicas: 1 } };
  assert.deepEqual(deployments.update(live, next, 'someone', T1).metadata.managedFields, live.metadata.managedFields);
});

test('an empty managedFields list resets them, and an untracked object stays untracked', () => {
  const live = deployments.update(undefined, created(), 'kubectl-create', T0);
  const reset = deployments.update(live, { ...structuredClone(live), metadata: { ...live.metadata, managedFields: [] } }, 'x', T1);
  assert.equal(reset.metadata.managedFields, undefined);
  const next = structuredClone(reset);
  (next.spec as any).replicas = 5;
  assert.equal(deployments.update(reset, next, 'x', T2).metadata.managedFields, undefined);
});

test('managedFields a client sends are kept when they decode, and the live ones when they do not', () => {
  const live = deployments.update(undefined, created(), 'kubectl-create', T0);
  const mine: ManagedFieldsEntry[] = [{ manager: 'hand', operation: 'Update', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {} } } }];
  const kept = deployments.update(live, { ...structuredClone(live), metadata: { ...live.metadata, managedFields: mine } }, 'x', T1);
  assert.deepEqual(entries(kept).map((e) => e.manager), ['hand']);
  const broken = [{ manager: 'hand', operation: 'Bogus', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
  const restored = deployments.update(live, { ...structuredClone(live), metadata: { ...live.metadata, managedFields: broken } }, 'x', T1);
  assert.deepEqual(restored.metadata.managedFields, live.metadata.managedFields);
});

test('a status update is recorded with its subresource, ignoring managedFields in the request', () => {
  const status = new FieldManager({ apiVersion: 'apps/v1', kind: 'Deployment', model: 'V1Deployment', subresource: 'status', resetFields: [['spec']] });
  const live = deployments.update(undefined, created(), 'kubectl-create', T0);
  const next = { ...structuredClone(live), status: { replicas: 1, observedGeneration: 1 }, metadata: { ...live.metadata, managedFields: [] } };
  const out = status.update(live, next, 'kube-controller-manager', T1);
  const entry = entries(out).find((e) => e.manager === 'kube-controller-manager');
  assert.deepEqual(entry, { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:observedGeneration': {}, 'f:replicas': {} } }, subresource: 'status' });
  assert.equal(entries(out).length, 2);
});

test('more than ten update managers fold the oldest into ancient-changes', () => {
  let obj = deployments.update(undefined, created(), 'm0', '2026-01-01T00:00:00Z');
  for (let i = 1; i <= 11; i++) {
    const next = structuredClone(obj);
    (next.metadata.labels as Record<string, string>)[`l${i}`] = 'x';
    obj = deployments.update(obj, next, `m${i}`, `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`);
  }
  const managers = entries(obj).map((e) => e.manager);
  assert.equal(managers.length, 10);
  assert.equal(managers[0], 'ancient-changes');
  assert.ok(!managers.includes('m0') && !managers.includes('m1') && !managers.includes('m2'));
});

/** An apply configuration for the Deployment above. */
function config(extra: { replicas?: number; image?: string; labels?: Record<string, string> } = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'nginx', labels: extra.labels ?? { app: 'nginx' } },
    spec: {
      ...(extra.replicas !== undefined ? { replicas: extra.replicas } : {}),
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: extra.image ?? 'nginx' }] } },
    },
  };
}

function applied(r: { object: KubeObject } | { status: Status }): KubeObject {
  assert.ok('object' in r, JSON.stringify(r));
  return r.object;
}

function refused(r: { object: KubeObject } | { status: Status }): Status {
  assert.ok('status' in r, 'expected a Status');
  return r.status;
}

test('an apply that creates records what the configuration sets, as an Apply entry without "." on structs', () => {
  const obj = applied(deployments.apply(undefined, config({ replicas: 2 }), 'kubectl', false, T0));
  assert.equal((obj.spec as any).replicas, 2);
  assert.equal(JSON.stringify(obj.metadata.managedFields), JSON.stringify([{
    manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {}, 'f:selector': {},
        'f:template': { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } },
      },
    },
  }]));
});

test('applying a field another manager owns is a conflict in upstream\'s words', () => {
  // staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal/conflict.go
  const live = deployments.update(undefined, created(), 'kubectl-client-side-apply', T0);
  const status = refused(deployments.apply(live, config({ replicas: 3 }), 'ci', false, T1));
  assert.deepEqual(status, {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 409, reason: 'Conflict',
    message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
  });
});

test('several conflicts are listed under their manager', () => {
  const live = deployments.update(undefined, created(), 'kubectl-client-side-apply', T0);
  const status = refused(deployments.apply(live, config({ replicas: 3, image: 'nginx:2' }), 'ci', false, T1));
  assert.equal(status.message, 'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image');
  assert.deepEqual(status.details?.causes?.map((c) => c.field), ['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image']);
});

test('force takes the conflicting fields from their manager', () => {
  const live = deployments.update(undefined, created(), 'kubectl-client-side-apply', T0);
  const obj = applied(deployments.apply(live, config({ replicas: 3 }), 'ci', true, T1));
  assert.equal((obj.spec as any).replicas, 3);
  const [csa, ci] = [entries(obj).find((e) => e.manager === 'kubectl-client-side-apply'), entries(obj).find((e) => e.manager === 'ci')];
  assert.equal((csa?.fieldsV1 as any)['f:spec']['f:replicas'], undefined);
  assert.deepEqual((ci?.fieldsV1 as any)['f:spec']['f:replicas'], {});
  assert.deepEqual([ci?.operation, ci?.time], ['Apply', T1]);
});

test('applying the value a field already has is no conflict: both managers own it', () => {
  const live = deployments.update(undefined, created(), 'kubectl-client-side-apply', T0);
  const obj = applied(deployments.apply(live, config({ replicas: 1 }), 'ci', false, T1));
  for (const manager of ['kubectl-client-side-apply', 'ci']) {
    assert.deepEqual((entries(obj).find((e) => e.manager === manager)?.fieldsV1 as any)['f:spec']['f:replicas'], {});
  }
});

test('an apply removes what the same manager applied before and no longer applies, unless another manager owns it', () => {
  const first = applied(deployments.apply(undefined, config({ labels: { app: 'nginx', tier: 'web', team: 'a' } }), 'kubectl', false, T0));
  const next = structuredClone(first);
  next.metadata.labels = { ...next.metadata.labels, team: 'b' };
  const shared = deployments.update(first, next, 'labeller', T1);
  const second = applied(deployments.apply(shared, config(), 'kubectl', false, T2));
  assert.deepEqual(second.metadata.labels, { app: 'nginx', team: 'b' });
});

test('a repeated identical apply changes nothing, not even the entry\'s time', () => {
  const first = applied(deployments.apply(undefined, config(), 'kubectl', false, T0));
  const again = applied(deployments.apply(first, config(), 'kubectl', false, T1));
  assert.deepEqual(again, first);
});

test('the first apply to an object nobody tracks gives its fields to before-first-apply, which then conflicts', () => {
  const obj = applied(deployments.apply(created(), config(), 'kubectl', false, T1));
  const before = entries(obj).find((e) => e.manager === 'before-first-apply');
  assert.deepEqual([before?.operation, before?.apiVersion, before?.time], ['Update', 'apps/v1', T1]);
  assert.deepEqual((before?.fieldsV1 as any)['f:spec']['f:replicas'], {});
  const status = refused(deployments.apply(created(), config({ image: 'nginx:2' }), 'kubectl', false, T1));
  assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.template.spec.containers[name="nginx"].image');
});

test('kubectl\'s server-side apply takes over fields its last-applied-configuration still describes, and refreshes it', () => {
  const lastApplied = JSON.stringify(config({ replicas: 1 }));
  const base = created();
  base.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied };
  const live = deployments.update(undefined, base, 'kubectl-client-side-apply', T0);
  assert.equal(refused(deployments.apply(live, config({ replicas: 4 }), 'other', false, T1)).code, 409);
  const obj = applied(deployments.apply(live, config({ replicas: 4 }), 'kubectl', false, T1));
  assert.equal((obj.spec as any).replicas, 4);
  const annotation = obj.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '';
  assert.ok(annotation.endsWith('\n'));
  assert.equal(JSON.parse(annotation).spec.replicas, 4);
});

/** Apply bodies the field manager refuses (versioncheck.go, structuredmerge.go, typed/validate.go). */
const badBodies: { name: string; body: Record<string, unknown>; code: number; message: string }[] = [
  { name: 'of another kind', body: { ...config(), apiVersion: 'v1', kind: 'Pod' }, code: 400, message: 'invalid object type: /v1, Kind=Pod' },
  { name: 'without apiVersion and kind', body: { metadata: { name: 'nginx' } }, code: 400, message: 'invalid object type: /, Kind=' },
  { name: 'with managedFields', body: { ...config(), metadata: { name: 'nginx', managedFields: [] } }, code: 400, message: 'metadata.managedFields must be nil' },
  {
    name: 'with a field the schema does not declare',
    body: { ...config(), spec: { replicas: 1, foo: 1 } },
    code: 500, message: 'failed to create typed patch object (/nginx; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema',
  },
  {
    name: 'with a value of the wrong type',
    body: { ...config(), metadata: { name: 'nginx', namespace: 'default' }, spec: { replicas: '3' } },
    code: 500, message: 'failed to create typed patch object (default/nginx; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string',
  },
  {
    name: 'with two list items of one key',
    body: { ...config(), spec: { template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] } } } },
    code: 500, message: 'failed to create typed patch object (/nginx; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="a"]',
  },
  {
    name: 'with a list item without its key',
    body: { ...config(), spec: { template: { spec: { containers: [{ image: 'x' }] } } } },
    code: 500,
    message: 'failed to create typed patch object (/nginx; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits all key fields ["name"] (and doesn\'t have default values for any key fields)',
  },
];

for (const b of badBodies) {
  test(`an apply body ${b.name} is refused with ${b.code}`, () => {
    const status = refused(deployments.apply(created(), b.body, 'kubectl', false, T1));
    assert.deepEqual([status.code, status.message], [b.code, b.message]);
  });
}

test('a port without its protocol takes the TCP default as its key', () => {
  const obj = applied(deployments.apply(undefined, { ...config(), spec: { template: { spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 80 }] }] } } } }, 'kubectl', false, T0));
  const containers = (entries(obj)[0].fieldsV1 as any)['f:spec']['f:template']['f:spec']['f:containers'];
  assert.deepEqual(Object.keys(containers['k:{"name":"nginx"}']['f:ports']), ['k:{"containerPort":80,"protocol":"TCP"}']);
});

test('managerOrUserAgent takes the user agent up to its first slash when no field manager is given', () => {
  assert.equal(managerOrUserAgent('mine', 'kubectl/v1.30.0'), 'mine');
  assert.equal(managerOrUserAgent('', 'kubectl/v1.30.0 (linux/amd64) kubernetes/abcdef'), 'kubectl');
  assert.equal(managerOrUserAgent(undefined, 'a\u0007b/1'), 'ab');
  assert.equal(managerOrUserAgent(undefined, 'x'.repeat(200)).length, 128);
});

test('validateManagedFields reports bad entries with upstream\'s words', () => {
  // staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go ValidateManagedFields
  const errs = validateManagedFields([
    { manager: 'ok', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1' },
    { manager: 'a\u0000', operation: 'Patch', fieldsType: 'FieldsV2', subresource: 's'.repeat(257) },
  ], 'metadata.managedFields');
  assert.deepEqual(errs.map((e) => (e.field.endsWith('.manager') ? `${e.field}: ${e.detail ?? ''}` : fieldErrorText(e))), [
    'metadata.managedFields[1].operation: Invalid value: "Patch": must be `Apply` or `Update`',
    'metadata.managedFields[1].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
    'metadata.managedFields[1].manager: invalid character U+0000 (at position 1)',
    'metadata.managedFields[1].subresource: Too long: may not be more than 256 bytes',
  ]);
});
