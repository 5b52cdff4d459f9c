import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type Event, type Pod } from '../lab/api/types';
import { EVENTS, PODS } from '../lab/client/resources';
import { startTestLab } from '../lab/testLab';
import { ClusterModel } from './clusterModel';
import { EventsModel, lastSeen, newest } from './eventsModel';
import { isResourceItem } from './resourceItem';

function ev(name: string, last: string | undefined, extra: Partial<Event> = {}): Event {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' }, involvedObject: { kind: 'Pod', name: 'web' }, ...(last ? { lastTimestamp: last } : {}), ...extra };
}

test('lastSeen prefers the series, then lastTimestamp, eventTime, firstTimestamp and creation', () => {
  const cases: [Event, string][] = [
    [ev('a', '2026-01-01T00:00:05Z', { series: { lastObservedTime: '2026-01-01T00:00:09.000000Z' } }), '2026-01-01T00:00:09Z'],
    [ev('b', '2026-01-01T00:00:05Z', { eventTime: '2026-01-01T00:00:07.000000Z' }), '2026-01-01T00:00:05Z'],
    [ev('c', undefined, { eventTime: '2026-01-01T00:00:07.500000Z' }), '2026-01-01T00:00:07.500Z'],
    [ev('d', undefined, { firstTimestamp: '2026-01-01T00:00:03Z' }), '2026-01-01T00:00:03Z'],
    [ev('e', undefined), '2026-01-01T00:00:00Z'],
  ];
  for (const [e, want] of cases) assert.equal(lastSeen(e), Date.parse(want), e.metadata.name);
});

test('newest keeps the most recently seen events, newest first, up to the limit', () => {
  const events = Array.from({ length: 50 }, (_, i) => ev(`e${i}`, new Date(Date.UTC(2026, 0, 1, 0, 0, (i * 37) % 50)).toISOString()));
  const top = newest(events, 10);
  assert.equal(top.length, 10);
  const times = top.map(lastSeen);
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
  assert.equal(times[0], Date.UTC(2026, 0, 1, 0, 0, 49));
  assert.equal(times[9], Date.UTC(2026, 0, 1, 0, 0, 40));
  assert.deepEqual(newest(events, 100).map((e) => e.metadata.name), [...events].sort((a, b) => lastSeen(b) - lastSeen(a)).map((e) => e.metadata.name));
  assert.deepEqual(newest(events, 0), []);
});

test('the Events view lists the lab\'s events newest first, marks warnings and caps the list', async () => {
  const { lab, clock } = await startTestLab(1);
  const model = new ClusterModel(lab.client());
  try {
    await model.start();
    const stuck: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stuck', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100' } } }] } };
    assert.ok(!isStatus(await lab.client().create(PODS, stuck)));
    const events = new EventsModel(model, 2);
    const all = () => model.informer<Event>(EVENTS).list();
    events.children();
    for (let i = 0; i < 100 && !(all().some((e) => e.reason === 'FailedScheduling') && all().length > 2); i++) {
      await clock.advance(1000);
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(all().length > 2, JSON.stringify(all().map((e) => [e.reason, e.type, e.lastTimestamp, e.message])));
    events.invalidate();
    const rows = events.children();
    assert.equal(rows.length, 3);
    const more = rows[2];
    assert.equal(more.type, 'more');
    assert.equal(events.item(more).label, `${all().length - 2} older ${all().length - 2 === 1 ? 'event' : 'events'} not shown`);
    const shown = rows.slice(0, 2);
    for (const r of shown) assert.ok(isResourceItem(r));
    const seen = shown.map((r) => (r.type === 'event' ? lastSeen(model.informer<Event>(EVENTS).get(r.key) as Event) : 0));
    assert.deepEqual(seen, [...seen].sort((a, b) => b - a));

    const warning = new EventsModel(model).children().find((r) => r.type === 'event' && model.informer<Event>(EVENTS).get(r.key)?.reason === 'FailedScheduling');
    assert.ok(warning, JSON.stringify(all().map((e) => [e.reason, e.type, e.lastTimestamp, e.message])));
    const item = new EventsModel(model).item(warning);
    assert.equal(item.label, 'FailedScheduling · pod/stuck');
    assert.match(item.description ?? '', /^0\/1 nodes are available: 1 Insufficient cpu/);
    assert.deepEqual(item.icon, { id: 'warning', color: 'list.warningForeground' });
    assert.equal(item.contextValue, 'resource.event.warning');
    const tip = new EventsModel(model).tooltip(warning, Date.parse('2026-01-01T00:10:00Z')) ?? '';
    assert.match(tip, /^\*\*Warning\*\* FailedScheduling · `pod\/stuck` in `default`/);
    assert.match(tip, /Count: \d+ {2}\nFirst seen: \S+ ago/);
    assert.match(tip, /Source: default\\-scheduler/);
  } finally {
    model.stop();
    lab.stop();
  }
});
