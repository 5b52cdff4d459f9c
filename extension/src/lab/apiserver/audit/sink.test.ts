import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AuditSink } from './sink';
import type { AuditEvent } from './types';

const ev = (auditID: string): AuditEvent => ({
  kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID, stage: 'ResponseComplete', requestURI: '/', verb: 'get',
  user: { username: 'u' }, requestReceivedTimestamp: '', stageTimestamp: '',
});

test('a synchronous writer gets one JSON line per event, in order', () => {
  const lines: string[] = [];
  const sink = new AuditSink((l) => void lines.push(l));
  sink.processEvent(ev('a'));
  sink.processEvent(ev('b'));
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as AuditEvent).auditID), ['a', 'b']);
  assert.ok(lines.every((l) => l.endsWith('}\n') && !l.slice(0, -1).includes('\n')));
});

test('an asynchronous writer is waited for, events queue behind it, and past the bound they are dropped', async () => {
  const written: string[] = [];
  const pending: (() => void)[] = [];
  const sink = new AuditSink((l) => new Promise<void>((resolve) => pending.push(() => { written.push((JSON.parse(l) as AuditEvent).auditID); resolve(); })), 2);
  assert.equal(sink.processEvent(ev('a')), true);
  assert.equal(sink.processEvent(ev('b')), true);
  assert.equal(sink.processEvent(ev('c')), true);
  assert.equal(sink.processEvent(ev('d')), false, 'the queue holds two');
  assert.equal(sink.dropped, 1);
  const flushed = sink.flush();
  while (pending.length) {
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
  }
  await flushed;
  assert.deepEqual(written, ['a', 'b', 'c']);
});

test('a failing writer never throws into the request path', () => {
  const sink = new AuditSink(() => { throw new Error('disk full'); });
  assert.equal(sink.processEvent(ev('a')), true);
});
