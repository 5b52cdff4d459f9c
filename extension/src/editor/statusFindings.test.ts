import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, Status } from '../lab/api/types';
import type { RequestTrace, Stage } from '../lab/apiserver/trace';
import { splitTopLevel } from './admissionFindings';
import { concretePath, rejectingStage, statusFindings, warningFindings } from './statusFindings';

const failure = (code: number, reason: string, message: string, causes?: NonNullable<Status['details']>['causes']): Status =>
  ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message, ...(causes ? { details: { causes } } : {}) });

const traceWith = (stages: Stage[]): RequestTrace => ({
  apiVersion: 'lab.kubelab.dev/v1alpha1', kind: 'RequestTrace', metadata: { name: '0000000001' },
  spec: { verb: 'create', path: '/api/v1/namespaces/default/pods', user: 'kubernetes-admin', groups: [], dryRun: true },
  status: { code: 403, durationMs: 0, stages },
});

const POD: KubeObject = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' },
  spec: {
    containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { privileged: true } }, { name: 'side', image: 'busybox:1.36', ports: [{ containerPort: 80, hostPort: 8080 }] }],
    volumes: [{ name: 'data', hostPath: { path: '/data' } }],
  },
};

void test('names the stage that rejected a request from its trace, else from upstream wording', () => {
  const vap = failure(422, 'Invalid', 'deployments.apps "web" is forbidden: ValidatingAdmissionPolicy \'require-limits\' with binding \'b\' denied request: limits please');
  const cases: [string, Status, RequestTrace | undefined, string][] = [
    ['validation stage', failure(422, 'Invalid', 'Pod "web" is invalid: spec.containers: Required value'), traceWith([{ name: 'validation', durationMs: 0, result: 'rejected' }]), 'validation'],
    ['decode stage', failure(400, 'BadRequest', 'strict decoding error: unknown field "spec.foo"'), traceWith([{ name: 'decode', durationMs: 0, result: 'rejected' }]), 'field validation'],
    ['admission plugin', failure(403, 'Forbidden', 'pods "web" is forbidden: exceeded quota: q'), traceWith([{ name: 'validating admission', durationMs: 0, result: 'rejected', detail: 'ResourceQuota' }]), 'ResourceQuota'],
    ['policy by name', vap, traceWith([{ name: 'validating admission', durationMs: 0, result: 'rejected', detail: 'ValidatingAdmissionPolicy' }]), 'ValidatingAdmissionPolicy require-limits'],
    ['authorization', failure(403, 'Forbidden', 'pods is forbidden: User "x" cannot create resource "pods"'), traceWith([{ name: 'authorization', durationMs: 0, result: 'rejected' }]), 'authorization'],
    ['no trace: PodSecurity', failure(403, 'Forbidden', 'pods "web" is forbidden: violates PodSecurity "restricted:latest": privileged (container "web" must not set securityContext.privileged=true)'), undefined, 'PodSecurity'],
    ['no trace: policy', vap, undefined, 'ValidatingAdmissionPolicy require-limits'],
    ['no trace: quota', failure(403, 'Forbidden', 'pods "web" is forbidden: failed quota: q: must specify limits.cpu for: web'), undefined, 'ResourceQuota'],
    ['no trace: limit range', failure(403, 'Forbidden', 'pods "web" is forbidden: maximum cpu usage per Container is 1.  No limit is specified'), undefined, 'LimitRanger'],
    ['no trace: namespace', failure(404, 'NotFound', 'namespaces "nope" not found'), undefined, 'NamespaceLifecycle'],
    ['no trace: webhook', failure(400, 'BadRequest', 'admission webhook "check.example.com" denied the request: no'), undefined, 'admission webhook check.example.com'],
    ['no trace: invalid', failure(422, 'Invalid', 'Pod "web" is invalid: x'), undefined, 'validation'],
  ];
  for (const [name, status, trace, want] of cases) assert.equal(rejectingStage(status, trace), want, name);
});

void test('turns each cause of a 422 into a finding on its field, with the fix its reason allows', () => {
  const status = failure(422, 'Invalid', 'Deployment.apps "web" is invalid: [...]', [
    { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
    { reason: 'FieldValueInvalid', message: 'Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`', field: 'spec.template.metadata.labels' },
    { reason: 'FieldValueNotSupported', message: 'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"', field: 'spec.template.spec.containers[0].imagePullPolicy' },
  ]);
  const found = statusFindings(POD, status);
  assert.deepEqual(found.map((f) => [f.stage, f.code, f.message, f.paths, f.placement, f.fix?.kind]), [
    ['validation', 'FieldValueRequired', 'spec.selector: Required value', ['spec.selector'], 'key', 'required'],
    ['validation', 'FieldValueInvalid', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`', ['spec.template.metadata.labels'], 'value', 'selectorMismatch'],
    ['validation', 'FieldValueNotSupported', 'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"', ['spec.template.spec.containers[0].imagePullPolicy'], 'value', undefined],
  ]);
});

void test('reads every unknown field of a strict decoding error, and a wrong type from its Go field stack', () => {
  const strict = failure(400, 'BadRequest', 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containerz", unknown field "spec.containers[1].imagex"');
  assert.deepEqual(statusFindings(POD, strict).map((f) => [f.message, f.paths[0], f.placement, f.fix]), [
    ['unknown field "spec.containerz"', 'spec.containerz', 'key', { kind: 'unknownField', path: 'spec.containerz' }],
    ['unknown field "spec.containers[1].imagex"', 'spec.containers[1].imagex', 'key', { kind: 'unknownField', path: 'spec.containers[1].imagex' }],
  ]);
  const typed = failure(400, 'BadRequest', 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.hostPort of type int32');
  assert.deepEqual(statusFindings(POD, typed).map((f) => [f.stage, f.paths[0], f.placement]), [['field validation', 'spec.containers[1].ports[0].hostPort', 'value']]);
  assert.equal(concretePath(POD, 'spec.containers.image'), 'spec.containers[0].image');
  assert.equal(concretePath(POD, 'spec.nothing'), 'spec.nothing');
});

void test('splits PodSecurity\'s checks and points each at the container, field or volume it names', () => {
  assert.deepEqual(splitTopLevel('a (x, y), b (z)'), ['a (x, y)', 'b (z)']);
  const status = failure(403, 'Forbidden', 'pods "web" is forbidden: violates PodSecurity "baseline:latest": privileged (container "web" must not set securityContext.privileged=true), hostPath volumes (volume "data"), hostPort (container "side" uses hostPort 8080), host namespaces (hostNetwork=true)');
  const found = statusFindings(POD, status);
  assert.deepEqual(found.map((f) => [f.stage, f.message.replace(/^.*?: /, ''), f.paths[0]]), [
    ['PodSecurity', 'privileged (container "web" must not set securityContext.privileged=true)', 'spec.containers[0].securityContext.privileged'],
    ['PodSecurity', 'hostPath volumes (volume "data")', 'spec.volumes[0].name'],
    ['PodSecurity', 'hostPort (container "side" uses hostPort 8080)', 'spec.containers[1].ports[0].hostPort'],
    ['PodSecurity', 'host namespaces (hostNetwork=true)', 'spec.hostNetwork'],
  ]);
  assert.match(found[0].message, /^violates PodSecurity "baseline:latest": privileged/);
});

void test('points quota and limit range answers at the containers, with the resources fix', () => {
  const must = statusFindings(POD, failure(403, 'Forbidden', 'pods "web" is forbidden: failed quota: q: must specify limits.cpu for: side,web; limits.memory for: web'));
  assert.deepEqual(must.map((f) => [f.stage, f.paths[0], f.fix]), [
    ['ResourceQuota', 'spec.containers[0].resources', { kind: 'resources', containers: ['spec.containers[0]'], need: ['limits.cpu', 'limits.memory'] }],
    ['ResourceQuota', 'spec.containers[1].resources', { kind: 'resources', containers: ['spec.containers[1]'], need: ['limits.cpu'] }],
  ]);
  const limit = statusFindings(POD, failure(403, 'Forbidden', 'pods "web" is forbidden: maximum cpu usage per Container is 1.  No limit is specified'));
  assert.deepEqual(limit.map((f) => [f.stage, f.paths[0], f.fix]), [
    ['LimitRanger', 'spec.containers[0].resources.limits.cpu', { kind: 'resources', containers: ['spec.containers[0]'], need: ['limits.cpu'], values: { 'limits.cpu': '1' } }],
    ['LimitRanger', 'spec.containers[1].resources.limits.cpu', { kind: 'resources', containers: ['spec.containers[1]'], need: ['limits.cpu'], values: { 'limits.cpu': '1' } }],
  ]);
});

void test('reads warnings: unknown fields, PodSecurity warn, policy warnings, field paths, deprecations', () => {
  const found = warningFindings(POD, [
    'unknown field "spec.foo"',
    'would violate PodSecurity "restricted:latest": privileged (container "web" must not set securityContext.privileged=true)',
    'Validation failed for ValidatingAdmissionPolicy \'no-latest\' with binding \'b\': pin your images',
    'spec.containers[0].image: something to note',
    'policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget',
    'a general remark',
  ]);
  assert.deepEqual(found.map((f) => [f.severity, f.stage, f.paths[0]]), [
    ['warning', 'field validation', 'spec.foo'],
    ['warning', 'PodSecurity', 'spec.containers[0].securityContext.privileged'],
    ['warning', 'ValidatingAdmissionPolicy no-latest', undefined],
    ['warning', 'validation', 'spec.containers[0].image'],
    ['warning', 'deprecation', 'apiVersion'],
    ['warning', 'API server', undefined],
  ]);
});
