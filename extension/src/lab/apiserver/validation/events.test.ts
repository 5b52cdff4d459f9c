/**
 * Messages come from pkg/apis/core/validation/events.go: legacyValidateEvent plus
 * the strict checks of ValidateEventCreate/ValidateEventUpdate for events.k8s.io/v1,
 * whose paths name the internal fields (message, source, count …).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FieldError, fieldErrorText } from '../fieldErrors';
import { type EventsV1Event, validateEventsV1Event, validateEventsV1EventUpdate } from './events';

const texts = (errs: FieldError[]) => errs.map(fieldErrorText);
const good = (): EventsV1Event => ({
  metadata: { name: 'web.1', namespace: 'default' },
  eventTime: '2026-01-01T00:00:00.000000Z',
  reportingController: 'kubelab.dev/scheduler',
  reportingInstance: 'scheduler-1',
  action: 'Binding',
  reason: 'Scheduled',
  type: 'Normal',
  note: 'assigned',
  regarding: { kind: 'Pod', name: 'web', namespace: 'default' },
});

test('events.k8s.io: a complete event is valid', () => {
  assert.deepEqual(texts(validateEventsV1Event(good())), []);
});

const cases: { name: string; change: Partial<EventsV1Event>; want: string[] }[] = [
  {
    name: 'without eventTime the legacy checks apply and eventTime is required',
    change: { eventTime: undefined },
    want: ['eventTime: Required value'],
  },
  { name: 'type must be Normal or Warning', change: { type: 'Fatal' }, want: ['type: Invalid value: "": has invalid value: Fatal'] },
  { name: 'reporter, action and reason are required', change: { reportingController: '', reportingInstance: '', action: '', reason: '' }, want: [
    'reportingController: Required value',
    "reportingController: Invalid value: \"\": name part must be non-empty",
    "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    'reportingInstance: Required value',
    'action: Required value',
    'reason: Required value',
  ] },
  { name: 'deprecated fields must be unset', change: { deprecatedCount: 3, deprecatedSource: { component: 'kubelet' }, deprecatedFirstTimestamp: '2026-01-01T00:00:00Z' }, want: [
    'firstTimestamp: Invalid value: "": needs to be unset',
    'count: Invalid value: "": needs to be unset',
    'source: Invalid value: "": needs to be unset',
  ] },
  { name: 'a series counts at least 2 and has a last observation', change: { series: { count: 1 } }, want: ['series.count: Invalid value: "": should be at least 2', 'series.lastObservedTime: Required value'] },
  { name: 'a new-style event may regard an object in another namespace', change: { regarding: { kind: 'Pod', name: 'web', namespace: 'other' } }, want: [] },
  {
    name: 'a cluster-scoped object may only be regarded from default or kube-system',
    change: { metadata: { name: 'n.1', namespace: 'team-a' }, regarding: { kind: 'Node', name: 'node-1' } },
    want: ['involvedObject.namespace: Invalid value: "": does not match event.namespace'],
  },
];

for (const c of cases) {
  test(`events.k8s.io: ${c.name}`, () => {
    assert.deepEqual(texts(validateEventsV1Event({ ...good(), ...c.change })), c.want);
  });
}

test('events.k8s.io update: only the series may change', () => {
  const old = good();
  assert.deepEqual(texts(validateEventsV1EventUpdate({ ...old, series: { count: 2, lastObservedTime: '2026-01-01T00:01:00.000000Z' } }, old)), []);
  assert.deepEqual(texts(validateEventsV1EventUpdate({ ...old, note: 'changed', action: 'Other' }, old)), [
    'message: Invalid value: "changed": field is immutable',
    'action: Invalid value: "Other": field is immutable',
  ]);
});
