import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeStoreFiles } from './storeFiles';
import { HEADER_BYTES, Wal, WalCorruptError, frame, scanWal } from './wal';

const payloads = ['{"a":1}', 'second frame', 'x'.repeat(300)].map((s) => Buffer.from(s));
const log = Buffer.concat(payloads.map(frame));

test('frames round-trip through scanWal', () => {
  const scan = scanWal(log, 'wal');
  assert.deepEqual(scan.payloads.map(String), payloads.map(String));
  assert.equal(scan.validBytes, log.length);
  assert.equal(scan.torn, undefined);
  assert.deepEqual(scanWal(Buffer.alloc(0), 'wal'), { payloads: [], validBytes: 0 });
});

test('a frame is its length and CRC-32, little-endian, then the payload', () => {
  const f = frame(Buffer.from('hello'));
  // CRC-32 (IEEE) of "hello" is 0x3610a686.
  assert.equal(f.toString('hex'), `05000000${'86a61036'}${Buffer.from('hello').toString('hex')}`);
});

test('a log cut anywhere inside its last frame keeps every earlier frame and reports the torn tail', () => {
  const lastStart = log.length - frame(payloads[2]).length;
  for (let cut = lastStart + 1; cut < log.length; cut++) {
    const scan = scanWal(log.subarray(0, cut), 'wal');
    assert.deepEqual(scan.payloads.map(String), payloads.slice(0, 2).map(String), `cut at ${cut}`);
    assert.equal(scan.validBytes, lastStart);
    assert.match(scan.torn ?? '', new RegExp(`at byte ${lastStart} \\(${cut - lastStart} bytes dropped\\)$`));
  }
  assert.equal(scanWal(log.subarray(0, lastStart + 3), 'wal').torn, `a 3-byte partial frame header at byte ${lastStart} (3 bytes dropped)`);
  assert.equal(scanWal(log.subarray(0, lastStart + HEADER_BYTES + 10), 'wal').torn, `a frame of 300 bytes cut off after 10 at byte ${lastStart} (18 bytes dropped)`);
});

test('a final frame whose bytes never reached the disk (zeros, or garbage under a good header) is torn', () => {
  const zeros = Buffer.concat([log, Buffer.alloc(4096)]);
  assert.equal(scanWal(zeros, 'wal').torn, `a frame header with an impossible length (0) at byte ${log.length} (4096 bytes dropped)`);
  const lastStart = log.length - frame(payloads[2]).length;
  const garbled = Buffer.from(log);
  garbled.fill(0, lastStart + HEADER_BYTES + 100, lastStart + HEADER_BYTES + 200);
  const scan = scanWal(garbled, 'wal');
  assert.equal(scan.payloads.length, 2);
  assert.equal(scan.torn, `a 300-byte frame failing its CRC check at byte ${lastStart} (308 bytes dropped)`);
});

test('a damaged frame with a good frame after it is corruption, refused', () => {
  const damaged = Buffer.from(log);
  const secondStart = frame(payloads[0]).length;
  damaged[secondStart + HEADER_BYTES + 2] ^= 0xff;
  assert.throws(() => scanWal(damaged, 'wal-1.log'), (err: unknown) => {
    assert.ok(err instanceof WalCorruptError);
    assert.equal(err.message, `wal-1.log is corrupt: a 12-byte frame failing its CRC check at byte ${secondStart}, with 1 good frame(s) before it and a good one at byte ${secondStart + 20} after it`);
    return true;
  });
  const lengthHit = Buffer.from(log);
  lengthHit.writeUInt32LE(0, 0);
  assert.throws(() => scanWal(lengthHit, 'wal'), WalCorruptError);
});

test('opening a log cuts its torn tail off the file, so the next append follows the last good frame', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-wal-'));
  try {
    const path = join(dir, 'wal.log');
    await writeFile(path, Buffer.concat([log, frame(Buffer.from('torn away')).subarray(0, 11)]));
    const files = nodeStoreFiles();
    const first = await Wal.open(files, path);
    assert.equal(first.created, false);
    assert.match(first.torn ?? '', /cut off/);
    assert.equal(first.wal.size, log.length);
    await first.wal.append(Buffer.from('after'));
    await first.wal.close();
    assert.deepEqual(await readFile(path), Buffer.concat([log, frame(Buffer.from('after'))]));
    const second = await Wal.open(files, path);
    assert.deepEqual(second.payloads.map(String), [...payloads.map(String), 'after']);
    assert.equal(second.torn, undefined);
    await second.wal.close();
    const fresh = await Wal.open(files, join(dir, 'new.log'));
    assert.equal(fresh.created, true);
    assert.deepEqual(fresh.payloads, []);
    await fresh.wal.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
