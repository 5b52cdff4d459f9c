import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../../random';
import type { AdmissionPlugin } from './admission';
import { builtinPlugins } from './plugins';

const random = new SeededRandom(1);
const namesOf = (chain: AdmissionPlugin[] | { error: string }) => (Array.isArray(chain) ? chain.map((p) => p.name) : chain);

// Order and default set from pkg/kubeapiserver/options/plugins.go (AllOrderedPlugins, DefaultOffAdmissionPlugins).
test('builtinPlugins runs the default-enabled plugins in upstream order', () => {
  assert.deepEqual(namesOf(builtinPlugins({ random })), [
    'NamespaceLifecycle', 'LimitRanger', 'ServiceAccount', 'TaintNodesByCondition', 'PodSecurity', 'Priority',
    'DefaultTolerationSeconds', 'DefaultStorageClass', 'StorageObjectInUseProtection', 'ResourceQuota',
  ]);
});

test('builtinPlugins keeps upstream order whatever order plugins are enabled in, and honours disabling', () => {
  const webhook: AdmissionPlugin = { name: 'ValidatingAdmissionWebhook' };
  assert.deepEqual(namesOf(builtinPlugins({ random, enable: ['NodeRestriction'], disable: ['ResourceQuota', 'LimitRanger'], external: [webhook] })), [
    'NamespaceLifecycle', 'ServiceAccount', 'NodeRestriction', 'TaintNodesByCondition', 'PodSecurity', 'Priority',
    'DefaultTolerationSeconds', 'DefaultStorageClass', 'StorageObjectInUseProtection', 'ValidatingAdmissionWebhook',
  ]);
});

test('builtinPlugins refuses unknown plugin names as kube-apiserver does', () => {
  assert.deepEqual(builtinPlugins({ random, enable: ['NodeRestrictions'] }), { error: 'enable-admission-plugins plugin "NodeRestrictions" is unknown' });
  assert.deepEqual(builtinPlugins({ random, disable: ['Quota'] }), { error: 'disable-admission-plugins plugin "Quota" is unknown' });
});
