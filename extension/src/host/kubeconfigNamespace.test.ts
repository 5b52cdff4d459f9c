import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { withContextNamespace } from './kubeconfigNamespace';
import { kubeconfig } from '../lab/pki/kubeconfig';

const KEYS = { certPem: 'CERT', keyPem: 'KEY' };

test('withContextNamespace sets the current context\'s namespace and leaves the rest as it was', () => {
  const text = kubeconfig({ server: 'https://127.0.0.1:6443', caPem: 'CA', client: KEYS });
  const next = withContextNamespace(text, 'team');
  assert.equal(typeof next, 'string');
  const before = parse(text) as Record<string, unknown>;
  const after = parse(next as string) as { contexts: { name: string; context: Record<string, string> }[] } & Record<string, unknown>;
  assert.deepEqual(after.contexts, [{ name: 'kubelab', context: { cluster: 'kubelab', user: 'kubelab', namespace: 'team' } }]);
  assert.deepEqual({ ...after, contexts: undefined }, { ...before, contexts: undefined });
  // Setting it again replaces it.
  const again = parse(withContextNamespace(next as string, 'default') as string) as typeof after;
  assert.equal(again.contexts[0].context.namespace, 'default');
});

test('withContextNamespace only touches the current context', () => {
  const text = 'apiVersion: v1\nkind: Config\ncurrent-context: b\ncontexts:\n- name: a\n  context:\n    cluster: x\n- name: b\n  context:\n    cluster: y\n';
  const out = parse(withContextNamespace(text, 'ns') as string) as { contexts: { name: string; context: Record<string, string> }[] };
  assert.deepEqual(out.contexts, [{ name: 'a', context: { cluster: 'x' } }, { name: 'b', context: { cluster: 'y', namespace: 'ns' } }]);
});

test('withContextNamespace says why it cannot, with kubectl\'s words for a missing context', () => {
  assert.deepEqual(withContextNamespace('apiVersion: v1\nkind: Config\n', 'ns'), { error: 'current-context is not set' });
  assert.deepEqual(withContextNamespace('current-context: gone\ncontexts: []\n', 'ns'), { error: 'no context exists with the name: "gone"' });
  const bad = withContextNamespace('a: [', 'ns');
  assert.ok(typeof bad !== 'string' && bad.error.startsWith('the kubeconfig does not parse: '), JSON.stringify(bad));
});
