import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type KubeObject } from '../../lab/api/types';
import { CONFIGMAPS } from '../../lab/client/resources';
import { runControl } from '../../lab/labControl';
import { startTestLab } from '../../lab/testLab';
import type { StoreToPanel } from '../../../../webview/src/shared/protocol';
import { POLL_MS, RateSeries, ROOT, StoreFeed, type StoreControl } from './storeFeed';
import { hexDump, storedValue } from './storeValue';

type Msg<T extends StoreToPanel['type']> = Extract<StoreToPanel, { type: T }>;

function configMap(name: string, a: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { a } };
}

test('RateSeries measures revisions a second of lab time, keeps its window and skips a restore', () => {
  const r = new RateSeries(10_000);
  assert.equal(r.add(0, 100), undefined, 'the first sample has nothing to compare with');
  assert.deepEqual(r.add(2000, 110), { t: 2000, rate: 5 });
  assert.equal(r.add(2000, 120), undefined, 'no time passed');
  assert.equal(r.add(3000, 50), undefined, 'a restore to an older revision is no rate');
  assert.deepEqual(r.add(4000, 60), { t: 4000, rate: 10 });
  assert.deepEqual(r.add(13_000, 60), { t: 13_000, rate: 0 });
  assert.deepEqual(r.all().map((p) => p.t), [4000, 13_000], 'points older than the window are dropped');
  r.add(1000, 0);
  assert.deepEqual(r.all(), [], 'a clock that went back is a new lab');
});

test('storedValue shows JSON as YAML, an encrypted value as what it is, anything else as text', () => {
  const json = JSON.stringify({ data: { b: '2', a: '1' }, metadata: { name: 'x' }, kind: 'ConfigMap' });
  assert.deepEqual(storedValue(json), { format: 'yaml', text: 'kind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "1"\n  b: "2"\n', bytes: json.length });
  const cipher = Buffer.from([0x00, 0xff, 0x41, 0x42, 0x10]);
  const enc = storedValue(`k8s:enc:aescbc:v1:key1:${cipher.toString('latin1')}`);
  assert.equal(enc.format, 'encrypted');
  assert.deepEqual(enc.encryption, { provider: 'aescbc', key: 'key1' });
  assert.equal(enc.bytes, 'k8s:enc:aescbc:v1:key1:'.length + 5);
  // hexdump -C's columns: a short row's text lines up with a full one's.
  assert.equal(enc.text, `00000017  00 ff 41 42 10${' '.repeat(36)}|..AB.|`);
  assert.equal(enc.text.indexOf('|'), hexDump(Buffer.alloc(16)).indexOf('|'));
  assert.deepEqual(storedValue('plain'), { format: 'text', text: 'plain', bytes: 5 });
  assert.deepEqual(storedValue('', true), { format: 'deleted', text: '', bytes: 0 });
  assert.equal(hexDump(Buffer.from('0123456789abcdefXY')), '00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n00000010  58 59                                             |XY|');
});

test('the Store panel gets a snapshot, deltas when the store moves, a key\'s history and diffs, time travel, compaction', async () => {
  const { lab, clock } = await startTestLab(1);
  const control: StoreControl = async (op) => {
    const r = await runControl(lab, op);
    if (typeof r === 'object' && r !== null && 'error' in r) throw new Error(r.error);
    return r as never;
  };
  const messages: StoreToPanel[] = [];
  const ticks: (() => void)[] = [];
  const feed = new StoreFeed(control, (m) => messages.push(m), (fn, ms) => {
    assert.equal(ms, POLL_MS);
    ticks.push(fn);
    return () => undefined;
  }, new RateSeries());
  const take = (): StoreToPanel[] => messages.splice(0);
  const of = <T extends StoreToPanel['type']>(ms: StoreToPanel[], type: T): Msg<T>[] => ms.filter((m): m is Msg<T> => m.type === type);
  try {
    await feed.start('KubeLab', { expanded: ['/registry/configmaps/'] });
    let ms = take();
    assert.deepEqual(ms.map((m) => m.type === 'children' ? `children ${m.prefix}` : m.type), ['snapshot', `children ${ROOT}`, 'children /registry/configmaps/', 'history']);
    const snap = of(ms, 'snapshot')[0];
    assert.equal(snap.at, null);
    assert.equal(snap.stats.backend, 'embedded');
    const root = of(ms, 'children')[0];
    assert.ok(root.reset && root.nodes.upsert.some((n) => n.path === '/registry/pods/' || n.path === '/registry/configmaps/'));
    assert.equal(ticks.length, 1, 'the first poll is armed');

    // Nothing moved: a poll sends nothing.
    await feed.tick();
    assert.deepEqual(take(), []);

    const created = await lab.client().create(CONFIGMAPS, configMap('cfg', '1'));
    assert.ok(!isStatus(created));
    const r1 = Number(created.metadata.resourceVersion);
    await clock.advance(1000);
    await feed.tick();
    ms = take();
    const stats = of(ms, 'stats');
    assert.equal(stats.length, 1);
    assert.ok(stats[0].stats.revision >= r1 && stats[0].rate.length === 1 && stats[0].rate[0].rate > 0, JSON.stringify(stats[0]));
    const cms = of(ms, 'children').find((m) => m.prefix === '/registry/configmaps/');
    assert.ok(cms && !cms.reset, 'an open level gets a delta');
    const defaultFolder = cms.nodes.upsert.find((n) => n.path === '/registry/configmaps/default/');
    assert.ok(defaultFolder && !defaultFolder.leaf && defaultFolder.count >= 1);

    const key = '/registry/configmaps/default/cfg';
    await feed.expand('/registry/configmaps/default/');
    await feed.select(key);
    ms = take();
    const level = of(ms, 'children')[0];
    assert.equal(level.prefix, '/registry/configmaps/default/');
    assert.deepEqual(level.nodes.upsert.find((n) => n.path === key)?.modRevision, r1);
    const h1 = of(ms, 'history')[0].history;
    assert.ok(h1);
    assert.deepEqual(h1.revisions.map((r) => [r.revision, r.type, r.value.format]), [[r1, 'put', 'yaml']]);
    assert.match(h1.revisions[0].value.text, /^data:\n {2}a: "1"\n/m);

    const updated = await lab.client().patch(CONFIGMAPS, 'default', 'cfg', { data: { a: '2' } });
    assert.ok(!isStatus(updated));
    const r2 = Number(updated.metadata.resourceVersion);
    await feed.tick();
    ms = take();
    assert.deepEqual(of(ms, 'history')[0]?.history?.revisions.map((r) => r.revision), [r1, r2]);
    const leafDelta = of(ms, 'children').find((m) => m.prefix === '/registry/configmaps/default/');
    assert.deepEqual(leafDelta?.nodes.upsert.map((n) => [n.path, n.version]), [[key, 2]]);

    await feed.diff(key, r1, r2);
    const diff = of(take(), 'diff')[0];
    // The data changed, and the time of the managed fields' entry; nothing else, whatever order the patch left the JSON in.
    const changed = diff.lines.filter((l) => l.op !== ' ').map((l) => `${l.op}${l.text}`);
    assert.deepEqual(changed.filter((l) => !/^[-+] +time: /.test(l)), ['-  a: "1"', '+  a: "2"'], changed.join('\n'));
    await feed.diff(key, r1, r2 + 1000);
    assert.deepEqual(take(), [{ type: 'notice', message: `Revision ${r2 + 1000} of ${key} is not in its history.`, error: true }]);

    // Time travel to r1: every open level again, as it was.
    await feed.travel(r1);
    ms = take();
    assert.ok(of(ms, 'children').every((m) => m.at === r1 && m.reset));
    assert.deepEqual(of(ms, 'children').map((m) => m.prefix), [ROOT, '/registry/configmaps/', '/registry/configmaps/default/']);
    assert.deepEqual(of(ms, 'children')[2].nodes.upsert.find((n) => n.path === key)?.version, 1);
    await feed.compact();
    assert.deepEqual(take(), [{ type: 'notice', message: 'Go back to live before compacting: compaction would remove the revision shown.', error: true }]);
    await feed.travel(null);
    ms = take();
    assert.ok(of(ms, 'children').every((m) => m.at === null && m.reset));

    await feed.compact();
    ms = take();
    const compactedTo = of(ms, 'stats')[0]?.stats.compactRevision;
    assert.ok(compactedTo && compactedTo >= r2, JSON.stringify(ms));
    assert.deepEqual(of(ms, 'notice'), [{ type: 'notice', message: `Compacted the store's history up to revision ${compactedTo}.`, error: false }]);
    await feed.travel(r1);
    ms = take();
    assert.deepEqual(of(ms, 'notice'), [{ type: 'notice', message: `Cannot show revision ${r1}: mvcc: required revision has been compacted`, error: true }]);
    assert.ok(of(ms, 'children').every((m) => m.at === null), 'back to live');

    await feed.defrag();
    assert.match(of(take(), 'notice')[0]?.message ?? '', /^Defragmented the store: .+ → .+\.$/);

    // Collapsed levels are no longer read.
    feed.collapse('/registry/configmaps/');
    assert.ok(!isStatus(await lab.client().create(CONFIGMAPS, configMap('other', 'x'))));
    await feed.tick();
    assert.ok(of(take(), 'children').every((m) => m.prefix === ROOT));
  } finally {
    feed.dispose();
    lab.stop();
  }
});

test('a feed whose lab cannot answer yet sends its snapshot at the first poll that can', async () => {
  let ready = false;
  const { lab } = await startTestLab(1);
  const control: StoreControl = async (op) => {
    if (!ready) throw new Error('the lab is not running');
    const r = await runControl(lab, op);
    if (typeof r === 'object' && r !== null && 'error' in r) throw new Error(r.error);
    return r as never;
  };
  const messages: StoreToPanel[] = [];
  let tick: (() => void) | undefined;
  const feed = new StoreFeed(control, (m) => messages.push(m), (fn) => {
    tick = fn;
    return () => undefined;
  }, new RateSeries());
  try {
    await feed.start('KubeLab', { expanded: [], at: 1e9 });
    assert.equal(messages.length, 0);
    assert.ok(tick);
    ready = true;
    await feed.tick();
    assert.equal(messages[0].type, 'snapshot');
    assert.deepEqual(messages.find((m) => m.type === 'notice'), { type: 'notice', message: `Revision 1000000000 is not in the store's history (it keeps revisions 0 to ${(messages[0]).stats.revision}): showing the store live.`, error: true });
  } finally {
    feed.dispose();
    lab.stop();
  }
});
