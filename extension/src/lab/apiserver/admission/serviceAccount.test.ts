import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, Pod } from '../../api/types';
import { SeededRandom } from '../../random';
import { DEFAULT_API_TOKEN_MOUNT_PATH, newServiceAccount, tokenVolumeSource } from './serviceAccount';
import { FakeServer, attributes } from './testing';

const sa = (name: string, extra: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) }, ...extra });
const pod = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'web', image: 'nginx' }], ...spec },
});

async function admitThenValidate(p: Pod, ...accounts: KubeObject[]) {
  const server = new FakeServer(accounts);
  const plugin = newServiceAccount(new SeededRandom(7));
  const a = attributes({ kind: 'Pod', object: p });
  const admitted = await plugin.admit!(a, server.context());
  return admitted ?? (await plugin.validate!(a, server.context()));
}

test('ServiceAccount defaults the account and mounts a projected token into every container', async () => {
  const p = pod({ initContainers: [{ name: 'setup', image: 'busybox' }] });
  assert.equal(await admitThenValidate(p, sa('default')), undefined);
  assert.equal(p.spec.serviceAccountName, 'default');
  const volumes = p.spec.volumes as { name: string; projected: unknown }[];
  assert.equal(volumes.length, 1);
  assert.match(volumes[0].name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(volumes[0].projected, tokenVolumeSource());
  const mount = { name: volumes[0].name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
  assert.deepEqual(p.spec.containers[0].volumeMounts, [mount]);
  assert.deepEqual(p.spec.initContainers?.[0].volumeMounts, [mount]);
  assert.equal(p.spec.imagePullSecrets, undefined);
});

test('ServiceAccount projects the token, the cluster CA and the namespace (TokenVolumeSource)', () => {
  assert.deepEqual(tokenVolumeSource(), {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  });
});

const automount: { name: string; pod?: boolean; account?: boolean; mounted: boolean }[] = [
  { name: 'mounts by default', mounted: true },
  { name: 'respects the pod opting out', pod: false, mounted: false },
  { name: 'respects the account opting out', account: false, mounted: false },
  { name: 'lets the pod overrule its account', pod: true, account: false, mounted: true },
];
for (const c of automount) {
  test(`ServiceAccount ${c.name}`, async () => {
    const p = pod(c.pod === undefined ? {} : { automountServiceAccountToken: c.pod });
    await admitThenValidate(p, sa('default', c.account === undefined ? {} : { automountServiceAccountToken: c.account }));
    assert.equal(p.spec.volumes !== undefined, c.mounted);
  });
}

test('ServiceAccount leaves a container that already mounts the token path alone, and copies pull secrets', async () => {
  const p = pod({ containers: [{ name: 'web', image: 'nginx', volumeMounts: [{ name: 'mine', mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }] }] });
  await admitThenValidate(p, sa('default', { imagePullSecrets: [{ name: 'registry' }] }));
  assert.equal(p.spec.volumes, undefined);
  assert.deepEqual(p.spec.containers[0].volumeMounts, [{ name: 'mine', mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }]);
  assert.deepEqual(p.spec.imagePullSecrets, [{ name: 'registry' }]);
});

// Messages from plugin/pkg/admission/serviceaccount/admission.go; the lookup miss is
// errors.NewNotFound(api.Resource("serviceaccount"), name).
const rejections: { name: string; pod: Pod; accounts: KubeObject[]; message: string }[] = [
  { name: 'a missing default account', pod: pod(), accounts: [], message: 'pods "web" is forbidden: error looking up service account default/default: serviceaccount "default" not found' },
  { name: 'a missing named account', pod: pod({ serviceAccountName: 'builder' }), accounts: [sa('default')], message: 'pods "web" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found' },
  { name: 'a mirror pod naming an account', pod: pod({ serviceAccountName: 'default' }, { 'kubernetes.io/config.mirror': 'abc' }), accounts: [sa('default')], message: 'pods "web" is forbidden: a mirror pod may not reference service accounts' },
  { name: 'a mirror pod using a secret', pod: pod({ volumes: [{ name: 's', secret: { secretName: 'token' } }] }, { 'kubernetes.io/config.mirror': 'abc' }), accounts: [], message: 'pods "web" is forbidden: a mirror pod may not reference secrets' },
  { name: 'a mirror pod projecting a token', pod: pod({ volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }] }, { 'kubernetes.io/config.mirror': 'abc' }), accounts: [], message: 'pods "web" is forbidden: a mirror pod may not use ServiceAccountToken volume projections' },
  {
    name: 'a secret the account does not list, when it enforces mountable secrets',
    pod: pod({ volumes: [{ name: 's', secret: { secretName: 'other' } }] }),
    accounts: [sa('default', { secrets: [{ name: 'mine' }] }, { 'kubernetes.io/enforce-mountable-secrets': 'true' })],
    message: 'pods "web" is forbidden: volume with secret.secretName="other" is not allowed because service account default does not reference that secret',
  },
  {
    name: 'an env secret the account does not list',
    pod: pod({ containers: [{ name: 'web', image: 'nginx', env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } }] }] }),
    accounts: [sa('default', { secrets: [] }, { 'kubernetes.io/enforce-mountable-secrets': 'true' })],
    message: 'pods "web" is forbidden: container web with envVar PASSWORD referencing secret.secretName="db" is not allowed because service account default does not reference that secret',
  },
];
for (const r of rejections) {
  test(`ServiceAccount refuses ${r.name}`, async () => {
    const status = await admitThenValidate(r.pod, ...r.accounts);
    assert.equal(status?.code, 403);
    assert.equal(status?.message, r.message);
  });
}

test('ServiceAccount does not change or check a mirror pod without references, nor pod updates', async () => {
  const mirror = pod({}, { 'kubernetes.io/config.mirror': 'abc' });
  assert.equal(await admitThenValidate(mirror), undefined);
  assert.equal(mirror.spec.serviceAccountName, undefined);
  const plugin = newServiceAccount(new SeededRandom(1));
  const update = attributes({ kind: 'Pod', operation: 'UPDATE', object: pod({ serviceAccountName: 'gone' }), oldObject: pod({ serviceAccountName: 'gone' }) });
  assert.equal(await plugin.admit!(update, new FakeServer().context()), undefined);
  assert.equal(await plugin.validate!(update, new FakeServer().context()), undefined);
});
