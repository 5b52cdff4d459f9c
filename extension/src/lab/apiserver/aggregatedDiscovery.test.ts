/**
 * Discovery's documents against kube-apiserver 1.32's: the legacy lists (sorted
 * resources, subresources with the kinds their storages serve, storage version
 * hashes, groups in priority order) and the aggregated APIGroupDiscoveryList
 * with its ETag, custom resources as apiextensions-apiserver lists them.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { AggregatedDiscoveryCache, aggregatedDiscoveryBody, buildAggregatedDiscovery, isAggregatedDiscovery } from './aggregatedDiscovery';
import { crdResourceTypes } from './apiextensions/resourceTypes';
import type { CustomResourceDefinition } from './apiextensions/types';
import { compareKubeAwareVersions, discovery, storageVersionHash } from './discovery';
import { virtualResources } from './handlers/virtual';
import { builtinResources } from './registry';
import { ResourceTable } from './resources';

type Json = Record<string, any>;

const CRD: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com', scope: 'Cluster', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
    versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {}, scale: { specReplicasPath: '.spec.r', statusReplicasPath: '.status.r' } } }],
  },
};

const table = (): ResourceTable => new ResourceTable([...builtinResources, ...virtualResources]);

test('storageVersionHash is the first 8 bytes of sha256("group/version/kind")', () => {
  assert.equal(storageVersionHash('', 'v1', 'Pod'), 'xPOwRZ+Yhw8=');
});

test('a group version lists its resources sorted by path, each subresource with its storage\'s kind', () => {
  const list = discovery(table(), '/api/v1') as Json;
  const names = list.resources.map((r: Json): string => r.name as string);
  assert.deepEqual(names, [...names].sort());
  const byName = (n: string): Json => (list.resources as Json[]).find((r) => r.name === n) as Json;
  assert.deepEqual(byName('pods'), {
    name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['po'], categories: ['all'], storageVersionHash: 'xPOwRZ+Yhw8=',
  });
  assert.deepEqual(byName('pods/eviction'), { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  assert.deepEqual(byName('pods/binding'), { name: 'pods/binding', singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] });
  assert.deepEqual(byName('pods/log'), { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  assert.equal(byName('componentstatuses').storageVersionHash, undefined);
  assert.deepEqual(byName('serviceaccounts/token'), { name: 'serviceaccounts/token', singularName: '', namespaced: true, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] });
});

test('/apis lists groups in kube-apiserver\'s priority order, others after by name, metrics-server\'s last', () => {
  const groups = (discovery(table(), '/apis') as Json).groups.map((g: Json): string => g.name as string);
  assert.deepEqual(groups.slice(0, 4), ['apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io']);
  assert.ok(groups.indexOf('admissionregistration.k8s.io') < groups.indexOf('apiextensions.k8s.io'));
  assert.deepEqual(groups.slice(-2), ['lab.kubelab.dev', 'metrics.k8s.io']);
});

test('versions order as kube-aware versions: GA, beta, alpha, higher first', () => {
  assert.deepEqual(['v1alpha1', 'v1beta2', 'v2', 'v1', 'v1beta1', 'foo'].sort(compareKubeAwareVersions), ['v2', 'v1', 'v1beta2', 'v1beta1', 'v1alpha1', 'foo']);
});

test('the aggregated list converts each resource as ConvertGroupVersionIntoToDiscovery does', () => {
  const { items } = buildAggregatedDiscovery(table(), true);
  assert.equal(items.length, 1);
  assert.deepEqual(items[0].metadata, { creationTimestamp: null });
  const [v1] = items[0].versions;
  assert.equal(v1.freshness, 'Current');
  const pods = v1.resources?.find((r) => r.resource === 'pods');
  assert.deepEqual(pods?.responseKind, { group: '', version: '', kind: 'Pod' });
  assert.equal(pods?.scope, 'Namespaced');
  assert.deepEqual(pods?.subresources?.find((s) => s.subresource === 'eviction'), { subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] });
  const apps = buildAggregatedDiscovery(table(), false).items.find((g) => g.metadata.name === 'apps');
  assert.deepEqual(apps?.versions[0].resources?.find((r) => r.resource === 'deployments')?.subresources?.map((s) => s.subresource), ['scale', 'status']);
});

test('a custom resource is listed with its group and version in responseKind, and apiextensions-apiserver\'s verbs', () => {
  const t = table();
  t.add(crdResourceTypes(CRD));
  const group = buildAggregatedDiscovery(t, false).items.find((g) => g.metadata.name === 'example.com');
  assert.deepEqual(group?.versions[0].resources, [{
    resource: 'widgets', responseKind: { group: 'example.com', version: 'v1', kind: 'Widget' }, scope: 'Cluster', singularResource: 'widget',
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'], shortNames: ['wd'], categories: ['all'],
    subresources: [
      { subresource: 'status', responseKind: { group: 'example.com', version: 'v1', kind: 'Widget' }, verbs: ['get', 'patch', 'update'] },
      { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
    ],
  }]);
});

test('the ETag is the SHA-512 of the list as json.Marshal writes it, and changes when the served types do', () => {
  const t = table();
  const cache = new AggregatedDiscoveryCache(t);
  const before = cache.get(false);
  assert.equal(before.etag, createHash('sha512').update(JSON.stringify({ metadata: {}, items: before.items })).digest('hex').toUpperCase());
  assert.equal(cache.get(false), before);
  t.add(crdResourceTypes(CRD));
  assert.notEqual(cache.get(false).etag, before.etag);
  assert.deepEqual(Object.keys(aggregatedDiscoveryBody(before, 'v2beta1')), ['kind', 'apiVersion', 'metadata', 'items']);
  assert.equal((aggregatedDiscoveryBody(before, 'v2beta1') as Json).apiVersion, 'apidiscovery.k8s.io/v2beta1');
});

test('only APIGroupDiscoveryList in apidiscovery.k8s.io v2 or v2beta1 is aggregated discovery', () => {
  assert.ok(isAggregatedDiscovery({ kind: 'APIGroupDiscoveryList', group: 'apidiscovery.k8s.io', version: 'v2beta1' }));
  assert.ok(!isAggregatedDiscovery({ kind: 'APIGroupDiscoveryList', group: 'apidiscovery.k8s.io', version: 'v1' }));
});
