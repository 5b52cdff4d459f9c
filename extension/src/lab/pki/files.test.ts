import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { KeyPair } from './certificates';
import { PKI_FILES, writeFileWithMode, writeKubeconfig, writePki } from './files';
import { kubeconfig } from './kubeconfig';

const pair = (name: string): KeyPair => ({ certPem: `${name} cert\n`, keyPem: `${name} key\n` });

test('keys are written 0600 and certificates 0644, as kubeadm writes them', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writePki(join(dir, 'pki'), { ca: pair('ca'), apiServer: pair('apiserver'), admin: pair('admin') });
  const modes = Object.fromEntries(await Promise.all(Object.values(PKI_FILES).map(async (f) => [f, (await stat(join(dir, 'pki', f))).mode & 0o777])));
  assert.deepEqual(modes, { 'ca.crt': 0o644, 'ca.key': 0o600, 'apiserver.crt': 0o644, 'apiserver.key': 0o600, 'admin.crt': 0o644, 'admin.key': 0o600 });
  assert.equal((await stat(join(dir, 'pki'))).mode & 0o777, 0o700);
  assert.equal(await readFile(join(dir, 'pki', 'ca.key'), 'utf8'), 'ca key\n');
});

test('a key written over a world-readable file ends up 0600', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'old.key');
  await writeFile(path, 'old', { mode: 0o644 });
  await writeFileWithMode(path, 'new', 0o600);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal(await readFile(path, 'utf8'), 'new');
});

test('the kubeconfig names cluster, user and context kubelab and carries the certificates inline', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'config');
  await writeKubeconfig(path, kubeconfig({ server: 'https://127.0.0.1:6443', caPem: 'ca cert\n', client: pair('admin') }));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  assert.deepEqual(parse(await readFile(path, 'utf8')), {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': b64('ca cert\n'), server: 'https://127.0.0.1:6443' }, name: 'kubelab' }],
    contexts: [{ context: { cluster: 'kubelab', user: 'kubelab' }, name: 'kubelab' }],
    'current-context': 'kubelab',
    kind: 'Config',
    preferences: {},
    users: [{ name: 'kubelab', user: { 'client-certificate-data': b64('admin cert\n'), 'client-key-data': b64('admin key\n') } }],
  });
});
