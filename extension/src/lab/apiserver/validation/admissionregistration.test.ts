/**
 * Messages come from pkg/apis/admissionregistration/validation/validation.go
 * (validateValidatingWebhook, validateMutatingWebhook, validateRuleWithOperations,
 * validateResources, validateAdmissionReviewVersions, validateMatchConditions,
 * validateValidatingAdmissionPolicySpec, validateParamRef, validateValidationActions),
 * util/validation's IsFullyQualifiedName, apiserver's pkg/util/webhook/validation.go,
 * and defaults from pkg/apis/admissionregistration/v1/defaults.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultValidatingAdmissionPolicy, defaultValidatingAdmissionPolicyBinding, defaultWebhookConfiguration } from '../defaulting/admissionregistration';
import { type FieldError, fieldErrorText } from '../fieldErrors';
import {
  validateMutatingWebhookConfiguration, validateValidatingAdmissionPolicy, validateValidatingAdmissionPolicyBinding, validateValidatingWebhookConfiguration,
} from './admissionregistration';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, Webhook, WebhookConfiguration } from './types/admissionregistration';

const texts = (errs: FieldError[]) => errs.map(fieldErrorText);
const hook = (h: Partial<Webhook>): Webhook => ({
  name: 'pods.policy.example.com',
  clientConfig: { service: { name: 'policy', namespace: 'default' } },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  ...h,
});
const config = (webhooks: Webhook[], mutating = false): WebhookConfiguration => {
  const c = { metadata: { name: 'policy' }, webhooks };
  defaultWebhookConfiguration(mutating)(c);
  return c;
};

test('webhook defaults: Fail, Equivalent, empty selectors, 10 s, scope *, port 443, and Never reinvocation for mutating hooks', () => {
  const c = config([hook({})], true);
  const h = c.webhooks?.[0];
  assert.deepEqual([h?.failurePolicy, h?.matchPolicy, h?.namespaceSelector, h?.objectSelector, h?.timeoutSeconds, h?.reinvocationPolicy, h?.rules?.[0].scope, h?.clientConfig?.service?.port], ['Fail', 'Equivalent', {}, {}, 10, 'Never', '*', 443]);
  assert.deepEqual(texts(validateMutatingWebhookConfiguration(c)), []);
});

const cases: { name: string; h: Partial<Webhook>; mutating?: boolean; want: string[] }[] = [
  { name: 'webhook names have three labels', h: { name: 'policy.example' }, want: ['webhooks[0].name: Invalid value: "policy.example": should be a domain with at least three segments separated by dots'] },
  { name: 'sideEffects is required and must be None or NoneOnDryRun', h: { sideEffects: undefined }, want: ['webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun'] },
  { name: 'Some side effects are refused in v1', h: { sideEffects: 'Some' }, want: ['webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"'] },
  { name: 'timeout is 1 to 30 seconds', h: { timeoutSeconds: 31 }, want: ['webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds'] },
  { name: 'url and service exclude each other', h: { clientConfig: { url: 'https://policy.example.com/validate', service: { name: 'policy', namespace: 'default' } } }, want: ['webhooks[0].clientConfig: Required value: exactly one of url or service is required'] },
  {
    name: 'the url must be https without user, query or fragment',
    h: { clientConfig: { url: 'http://user@policy.example.com/validate?x=1#top' } },
    want: [
      'webhooks[0].clientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; desired format: https://host[/path]',
      'webhooks[0].clientConfig.url: Invalid value: "user": user information is not permitted in the URL',
      'webhooks[0].clientConfig.url: Invalid value: "top": fragments are not permitted in the URL',
      'webhooks[0].clientConfig.url: Invalid value: "x=1": query parameters are not permitted in the URL',
    ],
  },
  { name: 'the url needs a host', h: { clientConfig: { url: 'https:///validate' } }, want: ['webhooks[0].clientConfig.url: Invalid value: "": host must be specified; desired format: https://host[/path]'] },
  {
    // Upstream passes (name, namespace) to a function declared (namespace, name), so the paths are swapped.
    name: 'a service reference names its service, namespace and a path of DNS segments',
    h: { clientConfig: { service: { name: 'policy', path: 'validate//x', port: 70000 } } },
    want: [
      'webhooks[0].clientConfig.service.name: Required value',
      'webhooks[0].clientConfig.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive',
      "webhooks[0].clientConfig.service.path: Invalid value: \"validate//x\": must start with a '/'",
      'webhooks[0].clientConfig.service.path: Invalid value: "validate//x": segment[1] may not be empty',
    ],
  },
  {
    name: 'rules: operations, wildcards and resources',
    h: { rules: [{ operations: ['*', 'CREATE', 'PATCH'], apiGroups: ['*', 'apps'], apiVersions: [], resources: ['*', 'pods', 'pods/*', 'pods/log'], scope: 'Global' }] },
    want: [
      "webhooks[0].rules[0].operations: Invalid value: []interface {}{\"*\", \"CREATE\", \"PATCH\"}: if '*' is present, must not specify other operations",
      'webhooks[0].rules[0].operations[2]: Unsupported value: "PATCH": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"',
      "webhooks[0].rules[0].apiGroups: Invalid value: []interface {}{\"*\", \"apps\"}: if '*' is present, must not specify other API groups",
      'webhooks[0].rules[0].apiVersions: Required value',
      "webhooks[0].rules[0].resources[3]: Invalid value: \"pods/log\": if 'pods/*' is present, must not specify pods/log",
      "webhooks[0].rules[0].resources: Invalid value: []interface {}{\"*\", \"pods\", \"pods/*\", \"pods/log\"}: if '*' is present, must not specify other resources without subresources",
      'webhooks[0].rules[0].scope: Unsupported value: "Global": supported values: "*", "Cluster", "Namespaced"',
    ],
  },
  {
    name: 'admission review versions',
    h: { admissionReviewVersions: ['v2', 'v2'] },
    want: ['webhooks[0].admissionReviewVersions[1]: Invalid value: "v2": duplicate version', 'webhooks[0].admissionReviewVersions: Invalid value: []interface {}{"v2", "v2"}: must include at least one of v1, v1beta1'],
  },
  { name: 'admission review versions are required', h: { admissionReviewVersions: [] }, want: ['webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1'] },
  {
    name: 'match conditions have unique qualified names and expressions',
    h: { matchConditions: [{ name: 'exclude-leases', expression: ' ' }, { name: 'exclude-leases', expression: 'true' }] },
    want: ['webhooks[0].matchConditions[0].expression: Required value', 'webhooks[0].matchConditions[1].name: Duplicate value: "exclude-leases"'],
  },
  { name: 'a mutating webhook reinvokes IfNeeded or Never', h: { reinvocationPolicy: 'Always' }, mutating: true, want: ['webhooks[0].reinvocationPolicy: Unsupported value: "Always": supported values: "IfNeeded", "Never"'] },
];

for (const c of cases) {
  test(`webhook configuration: ${c.name}`, () => {
    const validate = c.mutating ? validateMutatingWebhookConfiguration : validateValidatingWebhookConfiguration;
    assert.deepEqual(texts(validate(config([hook(c.h)], c.mutating))), c.want);
  });
}

test('webhook names are unique within a configuration', () => {
  assert.deepEqual(texts(validateValidatingWebhookConfiguration(config([hook({}), hook({})]))), ['webhooks[1].name: Duplicate value: "pods.policy.example.com"']);
});

const policy = (spec: Record<string, unknown>, name = 'require-labels'): ValidatingAdmissionPolicy => {
  const p = { metadata: { name }, spec } as ValidatingAdmissionPolicy;
  defaultValidatingAdmissionPolicy(p);
  return p;
};
const rules = [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }];

test('validating admission policy: a defaulted policy with a rule and a validation is valid', () => {
  const p = policy({ matchConstraints: { resourceRules: rules }, validations: [{ expression: 'object.spec.replicas <= 5' }] });
  assert.equal(p.spec?.failurePolicy, 'Fail');
  assert.deepEqual(texts(validateValidatingAdmissionPolicy(p)), []);
});

const policyCases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  {
    name: 'needs match constraints and something to check',
    spec: {},
    want: ['spec.matchConstraints: Required value', 'spec.validations: Required value: validations or auditAnnotations must contain at least one item', 'spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item'],
  },
  { name: 'needs at least one resource rule', spec: { matchConstraints: {}, validations: [{ expression: 'true' }] }, want: ['spec.matchConstraints.resourceRules: Required value'] },
  {
    name: 'checks the param kind',
    spec: { paramKind: { apiVersion: 'Example.com/v1', kind: 'My_Params' }, matchConstraints: { resourceRules: rules }, validations: [{ expression: 'true' }] },
    want: [
      "spec.paramKind.apiVersion: Invalid value: \"Example.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      "spec.paramKind.kind: Invalid value: \"My_Params\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ],
  },
  {
    name: 'checks validations, variables and audit annotations',
    spec: {
      matchConstraints: { resourceRules: rules },
      variables: [{ name: '1st', expression: 'x' }],
      validations: [{ expression: '', message: 'a\nb', reason: 'Teapot' }],
      auditAnnotations: [{ key: 'k', valueExpression: '' }, { key: 'k', valueExpression: '"v"' }],
    },
    want: [
      'spec.variables[0].name: Invalid value: "1st": name is not a valid CEL identifier',
      'spec.validations[0].expression: Required value: expression is not specified',
      'spec.validations[0].message: Invalid value: "a\\nb": message must not contain line breaks',
      'spec.validations[0].reason: Unsupported value: "Teapot": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized"',
      'spec.auditAnnotations[0].valueExpression: Required value: valueExpression is not specified',
      'spec.auditAnnotations[1].key: Duplicate value: "k"',
    ],
  },
];

for (const c of policyCases) {
  test(`validating admission policy: ${c.name}`, () => {
    assert.deepEqual(texts(validateValidatingAdmissionPolicy(policy(c.spec))), c.want);
  });
}

const binding = (spec: Record<string, unknown>): ValidatingAdmissionPolicyBinding => {
  const b = { metadata: { name: 'b' }, spec } as ValidatingAdmissionPolicyBinding;
  defaultValidatingAdmissionPolicyBinding(b);
  return b;
};

test('validating admission policy binding: policy, param ref, actions; upstream misspells matchResouces', () => {
  assert.deepEqual(texts(validateValidatingAdmissionPolicyBinding(binding({ policyName: 'require-labels', validationActions: ['Deny'] }))), []);
  assert.deepEqual(texts(validateValidatingAdmissionPolicyBinding(binding({
    paramRef: { name: 'p', selector: {} },
    matchResources: { resourceRules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], resourceNames: ['a', 'a'] }] },
    validationActions: ['Deny', 'Warn', 'Deny'],
  }))), [
    'spec.policyName: Required value',
    'spec.paramRef.name: Forbidden: name and selector are mutually exclusive',
    'spec.paramRef.selector: Forbidden: name and selector are mutually exclusive',
    'spec.paramRef.parameterNotFoundAction: Required value',
    'spec.matchResouces.resourceRules[0].resourceNames[1]: Duplicate value: "a"',
    'spec.validationActions[2]: Duplicate value: "Deny"',
    'spec.validationActions: Invalid value: []interface {}{"Deny", "Warn", "Deny"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
  ]);
  assert.deepEqual(texts(validateValidatingAdmissionPolicyBinding(binding({ policyName: 'p' }))), ['spec.validationActions: Required value: at least one validation action is required']);
});
