/**
 * ConfigMap and Secret validation with pkg/apis/core/validation/validation.go's
 * messages (ValidateConfigMap(Update), ValidateSecret(Update)) and the
 * stringData/type defaulting of pkg/apis/core/v1 (conversion and SetDefaults_Secret).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/types';
import { defaultSecret } from '../../defaulting/core';
import { fieldErrorText } from '../../fieldErrors';
import { base64Error, validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './configMap';

const CONFIG_KEY = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

const cm = (fields: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, ...fields }) as KubeObject;
const b64 = (s: string) => Buffer.from(s).toString('base64');

const configMaps: { name: string; cm: KubeObject; errors: string[] }[] = [
  { name: 'valid keys', cm: cm({ data: { 'app.properties': 'x', KEY_1: 'y' }, binaryData: { 'logo.png': b64('png') } }), errors: [] },
  {
    name: 'bad keys',
    cm: cm({ data: { 'a b': 'x', '..x': 'y', '.': 'z' } }),
    errors: [
      `data[a b]: Invalid value: "a b": ${CONFIG_KEY}`,
      "data[..x]: Invalid value: \"..x\": must not start with '..'",
      "data[.]: Invalid value: \".\": must not be '.'",
    ],
  },
  { name: 'a key in both bags', cm: cm({ data: { k: 'x' }, binaryData: { k: b64('y') } }), errors: ['data[k]: Invalid value: "k": duplicate of key present in binaryData'] },
  { name: 'more than 1 MiB', cm: cm({ data: { a: 'x'.repeat(600 * 1024), b: 'y'.repeat(500 * 1024) } }), errors: ['[]: Too long: may not be more than 1048576 bytes'] },
];

for (const c of configMaps) {
  test(`config map: ${c.name}`, () => assert.deepEqual(validateConfigMap(c.cm).map(fieldErrorText), c.errors));
}

test('config map: an immutable one keeps its data and stays immutable', () => {
  const old = cm({ immutable: true, data: { a: '1' } });
  assert.deepEqual(validateConfigMapUpdate(cm({ immutable: false, data: { a: '2' } }), old).map(fieldErrorText), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(validateConfigMapUpdate(cm({ immutable: true, data: { a: '1' }, metadata: { name: 'c', labels: { x: 'y' } } }), old), []);
});

function secret(fields: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default', ...(annotations ? { annotations } : {}) }, ...fields } as KubeObject;
  defaultSecret(s);
  return s;
}

const secrets: { name: string; secret: KubeObject; errors: string[] }[] = [
  { name: 'an Opaque secret by default', secret: secret({ stringData: { password: 'hunter2' } }), errors: [] },
  { name: 'TLS without its keys', secret: secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }), errors: ['data[tls.key]: Required value'] },
  { name: 'basic auth with neither username nor password', secret: secret({ type: 'kubernetes.io/basic-auth', data: {} }), errors: ['data[username]: Required value', 'data[password]: Required value'] },
  { name: 'SSH auth without a private key', secret: secret({ type: 'kubernetes.io/ssh-auth' }), errors: ['data[ssh-privatekey]: Required value'] },
  { name: 'a service account token without its account', secret: secret({ type: 'kubernetes.io/service-account-token' }), errors: ['metadata.annotations[kubernetes.io/service-account.name]: Required value'] },
  { name: 'a docker config that is not JSON', secret: secret({ type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': 'auths' } }), errors: ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'a\' looking for beginning of value'] },
  { name: 'a docker config missing', secret: secret({ type: 'kubernetes.io/dockercfg' }), errors: ['data[.dockercfg]: Required value'] },
  { name: 'data that is not base64', secret: secret({ data: { k: 'not base64!' } }), errors: ['data[k]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3'] },
];

for (const c of secrets) {
  test(`secret: ${c.name}`, () => assert.deepEqual(validateSecret(c.secret).map(fieldErrorText), c.errors));
}

test('secret: stringData is merged into data as base64 and the type defaults to Opaque', () => {
  const s = secret({ data: { a: b64('old') }, stringData: { a: 'new', b: 'two' } });
  assert.deepEqual([s.type, s.data, s.stringData], ['Opaque', { a: b64('new'), b: b64('two') }, undefined]);
});

test('secret: the type is immutable, and so is an immutable secret\'s data', () => {
  const old = secret({ immutable: true, data: { a: b64('1') } });
  assert.deepEqual(validateSecretUpdate(secret({ type: 'kubernetes.io/tls', immutable: true, data: { a: b64('2'), 'tls.crt': b64('c'), 'tls.key': b64('k') } }), old).map(fieldErrorText), [
    'type: Invalid value: "kubernetes.io/tls": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('base64 errors point where Go\'s decoder stops', () => {
  assert.equal(base64Error('aGk='), undefined);
  assert.equal(base64Error('aGk'), 'illegal base64 data at input byte 0');
  assert.equal(base64Error('aGVsbG8'), 'illegal base64 data at input byte 4');
  assert.equal(base64Error('a=Gk'), 'illegal base64 data at input byte 1');
});
