import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import nacl from 'tweetnacl';
import { cbcTransformer, gcmTransformer } from './aes';
import { secretboxTransformer } from './secretbox';
import { AESCBC_PREFIX, AESGCM_PREFIX, encryptionTransformers, loadEncryptionConfig, parseEncryptionConfiguration } from './config';
import { identity, prefixTransformers } from './transformer';

const KEY32 = Buffer.alloc(32, 7).toString('base64');
const KEY16 = Buffer.alloc(16, 9).toString('base64');
const OTHER32 = Buffer.alloc(32, 3).toString('base64');
const KEY = '/registry/secrets/default/s';
const PLAIN = '{"kind":"Secret","data":{"password":"aHVudGVyMg=="},"note":"café ✓"}';
const rb = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

function config(providers: unknown[], resources: string[] = ['secrets']): Record<string, unknown> {
  return { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources, providers }] };
}

function build(providers: unknown[], resources?: string[]) {
  const t = encryptionTransformers(config(providers, resources), { randomBytes: rb });
  assert.ok(!('error' in t), JSON.stringify(t));
  return t;
}

describe('providers round trip', () => {
  for (const [name, make, sizes] of [['aescbc', cbcTransformer, [16, 24, 32]], ['aesgcm', gcmTransformer, [16, 24, 32]]] as const) {
    for (const size of sizes) {
      test(`${name} with a ${size * 8}-bit key gives the plaintext back and never stores it`, () => {
        const t = make(new Uint8Array(Buffer.alloc(size, 5)), rb);
        const stored = t.toStorage(PLAIN, KEY);
        assert.ok(!stored.includes('hunter2') && !stored.includes('aHVudGVyMg'));
        assert.deepEqual(t.fromStorage(stored, KEY), { ok: true, data: PLAIN, stale: false });
        // A fresh IV or nonce each time: the same plaintext never stores the same twice.
        assert.notEqual(t.toStorage(PLAIN, KEY), stored);
      });
    }
  }

  test('aescbc stores the IV then the PKCS#7-padded ciphertext, as upstream', () => {
    const key = Buffer.alloc(32, 1);
    const stored = Buffer.from(cbcTransformer(new Uint8Array(key), rb).toStorage('0123456789abcdef', KEY), 'latin1');
    // 16 bytes of plaintext take a whole block of padding: IV + 2 blocks.
    assert.equal(stored.length, 48);
    const d = createDecipheriv('aes-256-cbc', key, stored.subarray(0, 16)).setAutoPadding(false);
    const plain = Buffer.concat([d.update(stored.subarray(16)), d.final()]);
    assert.equal(plain.subarray(0, 16).toString(), '0123456789abcdef');
    assert.deepEqual([...plain.subarray(16)], Array(16).fill(16));
  });

  test('aesgcm binds the value to its key: copied under another key it does not decrypt', () => {
    const t = gcmTransformer(new Uint8Array(Buffer.alloc(32, 2)), rb);
    const stored = t.toStorage(PLAIN, KEY);
    assert.equal(Buffer.from(stored, 'latin1').length, 12 + Buffer.byteLength(PLAIN) + 16);
    assert.deepEqual(t.fromStorage(stored, '/registry/secrets/default/other'), { ok: false, error: 'cipher: message authentication failed' });
  });

  test('a damaged value is refused with upstream words', () => {
    const cbc = cbcTransformer(new Uint8Array(Buffer.alloc(16, 1)), rb);
    assert.deepEqual(cbc.fromStorage('short', KEY), { ok: false, error: 'the stored data was shorter than the required size' });
    assert.deepEqual(cbc.fromStorage('x'.repeat(20), KEY), { ok: false, error: 'the stored data is not a multiple of the block size' });
    const gcm = gcmTransformer(new Uint8Array(Buffer.alloc(16, 1)), rb);
    const stored = gcm.toStorage(PLAIN, KEY);
    const flipped = stored.slice(0, 20) + String.fromCharCode(stored.charCodeAt(20) ^ 1) + stored.slice(21);
    assert.deepEqual(gcm.fromStorage(flipped, KEY), { ok: false, error: 'cipher: message authentication failed' });
  });

  test('identity stores plaintext and refuses to read encrypted data', () => {
    assert.equal(identity.toStorage(PLAIN, KEY), PLAIN);
    assert.deepEqual(identity.fromStorage('k8s:enc:aescbc:v1:k:xyz', KEY), { ok: false, error: 'identity transformer tried to read encrypted data' });
  });

  test('secretbox seals with XSalsa20-Poly1305: a 24-byte nonce, then the data and its 16-byte tag; a damaged value or another key does not open', () => {
    const key = new Uint8Array(Buffer.alloc(32, 3));
    const t = secretboxTransformer(key, rb);
    const stored = t.toStorage(PLAIN, KEY);
    const bytes = Buffer.from(stored, 'latin1');
    assert.equal(bytes.length, 24 + Buffer.byteLength(PLAIN) + 16);
    assert.ok(!stored.includes(PLAIN));
    assert.deepEqual(t.fromStorage(stored, KEY), { ok: true, data: PLAIN, stale: false });
    // NaCl itself opens it with the nonce in front: the layout is upstream's.
    assert.equal(Buffer.from(nacl.secretbox.open(new Uint8Array(bytes.subarray(24)), new Uint8Array(bytes.subarray(0, 24)), key) ?? []).toString(), PLAIN);
    const flipped = stored.slice(0, 30) + String.fromCharCode(stored.charCodeAt(30) ^ 1) + stored.slice(31);
    assert.deepEqual(t.fromStorage(flipped, KEY), { ok: false, error: 'output array was not large enough for encryption' });
    assert.deepEqual(secretboxTransformer(new Uint8Array(Buffer.alloc(32, 4)), rb).fromStorage(stored, KEY), { ok: false, error: 'output array was not large enough for encryption' });
    assert.deepEqual(t.fromStorage('short', KEY), { ok: false, error: 'the stored data was shorter than the required size' });
  });

  test('a secretbox provider writes under its prefix and key name', () => {
    const t = build([{ secretbox: { keys: [{ name: 'k', secret: KEY32 }] } }]).transformerFor('', 'secrets');
    const stored = t.toStorage(PLAIN, KEY);
    assert.ok(stored.startsWith('k8s:enc:secretbox:v1:k:'));
    assert.deepEqual(t.fromStorage(stored, KEY), { ok: true, data: PLAIN, stale: false });
  });
});

describe('providers and keys by prefix', () => {
  test('the first provider and key write; every one reads; reads by other than the first are stale', () => {
    const old = build([{ aescbc: { keys: [{ name: 'key1', secret: KEY32 }] } }, { identity: {} }]).transformerFor('', 'secrets');
    const stored1 = old.toStorage(PLAIN, KEY);
    assert.ok(stored1.startsWith(`${AESCBC_PREFIX}key1:`));
    // Step 1 of a rotation: the new key second, everything still written with key1.
    const added = build([{ aescbc: { keys: [{ name: 'key1', secret: KEY32 }, { name: 'key2', secret: OTHER32 }] } }, { identity: {} }]).transformerFor('', 'secrets');
    assert.ok(added.toStorage(PLAIN, KEY).startsWith(`${AESCBC_PREFIX}key1:`));
    // Step 2: key2 first; key1's data still reads, as stale.
    const rotated = build([{ aescbc: { keys: [{ name: 'key2', secret: OTHER32 }, { name: 'key1', secret: KEY32 }] } }, { identity: {} }]).transformerFor('', 'secrets');
    const stored2 = rotated.toStorage(PLAIN, KEY);
    assert.ok(stored2.startsWith(`${AESCBC_PREFIX}key2:`));
    assert.deepEqual(rotated.fromStorage(stored1, KEY), { ok: true, data: PLAIN, stale: true });
    assert.deepEqual(rotated.fromStorage(stored2, KEY), { ok: true, data: PLAIN, stale: false });
    assert.deepEqual(rotated.fromStorage(PLAIN, KEY), { ok: true, data: PLAIN, stale: true });
    // Step 4: key1 removed: its data no longer reads.
    const removed = build([{ aescbc: { keys: [{ name: 'key2', secret: OTHER32 }] } }]).transformerFor('', 'secrets');
    assert.deepEqual(removed.fromStorage(stored1, KEY), { ok: false, error: 'no matching key was found for the provided AES transformer' });
    assert.deepEqual(removed.fromStorage(PLAIN, KEY), { ok: false, error: 'no matching prefix found' });
  });

  test('identity first writes plaintext and still reads what the others encrypted', () => {
    const t = build([{ identity: {} }, { aesgcm: { keys: [{ name: 'g', secret: KEY16 }] } }]).transformerFor('', 'secrets');
    assert.equal(t.toStorage(PLAIN, KEY), PLAIN);
    const gcm = build([{ aesgcm: { keys: [{ name: 'g', secret: KEY16 }] } }]).transformerFor('', 'secrets').toStorage(PLAIN, KEY);
    assert.ok(gcm.startsWith(`${AESGCM_PREFIX}g:`));
    assert.deepEqual(t.fromStorage(gcm, KEY), { ok: true, data: PLAIN, stale: true });
  });

  test('two providers of one type are both tried: the first failing does not stop the second', () => {
    const t = prefixTransformers('none', [
      { prefix: AESCBC_PREFIX, transformer: prefixTransformers('no key', [{ prefix: 'a:', transformer: cbcTransformer(new Uint8Array(Buffer.alloc(16, 1)), rb) }]) },
      { prefix: AESCBC_PREFIX, transformer: prefixTransformers('no key', [{ prefix: 'b:', transformer: cbcTransformer(new Uint8Array(Buffer.alloc(16, 2)), rb) }]) },
    ]);
    const b = `${AESCBC_PREFIX}${prefixTransformers('', [{ prefix: 'b:', transformer: cbcTransformer(new Uint8Array(Buffer.alloc(16, 2)), rb) }]).toStorage(PLAIN, KEY)}`;
    assert.deepEqual(t.fromStorage(b, KEY), { ok: true, data: PLAIN, stale: true });
  });

  test('resources match exactly, then *.group, then *.*; others stay plaintext', () => {
    const t = encryptionTransformers({
      apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration',
      resources: [
        { resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 's', secret: KEY32 }] } }] },
        { resources: ['*.apps'], providers: [{ aesgcm: { keys: [{ name: 'a', secret: KEY32 }] } }] },
      ],
    }, { randomBytes: rb });
    assert.ok(!('error' in t));
    assert.ok(t.transformerFor('', 'secrets').toStorage(PLAIN, KEY).startsWith(`${AESCBC_PREFIX}s:`));
    assert.ok(t.transformerFor('apps', 'deployments').toStorage(PLAIN, KEY).startsWith(`${AESGCM_PREFIX}a:`));
    assert.equal(t.transformerFor('', 'configmaps').toStorage(PLAIN, KEY), PLAIN);
    const all = build([{ aesgcm: { keys: [{ name: 'x', secret: KEY32 }] } }], ['*.*']);
    assert.ok(all.transformerFor('batch', 'jobs').toStorage(PLAIN, KEY).startsWith(`${AESGCM_PREFIX}x:`));
  });
});

describe('configuration errors', () => {
  const aescbc = (secret = KEY32, name = 'k') => ({ aescbc: { keys: [{ name, secret }] } });
  const cases: [string, unknown, string][] = [
    ['a key of the wrong length', config([aescbc(Buffer.alloc(8).toString('base64'))]),
      'resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 8, expected one of [16 24 32]'],
    ['a secretbox key that is not 32 bytes', config([{ secretbox: { keys: [{ name: 'k', secret: KEY16 }] } }]),
      'resources[0].providers[0].secretbox.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 16, expected one of [32]'],
    ['a secret that is not base64', config([aescbc('not base64!')]), 'resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "REDACTED": secrets must be base64 encoded'],
    ['a key without name or secret', config([{ aesgcm: { keys: [{ name: '', secret: '' }] } }]),
      '[resources[0].providers[0].aesgcm.keys[0].name: Required value: name is a mandatory field for a key, resources[0].providers[0].aesgcm.keys[0].secret: Required value: secret is a mandatory field for a key]'],
    ['a provider without keys', config([{ aescbc: { keys: [] } }]), 'resources[0].providers[0].aescbc.keys: Required value: at least one keys is required'],
    ['the same resource twice', config([aescbc()], ['secrets', 'secrets']),
      'resources[0].resources: Invalid value: []string{"secrets", "secrets"}: the same resource cannot be specified multiple times'],
    ['overlapping resources', config([aescbc()], ['secrets', '*.']),
      `resources[0].resources: Invalid value: []string{"secrets", "*."}: using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked`],
    ['a bare *', config([aescbc()], ['*']), `resources[0].resources[0]: Invalid value: "*": use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources`],
    ['capitals', config([aescbc()], ['Secrets']), 'resources[0].resources[0]: Invalid value: "Secrets": resource name should not contain capital letters'],
    ['a resource across groups', config([aescbc()], ['secrets.*']), 'resources[0].resources[0]: Invalid value: "secrets.*": encrypting the same resource across groups is not supported'],
    ['no resources', { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [] }, 'resources: Required value: at least one resources is required'],
    ['no providers', config([]), 'resources[0].providers: Required value: at least one resources[0].providers is required'],
    ['an unknown provider', config([{ aesctr: { keys: [] } }]), 'strict decoding error: unknown field "resources[0].providers[0].aesctr"'],
    ['an empty provider', config([{}]),
      'resources[0].providers[0]: Invalid value: apiserver.ProviderConfiguration{AESGCM:(*apiserver.AESConfiguration)(nil), AESCBC:(*apiserver.AESConfiguration)(nil), Secretbox:(*apiserver.SecretboxConfiguration)(nil), Identity:(*apiserver.IdentityConfiguration)(nil), KMS:(*apiserver.KMSConfiguration)(nil)}: provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity'],
    ['two providers in one element', config([{ ...aescbc(), identity: {} }]),
      'resources[0].providers[0]: Invalid value: apiserver.ProviderConfiguration{AESGCM:(*apiserver.AESConfiguration)(nil), AESCBC:(*apiserver.AESConfiguration)(…), Secretbox:(*apiserver.SecretboxConfiguration)(nil), Identity:(*apiserver.IdentityConfiguration)(…), KMS:(*apiserver.KMSConfiguration)(nil)}: more than one provider specified in a single element, should split into different list elements'],
    ['a field of the wrong type', config([{ aescbc: { keys: [{ name: 1, secret: KEY32 }] } }]),
      'json: cannot unmarshal number into Go struct field Key.resources.providers.aescbc.keys.name of type string'],
    ['another version', { apiVersion: 'apiserver.config.k8s.io/v2', kind: 'EncryptionConfiguration', resources: [] },
      'no kind "EncryptionConfiguration" is registered for version "apiserver.config.k8s.io/v2" in scheme "k8s.io/apiserver/pkg/server/options/encryptionconfig/config.go"'],
  ];
  for (const [name, input, message] of cases) {
    test(`refuses ${name}`, () => {
      assert.deepEqual(parseEncryptionConfiguration(input), { error: message });
      assert.deepEqual(encryptionTransformers(input, { randomBytes: rb }), { error: `error while parsing encryption provider configuration: ${message}` });
    });
  }

  test('a later rule masked by an earlier wildcard is refused', () => {
    const input = {
      apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration',
      resources: [{ resources: ['*.*'], providers: [{ identity: {} }] }, { resources: ['secrets'], providers: [aescbc()] }],
    };
    assert.deepEqual(encryptionTransformers(input, { randomBytes: rb }), { error: 'error while building transformers: resource "secrets" is masked by earlier rule "*.*"' });
  });

  test('a file is decoded as YAML, its errors named after the file', () => {
    const yaml = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aesgcm:
          keys:
            - name: key1
              secret: ${KEY32}
      - identity: {}
`;
    const ok = loadEncryptionConfig('/etc/enc.yaml', yaml, { randomBytes: rb });
    assert.ok(!('error' in ok));
    assert.ok(ok.transformerFor('', 'secrets').toStorage(PLAIN, KEY).startsWith(`${AESGCM_PREFIX}key1:`));
    assert.deepEqual(loadEncryptionConfig('/etc/enc.yaml', '', { randomBytes: rb }), { error: 'error while parsing file: error while loading file: encryption provider configuration file "/etc/enc.yaml" is empty' });
    assert.deepEqual(loadEncryptionConfig('/etc/enc.yaml', yaml.replace('      - identity: {}', '      - identity: {}\n        pandas: are the best'), { randomBytes: rb }),
      { error: 'error while parsing file: error decoding encryption provider configuration file "/etc/enc.yaml": strict decoding error: unknown field "resources[0].providers[1].pandas"' });
    assert.deepEqual(loadEncryptionConfig('/etc/enc.yaml', yaml.replace(KEY32, KEY32.slice(4)), { randomBytes: rb }),
      { error: 'error while parsing file: resources[0].providers[0].aesgcm.keys[0].secret: Invalid value: "REDACTED": secret is not of the expected length, got 29, expected one of [16 24 32]' });
  });
});
