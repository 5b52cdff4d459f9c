/**
 * Pod update, status update, ephemeral-container and binding validation, with
 * the messages of pkg/apis/core/validation/validation.go (ValidatePodUpdate,
 * ValidatePodStatusUpdate, ValidatePodEphemeralContainersUpdate, ValidatePodBinding).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../../api/types';
import { defaultPod } from '../../defaulting/core';
import { fieldErrorText } from '../../fieldErrors';
import { POD_UPDATE_FORBIDDEN, validatePodBinding, validatePodEphemeralContainersUpdate, validatePodStatusUpdate, validatePodUpdate } from './pod';

function pod(spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Pod {
  const p = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', resourceVersion: '5' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], ...spec }, ...extra } as Pod;
  defaultPod(p);
  return p;
}

/** changed returns a copy of base with fn applied, as a client's PUT would carry it. */
function changed(base: Pod, fn: (p: Pod) => void): Pod {
  const p = structuredClone(base);
  fn(p);
  defaultPod(p);
  return p;
}

const running = pod({ nodeName: 'n1', tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }], activeDeadlineSeconds: 100, schedulingGates: [] });

const updates: { name: string; next: Pod; old?: Pod; errors: string[] }[] = [
  { name: 'a new image is allowed', next: changed(running, (p) => { p.spec.containers[0].image = 'nginx:1.28'; }), errors: [] },
  { name: 'an added toleration and a changed tolerationSeconds are allowed', next: changed(running, (p) => { p.spec.tolerations = [{ ...p.spec.tolerations![0], tolerationSeconds: 20 }, { key: 'b', operator: 'Exists' }]; }), errors: [] },
  { name: 'a shorter active deadline is allowed', next: changed(running, (p) => { p.spec.activeDeadlineSeconds = 50; }), errors: [] },
  { name: 'adding a container', next: changed(running, (p) => { p.spec.containers.push({ name: 'd', image: 'x' }); }), errors: ['spec.containers: Forbidden: pod updates may not add or remove containers'] },
  { name: 'clearing an image', next: changed(running, (p) => { p.spec.containers[0].image = ''; }), errors: ['spec.containers[0].image: Required value', 'spec.containers[0].image: Required value'] },
  { name: 'a longer active deadline', next: changed(running, (p) => { p.spec.activeDeadlineSeconds = 200; }), errors: ['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value'] },
  { name: 'changing an existing toleration', next: changed(running, (p) => { p.spec.tolerations = [{ key: 'z', operator: 'Exists' }]; }), errors: ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'] },
  {
    name: 'adding a scheduling gate',
    old: pod({ schedulingGates: [{ name: 'example.com/a' }] }),
    next: pod({ schedulingGates: [{ name: 'example.com/a' }, { name: 'example.com/b' }] }),
    errors: ["spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/b'"],
  },
  {
    name: 'adding a mirror pod annotation',
    next: changed(running, (p) => { p.metadata.annotations = { 'kubernetes.io/config.mirror': 'x' }; }),
    errors: ['metadata.annotations[kubernetes.io/config.mirror]: Forbidden: may not add mirror pod annotation'],
  },
];

for (const c of updates) {
  test(`pod update: ${c.name}`, () => {
    assert.deepEqual(validatePodUpdate(c.next, c.old ?? running).map(fieldErrorText), c.errors);
  });
}

test('pod update: removing the active deadline is refused with a nil value', () => {
  const errs = validatePodUpdate(changed(running, (p) => { delete p.spec.activeDeadlineSeconds; }), running);
  assert.deepEqual(errs, [{ type: 'FieldValueInvalid', field: 'spec.activeDeadlineSeconds', value: null, detail: 'must not update from a positive integer to nil value' }]);
});

test('pod update: changing another field is forbidden with upstream\'s list of what may change', () => {
  const errs = validatePodUpdate(changed(running, (p) => { p.spec.restartPolicy = 'Never'; }), running);
  assert.equal(errs.length, 1);
  assert.equal(errs[0].field, 'spec');
  assert.equal(errs[0].type, 'FieldValueForbidden');
  assert.ok(errs[0].detail?.startsWith(`${POD_UPDATE_FORBIDDEN}\n  core.PodSpec{`), errs[0].detail);
  assert.match(errs[0].detail ?? '', /- \tRestartPolicy: "Always",\n\+ \tRestartPolicy: "Never",/);
  assert.equal(fieldErrorText(errs[0]).split('\n')[0], 'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)');
});

const scheduled = pod({ nodeName: 'n1', restartPolicy: 'Never' }, {
  status: { phase: 'Running', qosClass: 'BestEffort', hostIP: '10.0.0.1', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 0 } } }] },
});

const statusUpdates: { name: string; status: Record<string, unknown>; errors: string[] }[] = [
  { name: 'a valid status', status: { phase: 'Succeeded', qosClass: 'BestEffort', podIPs: [{ ip: '10.1.0.5' }], hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.1' }] }, errors: [] },
  { name: 'a changed QoS class', status: { qosClass: 'Guaranteed' }, errors: ['status.qosClass: Invalid value: "Guaranteed": field is immutable'] },
  {
    name: 'a finished container running again under restartPolicy Never',
    status: { qosClass: 'BestEffort', containerStatuses: [{ name: 'c', state: { running: {} } }] },
    errors: ['status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state'],
  },
  {
    name: 'bad pod IPs',
    status: { qosClass: 'BestEffort', podIPs: [{ ip: '010.1.1.1' }] },
    errors: ['status.podIPs[0]: Invalid value: "010.1.1.1": must not have leading 0s'],
  },
  {
    name: 'an IP that does not parse',
    status: { qosClass: 'BestEffort', podIPs: [{ ip: '10.0.0.300' }] },
    errors: ['status.podIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
  },
  { name: 'hostIPs not led by hostIP', status: { qosClass: 'BestEffort', hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.2' }] }, errors: ['status.hostIPs[0].ip: Invalid value: "10.0.0.2": must be equal to `hostIP`'] },
  {
    name: 'a custom condition type that is not a qualified name',
    status: { qosClass: 'BestEffort', conditions: [{ type: 'Ready', status: 'True' }, { type: 'my condition', status: 'True' }] },
    errors: ["metadata.conditions[1].Type: Invalid value: \"my condition\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"],
  },
];

for (const c of statusUpdates) {
  test(`pod status update: ${c.name}`, () => {
    const next = changed(scheduled, (p) => { p.status = c.status; });
    assert.deepEqual(validatePodStatusUpdate(next, scheduled).map(fieldErrorText), c.errors);
  });
}

test('pod status update: two IPv4 pod IPs are one family too many', () => {
  const next = changed(scheduled, (p) => { p.status = { qosClass: 'BestEffort', podIPs: [{ ip: '10.1.0.5' }, { ip: '10.1.0.6' }] }; });
  const errs = validatePodStatusUpdate(next, scheduled);
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['status.podIPs', 'may specify no more than one IP for each IP family']]);
});

const withDebug = changed(scheduled, (p) => { p.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }]; });

const ephemeral: { name: string; next: Pod; errors: string[] }[] = [
  { name: 'adding a debugging container', next: withDebug, errors: [] },
  {
    name: 'ports, a probe and an unknown target',
    next: changed(scheduled, (p) => {
      p.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent', targetContainerName: 'nope', ports: [{ containerPort: 80, protocol: 'TCP' }], readinessProbe: { exec: { command: ['true'] } } }];
    }),
    errors: [
      'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"',
      'spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container',
    ],
  },
  {
    name: 'a name taken by a container',
    next: changed(scheduled, (p) => { p.spec.ephemeralContainers = [{ name: 'c', image: 'busybox', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }]; }),
    errors: ['spec.ephemeralContainers[0].name: Duplicate value: "c"'],
  },
];

for (const c of ephemeral) {
  test(`ephemeral containers: ${c.name}`, () => {
    assert.deepEqual(validatePodEphemeralContainersUpdate(c.next, scheduled).map(fieldErrorText), c.errors);
  });
}

test('ephemeral containers: an existing one may not be removed', () => {
  const errs = validatePodEphemeralContainersUpdate(scheduled, withDebug);
  assert.deepEqual(errs.map(fieldErrorText), ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "debug" may not be removed\n']);
});

test('binding: the target must be a named Node', () => {
  assert.deepEqual(validatePodBinding({ target: { kind: 'Pod' } }).map(fieldErrorText), [
    'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
    'target.name: Required value',
  ]);
  assert.deepEqual(validatePodBinding({ target: { name: 'n1' } }), []);
});
