// @kubernetes/client-node against the lab: the kubeconfig `kubelab up` wrote, typed
// create/read/patch/replace/delete on CoreV1Api and AppsV1Api, the generic object API,
// list with selectors and limit/continue pages, Watch, makeInformer, and error bodies
// that decode into upstream's Status. One lab for the file, stopped with SIGTERM at the end.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type * as K8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { KubelabProcess, eventually } from './harness';

let lab: KubelabProcess;
let k8s: typeof K8s;
let kc: K8s.KubeConfig;
let core: K8s.CoreV1Api;
let apps: K8s.AppsV1Api;

before(async () => {
  // The client is an ES module; this package is CommonJS.
  k8s = await import('@kubernetes/client-node');
  lab = await KubelabProcess.up({ nodes: 3 });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(lab.kubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
});
after(async () => {
  await lab?.cleanup();
});

const NS = 'default';

/** status decodes an ApiException's body into the Status the server sent. */
async function status(call: Promise<unknown>): Promise<{ code: number; body: K8s.V1Status }> {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof k8s.ApiException, `expected an ApiException, got ${String(err)}`);
    const e = err as K8s.ApiException<string>;
    return { code: e.code, body: JSON.parse(e.body) as K8s.V1Status };
  }
  throw new assert.AssertionError({ message: 'the call succeeded' });
}

const merge = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const jsonPatch = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
const strategic = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

void test('KubeConfig.loadFromFile reads the lab\'s kubeconfig: context kubelab, the HTTPS server, a client certificate', () => {
  assert.equal(kc.getCurrentContext(), 'kubelab');
  assert.equal(kc.getCurrentCluster()?.server, lab.server);
  assert.ok(kc.getCurrentCluster()?.caData);
  assert.ok(kc.getCurrentUser()?.certData);
  assert.ok(kc.getCurrentUser()?.keyData);
});

void test('CoreV1Api creates, reads, merge-patches, JSON-patches, replaces and deletes a ConfigMap', async () => {
  const created = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'typed', labels: { app: 'typed' } }, data: { a: '1' } } });
  assert.equal(created.kind, 'ConfigMap');
  assert.equal(created.apiVersion, 'v1');
  assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
  assert.ok(created.metadata?.creationTimestamp instanceof Date);
  const read = await core.readNamespacedConfigMap({ name: 'typed', namespace: NS });
  assert.deepEqual(read.data, { a: '1' });
  assert.equal(read.metadata?.resourceVersion, created.metadata?.resourceVersion);

  const merged = await core.patchNamespacedConfigMap({ name: 'typed', namespace: NS, body: { data: { b: '2' }, metadata: { labels: { patched: 'merge' } } } }, merge());
  assert.deepEqual(merged.data, { a: '1', b: '2' });
  assert.equal(merged.metadata?.labels?.patched, 'merge');
  const patched = await core.patchNamespacedConfigMap({ name: 'typed', namespace: NS, body: [{ op: 'replace', path: '/data/a', value: 'one' }, { op: 'remove', path: '/data/b' }] }, jsonPatch());
  assert.deepEqual(patched.data, { a: 'one' });

  const replaced = await core.replaceNamespacedConfigMap({ name: 'typed', namespace: NS, body: { ...patched, data: { c: '3' } } });
  assert.deepEqual(replaced.data, { c: '3' });
  assert.notEqual(replaced.metadata?.resourceVersion, patched.metadata?.resourceVersion);

  const deleted = await core.deleteNamespacedConfigMap({ name: 'typed', namespace: NS });
  assert.equal(deleted.status, 'Success');
  assert.equal(deleted.details?.name, 'typed');
  assert.equal(deleted.details?.kind, 'configmaps');
  assert.equal((await status(core.readNamespacedConfigMap({ name: 'typed', namespace: NS }))).code, 404);
});

void test('errors decode into upstream\'s Status: 404 NotFound, 409 AlreadyExists and Conflict, 422 Invalid, 400 for an object sent as a JSON patch', async () => {
  assert.deepEqual(await status(core.readNamespacedConfigMap({ name: 'nope', namespace: NS })), {
    code: 404,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'configmaps' }, code: 404 },
  });
  await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'twice' } } });
  assert.deepEqual(await status(core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'twice' } } })), {
    code: 409,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "twice" already exists', reason: 'AlreadyExists', details: { name: 'twice', kind: 'configmaps' }, code: 409 },
  });
  const stale = await core.readNamespacedConfigMap({ name: 'twice', namespace: NS });
  await core.patchNamespacedConfigMap({ name: 'twice', namespace: NS, body: { data: { moved: 'on' } } }, merge());
  assert.deepEqual(await status(core.replaceNamespacedConfigMap({ name: 'twice', namespace: NS, body: { ...stale, data: { late: 'yes' } } })), {
    code: 409,
    body: {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'Operation cannot be fulfilled on configmaps "twice": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict', details: { name: 'twice', kind: 'configmaps' }, code: 409,
    },
  });
  const invalid = await status(core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'Not_Valid' } } }));
  assert.equal(invalid.code, 422);
  assert.equal(invalid.body.reason, 'Invalid');
  assert.equal(invalid.body.details?.causes?.[0]?.field, 'metadata.name');
  assert.equal(invalid.body.details?.causes?.[0]?.reason, 'FieldValueInvalid');
  // The generated client's default patch type is JSON patch, so an object body is a bad JSON patch.
  const wrongType = await status(core.patchNamespacedConfigMap({ name: 'twice', namespace: NS, body: { data: { x: 'y' } } }));
  assert.equal(wrongType.code, 400);
  assert.equal(wrongType.body.reason, 'BadRequest');
});

void test('AppsV1Api creates a Deployment, strategic-merge-patches it, scales it and sees it roll out', { timeout: 90_000 }, async () => {
  const body: K8s.V1Deployment = {
    metadata: { name: 'client-web', labels: { app: 'client-web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'client-web' } },
      template: { metadata: { labels: { app: 'client-web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'sidecar', image: 'nginx:1.26' }] } },
    },
  };
  const created = await apps.createNamespacedDeployment({ namespace: NS, body });
  assert.equal(created.spec?.strategy?.type, 'RollingUpdate');
  assert.equal(created.spec?.template.spec?.containers[0].imagePullPolicy, 'IfNotPresent');
  const patched = await apps.patchNamespacedDeployment({ name: 'client-web', namespace: NS, body: { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } } } }, strategic());
  assert.deepEqual(patched.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image ?? ''}`), ['nginx=nginx:1.28', 'sidecar=nginx:1.26']);
  const scale = await apps.patchNamespacedDeploymentScale({ name: 'client-web', namespace: NS, body: { spec: { replicas: 3 } } }, merge());
  assert.equal(scale.kind, 'Scale');
  assert.equal(scale.apiVersion, 'autoscaling/v1');
  assert.equal(scale.spec?.replicas, 3);
  const ready = await eventually(async () => {
    const d = await apps.readNamespacedDeploymentStatus({ name: 'client-web', namespace: NS });
    return d.status?.availableReplicas === 3 && d.status.updatedReplicas === 3 && d.status.observedGeneration === d.metadata?.generation ? d : undefined;
  }, 'the Deployment to have three available replicas', 60_000);
  assert.ok(ready.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True'));
  const replicaSets = await apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: 'app=client-web' });
  assert.equal(replicaSets.items.length, 2);
  const deleted = await apps.deleteNamespacedDeployment({ name: 'client-web', namespace: NS });
  assert.equal(deleted.status, 'Success');
});

void test('the generic KubernetesObjectApi creates, reads, server-side applies and deletes by kind', async () => {
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const spec = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'generic', namespace: NS }, data: { k: 'v' } };
  const created = await objects.create(spec);
  assert.equal(created.metadata.name, 'generic');
  const read = await objects.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'generic', namespace: NS } });
  assert.deepEqual((read as K8s.V1ConfigMap).data, { k: 'v' });
  const applied = (await objects.patch({ ...spec, data: { k: 'applied' } }, undefined, undefined, 'conformance', true, k8s.PatchStrategy.ServerSideApply)) as K8s.V1ConfigMap;
  assert.deepEqual(applied.data, { k: 'applied' });
  assert.ok(applied.metadata?.managedFields?.some((f) => f.manager === 'conformance' && f.operation === 'Apply'));
  await objects.delete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'generic', namespace: NS } });
  assert.equal((await status(core.readNamespacedConfigMap({ name: 'generic', namespace: NS }))).code, 404);
});

void test('list filters by label selector and pages with limit and continue', async () => {
  const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'];
  for (const name of names) await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name, labels: { batch: 'paged' } } } });
  await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'page-other', labels: { batch: 'other' } } } });

  const all = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'batch=paged' });
  assert.deepEqual(all.items.map((c) => c.metadata?.name), names);
  assert.equal(all.kind, 'ConfigMapList');
  assert.equal(all.metadata?._continue, undefined);

  const seen: string[] = [];
  const pages: number[] = [];
  let token: string | undefined;
  let first: string | undefined;
  do {
    const page = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'batch=paged', limit: 2, ...(token ? { _continue: token } : {}) });
    first ??= page.metadata?.resourceVersion;
    // Every page is a snapshot at the first page's resource version.
    assert.equal(page.metadata?.resourceVersion, first);
    // With a selector the server cannot know how many remain.
    assert.equal(page.metadata?.remainingItemCount, undefined);
    pages.push(page.items.length);
    seen.push(...page.items.map((c) => c.metadata?.name ?? ''));
    token = page.metadata?._continue || undefined;
  } while (token);
  assert.deepEqual(pages, [2, 2, 1]);
  assert.deepEqual(seen, names);

  const notIn = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'batch in (paged,other),batch!=paged' });
  assert.deepEqual(notIn.items.map((c) => c.metadata?.name), ['page-other']);
  const byField = await core.listNamespacedConfigMap({ namespace: NS, fieldSelector: 'metadata.name=page-c' });
  assert.deepEqual(byField.items.map((c) => c.metadata?.name), ['page-c']);
  const bad = await status(core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'batch in paged' }));
  assert.equal(bad.code, 400);
  assert.equal(bad.body.reason, 'BadRequest');
});

void test('Watch streams ADDED, MODIFIED and DELETED events from a resource version', { timeout: 30_000 }, async () => {
  const start = (await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'watch=me' })).metadata?.resourceVersion;
  const events: string[] = [];
  let ended: unknown = 'not yet';
  const watch = new k8s.Watch(kc);
  const controller = await watch.watch(`/api/v1/namespaces/${NS}/configmaps`, { labelSelector: 'watch=me', resourceVersion: start }, (phase: string, obj: K8s.V1ConfigMap) => {
    events.push(`${phase} ${obj.metadata?.name ?? ''} ${JSON.stringify(obj.data ?? {})}`);
  }, (err: unknown) => {
    ended = err;
  });
  try {
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'watched', labels: { watch: 'me' } }, data: { n: '1' } } });
    await core.patchNamespacedConfigMap({ name: 'watched', namespace: NS, body: { data: { n: '2' } } }, merge());
    await core.deleteNamespacedConfigMap({ name: 'watched', namespace: NS });
    await eventually(() => (events.length >= 3 ? true : undefined), 'three watch events', 10_000);
    assert.deepEqual(events, ['ADDED watched {"n":"1"}', 'MODIFIED watched {"n":"2"}', 'DELETED watched {"n":"2"}']);
    assert.equal(ended, 'not yet');
  } finally {
    controller.abort();
  }
});

void test('makeInformer lists, then calls add, update and delete as the objects change', { timeout: 30_000 }, async () => {
  await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'informed-before', labels: { inform: 'me' } } } });
  const path = `/api/v1/namespaces/${NS}/configmaps`;
  const informer = k8s.makeInformer(kc, path, () => core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'inform=me' }), 'inform=me');
  const calls: string[] = [];
  informer.on('add', (o: K8s.V1ConfigMap) => calls.push(`add ${o.metadata?.name ?? ''}`));
  informer.on('update', (o: K8s.V1ConfigMap) => calls.push(`update ${o.metadata?.name ?? ''} ${o.data?.v ?? ''}`));
  informer.on('delete', (o: K8s.V1ConfigMap) => calls.push(`delete ${o.metadata?.name ?? ''}`));
  const errors: unknown[] = [];
  informer.on('error', (err: unknown) => errors.push(err));
  await informer.start();
  try {
    await eventually(() => (calls.includes('add informed-before') ? true : undefined), 'the listed object');
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'informed', labels: { inform: 'me' } }, data: { v: '1' } } });
    await eventually(() => (calls.includes('add informed') ? true : undefined), 'the add callback');
    await core.patchNamespacedConfigMap({ name: 'informed', namespace: NS, body: { data: { v: '2' } } }, merge());
    await eventually(() => (calls.includes('update informed 2') ? true : undefined), 'the update callback');
    assert.deepEqual(informer.list(NS).map((o) => o.metadata?.name).sort(), ['informed', 'informed-before']);
    assert.equal(informer.get('informed', NS)?.data?.v, '2');
    await core.deleteNamespacedConfigMap({ name: 'informed', namespace: NS });
    await eventually(() => (calls.includes('delete informed') ? true : undefined), 'the delete callback');
    assert.deepEqual(calls, ['add informed-before', 'add informed', 'update informed 2', 'delete informed']);
    assert.equal(informer.get('informed', NS), undefined);
    assert.deepEqual(errors, []);
  } finally {
    await informer.stop();
  }
});

void test('server-side apply on a Deployment\'s scale subresource takes spec.replicas from its creator, recorded for apps/v1 with subresource scale', async () => {
  const labels = { app: 'scaled' };
  await apps.createNamespacedDeployment({
    namespace: NS, fieldManager: 'creator',
    body: { metadata: { name: 'scaled' }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } },
  });
  const apply = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply);
  const body = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'scaled', namespace: NS }, spec: { replicas: 3 } };
  const refused = await status(apps.patchNamespacedDeploymentScale({ name: 'scaled', namespace: NS, body, fieldManager: 'autoscaler' }, apply()));
  assert.equal(refused.code, 409);
  assert.equal(refused.body.message, 'Apply failed with 1 conflict: conflict with "creator" using autoscaling/v1: .spec.replicas');
  const scale = await apps.patchNamespacedDeploymentScale({ name: 'scaled', namespace: NS, body, fieldManager: 'autoscaler', force: true }, apply());
  assert.equal(scale.spec?.replicas, 3);
  const d = await apps.readNamespacedDeployment({ name: 'scaled', namespace: NS });
  assert.equal(d.spec?.replicas, 3);
  const mine = d.metadata?.managedFields?.find((f) => f.manager === 'autoscaler');
  assert.deepEqual([mine?.operation, mine?.apiVersion, mine?.subresource, mine?.time, mine?.fieldsV1], ['Apply', 'apps/v1', 'scale', undefined, { 'f:spec': { 'f:replicas': {} } }]);
  await apps.deleteNamespacedDeployment({ name: 'scaled', namespace: NS });
});

void test('kubelab exits 0 on SIGTERM', async () => {
  const exit = await lab.stop('SIGTERM');
  assert.equal(exit.code, 0, exit.stderr);
});
