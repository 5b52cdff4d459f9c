import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goName, goPackage, modelForKind, modelSchema, propertyAt } from './schema';

test('modelForKind maps served kinds to models, including the prefixed collisions', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['apps', 'v1', 'Deployment', 'V1Deployment'],
    ['', 'v1', 'Pod', 'V1Pod'],
    ['', 'v1', 'Event', 'CoreV1Event'],
    ['events.k8s.io', 'v1', 'Event', 'EventsV1Event'],
    ['resource.k8s.io', 'v1', 'ResourceClaim', 'ResourceV1ResourceClaim'],
    ['autoscaling', 'v2', 'HorizontalPodAutoscaler', 'V2HorizontalPodAutoscaler'],
    ['coordination.k8s.io', 'v1', 'Lease', 'V1Lease'],
    ['autoscaling', 'v1', 'Scale', 'V1Scale'],
    ['policy', 'v1', 'Eviction', 'V1Eviction'],
    ['authentication.k8s.io', 'v1', 'TokenRequest', 'AuthenticationV1TokenRequest'],
    ['apps', 'v1', 'Pod', undefined],
    ['', 'v1', 'Deployment', undefined],
  ];
  for (const [group, version, kind, model] of cases) {
    assert.equal(modelForKind(group, version, kind), model, `${group}/${version} ${kind}`);
  }
});

test('goName and goPackage are the Go type and package names errors print', () => {
  const cases: [string, string, string][] = [
    ['V1DeploymentSpec', 'DeploymentSpec', 'v1'],
    ['CoreV1Event', 'Event', 'v1'],
    ['V1beta1Lease', 'Lease', 'v1beta1'],
    ['V1APIGroup', 'APIGroup', 'v1'],
    ['V2HorizontalPodAutoscaler', 'HorizontalPodAutoscaler', 'v2'],
  ];
  for (const [model, name, pkg] of cases) {
    assert.equal(goName(model), name);
    assert.equal(goPackage(model), pkg);
  }
});

test('modelSchema gives types, formats and required properties', () => {
  const spec = modelSchema('V1DeploymentSpec');
  assert.ok(spec);
  assert.equal(spec.goName, 'DeploymentSpec');
  assert.deepEqual(spec.required, ['selector', 'template']);
  assert.deepEqual(spec.properties.replicas, { type: 'integer', format: 'int32' });
  assert.deepEqual(spec.properties.selector, { type: 'object', ref: 'V1LabelSelector' });
  const container = modelSchema('V1Container');
  assert.ok(container);
  assert.deepEqual(container.required, ['name']);
  assert.deepEqual(modelSchema('V1ObjectMeta')?.properties.creationTimestamp, { type: 'string', format: 'date-time' });
  assert.deepEqual(modelSchema('EventsV1Event')?.properties.eventTime, { type: 'string', format: 'date-time-micro' });
  assert.deepEqual(modelSchema('V1Secret')?.properties.data, { type: 'map', additionalProperties: { type: 'string', format: 'byte' } });
  assert.deepEqual(modelSchema('V1ResourceRequirements')?.properties.limits, { type: 'map', additionalProperties: { type: 'quantity' } });
  assert.deepEqual(modelSchema('V1EmptyDirVolumeSource')?.properties.sizeLimit, { type: 'quantity' });
  assert.deepEqual(modelSchema('V1ServicePort')?.properties.targetPort, { type: 'int-or-string' });
  assert.deepEqual(modelSchema('V1ControllerRevision')?.properties.data, { type: 'any' });
  assert.equal(modelSchema('V1Nope'), undefined);
});

test('patch metadata follows the Go struct tags and markers', () => {
  // From k8s.io/api core/v1, apps/v1 types.go and k8s.io/apimachinery meta/v1 types.go (release-1.36):
  // `patchStrategy:"merge" patchMergeKey:"name"`, `+listType=map`, `+listMapKey=…`, `+mapType=atomic`.
  const cases: [string, string, object][] = [
    ['V1PodSpec', 'containers', { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }],
    ['V1PodSpec', 'volumes', { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }],
    ['V1PodSpec', 'tolerations', { listType: 'atomic' }],
    ['V1PodSpec', 'nodeSelector', { mapType: 'atomic' }],
    ['V1Container', 'ports', { patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] }],
    ['V1Container', 'env', { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }],
    ['V1ServiceSpec', 'ports', { patchStrategy: 'merge', patchMergeKey: 'port', listType: 'map', listMapKeys: ['port', 'protocol'] }],
    ['V1DeploymentSpec', 'strategy', { patchStrategy: 'retainKeys' }],
    ['V1DeploymentStatus', 'conditions', { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'map', listMapKeys: ['type'] }],
    ['V1ObjectMeta', 'ownerReferences', { patchStrategy: 'merge', patchMergeKey: 'uid', listType: 'map', listMapKeys: ['uid'] }],
    ['V1ObjectMeta', 'finalizers', { patchStrategy: 'merge', listType: 'set' }],
    ['V1NodeSpec', 'taints', { listType: 'atomic' }],
    ['V1ClusterRole', 'rules', { listType: 'atomic' }],
    ['V1JobStatus', 'conditions', { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'atomic' }],
  ];
  for (const [model, prop, meta] of cases) {
    const p = modelSchema(model)?.properties[prop];
    assert.ok(p, `${model}.${prop}`);
    const { patchStrategy, patchMergeKey, listType, listMapKeys, mapType } = p;
    assert.deepEqual(JSON.parse(JSON.stringify({ patchStrategy, patchMergeKey, listType, listMapKeys, mapType })), meta, `${model}.${prop}`);
  }
  assert.equal(modelSchema('V1LabelSelector')?.mapType, 'atomic');
  assert.equal(modelSchema('V1OwnerReference')?.mapType, 'atomic');
  assert.equal(modelSchema('V1PodSpec')?.mapType, undefined);
});

test('propertyAt walks through list items and map values', () => {
  assert.deepEqual(propertyAt('V1Deployment', ['spec', 'template', 'spec', 'containers', 'ports', 'containerPort']), { type: 'integer', format: 'int32' });
  assert.deepEqual(propertyAt('V1Pod', ['spec', 'containers', 'resources', 'limits']), { type: 'map', additionalProperties: { type: 'quantity' } });
  assert.equal(propertyAt('V1Pod', ['spec', 'nope']), undefined);
  assert.equal(propertyAt('V1Pod', ['metadata', 'name', 'deeper']), undefined);
});
