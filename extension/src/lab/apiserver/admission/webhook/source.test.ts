// Ordering and uids as staging/src/k8s.io/apiserver/pkg/admission/configuration/mutating_webhook_manager.go builds them.
import { MemoryCache } from '../../auth/memoryCache';
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { WebhookSource } from './source';
import type { MutatingWebhook } from './types';

const hook = (name: string, extra: Partial<MutatingWebhook> = {}): MutatingWebhook => ({ name, clientConfig: { url: 'https://x' }, ...extra });

test('configurations are walked by name, webhooks in order, same-named webhooks numbered', () => {
  const cache = new MemoryCache().replace('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', [
    { metadata: { name: 'b' }, webhooks: [hook('one.example.com')] },
    { metadata: { name: 'a' }, webhooks: [hook('x.example.com'), hook('x.example.com', { objectSelector: { matchLabels: { app: 'web' } } })] },
  ]);
  const hooks = new WebhookSource<MutatingWebhook>('mutatingwebhookconfigurations').webhooks(cache);
  assert.deepEqual(hooks.map((h) => h.uid), ['a/x.example.com/0', 'a/x.example.com/1', 'b/one.example.com/0']);
  assert.deepEqual(hooks[0].objectSelector, [], 'no selector selects everything');
  assert.deepEqual(hooks[1].objectSelector, [{ key: 'app', operator: 'In', values: ['web'] }]);
});

test('the list is rebuilt only when the cache version moves', () => {
  const cache = new MemoryCache().replace('admissionregistration.k8s.io', 'validatingwebhookconfigurations', [{ metadata: { name: 'a' }, webhooks: [hook('v')] }]);
  const source = new WebhookSource<MutatingWebhook>('validatingwebhookconfigurations');
  const first = source.webhooks(cache);
  assert.equal(source.webhooks(cache), first);
  cache.replace('admissionregistration.k8s.io', 'validatingwebhookconfigurations', []);
  assert.deepEqual(source.webhooks(cache), []);
});
