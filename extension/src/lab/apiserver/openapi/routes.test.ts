import assert from 'node:assert/strict';
import { test } from 'node:test';
import { operationIdAndTags, renderPaths, toValidOperationId } from './routes';
import type { Route } from './routes';

// Operation IDs and tags as api/openapi-spec publishes them.
const IDS: [operation: string, path: string, id: string, tag: string][] = [
  ['listNamespacedPod', '/api/v1/namespaces/{namespace}/pods', 'listCoreV1NamespacedPod', 'core_v1'],
  ['deletecollectionNamespacedDeployment', '/apis/apps/v1/namespaces/{namespace}/deployments', 'deleteAppsV1CollectionNamespacedDeployment', 'apps_v1'],
  ['watchNamespacedDeploymentList', '/apis/apps/v1/watch/namespaces/{namespace}/deployments', 'watchAppsV1NamespacedDeploymentList', 'apps_v1'],
  ['listDeploymentForAllNamespaces', '/apis/apps/v1/deployments', 'listAppsV1DeploymentForAllNamespaces', 'apps_v1'],
  ['readNamespacedPodLog', '/api/v1/namespaces/{namespace}/pods/{name}/log', 'readCoreV1NamespacedPodLog', 'core_v1'],
  ['connectGetNamespacedPodExec', '/api/v1/namespaces/{namespace}/pods/{name}/exec', 'connectCoreV1GetNamespacedPodExec', 'core_v1'],
  ['createClusterRole', '/apis/rbac.authorization.k8s.io/v1/clusterroles', 'createRbacAuthorizationV1ClusterRole', 'rbacAuthorization_v1'],
  ['getAPIResources', '/apis/apps/v1/', 'getAppsV1APIResources', 'apps_v1'],
  ['getAPIGroup', '/apis/apps/', 'getAppsAPIGroup', 'apps'],
  ['getAPIVersions', '/api/', 'getCoreAPIVersions', 'core'],
  ['getAPIVersions', '/apis/', 'getAPIVersions', 'apis'],
  ['getCodeVersion', '/version/', 'getCodeVersion', 'version'],
  ['listNamespacedCronTab', '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs', 'listStableExampleComV1NamespacedCronTab', 'stableExampleCom_v1'],
];

for (const [operation, path, id, tag] of IDS) {
  test(`${operation} at ${path} is ${id}, tagged ${tag}`, () => {
    assert.deepEqual(operationIdAndTags(operation, path), { id, tags: [tag] });
  });
}

test('toValidOperationId drops punctuation and capitalises what follows it', () => {
  assert.equal(toValidOperationId('flowcontrol.apiserver', true), 'FlowcontrolApiserver');
  assert.equal(toValidOperationId('v1beta1', false), 'v1beta1');
  assert.equal(toValidOperationId('9abc', false), 'Abc');
});

const route = (method: Route['method'], params: Route['params']): Route => ({
  path: '/apis/apps/v1/namespaces/{namespace}/deployments/{name}', method, description: `${method} it`, operation: `${method === 'get' ? 'read' : 'replace'}NamespacedDeployment`,
  params, consumes: ['*/*'], produces: ['application/json'], responses: [{ code: 200, message: 'OK', model: 'io.k8s.api.apps.v1.Deployment' }],
  ...(method === 'put' ? { body: { model: 'io.k8s.api.apps.v1.Deployment', required: true } } : {}), extensions: { 'x-kubernetes-action': method },
});

test('parameters every operation on a path shares move to the path, sorted by name; the rest stay, with the body as a requestBody (v3) or a body parameter (v2)', () => {
  const name = { name: 'name', in: 'path', type: 'string', required: true, description: 'name of the Deployment' } as const;
  const pretty = { name: 'pretty', in: 'query', type: 'string', description: 'p' } as const;
  const dryRun = { name: 'dryRun', in: 'query', type: 'string', description: 'd' } as const;
  const routes = [route('get', [pretty, name]), route('put', [pretty, dryRun, name])];
  const v3 = renderPaths(routes, 'v3')['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'] as Record<string, Record<string, unknown>>;
  assert.deepEqual((v3.parameters as unknown as { name: string }[]).map((p) => p.name), ['name', 'pretty']);
  assert.deepEqual(v3.put.parameters, [{ description: 'd', in: 'query', name: 'dryRun', schema: { type: 'string', uniqueItems: true } }]);
  assert.deepEqual(v3.put.requestBody, { content: { '*/*': { schema: { $ref: '#/components/schemas/io.k8s.api.apps.v1.Deployment' } } }, required: true });
  assert.deepEqual(v3.get.responses, { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/io.k8s.api.apps.v1.Deployment' } } }, description: 'OK' }, 401: { description: 'Unauthorized' } });
  const v2 = renderPaths(routes, 'v2')['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'] as Record<string, Record<string, unknown>>;
  assert.deepEqual(v2.put.parameters, [
    { in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' } },
    { description: 'd', in: 'query', name: 'dryRun', type: 'string', uniqueItems: true },
  ]);
  assert.deepEqual(v2.get.schemes, ['https']);
  assert.equal(v2.get.operationId, 'readAppsV1NamespacedDeployment');
});
