import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareLeaseIds, grpcFailure, keyValue, leaseId, requestOp, storeFailure } from './etcdWire';
import { ERR_LEASE_NOT_FOUND, StoreError } from './store';

test('grpcFailure reads a gRPC status, and the etcd3 client\'s lease-not-found sentence around one', () => {
  assert.deepEqual(grpcFailure(new Error('14 UNAVAILABLE: etcdserver: no leader')), { code: 14, message: 'etcdserver: no leader' });
  assert.deepEqual(grpcFailure(new Error('Lease 5 NOT_FOUND: etcdserver: requested lease not found is expired or revoked')), { code: 5, message: ERR_LEASE_NOT_FOUND });
  assert.equal(grpcFailure(new Error('Lease 7 is expired or revoked')), undefined, 'no status inside');
  assert.equal(grpcFailure('14 UNAVAILABLE: x'), undefined);
});

test('etcd\'s lease-not-found is an Error in its words, not a store failure', () => {
  const err = storeFailure({ code: 5, message: ERR_LEASE_NOT_FOUND });
  assert.equal(err.message, ERR_LEASE_NOT_FOUND);
  assert.ok(!(err instanceof StoreError));
});

test('leaseId takes a positive int64 in decimal and fails any other ID as etcd fails an unknown lease', () => {
  for (const ok of ['1', '7700207616323623942', '9223372036854775807']) assert.equal(leaseId(ok), ok);
  for (const bad of ['0', '-1', '01', '1.5', 'abc', '', '9223372036854775808', '12345678901234567890']) assert.throws(() => leaseId(bad), { message: ERR_LEASE_NOT_FOUND }, bad);
});

test('lease IDs order as numbers, past 2^53 too', () => {
  assert.deepEqual(['9007199254740993', '10', '9007199254740992', '2'].sort(compareLeaseIds), ['2', '10', '9007199254740992', '9007199254740993']);
});

test('a key carries its lease in decimal only when it has one; a put sends its lease', () => {
  const kv = { key: Buffer.from('k'), value: Buffer.from('v'), create_revision: '2', mod_revision: '3', version: '2' };
  assert.deepEqual(keyValue({ ...kv, lease: '0' }), { key: 'k', value: 'v', createRevision: 2, modRevision: 3, version: 2 });
  assert.equal(keyValue({ ...kv, lease: '9007199254740993' }).lease, '9007199254740993');
  assert.equal(requestOp({ type: 'put', key: 'k', value: 'v', lease: '9007199254740993' }).request_put?.lease, '9007199254740993');
  assert.equal(requestOp({ type: 'put', key: 'k', value: 'v' }).request_put?.lease, undefined);
  assert.throws(() => requestOp({ type: 'put', key: 'k', value: 'v', lease: 'x' }), { message: ERR_LEASE_NOT_FOUND });
});
