import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DiffLine, StoreKeyHistoryView, StoreNodeView } from '../shared/protocol';
import { ROOT, StoreTree, fold, formatBytes, nameOf, parentOf, valueAt } from './storeState';

const folder = (path: string, count: number, modRevision = 1): StoreNodeView => ({ path, leaf: false, count, bytes: count * 100, modRevision, createRevision: 0, version: 0 });
const key = (path: string, modRevision = 1): StoreNodeView => ({ path, leaf: true, count: 1, bytes: 100, modRevision, createRevision: 1, version: 1 });

test('the tree flattens the open folders, applies deltas and notes the rows they changed', () => {
  const t = new StoreTree();
  t.apply({ type: 'children', prefix: ROOT, at: null, reset: true, nodes: { upsert: [folder('/registry/pods/', 2), folder('/registry/configmaps/', 1)], remove: [] }, omitted: 0 });
  t.apply({ type: 'children', prefix: '/registry/pods/', at: null, reset: true, nodes: { upsert: [folder('/registry/pods/default/', 2)], remove: [] }, omitted: 0 });
  t.apply({ type: 'children', prefix: '/registry/pods/default/', at: null, reset: true, nodes: { upsert: [key('/registry/pods/default/b'), key('/registry/pods/default/a')], remove: [] }, omitted: 3 });
  assert.equal(t.changed.size, 0, 'a reset flashes nothing');
  const open = new Set(['/registry/pods/', '/registry/pods/default/']);
  assert.deepEqual(t.rows(open).map((r) => `${'  '.repeat(r.depth)}${r.name}`), ['configmaps', 'pods', '  default', '    a', '    b']);
  assert.deepEqual(t.rows(new Set(['/registry/pods/default/'])).map((r) => r.name), ['configmaps', 'pods'], 'a closed parent hides an open child');
  t.apply({ type: 'children', prefix: '/registry/pods/default/', at: null, reset: false, nodes: { upsert: [key('/registry/pods/default/c', 9)], remove: ['/registry/pods/default/a'] }, omitted: 0 });
  assert.deepEqual(t.rows(open).slice(3).map((r) => r.name), ['b', 'c']);
  assert.deepEqual([...t.changed], ['/registry/pods/default/c']);
  assert.equal(t.omitted.get('/registry/pods/default/'), 0);
});

test('names and parents of rows', () => {
  assert.equal(nameOf('/registry/pods/', ROOT), 'pods');
  assert.equal(nameOf('/registry/pods/default/web', '/registry/pods/default/'), 'web');
  assert.equal(parentOf('/registry/pods/default/web'), '/registry/pods/default/');
  assert.equal(parentOf('/registry/pods/default/'), '/registry/pods/');
});

test('valueAt finds the change in effect at a revision, a deletion, an absence, or a revision before the history', () => {
  const rev = (revision: number, type: 'put' | 'delete') => ({ revision, type, createRevision: 1, version: 1, value: { format: type === 'put' ? 'yaml' as const : 'deleted' as const, text: '', bytes: 0 } });
  const h: StoreKeyHistoryView = { key: '/k', from: 10, revisions: [rev(12, 'put'), rev(15, 'put'), rev(20, 'delete'), rev(30, 'put')] };
  for (const [at, want] of [[11, 'absent'], [12, 'value 12'], [19, 'value 15'], [25, 'deleted 20'], [31, 'value 30'], [5, 'unknown']] as const) {
    const v = valueAt(h, at);
    assert.equal('change' in v ? `${v.state} ${v.change.revision}` : v.state, want, `at ${at}`);
  }
});

test('fold keeps three lines of context around changes and folds the rest', () => {
  const lines: DiffLine[] = Array.from({ length: 12 }, (_, i) => ({ op: ' ', text: String(i) }));
  lines[6] = { op: '+', text: 'new' };
  assert.deepEqual(fold(lines).map((l) => ('skipped' in l ? `…${l.skipped}` : `${l.op}${l.text}`)), ['…3', ' 3', ' 4', ' 5', '+new', ' 7', ' 8', ' 9', '…2']);
  assert.deepEqual(fold([{ op: ' ', text: 'a' }]), [{ skipped: 1 }]);
});

test('formatBytes', () => {
  assert.deepEqual([0, 1023, 1536, 10 * 1024 * 1024, 256 * 1024 ** 3].map(formatBytes), ['0 B', '1023 B', '1.5 KiB', '10 MiB', '256 GiB']);
});
