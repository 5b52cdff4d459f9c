/**
 * Whole meta.k8s.io/v1 Tables as kube-apiserver writes them: the convertor of
 * pkg/printers/storage/storage.go (always wide), rest.NewDefaultTableConvertor
 * (k8s.io/apiserver/pkg/registry/rest/table.go), the CRD convertor, and the
 * handler's asTable choosing each row's object by includeObject
 * (k8s.io/apiserver/pkg/endpoints/handlers/response.go).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeList, KubeObject } from '../../api/types';
import type { CustomResourceDefinition } from '../apiextensions/types';
import type { ResourceType } from '../resources';
import { builtinResources } from '../registry';
import { crdResourceTypes } from '../apiextensions/resourceTypes';
import { doc } from './swaggerDocs';
import { parseIncludeObject, type Table } from './table';
import { MINUTE, NOW, ago } from './testing';
import { toTable } from './toTable';

function type(group: string, resource: string): ResourceType {
  const t = builtinResources.find((r) => r.group === group && r.resource === resource);
  assert.ok(t, `${group}/${resource}`);
  return t;
}

function table(t: ResourceType, o: KubeObject | KubeList, opts: Partial<Parameters<typeof toTable>[2]> = {}): Table {
  const out = toTable(t, o, { now: NOW, includeObject: 'Metadata', ...opts });
  assert.equal(out.kind, 'Table');
  return out as Table;
}

const pod: KubeObject = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '41', creationTimestamp: ago(5 * MINUTE), labels: { app: 'web' }, annotations: {}, finalizers: [] },
  spec: { nodeName: 'node-1', containers: [{ name: 'nginx', image: 'nginx' }] },
  status: { phase: 'Running', podIP: '10.244.1.5', containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0, state: { running: {} } }] },
};

test('a pod list: every column, wide cells, PartialObjectMetadata rows and the list metadata, in Go field order', () => {
  const list: KubeList = { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '42', continue: 'next', remainingItemCount: 3 }, items: [pod] };
  const out = table(type('', 'pods'), list);
  const meta = '{"name":"web","namespace":"default","uid":"u-1","resourceVersion":"41","creationTimestamp":"' + ago(5 * MINUTE) + '","labels":{"app":"web"}}';
  assert.equal(JSON.stringify({ ...out, columnDefinitions: out.columnDefinitions?.map((c) => c.name) }),
    '{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"42","continue":"next","remainingItemCount":3},'
    + '"columnDefinitions":["Name","Ready","Status","Restarts","Age","IP","Node","Nominated Node","Readiness Gates"],'
    + '"rows":[{"cells":["web","1/1","Running","0","5m","10.244.1.5","node-1","<none>","<none>"],'
    + `"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${meta}}}]}`);
  assert.equal(JSON.stringify(out.columnDefinitions?.[0]), `{"name":"Name","type":"string","format":"name","description":${JSON.stringify(doc('ObjectMeta.name'))},"priority":0}`);
});

test('includeObject chooses the row object; noHeaders drops the columns; a single object carries its resourceVersion', () => {
  assert.equal(table(type('', 'pods'), pod, { includeObject: 'None' }).rows?.[0].object, null);
  assert.equal(table(type('', 'pods'), pod, { includeObject: 'Object' }).rows?.[0].object, pod);
  const single = table(type('', 'pods'), pod, { noHeaders: true });
  assert.deepEqual(single.metadata, { resourceVersion: '41' });
  assert.equal(single.columnDefinitions, null);
  const noTimestamp = table(type('', 'pods'), { metadata: { name: 'x', generation: 0, deletionGracePeriodSeconds: 0 } });
  assert.deepEqual(noTimestamp.rows?.[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'x', creationTimestamp: null, deletionGracePeriodSeconds: 0 } });
});

test('a client asking for meta.k8s.io/v1beta1 gets that version on the Table and its rows', () => {
  const out = table(type('', 'pods'), pod, { apiVersion: 'meta.k8s.io/v1beta1' });
  assert.equal(out.apiVersion, 'meta.k8s.io/v1beta1');
  assert.equal((out.rows?.[0].object as { apiVersion: string }).apiVersion, 'meta.k8s.io/v1beta1');
});

test('finished pods carry the Completed row condition between cells and object', () => {
  const done = { ...pod, status: { phase: 'Succeeded', containerStatuses: [{ name: 'nginx', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } };
  assert.deepEqual(Object.keys(table(type('', 'pods'), done).rows?.[0] ?? {}), ['cells', 'conditions', 'object']);
});

test('resources without a printer get the default table: NAME and CREATED AT', () => {
  const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', creationTimestamp: '2025-05-01T08:30:15Z', resourceVersion: '7' }, rules: [] };
  const out = table(type('rbac.authorization.k8s.io', 'roles'), role);
  assert.deepEqual(out.columnDefinitions, [
    { name: 'Name', type: 'string', format: 'name', description: doc('ObjectMeta.name'), priority: 0 },
    { name: 'Created At', type: 'date', format: '', description: doc('ObjectMeta.creationTimestamp'), priority: 0 },
  ]);
  assert.deepEqual(out.rows?.[0].cells, ['reader', '2025-05-01T08:30:15Z']);
  for (const [group, resource] of [['', 'limitranges'], ['rbac.authorization.k8s.io', 'clusterroles'], ['apiextensions.k8s.io', 'customresourcedefinitions']]) {
    assert.deepEqual(table(type(group, resource), { metadata: { name: 'x', creationTimestamp: '2025-05-01T08:30:15.250+02:00' } }).rows?.[0].cells, ['x', '2025-05-01T06:30:15Z'], resource);
  }
  assert.deepEqual(table(type('', 'limitranges'), { metadata: { name: 'x' } }).rows?.[0].cells, ['x', '0001-01-01T00:00:00Z']);
});

test('an empty list has no rows at all from the default convertor, an empty array from the printers', () => {
  const empty: KubeList = { metadata: { resourceVersion: '9' }, items: [] };
  assert.equal(table(type('rbac.authorization.k8s.io', 'roles'), empty).rows, null);
  assert.deepEqual(table(type('', 'pods'), empty).rows, []);
});

test('custom resources use their CRD, and their scale subresource its own columns', () => {
  const crd: CustomResourceDefinition = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget', singular: 'widget' },
      versions: [{ name: 'v1', served: true, storage: true, subresources: { scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' } }, additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }] }],
    },
  };
  const [widgets] = crdResourceTypes(crd);
  const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', creationTimestamp: ago(MINUTE) }, spec: { size: 4 } };
  assert.deepEqual(table(widgets, widget, { crd }).rows?.[0].cells, ['w', 4]);
  const scale: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'w', creationTimestamp: ago(MINUTE) }, spec: { replicas: 4 }, status: { replicas: 2 } };
  assert.deepEqual(table(widgets, scale, { crd }).columnDefinitions?.map((c) => c.name), ['Name', 'Desired', 'Available', 'Age']);
  assert.deepEqual(table(type('apps', 'deployments'), scale).rows?.[0].cells, ['w', 4, 2, '60s']);
});

test('an owner reference whose apiVersion does not parse fails the request as upstream does', () => {
  const cr: KubeObject = { metadata: { name: 'r', ownerReferences: [{ apiVersion: 'a/b/c', kind: 'X', name: 'x', uid: 'u', controller: true }] }, revision: 1 };
  assert.deepEqual(toTable(type('apps', 'controllerrevisions'), cr, { now: NOW, includeObject: 'None' }), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'unexpected GroupVersion string: a/b/c', code: 500,
  });
});

test('every built-in resource prints one cell per column', () => {
  const minimal: KubeObject = { metadata: { name: 'x', creationTimestamp: ago(MINUTE) } };
  for (const t of builtinResources) {
    const out = table(t, minimal);
    const columns = out.columnDefinitions ?? [];
    assert.equal(out.rows?.[0].cells.length, columns.length, `${t.group}/${t.resource}`);
    assert.ok(columns.some((c) => c.name === 'Name' && (c.format === 'name' || t.resource === 'events')), `${t.group}/${t.resource}`);
  }
});

test('parseIncludeObject defaults to Metadata and rejects other values with the handler\'s 400', () => {
  assert.equal(parseIncludeObject(undefined), 'Metadata');
  assert.equal(parseIncludeObject(''), 'Metadata');
  assert.equal(parseIncludeObject('None'), 'None');
  assert.deepEqual(parseIncludeObject('All'), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', code: 400,
    message: "Unable to convert to Table as requested: includeObject: Invalid value: \"All\": must be 'Metadata', 'Object', 'None', or empty",
  });
});
