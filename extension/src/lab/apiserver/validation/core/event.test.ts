/**
 * core/v1 Event validation: the legacy checks of
 * pkg/apis/core/validation/events.go (legacyValidateEvent), the only ones v1 requests get.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/types';
import { fieldErrorText } from '../../fieldErrors';
import { validateEvent } from './event';

const event = (fields: Record<string, unknown>, namespace = 'default') => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'web.1', namespace }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, ...fields }) as KubeObject;

const cases: { name: string; event: KubeObject; errors: string[] }[] = [
  { name: 'a classic event', event: event({ reason: 'Scheduled', message: 'ok' }), errors: [] },
  { name: 'an involved object in another namespace', event: event({ involvedObject: { kind: 'Pod', name: 'x', namespace: 'other' } }), errors: ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'] },
  { name: 'a cluster object\'s event outside default', event: event({ involvedObject: { kind: 'Node', name: 'n1' } }, 'team'), errors: ['involvedObject.namespace: Invalid value: "": does not match event.namespace'] },
  {
    name: 'a new-style event missing its reporter, action and reason',
    event: event({ eventTime: '2026-01-01T00:00:00.000000Z' }),
    errors: [
      'reportingController: Required value',
      'reportingController: Invalid value: "": name part must be non-empty',
      "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'reportingInstance: Required value',
      'action: Required value',
      'reason: Required value',
    ],
  },
  {
    name: 'a new-style event with a reason too long',
    event: event({ eventTime: '2026-01-01T00:00:00.000000Z', reportingComponent: 'kubelab.dev/scheduler', reportingInstance: 'lab', action: 'Binding', reason: 'R'.repeat(129) }),
    errors: ['reason: Invalid value: "": can have at most 128 characters'],
  },
];

for (const c of cases) test(`event: ${c.name}`, () => assert.deepEqual(validateEvent(c.event).map(fieldErrorText), c.errors));
