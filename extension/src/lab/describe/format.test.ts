import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEvents, eventFieldSelector } from './events';
import { camelSplit, goFloat, goValue, smartLabelFor } from './generic';
import { printAnnotationsMultiline, printTaintsMultiline, printTolerationsMultiline } from './multiline';
import { tabbedString } from './prefixWriter';
import { GO_ZERO_TIME, rfc1123z, UTC } from './timeFormat';
import type { KubeObject } from '../api/types';

test('rfc1123z is Go RFC1123Z in the given zone; an unset time is Go zero time', () => {
  assert.equal(rfc1123z('2026-01-01T00:00:05Z', UTC), 'Thu, 01 Jan 2026 00:00:05 +0000');
  assert.equal(rfc1123z('2026-01-01T00:00:05Z', () => -330), 'Wed, 31 Dec 2025 18:30:05 -0530');
  assert.equal(rfc1123z('2026-07-04T12:00:00Z', () => 120), 'Sat, 04 Jul 2026 14:00:00 +0200');
  assert.equal(rfc1123z(undefined, UTC), GO_ZERO_TIME);
});

const labels: [string, string][] = [
  ['apiVersion', 'API Version'], ['creationTimestamp', 'Creation Timestamp'], ['uid', 'UID'], ['podIPs', 'Pod I Ps'],
  ['matchLabels', 'Match Labels'], ['app.kubernetes.io/name', 'app.kubernetes.io/name'], ['k8s', 'k8s'], ['foo-bar', 'Foo - Bar'], ['HTTPServer', 'HTTP Server'],
];
for (const [field, want] of labels) test(`smartLabelFor(${field}) is ${want}`, () => assert.equal(smartLabelFor(field), want));

test('camelSplit moves an upper run\'s last letter onto the following lower run', () => {
  assert.deepEqual(camelSplit('PDFLoader'), ['PDF', 'Loader']);
  assert.deepEqual(camelSplit('GL11Version'), ['GL', '11', 'Version']);
});

test('goValue prints as fmt %v does', () => {
  assert.equal(goFloat(0.5), '0.5');
  assert.equal(goFloat(1234567.5), '1.2345675e+06');
  assert.equal(goFloat(0.00001), '1e-05');
  assert.equal(goFloat(3), '3');
  assert.equal(goValue(null), '<nil>');
  assert.equal(goValue([['a', 1], true]), '[[a 1] true]');
  assert.equal(goValue({ b: 1, a: 'x' }), 'map[a:x b:1]');
});

test('eventFieldSelector is GetFieldSelector: kind and uid only when set', () => {
  assert.equal(eventFieldSelector({ kind: 'Deployment', namespace: 'default', name: 'web', uid: 'u1' }), 'involvedObject.kind=Deployment,involvedObject.name=web,involvedObject.namespace=default,involvedObject.uid=u1');
  assert.equal(eventFieldSelector({ kind: '', namespace: '', name: 'node-1', uid: '' }), 'involvedObject.name=node-1,involvedObject.namespace=');
});

const event = (reason: string, extra: Record<string, unknown>): KubeObject => ({ metadata: { name: reason }, type: 'Normal', reason, message: ` ${reason} happened \n`, source: { component: 'kubelet' }, ...extra });

test('describeEvents sorts by last timestamp and shows repeats as (xN over age)', () => {
  const now = Date.parse('2026-01-01T01:00:00Z');
  const text = tabbedString((w) => {
    w.write(0, 'Name:\tx\n');
    describeEvents([
      event('Later', { firstTimestamp: '2026-01-01T00:50:00Z', lastTimestamp: '2026-01-01T00:59:58Z', count: 3 }),
      event('Earlier', { firstTimestamp: '2026-01-01T00:58:00Z', lastTimestamp: '2026-01-01T00:58:00Z', count: 1, source: {}, reportingComponent: 'ctrl' }),
      event('Series', { eventTime: '2026-01-01T00:40:00.000000Z', series: { count: 4, lastObservedTime: '2026-01-01T00:59:59.000000Z' }, lastTimestamp: null }),
    ], w, now);
  });
  assert.equal(text, [
    'Name:  x',
    'Events:',
    '  Type    Reason   Age               From     Message',
    '  ----    ------   ----              ----     -------',
    '  Normal  Series   1s (x4 over 20m)  kubelet  Series happened',
    '  Normal  Earlier  2m                ctrl     Earlier happened',
    '  Normal  Later    2s (x3 over 10m)  kubelet  Later happened',
    '',
  ].join('\n'));
  assert.equal(tabbedString((w) => describeEvents([], w, now)), 'Events:  <none>\n');
});

test('annotations longer than 140 bytes or multi-line go below their key; last-applied is hidden', () => {
  const text = tabbedString((w) => printAnnotationsMultiline(w, 'Annotations', {
    'kubectl.kubernetes.io/last-applied-configuration': '{}', short: 'v', long: 'x'.repeat(150), multi: 'a\nb\n',
  }));
  assert.equal(text, `Annotations:  long:\n                ${'x'.repeat(138)}...\n              multi:\n                a\n                b\n              short: v\n`);
});

test('taints sort by effect then key; tolerations print op=Exists and seconds', () => {
  const taints = tabbedString((w) => printTaintsMultiline(w, 'Taints', [{ key: 'b', effect: 'NoSchedule' }, { key: 'a', value: 'v', effect: 'NoExecute' }]));
  assert.equal(taints, 'Taints:  a=v:NoExecute\n         b:NoSchedule\n');
  const tolerations = tabbedString((w) => printTolerationsMultiline(w, 'Tolerations', [{ operator: 'Exists' }, { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'e', operator: 'Equal', value: 'x' }]));
  assert.equal(tolerations, 'Tolerations:  op=Exists\n              e=x\n              k:NoExecute op=Exists for 300s\n');
});
