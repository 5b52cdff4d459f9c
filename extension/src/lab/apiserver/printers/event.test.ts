/**
 * printEvent against TestPrintEvent in kubernetes/kubernetes
 * pkg/printers/internalversion/printers_test.go, for core/v1 Events and for
 * events.k8s.io/v1 Events read through pkg/apis/events/v1/conversion.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { coreEventPrinter, eventsV1EventPrinter } from './event';
import { DAY, ago, cells, columnNames, obj } from './testing';
import type { Cell } from './table';

const deployment = { kind: 'Deployment', name: 'Deployment Name', fieldPath: 'spec.containers{foo}' };
const event = (name: string, rest: Record<string, unknown>) => obj(name, undefined, { reason: 'Event Reason', message: 'Message Data', ...rest });

test('printEvent: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, then the wide SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME', () => {
  const cases: [string, KubeObject, Cell[]][] = [
    ['basic', event('event1', { source: { component: 'kubelet' }, involvedObject: { kind: 'Pod', name: 'Pod Name', fieldPath: 'spec.containers{foo}' }, firstTimestamp: ago(3 * DAY), lastTimestamp: ago(2 * DAY), count: 6, type: 'Normal' }),
      ['2d', 'Normal', 'Event Reason', 'pod/Pod Name', 'spec.containers{foo}', 'kubelet', 'Message Data', '3d', 6, 'event1']],
    ['source host', event('event2', { source: { component: 'kubelet', host: 'Node1' }, involvedObject: deployment, firstTimestamp: ago(3 * DAY), lastTimestamp: ago(2 * DAY), count: 6, type: 'Warning' }),
      ['2d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 6, 'event2']],
    ['eventTime instead of firstTimestamp', event('event3', { source: { component: 'kubelet', host: 'Node1' }, involvedObject: deployment, eventTime: ago(3 * DAY), lastTimestamp: ago(3 * DAY), count: 1, type: 'Warning' }),
      ['3d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 1, 'event3']],
    ['no lastTimestamp', event('event4', { source: { component: 'kubelet', host: 'Node1' }, involvedObject: deployment, eventTime: ago(3 * DAY), firstTimestamp: ago(3 * DAY), count: 1, type: 'Warning' }),
      ['3d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 1, 'event4']],
    ['series', event('event6', { source: { component: 'kubelet', host: 'Node1' }, involvedObject: deployment, series: { count: 2, lastObservedTime: ago(2 * DAY) }, eventTime: ago(3 * DAY), type: 'Warning' }),
      ['2d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 2, 'event6']],
    ['singleton without count', event('event7', { source: { component: 'kubelet', host: 'Node1' }, involvedObject: deployment, eventTime: ago(3 * DAY), type: 'Warning' }),
      ['3d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 1, 'event7']],
    ['reporting controller for an empty source', event('event2', { reportingComponent: 'kubelet', reportingInstance: 'test', involvedObject: deployment, firstTimestamp: ago(3 * DAY), lastTimestamp: ago(2 * DAY), count: 6, type: 'Warning' }),
      ['2d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, test', 'Message Data', '3d', 6, 'event2']],
    ['no timestamps at all, a kind without a name, message trimmed', obj('e', undefined, { involvedObject: { kind: 'Node' }, message: '  Starting kubelet.\n', type: 'Normal', reason: 'Starting' }),
      ['<unknown>', 'Normal', 'Starting', 'node', '', '', 'Starting kubelet.', '<unknown>', 1, 'e']],
  ];
  for (const [name, o, want] of cases) assert.deepEqual(cells(coreEventPrinter, o), want, name);
  assert.deepEqual(columnNames(coreEventPrinter), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject:1', 'Source:1', 'Message', 'First Seen:1', 'Count:1', 'Name:1']);
  assert.equal(coreEventPrinter.columns[9].format, 'name');
});

test('events.k8s.io Events print through the conversion to the core Event', () => {
  const cases: [string, KubeObject, Cell[]][] = [
    ['new-style event', obj('web.1', undefined, { eventTime: ago(90 * 1000), reportingController: 'default-scheduler', reportingInstance: 'default-scheduler-lab', action: 'Binding', reason: 'Scheduled', regarding: { kind: 'Pod', name: 'web', namespace: 'default' }, note: 'Successfully assigned default/web to node-1', type: 'Normal' }),
      ['90s', 'Normal', 'Scheduled', 'pod/web', '', 'default-scheduler, default-scheduler-lab', 'Successfully assigned default/web to node-1', '90s', 1, 'web.1']],
    ['deprecated fields', obj('web.2', undefined, { eventTime: null, reason: 'Pulled', regarding: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{nginx}' }, note: 'pulled', type: 'Normal', deprecatedSource: { component: 'kubelet', host: 'node-1' }, deprecatedFirstTimestamp: ago(3 * DAY), deprecatedLastTimestamp: ago(2 * DAY), deprecatedCount: 4 }),
      ['2d', 'Normal', 'Pulled', 'pod/web', 'spec.containers{nginx}', 'kubelet, node-1', 'pulled', '3d', 4, 'web.2']],
  ];
  for (const [name, o, want] of cases) assert.deepEqual(cells(eventsV1EventPrinter, o), want, name);
});
