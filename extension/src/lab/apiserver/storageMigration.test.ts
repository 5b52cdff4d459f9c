import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isStatus, type KubeObject } from '../api/types';
import type { ResourceRef } from '../client/resources';
import { ManualClock } from '../clock';
import { Lab } from '../lab';
import { MemoryStore } from '../store/memoryStore';
import type { StoreSnapshot } from '../store/snapshot';
import { DurableStore } from '../store/durableStore';
import type { KeyValue } from '../store/store';
import { startTestLab, webDeployment } from '../testLab';
import { encryptionTransformers } from './encryption/config';
import { builtinResources } from './registry';
import { migrateLegacyKeys } from './storageMigration';
import { legacyKeyPrefix, resourcePrefix, storageKeyPrefix } from './storagePrefix';

const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services', namespaced: true };
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false };
const CLUSTER_ROLES: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false };

const prefixes: [string, string, boolean, string][] = [
  ['', 'pods', false, 'pods'],
  ['', 'services', false, 'services/specs'],
  ['', 'endpoints', false, 'services/endpoints'],
  ['', 'nodes', false, 'minions'],
  ['', 'replicationcontrollers', false, 'controllers'],
  ['', 'serviceaccounts', false, 'serviceaccounts'],
  ['apps', 'deployments', false, 'deployments'],
  ['batch', 'cronjobs', false, 'cronjobs'],
  ['rbac.authorization.k8s.io', 'clusterrolebindings', false, 'clusterrolebindings'],
  ['networking.k8s.io', 'ingresses', false, 'ingress'],
  ['policy', 'podsecuritypolicies', false, 'podsecuritypolicy'],
  ['coordination.k8s.io', 'leases', false, 'leases'],
  ['apiextensions.k8s.io', 'customresourcedefinitions', false, 'apiextensions.k8s.io/customresourcedefinitions'],
  ['apiregistration.k8s.io', 'apiservices', false, 'apiregistration.k8s.io/apiservices'],
  ['stable.example.com', 'crontabs', true, 'stable.example.com/crontabs'],
];
for (const [group, resource, custom, want] of prefixes) {
  test(`${resource}${group ? `.${group}` : ''}${custom ? ' (custom)' : ''} is stored under /registry/${want}/`, () => {
    assert.equal(resourcePrefix(group, resource, custom), want);
  });
}

test('every built-in resource has a prefix of its own, so no two share keys', () => {
  const owners = new Map<string, string>();
  for (const t of builtinResources) {
    const prefix = storageKeyPrefix(t.group, t.resource);
    const owner = owners.get(prefix);
    const name = `${t.resource}.${t.group}`;
    assert.ok(owner === undefined || owner === name, `${prefix} is both ${owner ?? ''}'s and ${name}'s`);
    owners.set(prefix, name);
  }
  // No prefix holds another's keys either, but the services' two (specs and endpoints) beside each other.
  const all = [...owners.keys()];
  for (const a of all) for (const b of all) assert.ok(a === b || !b.startsWith(a), `${b} is under ${a}`);
});

const ENCRYPT_DEPLOYMENTS = {
  config: {
    apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration',
    resources: [{ resources: ['deployments.apps'], providers: [{ aesgcm: { keys: [{ name: 'key1', secret: Buffer.alloc(32, 3).toString('base64') }] } }, { identity: {} }] }],
  },
  randomBytes: (n: number) => new Uint8Array(randomBytes(n)),
};

/**
 * toLegacy rewrites a snapshot as an older lab stored it: each built-in
 * object under `/registry/<group>/<resource>/`, encrypted values bound to that key.
 */
function toLegacy(snapshot: StoreSnapshot): StoreSnapshot {
  const transformers = encryptionTransformers(ENCRYPT_DEPLOYMENTS.config, { randomBytes: ENCRYPT_DEPLOYMENTS.randomBytes });
  if ('error' in transformers) throw new Error(transformers.error);
  const types = [...builtinResources].sort((a, b) => storageKeyPrefix(b.group, b.resource).length - storageKeyPrefix(a.group, a.resource).length);
  const kvs = snapshot.kvs.map((kv): KeyValue => {
    const t = types.find((x) => kv.key.startsWith(storageKeyPrefix(x.group, x.resource)));
    if (!t) return kv;
    const key = legacyKeyPrefix(t.group, t.resource) + kv.key.slice(storageKeyPrefix(t.group, t.resource).length);
    const transformer = transformers.transformerFor(t.group, t.resource);
    if (!transformer) return { ...kv, key };
    const plain = transformer.fromStorage(kv.value, kv.key);
    assert.ok(plain.ok);
    return { ...kv, key, value: transformer.toStorage(plain.data, key) };
  });
  return { ...snapshot, kvs: kvs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) };
}

/** LEGACY_ONLY are old prefixes no new key lives under: after a migration none of them holds a key. */
const LEGACY_ONLY = ['/registry/apps/', '/registry/rbac.authorization.k8s.io/', '/registry/nodes/', '/registry/endpoints/', '/registry/coordination.k8s.io/', '/registry/storage.k8s.io/'];

async function legacyKeys(store: { range(prefix: string): Promise<{ kvs: KeyValue[] }> }): Promise<string[]> {
  const keys: string[] = [];
  for (const p of LEGACY_ONLY) keys.push(...(await store.range(p)).kvs.map((kv) => kv.key));
  // Old service keys are two segments under /registry/services/; new ones sit under specs/ or endpoints/.
  keys.push(...(await store.range('/registry/services/')).kvs.map((kv) => kv.key).filter((k) => !/^\/registry\/services\/(specs|endpoints)\//.test(k)));
  return keys;
}

/** oldLab is a lab with a Deployment, a Service and the bootstrap's objects, stopped, as an older lab would have saved it. */
async function oldLab(): Promise<{ legacy: StoreSnapshot; objects: number }> {
  const { lab } = await startTestLab(2, 7, { encryption: ENCRYPT_DEPLOYMENTS, dns: false });
  try {
    assert.ok(!isStatus(await lab.client().create(DEPLOYMENTS, webDeployment())));
    assert.ok(!isStatus(await lab.client().create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } })));
  } finally {
    lab.stop();
  }
  const snapshot = lab.snapshot();
  const legacy = toLegacy(snapshot);
  assert.ok((await legacyKeys(legacySource(legacy))).length > 10, 'the rewritten snapshot uses the old layout');
  return { legacy, objects: snapshot.kvs.length };
}

/** legacySource reads a snapshot's keys by prefix. */
function legacySource(s: StoreSnapshot): { range(prefix: string): Promise<{ kvs: KeyValue[] }> } {
  return { range: (prefix) => Promise.resolve({ kvs: s.kvs.filter((kv) => kv.key.startsWith(prefix)) }) };
}

async function assertServed(lab: Lab): Promise<void> {
  const client = lab.client();
  const web = await client.get<KubeObject>(DEPLOYMENTS, 'default', 'web');
  assert.ok(!isStatus(web), JSON.stringify(web));
  const svc = await client.get<KubeObject>(SERVICES, 'default', 'web');
  assert.ok(!isStatus(svc), JSON.stringify(svc));
  const nodes = await client.list<KubeObject>(NODES);
  assert.ok(!isStatus(nodes));
  assert.deepEqual(nodes.items.map((n) => n.metadata.name), ['node-1', 'node-2']);
  const roles = await client.list<KubeObject>(CLUSTER_ROLES);
  assert.ok(!isStatus(roles) && roles.items.some((r) => r.metadata.name === 'cluster-admin'));
  assert.deepEqual(await legacyKeys(lab.store), []);
  // Still encrypted at rest, now bound to its new key.
  const kv = await lab.store.get('/registry/deployments/default/web');
  assert.ok(kv?.value.startsWith('k8s:enc:aesgcm:v1:key1:'), kv?.value.slice(0, 40));
}

describe('a store written under the old key layout', () => {
  test('a snapshot restored at start has every object moved to upstream\'s keys, encrypted values with them', async () => {
    const { legacy, objects } = await oldLab();
    const { lab } = await startTestLab(2, 7, { encryption: ENCRYPT_DEPLOYMENTS, dns: false, snapshot: legacy });
    try {
      await assertServed(lab);
      assert.ok(lab.snapshot().kvs.length >= objects, 'no object was lost');
    } finally {
      lab.stop();
    }
  });

  test('a snapshot restored into a running lab is moved too', async () => {
    const { legacy } = await oldLab();
    const { lab, clock } = await startTestLab(2, 7, { encryption: ENCRYPT_DEPLOYMENTS, dns: false });
    try {
      const restoring = lab.restore(legacy);
      await clock.advance(0);
      const restored = await restoring;
      assert.ok(!('error' in restored), JSON.stringify(restored));
      await assertServed(lab);
    } finally {
      lab.stop();
    }
  });

  test('a persisted (durable) store is moved on start, and stays moved on disk', async () => {
    const { legacy } = await oldLab();
    const dir = await mkdtemp(join(tmpdir(), 'kubelab-layout-'));
    try {
      const seeded = await DurableStore.open({ dir });
      await seeded.restore(legacy);
      await seeded.close();
      const durable = await DurableStore.open({ dir });
      const clock = new ManualClock();
      const lab = new Lab({ nodes: 1, clock, seed: 7, durable, encryption: ENCRYPT_DEPLOYMENTS, dns: false });
      const started = lab.start();
      await clock.advance(0);
      await started;
      try {
        await assertServed(lab);
      } finally {
        lab.stop();
        await durable.close();
      }
      const reopened = await DurableStore.open({ dir });
      try {
        assert.deepEqual(await legacyKeys(reopened), []);
        assert.ok(await reopened.get('/registry/deployments/default/web'));
        assert.ok(await reopened.get('/registry/services/specs/default/web'));
        assert.ok(await reopened.get('/registry/minions/node-1'));
      } finally {
        await reopened.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('migrateLegacyKeys', () => {
  const put = (store: MemoryStore, key: string, value: string) => store.txn({ compare: [], success: [{ type: 'put', key, value }], failure: [] });

  test('moves only old object keys, keeps a newer copy over an old one, and leaves what cannot be decrypted', async () => {
    const store = new MemoryStore({ clock: new ManualClock() });
    await put(store, '/registry/services/default/a', '{"a":1}');
    await put(store, '/registry/services/specs/default/b', '{"b":1}');
    await put(store, '/registry/apps/deployments/default/web', '{"old":true}');
    await put(store, '/registry/deployments/default/web', '{"new":true}');
    await put(store, '/registry/apps/replicasets/default/sealed', 'k8s:enc:aescbc:v1:gone:xxxx');
    const failing = { toStorage: (d: string) => d, fromStorage: () => ({ ok: false as const, error: 'no key "gone"' }) };
    const result = await migrateLegacyKeys(store, [
      { from: '/registry/services/', to: '/registry/services/specs/', namespaced: true },
      { from: '/registry/apps/deployments/', to: '/registry/deployments/', namespaced: true },
      { from: '/registry/apps/replicasets/', to: '/registry/replicasets/', namespaced: true, transformer: failing },
    ]);
    assert.equal(result.moved, 1);
    assert.deepEqual(result.dropped, ['/registry/apps/deployments/default/web']);
    assert.equal(result.kept.length, 1);
    assert.equal(result.kept[0].key, '/registry/apps/replicasets/default/sealed');
    assert.match(result.kept[0].reason, /no key "gone"/);
    const keys = (await store.range('/registry/')).kvs.map((kv) => `${kv.key}=${kv.value.slice(0, 12)}`);
    assert.deepEqual(keys, [
      '/registry/apps/replicasets/default/sealed=k8s:enc:aesc',
      '/registry/deployments/default/web={"new":true}',
      '/registry/services/specs/default/a={"a":1}',
      '/registry/services/specs/default/b={"b":1}',
    ]);
  });
});
