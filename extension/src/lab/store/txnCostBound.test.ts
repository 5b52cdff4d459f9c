import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from './memoryStore';
import { txnCost, txnCostBound } from './quota';
import { ERR_NO_SPACE, type TxnRequest } from './store';

const put = (key: string, value: string): TxnRequest['success'][number] => ({ type: 'put', key, value });
const requests: [string, TxnRequest][] = [
  ['ASCII', { compare: [], success: [put('/k/a', 'hello')], failure: [] }],
  ['two-byte UTF-8', { compare: [], success: [put('/k/é', 'ñandú')], failure: [] }],
  ['three-byte UTF-8', { compare: [], success: [put('/k/猫', '日本語')], failure: [] }],
  ['a surrogate pair', { compare: [], success: [put('/k/x', '😀😀')], failure: [] }],
  ['a lone surrogate', { compare: [], success: [put('/k/x', '\ud800')], failure: [] }],
  ['the dearer branch', { compare: [], success: [put('/k/a', 'x')], failure: [put('/k/b', '€'.repeat(50)), put('/k/c', 'y')] }],
  ['deletes and reads only', { compare: [], success: [{ type: 'delete', key: '/k/a' }], failure: [{ type: 'get', key: '/k/a' }] }],
];

for (const [name, request] of requests) {
  test(`txnCostBound is at least txnCost, and 0 exactly when it is: ${name}`, () => {
    const cost = txnCost(request);
    const bound = txnCostBound(request);
    assert.ok(bound >= cost, `${bound} < ${cost}`);
    assert.equal(bound === 0, cost === 0);
  });
}

test('the quota decides by the exact UTF-8 cost at its edge, whatever the bound says', async () => {
  const request: TxnRequest = { compare: [], success: [put('/k/猫', '日本語'.repeat(10))], failure: [] };
  const cost = txnCost(request);
  assert.ok(txnCostBound(request) > cost);
  // A fresh store's backend is empty: a write that would make it reach the quota is refused, one byte more of quota lets it in.
  await assert.rejects(new MemoryStore({ quotaBytes: cost }).txn(request), { message: ERR_NO_SPACE });
  const roomy = new MemoryStore({ quotaBytes: cost + 1 });
  assert.equal((await roomy.txn(request)).revision, 2);
  assert.deepEqual(await roomy.alarmList(), []);
});
