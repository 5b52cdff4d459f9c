import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../../clock';
import type { AdmissionPlugin, Attributes } from '../admission/admission';
import { type TestServer, testServer } from '../testing';
import type { ContainerLogOptions, KubeletAnswer } from './log';
import { selectorString } from './scale';

const NS = '/api/v1/namespaces/default';
const APPS = '/apis/apps/v1/namespaces/default';
const MERGE = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };
const workloads = {
  deployments: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template } },
  replicasets: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template } },
  statefulsets: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' }, spec: { replicas: 2, serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template } },
};

/** recorder is an admission plugin that notes what each request looked like to admission. */
function recorder(): { plugin: AdmissionPlugin; seen: Attributes[] } {
  const seen: Attributes[] = [];
  return { seen, plugin: { name: 'Recorder', validate: (a) => void seen.push(a) } };
}

// pkg/registry/apps/deployment/storage/storage.go (ScaleREST, scaleFromDeployment); replicaset and statefulset storage alike.
for (const [resource, body] of Object.entries(workloads)) {
  test(`${resource}/scale reads the parent's replicas and selector and writes spec.replicas back`, async () => {
    const { call } = await testServer();
    const created = await call({ method: 'POST', path: `${APPS}/${resource}`, body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const got = await call({ method: 'GET', path: `${APPS}/${resource}/web/scale` });
    assert.equal(got.status, 200);
    const m = created.body.metadata;
    assert.deepEqual(got.body, {
      kind: 'Scale', apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', namespace: 'default', uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
      spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=web' },
    });
    const put = await call({ method: 'PUT', path: `${APPS}/${resource}/web/scale`, body: { ...got.body, spec: { replicas: 5 } } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.spec.replicas, 5);
    const parent = await call({ method: 'GET', path: `${APPS}/${resource}/web` });
    assert.equal(parent.body.spec.replicas, 5);
    assert.equal(parent.body.metadata.generation, 2);
    assert.equal(put.body.metadata.resourceVersion, parent.body.metadata.resourceVersion);
  });
}

test('scale takes merge, JSON and strategic merge patches; zero replicas leave spec empty (omitempty)', async () => {
  const { call } = await testServer();
  await call({ method: 'POST', path: `${APPS}/deployments`, body: workloads.deployments });
  const scale = `${APPS}/deployments/web/scale`;
  const cases: [string, unknown, number][] = [
    [MERGE, { spec: { replicas: 3 } }, 3],
    ['application/json-patch+json', [{ op: 'replace', path: '/spec/replicas', value: 4 }], 4],
    [STRATEGIC, { spec: { replicas: 0 } }, 0],
  ];
  for (const [contentType, patch, replicas] of cases) {
    const res = await call({ method: 'PATCH', path: scale, contentType, body: patch });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.spec, replicas ? { replicas } : {});
    assert.equal((await call({ method: 'GET', path: `${APPS}/deployments/web` })).body.spec.replicas, replicas);
  }
  // An unknown patch type gets the 415 listing the four it takes.
  const other = await call({ method: 'PATCH', path: scale, contentType: 'application/x-unknown', body: { spec: { replicas: 1 } } });
  assert.deepEqual([other.status, other.body.message], [415, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml']);
});

test('scale refuses negative replicas, stale resourceVersions, other UIDs and missing parents with upstream words', async () => {
  const { call } = await testServer();
  const created = await call({ method: 'POST', path: `${APPS}/deployments`, body: workloads.deployments });
  const scale = `${APPS}/deployments/web/scale`;
  // pkg/apis/autoscaling/validation: ValidateScale
  const negative = await call({ method: 'PATCH', path: scale, contentType: MERGE, body: { spec: { replicas: -1 } } });
  assert.equal(negative.status, 422);
  assert.equal(negative.body.message, 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  assert.deepEqual(negative.body.details, {
    name: 'web', group: 'autoscaling', kind: 'Scale',
    causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }],
  });
  await call({ method: 'PATCH', path: scale, contentType: MERGE, body: { spec: { replicas: 3 } } });
  // staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go: a resourceVersion precondition that moved on
  const stale = await call({ method: 'PUT', path: scale, body: { metadata: { name: 'web', resourceVersion: created.body.metadata.resourceVersion }, spec: { replicas: 1 } } });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.message, 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
  const uid = await call({ method: 'PUT', path: scale, body: { metadata: { name: 'web', uid: 'other' }, spec: { replicas: 1 } } });
  assert.equal(uid.status, 409);
  assert.equal(uid.body.message, `Operation cannot be fulfilled on deployments/scale.apps "web": Precondition failed: UID in precondition: other, UID in object meta: ${String(created.body.metadata.uid)}`);
  const renamed = await call({ method: 'PUT', path: scale, body: { metadata: { name: 'api' }, spec: { replicas: 1 } } });
  assert.equal(renamed.status, 400);
  assert.equal(renamed.body.message, 'the name of the object (api) does not match the name on the URL (web)');
  for (const req of [{ method: 'GET' }, { method: 'PUT', body: { metadata: { name: 'x' }, spec: { replicas: 1 } } }, { method: 'PATCH', contentType: MERGE, body: { spec: { replicas: 1 } } }] as const) {
    const missing = await call({ ...req, path: `${APPS}/deployments/x/scale` });
    assert.equal(missing.status, 404, req.method);
    assert.equal(missing.body.message, 'deployments.apps "x" not found');
  }
  assert.equal((await call({ method: 'GET', path: `${APPS}/deployments/web` })).body.spec.replicas, 3);
});

test('a dry-run scale answers the new Scale and changes nothing; admission sees the scale subresource', async () => {
  const { plugin, seen } = recorder();
  const { call } = await testServer({ admission: [plugin] });
  await call({ method: 'POST', path: `${APPS}/deployments`, body: workloads.deployments });
  const dry = await call({ method: 'PATCH', path: `${APPS}/deployments/web/scale`, query: { dryRun: 'All' }, contentType: MERGE, body: { spec: { replicas: 7 } } });
  assert.equal(dry.body.spec.replicas, 7);
  assert.equal((await call({ method: 'GET', path: `${APPS}/deployments/web` })).body.spec.replicas, 2);
  const a = seen.at(-1);
  assert.deepEqual([a?.operation, a?.type.resource, a?.subresource, a?.dryRun], ['UPDATE', 'deployments', 'scale', true]);
});

// ScaleREST.Update: the handler's admission transformer mutates the Scale; toScaleUpdateValidation shows validating admission Scales.
test('admission sees Scales on a scale write: a mutating plugin\'s change to the Scale reaches the parent', async () => {
  const { plugin, seen } = recorder();
  const mutated: Attributes[] = [];
  const capper: AdmissionPlugin = {
    name: 'Capper',
    admit(a) {
      mutated.push(a);
      const spec = a.object?.spec as { replicas?: number } | undefined;
      if (a.subresource === 'scale' && spec && (spec.replicas ?? 0) > 3) spec.replicas = 3;
      return undefined;
    },
  };
  const { call } = await testServer({ admission: [capper, plugin] });
  await call({ method: 'POST', path: `${APPS}/deployments`, body: workloads.deployments });
  const res = await call({ method: 'PATCH', path: `${APPS}/deployments/web/scale`, contentType: MERGE, body: { spec: { replicas: 9 } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.spec.replicas, 3);
  assert.equal((await call({ method: 'GET', path: `${APPS}/deployments/web` })).body.spec.replicas, 3);
  const m = mutated.at(-1);
  assert.deepEqual([m?.object?.kind, m?.object?.apiVersion, m?.oldObject?.kind, (m?.oldObject?.spec as { replicas: number }).replicas], ['Scale', 'autoscaling/v1', 'Scale', 2]);
  const v = seen.at(-1);
  assert.deepEqual([v?.object?.kind, (v?.object?.spec as { replicas: number }).replicas, v?.oldObject?.kind, v?.type.resource, v?.subresource], ['Scale', 3, 'Scale', 'deployments', 'scale']);
});

test('a replication controller\'s scale prints its label map as a sorted selector', async () => {
  const { call } = await testServer();
  const labels = { tier: 'fe', app: 'web' };
  const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web' }, spec: { replicas: 1, selector: labels, template: { metadata: { labels }, spec: template.spec } } };
  assert.equal((await call({ method: 'POST', path: `${NS}/replicationcontrollers`, body: rc })).status, 201);
  // pkg/registry/core/replicationcontroller/storage: scaleFromRC, labels.SelectorFromSet
  const got = await call({ method: 'GET', path: `${NS}/replicationcontrollers/web/scale` });
  assert.equal(got.body.status.selector, 'app=web,tier=fe');
  const put = await call({ method: 'PUT', path: `${NS}/replicationcontrollers/web/scale`, body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 4 } } });
  assert.equal(put.body.spec.replicas, 4);
  const missing = await call({ method: 'GET', path: `${NS}/replicationcontrollers/nope/scale` });
  assert.equal(missing.body.message, 'replicationcontrollers "nope" not found');
  // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/update.go and rest.go: transformDecodeError, AcceptsGroupVersion
  const bodies: [Record<string, unknown>, string][] = [
    [{ apiVersion: 'apps/v1', kind: 'Scale' }, 'Scale in version "v1" cannot be handled as a Scale: no kind "Scale" is registered for version "apps/v1" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"'],
    [{ apiVersion: 'apps/v1beta2', kind: 'Scale' }, 'the API version in the data (apps/v1beta2) does not match the expected API version (autoscaling/v1)'],
    [{ apiVersion: 'apps/v1', kind: 'Deployment' }, 'Deployment in version "v1" cannot be handled as a Scale: converting (v1.Deployment) to (autoscaling.Scale): unknown conversion'],
  ];
  for (const [typeMeta, message] of bodies) {
    const res = await call({ method: 'PUT', path: `${NS}/replicationcontrollers/web/scale`, body: { ...typeMeta, metadata: { name: 'web' }, spec: { replicas: 1 } } });
    assert.deepEqual([res.status, res.body.message], [400, message]);
  }
});

test('selectorString prints a label selector as labels.Selector.String: sorted by key, set values sorted', () => {
  // staging/src/k8s.io/apimachinery/pkg/labels/selector.go: Requirement.String
  assert.equal(selectorString({
    matchLabels: { tier: 'fe' },
    matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod', 'dev'] }, { key: 'app', operator: 'In', values: ['web'] }, { key: 'canary', operator: 'DoesNotExist' }, { key: 'zone', operator: 'Exists' }],
  }), 'app in (web),!canary,env notin (dev,prod),tier=fe,zone');
  assert.equal(selectorString({}), '');
  assert.equal(selectorString('a=b'), 'a=b');
});

test('a custom resource\'s scale subresource goes through the same code, by its JSON paths', async () => {
  const { call } = await testServer();
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab' },
      versions: [{
        name: 'v1', served: true, storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } }, status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } } } } },
      }],
    },
  };
  assert.equal((await call({ method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: crd })).status, 201);
  await settle();
  const CRONTABS = '/apis/stable.example.com/v1/namespaces/default/crontabs';
  await call({ method: 'POST', path: CRONTABS, body: { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a' }, spec: { replicas: 2 } } });
  await call({ method: 'PATCH', path: `${CRONTABS}/a/status`, contentType: MERGE, body: { status: { replicas: 1, selector: 'app=cron' } } });
  const got = await call({ method: 'GET', path: `${CRONTABS}/a/scale` });
  assert.deepEqual([got.body.spec, got.body.status], [{ replicas: 2 }, { replicas: 1, selector: 'app=cron' }]);
  const patched = await call({ method: 'PATCH', path: `${CRONTABS}/a/scale`, contentType: MERGE, body: { spec: { replicas: 6 } } });
  assert.equal(patched.body.spec.replicas, 6);
  assert.equal((await call({ method: 'GET', path: `${CRONTABS}/a` })).body.spec.replicas, 6);
  // apiextensions-apiserver pkg/registry/customresource/etcd.go: ScaleREST.Get without the spec replicas field
  await call({ method: 'POST', path: CRONTABS, body: { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'b' }, spec: {} } });
  const none = await call({ method: 'GET', path: `${CRONTABS}/b/scale` });
  assert.equal(none.status, 500);
  assert.equal(none.body.message, 'Internal error occurred: the spec replicas field ".spec.replicas" does not exist');
});

const pod = (name: string, labels: Record<string, string>, nodeName?: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'web', image: 'nginx:1.27' }] },
});

/** runningPod creates a pod on node-1 and reports it Running (and Ready, unless not). */
async function runningPod(call: TestServer['call'], name: string, ready = true): Promise<void> {
  const created = await call({ method: 'POST', path: `${NS}/pods`, body: pod(name, { app: 'web' }, 'node-1') });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const conditions = [{ type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z' }];
  const res = await call({ method: 'PATCH', path: `${NS}/pods/${name}/status`, contentType: MERGE, body: { status: { phase: 'Running', conditions } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

/** budget creates a PDB over app=web and gives it the status the disruption controller would write. */
async function budget(call: TestServer['call'], name: string, status: Record<string, unknown>): Promise<void> {
  const created = await call({ method: 'POST', path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets', body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const res = await call({ method: 'PATCH', path: `/apis/policy/v1/namespaces/default/poddisruptionbudgets/${name}/status`, contentType: MERGE, body: { status: { observedGeneration: 1, currentHealthy: 2, desiredHealthy: 2, expectedPods: 2, ...status } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

const evict = (call: TestServer['call'], name: string, extra: Record<string, unknown> = {}, query: Record<string, string> = {}) =>
  call({ method: 'POST', path: `${NS}/pods/${name}/eviction`, query, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name }, ...extra } });

// pkg/registry/core/pod/storage/eviction.go throughout.
test('evicting a pending pod deletes it without asking a budget, answering 201 Success', async () => {
  const { call } = await testServer();
  await call({ method: 'POST', path: `${NS}/pods`, body: pod('web', { app: 'web' }) });
  await budget(call, 'web-pdb', { disruptionsAllowed: 0 });
  const res = await evict(call, 'web');
  assert.equal(res.status, 201);
  assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  assert.equal((await call({ method: 'GET', path: `${NS}/pods/web` })).status, 404);
});

test('a budget that allows no disruption refuses with 429 and the DisruptionBudget cause', async () => {
  const { call } = await testServer();
  await runningPod(call, 'web');
  await budget(call, 'web-pdb', { disruptionsAllowed: 0 });
  const res = await evict(call, 'web');
  assert.equal(res.status, 429);
  assert.deepEqual(res.body, {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Cannot evict pod as it would violate the pod\'s disruption budget.', reason: 'TooManyRequests',
    details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' }] }, code: 429,
  });
  assert.equal((await call({ method: 'GET', path: `${NS}/pods/web` })).body.metadata.deletionTimestamp, undefined);
});

test('a budget the controller has not observed yet refuses with 429, retry after 10 seconds', async () => {
  const { call } = await testServer();
  await runningPod(call, 'web');
  await budget(call, 'web-pdb', { observedGeneration: 0, disruptionsAllowed: 1 });
  const res = await evict(call, 'web');
  assert.equal(res.status, 429);
  assert.deepEqual(res.body.details, { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb is still being processed by the server.' }], retryAfterSeconds: 10 });
});

test('a pod under two budgets is a 500 the eviction subresource does not support', async () => {
  const { call } = await testServer();
  await runningPod(call, 'web');
  await budget(call, 'a', { disruptionsAllowed: 1 });
  await budget(call, 'b', { disruptionsAllowed: 1 });
  const res = await evict(call, 'web');
  assert.equal(res.status, 500);
  assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 });
});

test('an allowed eviction spends the disruption, marks the pod DisruptionTarget and deletes it gracefully', async () => {
  const { call } = await testServer();
  await runningPod(call, 'web');
  await budget(call, 'web-pdb', { disruptionsAllowed: 1 });
  assert.equal((await evict(call, 'web')).status, 201);
  const pdb = (await call({ method: 'GET', path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets/web-pdb' })).body;
  assert.equal(pdb.status.disruptionsAllowed, 0);
  assert.deepEqual(pdb.status.disruptedPods, { web: '2026-01-01T00:00:00Z' });
  // k8s.io/component-helpers/apps/poddisruptionbudget: UpdateDisruptionAllowedCondition
  assert.deepEqual(pdb.status.conditions, [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z' }]);
  const evicted = (await call({ method: 'GET', path: `${NS}/pods/web` })).body;
  assert.equal(evicted.metadata.deletionGracePeriodSeconds, 30);
  assert.deepEqual(evicted.status.conditions.find((c: { type: string }) => c.type === 'DisruptionTarget'), {
    type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z',
  });
  await runningPod(call, 'api');
  const refused = await evict(call, 'api');
  assert.equal(refused.body.details.causes[0].message, 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently');
});

test('the Eviction\'s delete options apply to the delete, and dry run changes nothing', async () => {
  const { call } = await testServer();
  await runningPod(call, 'web');
  await budget(call, 'web-pdb', { disruptionsAllowed: 1 });
  assert.equal((await evict(call, 'web', {}, { dryRun: 'All' })).status, 201);
  assert.equal((await evict(call, 'web', { deleteOptions: { dryRun: ['All'] } })).status, 201);
  assert.equal((await call({ method: 'GET', path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets/web-pdb' })).body.status.disruptionsAllowed, 1);
  assert.equal((await call({ method: 'GET', path: `${NS}/pods/web` })).body.metadata.deletionTimestamp, undefined);
  const mismatched = await evict(call, 'web', { deleteOptions: { dryRun: ['Other'] } }, { dryRun: 'All' });
  assert.equal(mismatched.status, 500);
  assert.equal(mismatched.body.message, 'Non-matching dry-run options in request and content: [All] and [Other]');
  assert.equal((await evict(call, 'web', { deleteOptions: { gracePeriodSeconds: 0 } })).status, 201);
  assert.equal((await call({ method: 'GET', path: `${NS}/pods/web` })).status, 404);
});

test('an unready pod goes without spending a disruption while the budget is met without it', async () => {
  const { call } = await testServer();
  await runningPod(call, 'web', false);
  await budget(call, 'web-pdb', { disruptionsAllowed: 0 });
  assert.equal((await evict(call, 'web', { deleteOptions: { gracePeriodSeconds: 0 } })).status, 201);
  assert.equal((await call({ method: 'GET', path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets/web-pdb' })).body.status.disruptionsAllowed, 0);
  assert.equal((await call({ method: 'GET', path: `${NS}/pods/web` })).status, 404);
});

test('bad evictions: a missing pod, a mismatched name, another kind, GET', async () => {
  const { call } = await testServer();
  await runningPod(call, 'web');
  const cases: [Promise<{ status: number; body: { message: string } }>, number, string][] = [
    [evict(call, 'nope'), 404, 'pods "nope" not found'],
    [call({ method: 'POST', path: `${NS}/pods/web/eviction`, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'api' } } }), 400, 'name in URL does not match name in Eviction object'],
    // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go: transformDecodeError
    [call({ method: 'POST', path: `${NS}/pods/web/eviction`, body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } } }), 400, 'Pod in version "v1" cannot be handled as a Eviction: converting (v1.Pod) to (policy.Eviction): unknown conversion'],
    [call({ method: 'POST', path: `${NS}/pods/web/eviction`, body: { apiVersion: 'v1', kind: 'Eviction', metadata: { name: 'web' } } }), 400, 'Eviction in version "v1" cannot be handled as a Eviction: no kind "Eviction" is registered for version "v1" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"'],
    [call({ method: 'GET', path: `${NS}/pods/web/eviction` }), 405, 'get is not supported on resources of kind "pods/eviction"'],
  ];
  for (const [res, status, message] of cases) {
    const r = await res;
    assert.deepEqual([r.status, r.body.message], [status, message]);
  }
  assert.equal((await evict(call, 'web', {}, {})).status, 201);
});

const debugger_ = { name: 'debugger', image: 'busybox:1.36', command: ['sh'], stdin: true, tty: true };

// pkg/registry/core/pod/strategy.go (podEphemeralContainersStrategy) and pkg/apis/core/validation: ValidatePodEphemeralContainersUpdate.
test('ephemeralcontainers adds a debugging container and nothing else the request changes', async () => {
  const { plugin, seen } = recorder();
  const { call } = await testServer({ admission: [plugin] });
  await call({ method: 'POST', path: `${NS}/pods`, body: pod('web', { app: 'web' }) });
  const got = await call({ method: 'GET', path: `${NS}/pods/web/ephemeralcontainers` });
  assert.deepEqual([got.body.kind, got.body.metadata.name], ['Pod', 'web']);
  const res = await call({
    method: 'PATCH', path: `${NS}/pods/web/ephemeralcontainers`, contentType: STRATEGIC,
    body: { metadata: { labels: { hacked: 'yes' } }, spec: { containers: [{ name: 'web', image: 'evil' }], ephemeralContainers: [debugger_] } },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.spec.ephemeralContainers.map((c: { name: string; image: string; terminationMessagePolicy: string }) => [c.name, c.image, c.terminationMessagePolicy]), [['debugger', 'busybox:1.36', 'File']]);
  assert.equal(res.body.spec.containers[0].image, 'nginx:1.27');
  assert.deepEqual(res.body.metadata.labels, { app: 'web' });
  assert.deepEqual([seen.at(-1)?.operation, seen.at(-1)?.subresource], ['UPDATE', 'ephemeralcontainers']);
  const put = await call({ method: 'PUT', path: `${NS}/pods/web/ephemeralcontainers`, body: { ...res.body, spec: { ...res.body.spec, ephemeralContainers: [...res.body.spec.ephemeralContainers, { ...debugger_, name: 'second' }] } } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(put.body.spec.ephemeralContainers.map((c: { name: string }) => c.name), ['debugger', 'second']);
});

test('ephemeral containers may not be removed, changed, named like another container, or carry ports, probes, resources or lifecycle', async () => {
  const { call } = await testServer();
  await call({ method: 'POST', path: `${NS}/pods`, body: pod('web', { app: 'web' }) });
  const path = `${NS}/pods/web/ephemeralcontainers`;
  await call({ method: 'PATCH', path, contentType: STRATEGIC, body: { spec: { ephemeralContainers: [debugger_] } } });
  const removed = await call({ method: 'PATCH', path, contentType: 'application/json-patch+json', body: [{ op: 'remove', path: '/spec/ephemeralContainers/0' }] });
  assert.equal(removed.status, 422);
  assert.equal(removed.body.message, 'Pod "web" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed\n');
  const changed = await call({ method: 'PATCH', path, contentType: STRATEGIC, body: { spec: { ephemeralContainers: [{ name: 'debugger', image: 'alpine' }] } } });
  assert.equal(changed.status, 422);
  assert.match(changed.body.message, /^Pod "web" is invalid: spec\.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed\n/);
  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'web', image: 'busybox' }, 'spec.ephemeralContainers[1].name: Duplicate value: "web"'],
    [{ name: 'p', image: 'busybox', ports: [{ containerPort: 80 }] }, 'spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container'],
    [{ name: 'r', image: 'busybox', readinessProbe: { exec: { command: ['true'] } } }, 'spec.ephemeralContainers[1].readinessProbe: Forbidden: cannot be set for an Ephemeral Container'],
    [{ name: 'q', image: 'busybox', resources: { limits: { cpu: '1' } } }, 'spec.ephemeralContainers[1].resources: Forbidden: cannot be set for an Ephemeral Container'],
    [{ name: 'l', image: 'busybox', lifecycle: { preStop: { exec: { command: ['true'] } } } }, 'spec.ephemeralContainers[1].lifecycle: Forbidden: cannot be set for an Ephemeral Container'],
  ];
  for (const [container, error] of cases) {
    const res = await call({ method: 'PATCH', path, contentType: 'application/json-patch+json', body: [{ op: 'add', path: '/spec/ephemeralContainers/-', value: container }] });
    assert.equal(res.status, 422, JSON.stringify(container));
    assert.ok(res.body.message.includes(error), res.body.message);
  }
  const missing = await call({ method: 'PATCH', path: `${NS}/pods/nope/ephemeralcontainers`, contentType: STRATEGIC, body: { spec: { ephemeralContainers: [debugger_] } } });
  assert.deepEqual([missing.status, missing.body.message], [404, 'pods "nope" not found']);
});

/** stubKubelet answers log requests with a fixed answer and keeps what it was asked. */
function stubKubelet(answer: KubeletAnswer): { asked: [string, string, string, ContainerLogOptions][]; containerLogs: (ns: string, pod: string, c: string, o: ContainerLogOptions) => KubeletAnswer } {
  const asked: [string, string, string, ContainerLogOptions][] = [];
  return { asked, containerLogs: (ns, p, c, o) => (asked.push([ns, p, c, o]), answer) };
}

/** logServer has node-1 (registered, 172.18.0.2) and a pod web on it with containers a and b, and an unscheduled pod solo. */
async function logServer(): Promise<TestServer> {
  const server = await testServer();
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } };
  assert.equal((await server.call({ method: 'POST', path: '/api/v1/nodes', body: node })).status, 201);
  const web = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { nodeName: 'node-1', containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx' }] } };
  assert.equal((await server.call({ method: 'POST', path: `${NS}/pods`, body: web })).status, 201);
  assert.equal((await server.call({ method: 'POST', path: `${NS}/pods`, body: pod('solo', {}) })).status, 201);
  return server;
}

// pkg/apis/core/validation: ValidatePodLogOptions; the parameter codec's conversions (apimachinery runtime/conversion.go).
const badOptions: [Record<string, string>, number, string][] = [
  [{ tailLines: '-1' }, 422, 'PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0'],
  [{ limitBytes: '0' }, 422, 'PodLogOptions "web" is invalid: limitBytes: Invalid value: 0: must be greater than 0'],
  [{ sinceSeconds: '0' }, 422, 'PodLogOptions "web" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0'],
  [{ sinceSeconds: '5', sinceTime: '2026-01-01T00:00:00Z' }, 422, 'PodLogOptions "web" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified'],
  [{ tailLines: 'ten' }, 400, 'strconv.ParseInt: parsing "ten": invalid syntax'],
  [{ limitBytes: '9223372036854775808' }, 400, 'strconv.ParseInt: parsing "9223372036854775808": value out of range'],
  [{ sinceTime: 'yesterday' }, 400, 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
];

for (const [query, status, message] of badOptions) {
  test(`pods/log with ${JSON.stringify(query)} is ${status}`, async () => {
    const { call } = await logServer();
    const res = await call({ method: 'GET', path: `${NS}/pods/web/log`, query: { container: 'a', ...query } });
    assert.deepEqual([res.status, res.body.message], [status, message]);
  });
}

test('pods/log picks the container as LogLocation does', async () => {
  const { call } = await logServer();
  // pkg/registry/core/pod/strategy.go: validateContainer
  const cases: [string, Record<string, string>, number, string][] = [
    ['web', {}, 400, 'a container name must be specified for pod web, choose one of: [a b]'],
    ['web', { container: 'x' }, 400, 'container x is not valid for pod web'],
    ['nope', {}, 404, 'pods "nope" not found'],
  ];
  for (const [name, query, status, message] of cases) {
    const res = await call({ method: 'GET', path: `${NS}/pods/${name}/log`, query });
    assert.deepEqual([res.status, res.body.message], [status, message]);
  }
  const unscheduled = await call({ method: 'GET', path: `${NS}/pods/solo/log` });
  assert.deepEqual([unscheduled.status, unscheduled.body], [204, '']);
});

test('pods/log asks the node\'s kubelet and answers its text as text/plain', async () => {
  const server = await logServer();
  const kubelet = stubKubelet({ status: 200, body: 'hello\n' });
  server.api.kubelets.set('node-1', kubelet);
  const res = await server.api.handle({ method: 'GET', path: `${NS}/pods/web/log?container=b&follow=1&timestamps=TRUE&previous=false&tailLines=5&sinceTime=2026-01-01T02:00:00%2B02:00`, headers: { authorization: 'Bearer admin-token' } });
  // The answer names its RequestTrace too; what matters here is the rest.
  const { trace: _trace, ...answer } = res;
  assert.deepEqual(answer, { status: 200, body: 'hello\n', contentType: 'text/plain' });
  assert.deepEqual(kubelet.asked, [['default', 'web', 'b', { follow: true, previous: false, timestamps: true, tailLines: 5, sinceTime: '2026-01-01T00:00:00Z' }]]);
});

test('a kubelet\'s refusal comes back as GenericHttpResponseChecker words it', async () => {
  const server = await logServer();
  // staging/src/k8s.io/apiserver/pkg/registry/generic/rest/response_checker.go; errors.NewGenericServerResponse
  const cases: [KubeletAnswer, number, string, string | undefined][] = [
    [{ status: 400, body: 'container "a" in pod "web" is waiting to start: ContainerCreating' }, 400, 'container "a" in pod "web" is waiting to start: ContainerCreating', 'BadRequest'],
    [{ status: 404, body: 'pod "web" does not exist' }, 404, 'the server could not find the requested resource ( pods/log web)', 'NotFound'],
    [{ status: 500, body: 'boom' }, 500, 'Internal error occurred: boom', 'InternalError'],
  ];
  for (const [answer, status, message, reason] of cases) {
    server.api.kubelets.set('node-1', stubKubelet(answer));
    const res = await server.call({ method: 'GET', path: `${NS}/pods/web/log`, query: { container: 'a' } });
    assert.deepEqual([res.status, res.body.message, res.body.reason], [status, message, reason]);
  }
});

test('a node nobody answers for is the transport\'s connection refused; a missing node is 404', async () => {
  const { call } = await logServer();
  const res = await call({ method: 'GET', path: `${NS}/pods/web/log`, query: { container: 'a', timestamps: 'true', tailLines: '5' } });
  assert.equal(res.status, 500);
  assert.deepEqual(res.body, {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500,
    message: 'Get "https://172.18.0.2:10250/containerLogs/default/web/a?tailLines=5&timestamps=true": dial tcp 172.18.0.2:10250: connect: connection refused',
  });
  await call({ method: 'DELETE', path: '/api/v1/nodes/node-1' });
  const gone = await call({ method: 'GET', path: `${NS}/pods/web/log`, query: { container: 'a' } });
  assert.deepEqual([gone.status, gone.body.message], [404, 'nodes "node-1" not found']);
});
