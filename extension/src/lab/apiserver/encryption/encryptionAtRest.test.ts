import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { isStatus, type KubeObject, type Status, type WatchEvent } from '../../api/types';
import type { ResourceRef } from '../../client/resources';
import { ManualClock, settle } from '../../clock';
import { Lab } from '../../lab';
import { validateLabSnapshot } from '../../labControl';
import type { StoreSnapshot } from '../../store/snapshot';
import { startTestLab } from '../../testLab';
import { AESCBC_PREFIX, AESGCM_PREFIX } from './config';

const SECRETS: ResourceRef = { group: '', version: 'v1', resource: 'secrets', namespaced: true };
const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const PASSWORD = 'hunter2-correct-horse';
const PASSWORD_B64 = Buffer.from(PASSWORD).toString('base64');
const KEY1 = Buffer.alloc(32, 1).toString('base64');
const KEY2 = Buffer.alloc(32, 2).toString('base64');

const entropy = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const labs: Lab[] = [];
after(() => labs.forEach((l) => l.stop()));

/** encryptionConfig encrypts secrets with providers, in order. */
function encryptionConfig(...providers: unknown[]): { config: unknown; randomBytes: (n: number) => Uint8Array } {
  return { config: { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources: ['secrets'], providers }] }, randomBytes: entropy };
}
const aescbc = (...names: ('key1' | 'key2')[]) => ({ aescbc: { keys: names.map((name) => ({ name, secret: name === 'key1' ? KEY1 : KEY2 })) } });

async function start(encryption?: ReturnType<typeof encryptionConfig>, snapshot?: StoreSnapshot): Promise<Lab> {
  const { lab } = await startTestLab(1, 7, { ...(encryption ? { encryption } : {}), ...(snapshot ? { snapshot } : {}) });
  labs.push(lab);
  return lab;
}

/** restart stops lab and starts another over its store with encryption: kube-apiserver restarted with a new configuration. */
async function restart(lab: Lab, encryption?: ReturnType<typeof encryptionConfig>): Promise<Lab> {
  lab.stop();
  return start(encryption, lab.snapshot());
}

function secret(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, data: { password: PASSWORD_B64 } };
}

async function raw(lab: Lab, name: string): Promise<string> {
  const kv = await lab.store.get(`/registry/secrets/default/${name}`);
  assert.ok(kv, `${name} is stored`);
  return kv.value;
}

async function readPassword(lab: Lab, name: string): Promise<string> {
  const got = await lab.client().get<KubeObject & { data: Record<string, string> }>(SECRETS, 'default', name);
  assert.ok(!isStatus(got), JSON.stringify(got));
  return Buffer.from(got.data.password, 'base64').toString();
}

describe('encryption at rest through the API server', () => {
  test('a Secret is stored encrypted, never as plaintext, and reads back through get, list and watch', async () => {
    const lab = await start(encryptionConfig(aescbc('key1'), { identity: {} }));
    const client = lab.client();
    const events: WatchEvent[] = [];
    const w = await client.watch(SECRETS, 'default', {}, (e) => events.push(e), () => undefined);
    const created = await client.create(SECRETS, secret('db'));
    assert.ok(!isStatus(created), JSON.stringify(created));
    await client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain', namespace: 'default' }, data: { note: 'visible' } });

    const stored = await raw(lab, 'db');
    assert.ok(stored.startsWith(`${AESCBC_PREFIX}key1:`), stored.slice(0, 30));
    for (const secretText of [PASSWORD, PASSWORD_B64, '"kind":"Secret"']) assert.ok(!stored.includes(secretText));
    // Resources the configuration does not name stay plaintext JSON.
    assert.match((await lab.store.get('/registry/configmaps/default/plain'))?.value ?? '', /^\{.*"visible"/);

    assert.equal(await readPassword(lab, 'db'), PASSWORD);
    const list = await client.list<KubeObject & { data: Record<string, string> }>(SECRETS, 'default');
    assert.ok(!isStatus(list));
    assert.deepEqual(list.items.filter((s) => s.metadata.name === 'db').map((s) => s.data.password), [PASSWORD_B64]);
    await new Promise((r) => setImmediate(r));
    const added = events.find((e) => e.type === 'ADDED' && (e.object as KubeObject).metadata.name === 'db');
    assert.equal((added?.object as { data?: Record<string, string> } | undefined)?.data?.password, PASSWORD_B64);
    w.cancel();

    // What a snapshot file or the persisted store would hold: no plaintext, and still a valid lab snapshot.
    const onDisk = JSON.stringify(lab.snapshot());
    assert.ok(!onDisk.includes(PASSWORD_B64) && !onDisk.includes(PASSWORD));
    assert.ok(!('error' in validateLabSnapshot(JSON.parse(onDisk))));

    const metrics = await lab.server.metrics.expose();
    assert.match(metrics, /^apiserver_storage_transformation_operations_total\{[^}]*transformation_type="to_storage"[^}]*\} [1-9]/m);
    assert.match(metrics, /transformer_prefix="k8s:enc:aescbc:v1:"/);
    assert.equal(lab.server.crashes, 0);
  });

  test('with identity first, Secrets are stored as plaintext', async () => {
    const lab = await start(encryptionConfig({ identity: {} }, { aesgcm: { keys: [{ name: 'g', secret: KEY1 }] } }));
    assert.ok(!isStatus(await lab.client().create(SECRETS, secret('plain'))));
    const stored = await raw(lab, 'plain');
    assert.ok(stored.startsWith('{') && stored.includes(PASSWORD_B64));
    assert.equal(await readPassword(lab, 'plain'), PASSWORD);
  });

  test('an aesgcm Secret copied under another key does not decrypt', async () => {
    const lab = await start(encryptionConfig({ aesgcm: { keys: [{ name: 'g', secret: KEY1 }] } }));
    assert.ok(!isStatus(await lab.client().create(SECRETS, secret('a'))));
    const stored = await raw(lab, 'a');
    assert.ok(stored.startsWith(`${AESGCM_PREFIX}g:`));
    let ended = false;
    const w = await lab.client().watch(SECRETS, 'default', {}, () => undefined, () => { ended = true; });
    await lab.store.txn({ compare: [], success: [{ type: 'put', key: '/registry/secrets/default/b', value: stored }], failure: [] });
    await settle();
    // The watch cache cannot read the change: as the cacher on a watch error, it ends its watches (clients watch again or relist).
    assert.ok(ended);
    w.cancel();
    const got = (await lab.client().get(SECRETS, 'default', 'b')) as Status;
    assert.equal(got.code, 500);
    assert.equal(got.message, 'Internal error occurred: unable to transform key "/registry/secrets/default/b": cipher: message authentication failed');
    assert.equal(lab.server.crashes, 0);
  });
});

describe('key rotation, as upstream documents it', () => {
  test('add the new key second, move it first, rewrite every Secret, remove the old key', async () => {
    // A Secret written before encryption was on, and one written with key1.
    let lab = await start();
    assert.ok(!isStatus(await lab.client().create(SECRETS, secret('before'))));
    lab = await restart(lab, encryptionConfig(aescbc('key1'), { identity: {} }));
    assert.ok(!isStatus(await lab.client().create(SECRETS, secret('s1'))));
    assert.ok((await raw(lab, 'before')).startsWith('{'), 'turning encryption on rewrites nothing');
    assert.ok((await raw(lab, 's1')).startsWith(`${AESCBC_PREFIX}key1:`));

    // 1. The new key second, restart: everything reads; writes still use key1 (every server can read what any writes).
    lab = await restart(lab, encryptionConfig(aescbc('key1', 'key2'), { identity: {} }));
    assert.ok(!isStatus(await lab.client().create(SECRETS, secret('s2'))));
    assert.ok((await raw(lab, 's2')).startsWith(`${AESCBC_PREFIX}key1:`));

    // 2. The new key first, restart: new writes use key2; old data still reads.
    lab = await restart(lab, encryptionConfig(aescbc('key2', 'key1'), { identity: {} }));
    assert.ok(!isStatus(await lab.client().create(SECRETS, secret('s3'))));
    assert.ok((await raw(lab, 's3')).startsWith(`${AESCBC_PREFIX}key2:`));
    for (const name of ['before', 's1', 's2', 's3']) assert.equal(await readPassword(lab, name), PASSWORD);

    // 3. kubectl get secrets --all-namespaces -o json | kubectl replace -f -: unchanged objects, rewritten because their data is stale.
    const client = lab.client();
    const all = await client.list<KubeObject>(SECRETS);
    assert.ok(!isStatus(all));
    for (const s of all.items) {
      const replaced = await client.update(SECRETS, { ...s, apiVersion: 'v1', kind: 'Secret' });
      assert.ok(!isStatus(replaced), JSON.stringify(replaced));
    }
    for (const s of all.items) {
      const value = (await lab.store.get(`/registry/secrets/${s.metadata.namespace}/${s.metadata.name}`))?.value ?? '';
      assert.ok(value.startsWith(`${AESCBC_PREFIX}key2:`), `${s.metadata.name} is rewritten with key2`);
    }
    // A second replace has nothing stale to rewrite: no new revision.
    const s3 = await client.get<KubeObject>(SECRETS, 'default', 's3');
    assert.ok(!isStatus(s3));
    const again = await client.update(SECRETS, s3);
    assert.ok(!isStatus(again));
    assert.equal(again.metadata.resourceVersion, s3.metadata.resourceVersion);

    // 4. The old key removed, restart: everything still reads.
    lab = await restart(lab, encryptionConfig(aescbc('key2')));
    for (const name of ['before', 's1', 's2', 's3']) assert.equal(await readPassword(lab, name), PASSWORD);
    assert.equal(lab.server.crashes, 0);
  });

  test('removing the old key before rewriting leaves its Secrets unreadable, with the storage error, and the server up', async () => {
    const first = await start(encryptionConfig(aescbc('key1')));
    assert.ok(!isStatus(await first.client().create(SECRETS, secret('old'))));
    first.stop();
    // The API server comes up; the controllers wait for a Secrets informer that cannot sync, as kube-controller-manager would, so start is not awaited.
    const lab = new Lab({ nodes: 1, clock: new ManualClock(), seed: 7, encryption: encryptionConfig(aescbc('key2')), snapshot: first.snapshot() });
    labs.push(lab);
    void lab.start();
    await settle();
    const got = (await lab.client().get(SECRETS, 'default', 'old')) as Status;
    assert.equal(got.code, 500);
    assert.equal(got.reason, 'InternalError');
    assert.equal(got.message, 'Internal error occurred: unable to transform key "/registry/secrets/default/old": no matching key was found for the provided AES transformer');
    // Other resources are unaffected.
    assert.ok(!isStatus(await lab.client().list(CONFIGMAPS, 'default')));
    assert.equal(lab.server.crashes, 0);
  });
});
