/**
 * The OpenAPI documents' shape against kube-apiserver 1.32's (api/openapi-spec):
 * upstream definition names, x-kubernetes-group-version-kind, patch and list
 * extensions, descriptions with their enum values, defaults, refs wrapped in
 * allOf, the installer's paths and operations, custom resources' documents, and
 * the Swagger 2.0 form.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { CustomResourceDefinition } from '../apiextensions/types';
import { builtinResources } from '../registry';
import { ResourceTable } from '../resources';
import { crdResourceTypes } from '../apiextensions/resourceTypes';
import { OpenApiDocuments, toV2 } from './documents';

type Json = Record<string, any>;

const CRONTAB: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'crontabs.stable.example.com', uid: 'u1', resourceVersion: '5' },
  spec: {
    group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList' },
    versions: [{
      name: 'v1', served: true, storage: true, subresources: { status: {} },
      schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { cronSpec: { type: 'string' }, port: { 'x-kubernetes-int-or-string': true } } } } } },
    }],
  },
};

function setup(crds: CustomResourceDefinition[] = []): { docs: OpenApiDocuments; table: ResourceTable } {
  const table = new ResourceTable(builtinResources);
  for (const c of crds) table.add(crdResourceTypes(c));
  return { docs: new OpenApiDocuments({ table, crds: () => crds }), table };
}

function doc(docs: OpenApiDocuments, name: string): Json {
  const d = docs.v3Document(name);
  assert.ok(d, `no document ${name}`);
  return JSON.parse(d.json.toString()) as Json;
}

test('the index names each group version\'s document with the hash of its bytes', () => {
  const { docs } = setup();
  const index = JSON.parse(docs.v3Index().json.toString()) as Json;
  for (const name of ['api', 'api/v1', 'apis', 'apis/apps', 'apis/apps/v1', 'apis/batch/v1', 'version']) assert.ok(index.paths[name], name);
  const apps = docs.v3Document('apis/apps/v1');
  assert.equal(apps?.etag, createHash('sha512').update(apps?.json ?? '').digest('hex').toUpperCase());
  assert.equal(index.paths['apis/apps/v1'].serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${apps?.etag}`);
  assert.equal(docs.v3Document('apis/apps/v1'), apps, 'a document is built once per served set');
  assert.equal(docs.v3Document('apis/nope/v1'), undefined);
});

test('definitions are named, described and extended as upstream\'s', () => {
  const { docs } = setup();
  const schemas = doc(docs, 'apis/apps/v1').components.schemas as Json;
  assert.deepEqual(schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  assert.deepEqual(schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy, {
    allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }], default: {},
    description: 'The deployment strategy to use to replace existing pods with new ones.', 'x-kubernetes-patch-strategy': 'retainKeys',
  });
  assert.deepEqual(schemas['io.k8s.api.apps.v1.DeploymentStrategy'].properties.type.enum, ['Recreate', 'RollingUpdate']);
  assert.match(schemas['io.k8s.api.apps.v1.DeploymentStrategy'].properties.type.description, /\n\nPossible enum values:\n - `"Recreate"` Kill all existing pods before creating new ones\.\n/);
  assert.deepEqual(schemas['io.k8s.api.apps.v1.DaemonSetStatus'].properties.conditions, {
    description: 'Represents the latest available observations of a DaemonSet\'s current state.',
    items: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DaemonSetCondition' }], default: {} }, type: 'array',
    'x-kubernetes-list-map-keys': ['type'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-patch-strategy': 'merge',
  });
  assert.deepEqual(schemas['io.k8s.api.apps.v1.DeploymentSpec'].required, ['selector', 'template']);
  const { description, ...intOrString } = schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] as Json;
  assert.match(description as string, /^IntOrString is a type that can hold an int32 or a string\./);
  assert.deepEqual(intOrString, { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] });
  const { description: q, ...quantity } = schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'] as Json;
  assert.ok(q);
  assert.deepEqual(quantity, { oneOf: [{ type: 'string' }, { type: 'number' }] });
  assert.deepEqual(schemas['io.k8s.api.core.v1.ResourceRequirements'].properties.limits.additionalProperties, { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' });
  assert.deepEqual(schemas['io.k8s.api.core.v1.Container'].properties.args.items, { default: '', type: 'string' });
  assert.equal(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference']['x-kubernetes-map-type'], 'atomic');
  assert.ok(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']['x-kubernetes-group-version-kind'].some((g: Json) => g.group === 'apps' && g.kind === 'DeleteOptions'));
  assert.equal(schemas['io.k8s.api.batch.v1.Job'], undefined, 'a document carries only the definitions its paths reach');
});

test('paths and operations are the installer\'s', () => {
  const { docs } = setup();
  const paths = doc(docs, 'apis/apps/v1').paths as Json;
  const item = paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
  assert.deepEqual(item.parameters.map((p: Json): string => p.name as string), ['name', 'namespace', 'pretty']);
  assert.equal(item.parameters[0].description, 'name of the Deployment');
  const patch = item.patch as Json;
  assert.equal(patch.operationId, 'patchAppsV1NamespacedDeployment');
  assert.equal(patch.description, 'partially update the specified Deployment');
  assert.deepEqual(patch.parameters.map((p: Json): string => p.name as string), ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  assert.deepEqual(Object.keys(patch.requestBody.content), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
  assert.equal(patch['x-kubernetes-action'], 'patch');
  assert.deepEqual(Object.keys(patch.responses), ['200', '201', '401']);
  const scale = paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
  assert.equal(scale.get.operationId, 'readAppsV1NamespacedDeploymentScale');
  assert.equal(scale.parameters[0].description, 'name of the Scale');
  assert.deepEqual(scale.get['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
  assert.equal(paths['/apis/apps/v1/deployments'].get.operationId, 'listAppsV1DeploymentForAllNamespaces');
  assert.equal(paths['/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}'].get['x-kubernetes-action'], 'watch');
  assert.equal(paths['/apis/apps/v1/namespaces/{namespace}/deployments'].delete.operationId, 'deleteAppsV1CollectionNamespacedDeployment');
  assert.equal(paths['/apis/apps/v1/'].get.operationId, 'getAppsV1APIResources');
  const core = doc(docs, 'api/v1').paths as Json;
  const log = core['/api/v1/namespaces/{namespace}/pods/{name}/log'] as Json;
  assert.deepEqual(log.get.responses['200'].content['text/plain'], { schema: { type: 'string' } });
  // A path with one operation has all its parameters at the path.
  assert.ok(log.parameters.some((p: Json) => p.name === 'tailLines'));
  assert.equal(core['/api/v1/namespaces/{namespace}/pods/{name}'].delete.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.api.core.v1.Pod');
  assert.equal(core['/api/v1/namespaces/{namespace}/configmaps/{name}'].delete.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Status');
  assert.equal(core['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post.operationId, 'createCoreV1NamespacedPodEviction');
});

test('a custom resource\'s group version is the CRD builder\'s document: its schema with TypeMeta and ObjectMeta, JSON and YAML only, no strategic merge patch', () => {
  const { docs } = setup([CRONTAB]);
  const d = doc(docs, 'apis/stable.example.com/v1');
  assert.deepEqual(d.info, { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' });
  const crontab = d.components.schemas['com.example.stable.v1.CronTab'] as Json;
  assert.deepEqual(crontab['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
  assert.deepEqual(crontab.properties.metadata, { allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }], description: 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata' });
  assert.deepEqual(crontab.properties.spec.properties.port.anyOf, [{ type: 'integer' }, { type: 'string' }]);
  assert.ok(d.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  const patch = d.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch as Json;
  assert.equal(patch.operationId, 'patchStableExampleComV1NamespacedCronTab');
  assert.deepEqual(Object.keys(patch.requestBody.content), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
  assert.ok(patch.parameters.some((p: Json) => p.name === 'fieldValidation'));
  assert.ok(d.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/status']);
  assert.equal(d.paths['/apis/stable.example.com/v1/crontabs'].get.operationId, 'listStableExampleComV1CronTabForAllNamespaces');
});

test('a changed CRD changes its group version\'s document and hash', () => {
  const crd = structuredClone(CRONTAB);
  const { docs } = setup([crd]);
  const before = docs.v3Document('apis/stable.example.com/v1')?.etag;
  crd.metadata.resourceVersion = '6';
  (crd.spec.versions[0].schema?.openAPIV3Schema?.properties?.spec.properties as Json).image = { type: 'string' };
  assert.notEqual(docs.v3Document('apis/stable.example.com/v1')?.etag, before);
});

test('Swagger 2.0 has every path, refs under #/definitions unwrapped from allOf, no defaults, and Quantity a string', () => {
  const { docs } = setup();
  const v2 = JSON.parse(docs.v2Document().json.toString()) as Json;
  assert.equal(v2.swagger, '2.0');
  assert.ok(v2.paths['/api/v1/namespaces/{namespace}/pods'] && v2.paths['/apis/apps/v1/namespaces/{namespace}/deployments']);
  assert.deepEqual(v2.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.template, {
    $ref: '#/definitions/io.k8s.api.core.v1.PodTemplateSpec',
    description: 'Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".',
  });
  const { description: quantityDoc, ...quantity } = v2.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] as Json;
  assert.ok(quantityDoc);
  assert.deepEqual(quantity, { type: 'string' });
  assert.deepEqual(v2.securityDefinitions, { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } });
  assert.deepEqual(toV2({ allOf: [{ $ref: '#/components/schemas/x' }], default: {}, description: 'd' }), { $ref: '#/definitions/x', description: 'd' });
});
