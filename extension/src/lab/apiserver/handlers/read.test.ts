import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, WatchEvent } from '../../api/types';
import { ADMIN_TOKEN, testServer } from '../testing';

const pod = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } });
const PODS = '/api/v1/namespaces/default/pods';

test('resourceVersionMatch=Exact lists the snapshot at that revision; a compacted one is 410 with the etcd3 store\'s words', async () => {
  const { call, store } = await testServer();
  await call({ method: 'POST', path: PODS, body: pod('a') });
  const rv = (await call({ method: 'GET', path: PODS })).body.metadata.resourceVersion as string;
  await call({ method: 'POST', path: PODS, body: pod('b') });
  await call({ method: 'DELETE', path: `${PODS}/a`, query: { gracePeriodSeconds: '0' } });
  const exact = await call({ method: 'GET', path: PODS, query: { resourceVersion: rv, resourceVersionMatch: 'Exact' } });
  assert.equal(exact.status, 200);
  assert.deepEqual(exact.body.items.map((p: { metadata: { name: string } }) => p.metadata.name), ['a']);
  const latest = await call({ method: 'GET', path: PODS });
  assert.deepEqual(latest.body.items.map((p: { metadata: { name: string } }) => p.metadata.name), ['b']);
  await store.compact(Number(rv) + 1);
  const expired = await call({ method: 'GET', path: PODS, query: { resourceVersion: rv, resourceVersionMatch: 'Exact' } });
  assert.equal(expired.status, 410);
  // staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go: const expired
  assert.equal(expired.body.message, 'The resourceVersion for the provided list is too old.');
  assert.equal(expired.body.reason, 'Expired');
});

test('pages of one list come from the first page\'s snapshot; an expired continue is 410 with an inconsistent token', async () => {
  const { call, store } = await testServer();
  for (const n of ['a', 'b', 'c']) await call({ method: 'POST', path: PODS, body: pod(n) });
  const first = await call({ method: 'GET', path: PODS, query: { limit: '1' } });
  assert.deepEqual(first.body.items.map((p: { metadata: { name: string } }) => p.metadata.name), ['a']);
  // Written after the first page: not part of this list.
  await call({ method: 'POST', path: PODS, body: pod('bb') });
  const rest = await call({ method: 'GET', path: PODS, query: { continue: first.body.metadata.continue } });
  assert.deepEqual(rest.body.items.map((p: { metadata: { name: string } }) => p.metadata.name), ['b', 'c']);
  assert.equal(rest.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
  await store.compact(await store.revision());
  const expired = await call({ method: 'GET', path: PODS, query: { continue: first.body.metadata.continue } });
  assert.equal(expired.status, 410);
  // staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go: handleCompactedErrorForPaging
  assert.match(expired.body.message, /^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter, or use the continue token/);
  const inconsistent = await call({ method: 'GET', path: PODS, query: { continue: expired.body.metadata.continue } });
  assert.deepEqual(inconsistent.body.items.map((p: { metadata: { name: string } }) => p.metadata.name), ['b', 'bb', 'c']);
});

/** Bad list options with upstream's codes and words (metainternalversion/validation, storage/continue.go, storage/errors.go). */
const badLists: { query: Record<string, string>; status: number; message: string }[] = [
  { query: { resourceVersionMatch: 'Exact' }, status: 422, message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided' },
  { query: { resourceVersion: '0', resourceVersionMatch: 'Exact' }, status: 422, message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"' },
  { query: { resourceVersion: '1', resourceVersionMatch: 'Newest' }, status: 422, message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""' },
  { query: { resourceVersion: 'abc' }, status: 400, message: 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax' },
  { query: { resourceVersion: '999999' }, status: 504, message: 'Timeout: Too large resource version: 999999, current: 2' },
  { query: { continue: Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v2', rv: 1, start: 'x' })).toString('base64url') }, status: 400, message: 'invalid continue token: continue key is not valid: server does not recognize this encoded version meta.k8s.io/v2' },
  { query: { continue: Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 1, start: '../secrets/x' })).toString('base64url') }, status: 400, message: 'invalid continue token: continue key is not valid: ../secrets/x' },
];

for (const c of badLists) {
  test(`list with ${JSON.stringify(c.query)} is ${c.status}`, async () => {
    const { call, store } = await testServer();
    const before = await store.revision();
    const res = await call({ method: 'GET', path: PODS, query: c.query });
    assert.equal(res.status, c.status);
    assert.equal(res.body.message, c.message);
    assert.equal(await store.revision(), before);
  });
}

test('watch with sendInitialEvents streams the state, then the initial-events-end bookmark, then bookmarks each minute', async () => {
  const { api, call, clock } = await testServer();
  await call({ method: 'POST', path: PODS, body: pod('a') });
  const events: WatchEvent[] = [];
  const w = await api.watch({ method: 'GET', path: PODS, query: { watch: 'true', sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: 'true' }, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, { event: (e) => events.push(e), close: () => undefined });
  assert.ok(!('status' in w));
  assert.deepEqual(events.map((e) => e.type), ['ADDED', 'BOOKMARK']);
  assert.deepEqual((events[1].object as KubeObject).metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
  await call({ method: 'POST', path: PODS, body: pod('b') });
  await clock.advance(60_000);
  assert.deepEqual(events.map((e) => e.type), ['ADDED', 'BOOKMARK', 'ADDED', 'BOOKMARK']);
  assert.equal(events[3].object.metadata.resourceVersion, events[2].object.metadata.resourceVersion);
  w.cancel();
});

test('watch closes after timeoutSeconds', async () => {
  const { api, clock } = await testServer();
  let closed = false;
  await api.watch({ method: 'GET', path: PODS, query: { watch: 'true', timeoutSeconds: '30' }, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, { event: () => undefined, close: () => { closed = true; } });
  await clock.advance(29_000);
  assert.equal(closed, false);
  await clock.advance(1_000);
  assert.equal(closed, true);
});
