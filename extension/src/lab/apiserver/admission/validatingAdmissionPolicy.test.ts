import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import type { ObjectCache } from '../auth/types';
import type { ResourceType } from '../resources';
import type { AdmissionContext, Attributes } from './admission';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from './policy/types';
import { newValidatingAdmissionPolicy, VALIDATION_FAILURE_ANNOTATION } from './validatingAdmissionPolicy';

const deployments = { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true } as ResourceType;
const configmaps = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true } as ResourceType;

let revision = 0;

/** policy builds a policy; each gets its own resourceVersion, as each stored revision does, so compiled programs are not shared. */
function policy(spec: Partial<ValidatingAdmissionPolicy['spec']>, name = 'replica-limit'): ValidatingAdmissionPolicy {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name, uid: name, resourceVersion: String(++revision) },
    spec: { matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] }, validations: [{ expression: 'object.spec.replicas <= 5' }], ...spec },
  };
}

function binding(spec: Partial<ValidatingAdmissionPolicyBinding['spec']>, name = 'replica-limit-binding'): ValidatingAdmissionPolicyBinding {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec: { policyName: 'replica-limit', validationActions: ['Deny'], ...spec } };
}

function context(objects: Record<string, KubeObject[]>): AdmissionContext {
  const cache: ObjectCache = {
    list: (group, resource, namespace) => (objects[`${group}/${resource}`] ?? []).filter((o) => namespace === undefined || o.metadata.namespace === namespace),
    get: (group, resource, namespace, name) => (objects[`${group}/${resource}`] ?? []).find((o) => o.metadata.name === name && (o.metadata.namespace ?? '') === namespace),
    version: () => 0,
  };
  return {
    cache, get: (g, r, ns, n) => Promise.resolve(cache.get(g, r, ns, n) as never), clock: undefined as never,
    list: (g, r, ns) => Promise.resolve(cache.list(g, r, ns)), updateStatus: () => Promise.reject(new Error('not used by this plugin')),
  };
}

function request(replicas: number, labels: Record<string, string> = {}): Attributes {
  return {
    operation: 'CREATE', type: deployments, subresource: '', namespace: 'default', name: 'web',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels }, spec: { replicas } },
    dryRun: false, userInfo: { username: 'alice', groups: ['system:authenticated'] }, warnings: [], auditAnnotations: {},
  };
}

const plugin = newValidatingAdmissionPolicy((apiVersion, kind) => (apiVersion === 'v1' && kind === 'ConfigMap' ? configmaps : undefined));
const namespaces = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { env: 'prod' } } }];

// Denial wording, reason and code: k8s.io/apiserver pkg/admission/plugin/policy/validating/dispatcher.go and validator.go.
const denials: { name: string; policy: ValidatingAdmissionPolicy; binding?: ValidatingAdmissionPolicyBinding; replicas: number; want?: { code: number; reason: string; message: string } }[] = [
  { name: 'allows a request every validation admits', policy: policy({}), replicas: 3 },
  {
    name: 'denies with "failed expression" when there is no message', policy: policy({}), replicas: 6,
    want: { code: 422, reason: 'Invalid', message: 'deployments.apps "web" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' with binding \'replica-limit-binding\' denied request: failed expression: object.spec.replicas <= 5' },
  },
  {
    name: 'uses messageExpression and the validation reason', replicas: 6,
    policy: policy({ validations: [{ expression: 'object.spec.replicas <= 5', messageExpression: "'replicas ' + string(object.spec.replicas) + ' is over 5'", reason: 'Forbidden' }] }),
    want: { code: 403, reason: 'Forbidden', message: 'deployments.apps "web" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' with binding \'replica-limit-binding\' denied request: replicas 6 is over 5' },
  },
  { name: 'skips a policy whose matchConditions are false', replicas: 6, policy: policy({ matchConditions: [{ name: 'not-alice', expression: "request.userInfo.username != 'alice'" }] }) },
  { name: 'skips a binding whose namespaceSelector does not match', replicas: 6, policy: policy({}), binding: binding({ matchResources: { namespaceSelector: { matchLabels: { env: 'dev' } }, resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] } }) },
  {
    name: 'applies a binding without resourceRules to everything its policy matches in the selected namespaces', replicas: 6, policy: policy({}), binding: binding({ matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } } }),
    want: { code: 422, reason: 'Invalid', message: 'deployments.apps "web" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' with binding \'replica-limit-binding\' denied request: failed expression: object.spec.replicas <= 5' },
  },
  {
    name: 'uses variables', replicas: 4, policy: policy({ variables: [{ name: 'limit', expression: '3' }], validations: [{ expression: 'object.spec.replicas <= variables.limit', message: 'too many' }] }),
    want: { code: 422, reason: 'Invalid', message: 'deployments.apps "web" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' with binding \'replica-limit-binding\' denied request: too many' },
  },
  {
    name: 'denies on an expression error with failurePolicy Fail', replicas: 1, policy: policy({ validations: [{ expression: 'object.spec.missing > 1' }] }),
    want: { code: 422, reason: 'Invalid', message: 'deployments.apps "web" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' with binding \'replica-limit-binding\' denied request: expression \'object.spec.missing > 1\' resulted in error: no such key: missing' },
  },
  { name: 'ignores an expression error with failurePolicy Ignore', replicas: 1, policy: policy({ failurePolicy: 'Ignore', validations: [{ expression: 'object.spec.missing > 1' }] }) },
  {
    name: 'reads params through paramRef', replicas: 4,
    policy: policy({ paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'object.spec.replicas <= int(params.data.max)', messageExpression: "'max is ' + params.data.max" }] }),
    binding: binding({ paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' } }),
    want: { code: 422, reason: 'Invalid', message: 'deployments.apps "web" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' with binding \'replica-limit-binding\' denied request: max is 2' },
  },
  {
    name: 'denies when no param is found and parameterNotFoundAction is Deny', replicas: 1,
    policy: policy({ paramKind: { apiVersion: 'v1', kind: 'ConfigMap' } }), binding: binding({ paramRef: { name: 'absent', parameterNotFoundAction: 'Deny' } }),
    want: { code: 422, reason: 'Invalid', message: 'deployments.apps "web" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' with binding \'replica-limit-binding\' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction' },
  },
  {
    name: 'reports a compile error as a policy configuration error', replicas: 1, policy: policy({ validations: [{ expression: 'object.spec.replicas <' }] }),
    want: { code: 422, reason: 'Invalid', message: 'deployments.apps "web" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' denied request: failed to configure policy: spec.validations[0].expression: Invalid value: "object.spec.replicas <": compilation failed: ERROR: <input>:1:23: Syntax error: Unexpected token: EOF\n | object.spec.replicas <\n | ......................^' },
  },
];

for (const c of denials) {
  test(`ValidatingAdmissionPolicy ${c.name}`, async () => {
    const ctx = context({
      'admissionregistration.k8s.io/validatingadmissionpolicies': [c.policy],
      'admissionregistration.k8s.io/validatingadmissionpolicybindings': [c.binding ?? binding({})],
      '/namespaces': namespaces,
      '/configmaps': [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: 'default' }, data: { max: '2' } }],
    });
    const status = await plugin.validate?.(request(c.replicas), ctx);
    if (!c.want) {
      assert.equal(status, undefined);
      return;
    }
    assert.deepEqual({ code: status?.code, reason: status?.reason, message: status?.message }, c.want);
    assert.deepEqual(status?.details?.causes, [{ message: c.want.message.replace('deployments.apps "web" is forbidden: ', '') }]);
  });
}

test('ValidatingAdmissionPolicy warns and audits as the binding\'s validationActions say', async () => {
  const ctx = context({
    'admissionregistration.k8s.io/validatingadmissionpolicies': [policy({ auditAnnotations: [{ key: 'replicas', valueExpression: 'string(object.spec.replicas)' }] })],
    'admissionregistration.k8s.io/validatingadmissionpolicybindings': [binding({ validationActions: ['Warn', 'Audit'] })],
  });
  const a = request(9);
  assert.equal(await plugin.validate?.(a, ctx), undefined);
  assert.deepEqual(a.warnings, ["Validation failed for ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding': failed expression: object.spec.replicas <= 5"]);
  assert.deepEqual(JSON.parse(a.auditAnnotations[VALIDATION_FAILURE_ANNOTATION]), [
    { message: 'failed expression: object.spec.replicas <= 5', policy: 'replica-limit', binding: 'replica-limit-binding', expressionIndex: 0, validationActions: ['Warn', 'Audit'] },
  ]);
  assert.equal(a.auditAnnotations['replica-limit/replicas'], '9');
});

test('ValidatingAdmissionPolicy ignores requests outside matchConstraints', async () => {
  const ctx = context({ 'admissionregistration.k8s.io/validatingadmissionpolicies': [policy({})], 'admissionregistration.k8s.io/validatingadmissionpolicybindings': [binding({})] });
  const a = { ...request(9), operation: 'DELETE' as const };
  assert.equal(await plugin.validate?.(a, ctx), undefined);
});
