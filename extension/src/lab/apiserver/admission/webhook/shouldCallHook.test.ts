// Order and outcomes of staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/generic/webhook.go ShouldCallHook.
import { MemoryCache } from '../../auth/memoryCache';
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { celMatchConditions } from './celMatchConditions';
import { shouldCallHook, type EquivalentResourceMapper } from './shouldCallHook';
import { buildAccessors } from './source';
import { contextFor, podAttributes } from './testing';
import type { ValidatingWebhook } from './types';

const v2: EquivalentResourceMapper = {
  equivalentResourcesFor: (r) => [r, { ...r, version: 'v2' }],
  kindFor: (r) => (r.version === 'v2' ? { group: '', version: 'v2', kind: 'Pod' } : undefined),
};
const noKind: EquivalentResourceMapper = { ...v2, kindFor: () => undefined };

function accessor(extra: Partial<ValidatingWebhook>) {
  return buildAccessors([{ metadata: { name: 'c' }, webhooks: [{ name: 'w.example.com', clientConfig: { url: 'https://x' }, rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v2'], resources: ['pods'] }], ...extra }] }])[0];
}

const ctx = contextFor(new MemoryCache().replace('', 'namespaces', [{ metadata: { name: 'default' } }]));

test('under Equivalent a rule for another version of the resource matches, with that version and kind', async () => {
  const got = await shouldCallHook(accessor({}), podAttributes(), ctx, { matchConditions: celMatchConditions(), equivalentResources: v2 });
  assert.deepEqual(got, { resource: { group: '', version: 'v2', resource: 'pods' }, subresource: '', kind: { group: '', version: 'v2', kind: 'Pod' } });
});

test('under Exact it does not', async () => {
  assert.equal(await shouldCallHook(accessor({ matchPolicy: 'Exact' }), podAttributes(), ctx, { matchConditions: celMatchConditions(), equivalentResources: v2 }), undefined);
});

test('an equivalent resource without a kind is an internal error', async () => {
  const got = await shouldCallHook(accessor({}), podAttributes(), ctx, { matchConditions: celMatchConditions(), equivalentResources: noKind });
  assert.equal(got && 'code' in got ? got.message : got, 'Internal error occurred: unable to convert to /v2, Resource=pods: unknown kind');
});

test('a missing namespace only matters to a webhook whose rules match', async () => {
  const a = podAttributes({ namespace: 'ghost' });
  const selecting = { namespaceSelector: { matchLabels: { env: 'prod' } } };
  assert.equal(await shouldCallHook(accessor(selecting), a, ctx, { matchConditions: celMatchConditions() }), undefined);
  const matching = accessor({ ...selecting, rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] });
  const got = await shouldCallHook(matching, a, ctx, { matchConditions: celMatchConditions() });
  assert.equal(got && 'code' in got ? got.code : got, 404);
});
