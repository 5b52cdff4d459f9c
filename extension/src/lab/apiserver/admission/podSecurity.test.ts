import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, Pod } from '../../api/types';
import type { AdmissionPlugin } from './admission';
import { newPodSecurity } from './podSecurity';
import { FakeServer, attributes, type AttributeInit } from './testing';

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });
const plainPod = (name = 'web', namespace = 'team'): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'web', image: 'nginx' }] } });
const privilegedPod = (name: string, extra: Record<string, unknown> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team', ...extra }, spec: { containers: [{ name: 'web', image: 'nginx', securityContext: { privileged: true } }] } });
const deployment = (): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } });

const RESTRICTED_DETAIL = 'allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "web" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

async function run(plugin: AdmissionPlugin, server: FakeServer, init: AttributeInit) {
  const a = attributes(init);
  const status = await plugin.validate!(a, server.context());
  return { status, warnings: a.warnings, audit: a.auditAnnotations };
}

// Messages from staging/src/k8s.io/pod-security-admission/admission/admission.go (EvaluatePod,
// EvaluatePodsInNamespace) and response.go.
test('PodSecurity refuses a pod that violates the enforce level', async () => {
  const server = new FakeServer([ns('team', { 'pod-security.kubernetes.io/enforce': 'restricted' })]);
  const { status, warnings, audit } = await run(newPodSecurity(), server, { kind: 'Pod', object: plainPod() });
  assert.equal(status?.code, 403);
  assert.equal(status?.reason, 'Forbidden');
  assert.equal(status?.message, `pods "web" is forbidden: violates PodSecurity "restricted:latest": ${RESTRICTED_DETAIL}`);
  assert.deepEqual(warnings, []);
  assert.deepEqual(audit, { 'pod-security.kubernetes.io/enforce-policy': 'restricted:latest' });
});

test('PodSecurity warns and audits without refusing', async () => {
  const server = new FakeServer([ns('team', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.30' })]);
  const { status, warnings, audit } = await run(newPodSecurity(), server, { kind: 'Pod', object: plainPod() });
  assert.equal(status, undefined);
  assert.deepEqual(warnings, [`would violate PodSecurity "restricted:latest": ${RESTRICTED_DETAIL}`]);
  assert.deepEqual(audit, {
    'pod-security.kubernetes.io/enforce-policy': 'baseline:latest',
    'pod-security.kubernetes.io/audit-violations': `would violate PodSecurity "restricted:v1.30": ${RESTRICTED_DETAIL}`,
  });
});

test('PodSecurity checks a workload\'s pod template for warnings only', async () => {
  const server = new FakeServer([ns('team', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' })]);
  const { status, warnings } = await run(newPodSecurity(), server, { kind: 'Deployment', object: deployment() });
  assert.equal(status, undefined);
  assert.deepEqual(warnings, [`would violate PodSecurity "restricted:latest": ${RESTRICTED_DETAIL}`]);
});

test('PodSecurity marks a fully privileged namespace in the audit annotations and checks nothing', async () => {
  const server = new FakeServer([ns('team')]);
  const { status, warnings, audit } = await run(newPodSecurity(), server, { kind: 'Pod', object: privilegedPod('p') });
  assert.equal(status, undefined);
  assert.deepEqual(warnings, []);
  assert.deepEqual(audit, { 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' });
});

test('PodSecurity lets exempt namespaces, users and runtime classes through', async () => {
  const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
  const plugin = newPodSecurity({ configuration: { exemptions: { namespaces: ['team'], usernames: ['ci'], runtimeClasses: ['kata'] } } });
  const server = new FakeServer([ns('team', labels), ns('other', labels)]);
  assert.deepEqual((await run(plugin, server, { kind: 'Pod', object: plainPod('a', 'team') })).audit, { 'pod-security.kubernetes.io/exempt': 'namespace' });
  assert.deepEqual((await run(plugin, server, { kind: 'Pod', object: plainPod('b', 'other'), user: { username: 'ci', groups: [] } })).audit, { 'pod-security.kubernetes.io/exempt': 'user' });
  const kata = plainPod('c', 'other');
  kata.spec.runtimeClassName = 'kata';
  assert.deepEqual(await run(plugin, server, { kind: 'Pod', object: kata }), { status: undefined, warnings: [], audit: { 'pod-security.kubernetes.io/exempt': 'runtimeClass' } });
});

test('PodSecurity lets an update through unless it changes images or seccomp annotations', async () => {
  const server = new FakeServer([ns('team', { 'pod-security.kubernetes.io/enforce': 'restricted' })]);
  const relabelled = plainPod();
  relabelled.metadata.labels = { new: 'label' };
  assert.equal((await run(newPodSecurity(), server, { kind: 'Pod', operation: 'UPDATE', object: relabelled, oldObject: plainPod() })).status, undefined);
  const reimaged = plainPod();
  reimaged.spec.containers[0].image = 'nginx:2';
  assert.equal((await run(newPodSecurity(), server, { kind: 'Pod', operation: 'UPDATE', object: reimaged, oldObject: plainPod() })).status?.code, 403);
});

test('PodSecurity refuses invalid namespace labels', async () => {
  const server = new FakeServer();
  const { status } = await run(newPodSecurity(), server, { kind: 'Namespace', object: ns('team', { 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn-version': 'v2' }) });
  assert.equal(status?.code, 422);
  assert.equal(status?.message, 'Namespace "team" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "v2": must be "latest" or "v1.x"]');
});

test('PodSecurity warns about existing pods when a namespace\'s enforce level rises', async () => {
  const owner = (uid: string) => ({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid, controller: true }] });
  const server = new FakeServer([
    ns('team'), privilegedPod('zeta'), privilegedPod('alpha', owner('rs1')), privilegedPod('beta', owner('rs1')), plainPod('restricted-only'),
  ]);
  const { status, warnings } = await run(newPodSecurity(), server, { kind: 'Namespace', operation: 'UPDATE', object: ns('team', { 'pod-security.kubernetes.io/enforce': 'baseline' }), oldObject: ns('team') });
  assert.equal(status, undefined);
  assert.deepEqual(warnings, [
    'existing pods in namespace "team" violate the new PodSecurity enforce level "baseline:latest"',
    'alpha (and 2 other pods): privileged',
  ]);
});

test('PodSecurity does not dry-run pods when enforce is relaxed or unchanged', async () => {
  const server = new FakeServer([privilegedPod('p')]);
  const relaxed = await run(newPodSecurity(), server, { kind: 'Namespace', operation: 'UPDATE', object: ns('team', { 'pod-security.kubernetes.io/enforce': 'baseline' }), oldObject: ns('team', { 'pod-security.kubernetes.io/enforce': 'restricted' }) });
  assert.deepEqual(relaxed.warnings, []);
  const warnOnly = await run(newPodSecurity(), server, { kind: 'Namespace', operation: 'UPDATE', object: ns('team', { 'pod-security.kubernetes.io/warn': 'restricted' }), oldObject: ns('team') });
  assert.deepEqual(warnOnly.warnings, []);
});
