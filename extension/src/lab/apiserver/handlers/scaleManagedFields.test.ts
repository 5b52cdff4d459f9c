import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type TestServer, testServer } from '../testing';

const APPS = '/apis/apps/v1/namespaces/default';
const MERGE = 'application/merge-patch+json';
const APPLY = 'application/apply-patch+yaml';
const STRATEGIC = 'application/strategic-merge-patch+json';
const SCALE = `${APPS}/deployments/web/scale`;

const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
};
const scaleTo = (replicas: number) => ({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas } });

interface Entry { manager?: string; operation?: string; apiVersion?: string; time?: string; fieldsV1?: Record<string, unknown>; subresource?: string }

async function entries(call: TestServer['call'], path = `${APPS}/deployments/web`): Promise<Entry[]> {
  return (await call({ method: 'GET', path })).body.metadata.managedFields as Entry[];
}

const owns = (e: Entry | undefined): boolean => !!(e?.fieldsV1?.['f:spec'] as Record<string, unknown> | undefined)?.['f:replicas'];

test('server-side apply on /scale conflicts with the owner of spec.replicas, in the Scale\'s terms, and takes the field with force', async () => {
  const { call } = await testServer();
  assert.equal((await call({ method: 'POST', path: `${APPS}/deployments`, query: { fieldManager: 'creator' }, body: deployment })).status, 201);
  const before = (await call({ method: 'GET', path: `${APPS}/deployments/web` })).body.metadata.resourceVersion;

  const refused = await call({ method: 'PATCH', path: SCALE, contentType: APPLY, query: { fieldManager: 'hpa' }, body: scaleTo(5) });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.equal(refused.body.message, 'Apply failed with 1 conflict: conflict with "creator" using autoscaling/v1: .spec.replicas');
  assert.equal((await call({ method: 'GET', path: `${APPS}/deployments/web` })).body.metadata.resourceVersion, before, 'a refused apply writes nothing');

  const forced = await call({ method: 'PATCH', path: SCALE, contentType: APPLY, query: { fieldManager: 'hpa', force: 'true' }, body: scaleTo(5) });
  assert.equal(forced.status, 200, JSON.stringify(forced.body));
  assert.deepEqual([forced.body.kind, forced.body.spec, forced.body.metadata.managedFields], ['Scale', { replicas: 5 }, undefined]);
  const after = await entries(call);
  const creator = after.find((e) => e.manager === 'creator');
  const hpa = after.find((e) => e.manager === 'hpa');
  assert.ok(creator && !owns(creator), 'the creator lost spec.replicas but keeps the rest');
  assert.ok((creator.fieldsV1?.['f:spec'] as Record<string, unknown>)['f:template']);
  // ToParent: the parent's version and path, the subresource, and no time (upstream reads it from the parent's entries).
  assert.deepEqual(hpa, { manager: 'hpa', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } }, subresource: 'scale' });
  assert.equal((await call({ method: 'GET', path: `${APPS}/deployments/web` })).body.spec.replicas, 5);

  // Applying again the same value is no conflict; the main resource's applier now conflicts with the Scale's.
  assert.equal((await call({ method: 'PATCH', path: SCALE, contentType: APPLY, query: { fieldManager: 'hpa' }, body: scaleTo(5) })).status, 200);
  const main = await call({ method: 'PATCH', path: `${APPS}/deployments/web`, contentType: APPLY, query: { fieldManager: 'gitops' }, body: { ...deployment, spec: { ...deployment.spec, replicas: 3 } } });
  assert.equal(main.status, 409, JSON.stringify(main.body));
  assert.match(main.body.message, /conflict with "hpa" with subresource "scale": \.spec\.replicas/);
});

test('updates through /scale move spec.replicas to the updater, recorded for the parent\'s version without a time', async () => {
  const { call } = await testServer();
  await call({ method: 'POST', path: `${APPS}/deployments`, query: { fieldManager: 'creator' }, body: deployment });
  const res = await call({ method: 'PATCH', path: SCALE, contentType: MERGE, query: { fieldManager: 'kubectl' }, body: { spec: { replicas: 4 } } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const after = await entries(call);
  assert.deepEqual(after.find((e) => e.manager === 'kubectl'), { manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } }, subresource: 'scale' });
  assert.ok(!owns(after.find((e) => e.manager === 'creator')));
  assert.ok(after.find((e) => e.manager === 'creator')?.time, 'the parent\'s own entries keep their time');

  // The same value again changes nothing anyone owns; a new value by another updater takes the field over.
  assert.equal((await call({ method: 'PATCH', path: SCALE, contentType: MERGE, query: { fieldManager: 'other' }, body: { spec: { replicas: 4 } } })).status, 200);
  assert.equal((await entries(call)).find((e) => e.manager === 'other'), undefined);
  assert.equal((await call({ method: 'PUT', path: SCALE, query: { fieldManager: 'other' }, body: scaleTo(6) })).status, 200);
  const last = await entries(call);
  assert.ok(owns(last.find((e) => e.manager === 'other')));
  assert.equal(last.find((e) => e.manager === 'kubectl'), undefined, 'an entry left with nothing is dropped');
});

test('a custom resource\'s scale takes server-side apply but no strategic merge patch; its replicas path comes from the CRD', async () => {
  const { call } = await testServer();
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab' },
      versions: [{
        name: 'v1', served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } }, status: { type: 'object', properties: { count: { type: 'integer' } } } } } },
        subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.count' } },
      }],
    },
  };
  assert.equal((await call({ method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: crd })).status, 201);
  const CR = '/apis/stable.example.com/v1/namespaces/default/crontabs';
  let created = { status: 0 };
  for (let i = 0; i < 50 && created.status !== 201; i++) {
    created = await call({ method: 'POST', path: CR, query: { fieldManager: 'creator' }, body: { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a' }, spec: { size: 1 } } });
    if (created.status !== 201) await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(created.status, 201);
  const strategic = await call({ method: 'PATCH', path: `${CR}/a/scale`, contentType: STRATEGIC, body: { spec: { replicas: 2 } } });
  assert.deepEqual([strategic.status, strategic.body.message], [415, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml']);
  const applied = await call({ method: 'PATCH', path: `${CR}/a/scale`, contentType: APPLY, query: { fieldManager: 'autoscaler', force: 'true' }, body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'a' }, spec: { replicas: 3 } } });
  assert.equal(applied.status, 200, JSON.stringify(applied.body));
  const cr = (await call({ method: 'GET', path: `${CR}/a` })).body;
  assert.equal(cr.spec.size, 3);
  const mine = (cr.metadata.managedFields as Entry[]).find((e) => e.manager === 'autoscaler');
  assert.deepEqual(mine, { manager: 'autoscaler', operation: 'Apply', apiVersion: 'stable.example.com/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:size': {} } }, subresource: 'scale' });
  assert.ok(!((cr.metadata.managedFields as Entry[]).find((e) => e.manager === 'creator')?.fieldsV1?.['f:spec'] as Record<string, unknown> | undefined)?.['f:size']);
});

test('an apply on /scale of a missing parent is a 404 and creates nothing; a body of another kind is a 400', async () => {
  const { call } = await testServer();
  const missing = await call({ method: 'PATCH', path: SCALE, contentType: APPLY, query: { fieldManager: 'hpa' }, body: scaleTo(1) });
  assert.deepEqual([missing.status, missing.body.message], [404, 'deployments.apps "web" not found']);
  await call({ method: 'POST', path: `${APPS}/deployments`, body: deployment });
  const wrong = await call({ method: 'PATCH', path: SCALE, contentType: APPLY, query: { fieldManager: 'hpa' }, body: deployment });
  assert.deepEqual([wrong.status, wrong.body.message], [400, 'invalid object type: apps/v1, Kind=Deployment']);
});
