import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspectSnapshot, readSnapshotFile, snapshotBytes, snapshotStatus, writeSnapshotFile } from './snapshotFile';
import { crc32c } from './store/crc32c';
import { INTEGRITY_FAILED, type StoreSnapshot } from './store/snapshot';

const SNAPSHOT: StoreSnapshot = {
  revision: 7,
  kvs: [
    { key: '/registry/configmaps/default/kept', value: '{"kind":"ConfigMap","metadata":{"name":"kept","uid":"u-1"},"data":{"a":"1"}}', createRevision: 6, modRevision: 7, version: 2 },
    { key: '/registry/namespaces/default', value: '{"kind":"Namespace","metadata":{"name":"default"}}', createRevision: 2, modRevision: 2, version: 1 },
  ],
};

async function scratch(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-snapshot-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a written snapshot file reads back whole, with its status, and leaves no temporary file', () => scratch(async (dir) => {
  const path = join(dir, 'sub', 'one.snapshot');
  const written = await writeSnapshotFile(path, SNAPSHOT);
  const bytes = await readFile(path);
  assert.deepEqual(await readSnapshotFile(path), SNAPSHOT);
  assert.deepEqual(written, { hash: crc32c(bytes.subarray(0, bytes.lastIndexOf(0x0a, bytes.length - 2) + 1)), revision: 7, totalKey: 2, totalSize: bytes.length });
  assert.deepEqual(await snapshotStatus(path), written);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(join(dir, 'sub')), ['one.snapshot']);
}));

test('a missing file is no snapshot to read, and an error to status', () => scratch(async (dir) => {
  const path = join(dir, 'none.snapshot');
  assert.equal(await readSnapshotFile(path), undefined);
  assert.deepEqual(await snapshotStatus(path), { error: `open ${path}: no such file or directory` });
}));

test('a truncated or damaged file is refused by read and status alike', () => scratch(async (dir) => {
  const path = join(dir, 'bad.snapshot');
  const bytes = snapshotBytes(SNAPSHOT);
  await writeFile(path, bytes.subarray(0, bytes.length - 10));
  const truncated = { error: `${INTEGRITY_FAILED}: the file has no trailer: it is truncated or was not written whole` };
  assert.deepEqual(await readSnapshotFile(path), truncated);
  assert.deepEqual(await snapshotStatus(path), truncated);
  const damaged = bytes.slice();
  damaged[40] ^= 0x20;
  await writeFile(path, damaged);
  const status = await snapshotStatus(path);
  assert.ok('error' in status && status.error.startsWith(`${INTEGRITY_FAILED}: the content's crc32c is `), JSON.stringify(status));
}));

test('a whole snapshot whose values are not stored objects is not a lab\'s', () => {
  const foreign = snapshotBytes({ revision: 3, kvs: [{ key: '/foo', value: 'bar', createRevision: 2, modRevision: 3, version: 2 }] });
  assert.deepEqual(inspectSnapshot(foreign), { error: 'not a KubeLab snapshot: the value of /foo is not a stored object' });
});
