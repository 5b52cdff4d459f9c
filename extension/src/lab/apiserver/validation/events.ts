/**
 * events validates events.k8s.io/v1 Events as core/validation's events.go does
 * for requests to that API: the legacy checks every event passes, then the strict
 * ones (eventTime, type, no deprecated fields, a sane series). Upstream validates
 * the internal type, so field paths use its names (involvedObject, message,
 * source, firstTimestamp …) rather than v1's (regarding, note, deprecatedSource …).
 */
import type { KubeObject } from '../../api/types';
import { type FieldError, invalidValue, required } from '../fieldErrors';
import { str } from './fields';
import { validateEvent } from './core/event';
import { isSet, record, semanticEqual, validateImmutableField } from './generic';

/** EventsV1Event is an events.k8s.io/v1 Event: only the fields validation reads. */
export interface EventsV1Event extends KubeObject {
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
  reason?: string;
  regarding?: Record<string, unknown>;
  related?: Record<string, unknown> | null;
  note?: string;
  type?: string;
  deprecatedSource?: { component?: string; host?: string };
  deprecatedFirstTimestamp?: string | null;
  deprecatedLastTimestamp?: string | null;
  deprecatedCount?: number;
}

/** legacyView is the event as core/v1 names its fields, which the legacy checks read. */
function legacyView(e: EventsV1Event): Parameters<typeof validateEvent>[0] {
  return {
    metadata: e.metadata,
    involvedObject: e.regarding,
    eventTime: e.eventTime,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
    action: e.action,
    reason: e.reason,
    message: e.note,
  };
}

function validateSeries(e: EventsV1Event): FieldError[] {
  const series = record<NonNullable<EventsV1Event['series']>>(e.series);
  if (!series) return [];
  const errs: FieldError[] = [];
  if ((series.count ?? 0) < 2) errs.push(invalidValue('series.count', '', 'should be at least 2'));
  if (!series.lastObservedTime) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** validateEventsV1Event is ValidateEventCreate for events.k8s.io/v1 (object meta aside). */
export function validateEventsV1Event(e: EventsV1Event): FieldError[] {
  const errs = [...validateEvent(legacyView(e)), ...validateSeries(e)];
  if (!isSet(e.eventTime)) errs.push(required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(invalidValue('type', '', `has invalid value: ${str(e.type)}`));
  if (isSet(e.deprecatedFirstTimestamp)) errs.push(invalidValue('firstTimestamp', '', 'needs to be unset'));
  if (isSet(e.deprecatedLastTimestamp)) errs.push(invalidValue('lastTimestamp', '', 'needs to be unset'));
  if ((e.deprecatedCount ?? 0) !== 0) errs.push(invalidValue('count', '', 'needs to be unset'));
  const source = record<NonNullable<EventsV1Event['deprecatedSource']>>(e.deprecatedSource);
  if (source?.component || source?.host) errs.push(invalidValue('source', '', 'needs to be unset'));
  return errs;
}

/** The fields ValidateEventUpdate freezes, as [internal path, v1 field]; reason is listed twice upstream, and so here. */
const IMMUTABLE: readonly [string, keyof EventsV1Event][] = [
  ['involvedObject', 'regarding'], ['reason', 'reason'], ['message', 'note'], ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'], ['lastTimestamp', 'deprecatedLastTimestamp'], ['count', 'deprecatedCount'],
  ['reason', 'reason'], ['type', 'type'], ['eventTime', 'eventTime'], ['action', 'action'], ['related', 'related'],
  ['reportingController', 'reportingController'], ['reportingInstance', 'reportingInstance'],
];

/** validateEventsV1EventUpdate is ValidateEventUpdate for events.k8s.io/v1: only the series may change. */
export function validateEventsV1EventUpdate(e: EventsV1Event, old: EventsV1Event): FieldError[] {
  const errs = validateEvent(legacyView(e));
  if (!semanticEqual(e.series, old.series)) errs.push(...validateSeries(e));
  for (const [path, key] of IMMUTABLE) errs.push(...validateImmutableField(e[key], old[key], path));
  return errs;
}
