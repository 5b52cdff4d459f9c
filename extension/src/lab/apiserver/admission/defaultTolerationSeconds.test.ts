import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod, Toleration } from '../../api/types';
import { newDefaultTolerationSeconds } from './defaultTolerationSeconds';
import { attributes } from './testing';

const pod = (tolerations?: Toleration[]): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx' }], ...(tolerations ? { tolerations } : {}) } });
const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

// Behaviour of plugin/pkg/admission/defaulttolerationseconds/admission.go.
const cases: { name: string; tolerations?: Toleration[]; want: Toleration[] }[] = [
  { name: 'adds both tolerations for 300 s', want: [notReady, unreachable] },
  { name: 'keeps a pod\'s own not-ready toleration', tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }], want: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }, unreachable] },
  { name: 'treats an empty effect as covering NoExecute', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }], want: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, notReady] },
  { name: 'adds nothing for a toleration of everything', tolerations: [{ operator: 'Exists' }], want: [{ operator: 'Exists' }] },
  { name: 'does not count a NoSchedule toleration', tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }], want: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }, notReady, unreachable] },
];

for (const c of cases) {
  test(`DefaultTolerationSeconds ${c.name}`, async () => {
    const p = pod(c.tolerations);
    await newDefaultTolerationSeconds().admit!(attributes({ kind: 'Pod', object: p }), undefined as never);
    assert.deepEqual(p.spec.tolerations, c.want);
  });
}

test('DefaultTolerationSeconds takes its seconds from the flags and ignores subresources', async () => {
  const p = pod();
  const plugin = newDefaultTolerationSeconds({ notReadySeconds: 60, unreachableSeconds: 120 });
  await plugin.admit!(attributes({ kind: 'Pod', object: p }), undefined as never);
  assert.deepEqual(p.spec.tolerations?.map((t) => t.tolerationSeconds), [60, 120]);
  const status = pod();
  await plugin.admit!(attributes({ kind: 'Pod', operation: 'UPDATE', subresource: 'status', object: status, oldObject: pod() }), undefined as never);
  assert.equal(status.spec.tolerations, undefined);
});
