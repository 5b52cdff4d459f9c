/**
 * admissionregistration validates webhook configurations and validating
 * admission policies with the messages of
 * pkg/apis/admissionregistration/validation/validation.go. It checks structure
 * only: CEL expressions are compiled by the policy engine, not here.
 */
import { type FieldError, duplicate, forbidden, invalidValue, notSupported, required } from '../fieldErrors';
import { str } from './fields';
import { validateConditions } from './conditions';
import { isDNS1035Label, isSet, list, record, tooMany } from './generic';
import { isQualifiedName, validateLabelSelector } from './labels';
import { isDNS1123Subdomain, isPathSegmentName } from './names';
import type {
  MatchCondition, MatchResources, NamedRuleWithOperations, Rule, RuleWithOperations, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, Webhook, WebhookConfiguration,
} from './types/admissionregistration';
import { validateWebhookService, validateWebhookURL } from './webhookURL';

/** Sorted as sets.List sorts them, the order upstream lists supported values in. */
const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
const NO_SIDE_EFFECT_CLASSES = ['None', 'NoneOnDryRun'];
const REINVOCATION_POLICIES = ['IfNeeded', 'Never'];
const ADMISSION_REVIEW_VERSIONS = ['v1', 'v1beta1'];
const VALIDATION_REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge', 'Unauthorized'];
const VALIDATION_ACTIONS = ['Audit', 'Deny', 'Warn'];
const MAX_AUDIT_ANNOTATIONS = 20;
const MAX_MATCH_CONDITIONS = 64;
const MAX_VALUE_EXPRESSION_LENGTH = 5 * 1024;

const hasWildcard = (xs: readonly string[]) => xs.includes('*');

/** isFullyQualifiedName is util/validation's IsFullyQualifiedName: webhook names are DNS names of three or more labels. */
function isFullyQualifiedName(path: string, name: string): FieldError[] {
  if (name.length === 0) return [required(path)];
  const errs = isDNS1123Subdomain(name);
  if (errs.length) return [invalidValue(path, name, errs.join(','))];
  if (name.split('.').length < 3) return [invalidValue(path, name, 'should be a domain with at least three segments separated by dots')];
  return [];
}

/** validateResources is validateResources: resource/subresource patterns and their wildcard rules. */
function validateResources(resources: readonly string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (resources.length === 0) errs.push(required(path));
  const wildcardSubresourcesOf = new Set<string>();
  const wildcardResourcesOf = new Set<string>();
  let doubleWildcard = false;
  let singleWildcard = false;
  let withoutSubresource = false;
  resources.forEach((resSub, i) => {
    if (resSub === '') {
      errs.push(required(`${path}[${i}]`));
      return;
    }
    if (resSub === '*/*') doubleWildcard = true;
    if (resSub === '*') singleWildcard = true;
    const slash = resSub.indexOf('/');
    if (slash < 0) {
      withoutSubresource = resSub !== '*';
      return;
    }
    const res = resSub.slice(0, slash);
    const sub = resSub.slice(slash + 1);
    if (wildcardSubresourcesOf.has(res)) errs.push(invalidValue(`${path}[${i}]`, resSub, `if '${res}/*' is present, must not specify ${resSub}`));
    if (wildcardResourcesOf.has(sub)) errs.push(invalidValue(`${path}[${i}]`, resSub, `if '*/${sub}' is present, must not specify ${resSub}`));
    if (sub === '*') wildcardSubresourcesOf.add(res);
    if (res === '*') wildcardResourcesOf.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) errs.push(invalidValue(path, resources, "if '*/*' is present, must not specify other resources"));
  if (singleWildcard && withoutSubresource) errs.push(invalidValue(path, resources, "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

function validateRule(rule: Rule, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const groups = list(rule.apiGroups).map(String);
  if (groups.length === 0) errs.push(required(`${path}.apiGroups`));
  if (groups.length > 1 && hasWildcard(groups)) errs.push(invalidValue(`${path}.apiGroups`, groups, "if '*' is present, must not specify other API groups"));
  const versions = list(rule.apiVersions).map(String);
  if (versions.length === 0) errs.push(required(`${path}.apiVersions`));
  if (versions.length > 1 && hasWildcard(versions)) errs.push(invalidValue(`${path}.apiVersions`, versions, "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => {
    if (v === '') errs.push(required(`${path}.apiVersions[${i}]`));
  });
  errs.push(...validateResources(list(rule.resources).map(String), `${path}.resources`));
  if (isSet(rule.scope) && !SCOPES.includes(rule.scope)) errs.push(notSupported(`${path}.scope`, rule.scope, SCOPES));
  return errs;
}

function validateRuleWithOperations(rule: RuleWithOperations, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ops = list(rule.operations).map(String);
  if (ops.length === 0) errs.push(required(`${path}.operations`));
  if (ops.length > 1 && hasWildcard(ops)) errs.push(invalidValue(`${path}.operations`, ops, "if '*' is present, must not specify other operations"));
  ops.forEach((op, i) => {
    if (!OPERATIONS.includes(op)) errs.push(notSupported(`${path}.operations[${i}]`, op, OPERATIONS));
  });
  return [...errs, ...validateRule(rule, path)];
}

function validateMatchConditions(conditions: MatchCondition[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const all = list(conditions);
  if (all.length > MAX_MATCH_CONDITIONS) errs.push(tooMany(path, all.length, MAX_MATCH_CONDITIONS));
  all.forEach((c, i) => {
    const p = `${path}[${i}]`;
    const expression = str(c?.expression).trim();
    if (expression === '') errs.push(required(`${p}.expression`));
    const name = str(c?.name);
    if (name === '') errs.push(required(`${p}.name`));
    else errs.push(...isQualifiedName(name).map((m) => invalidValue(`${p}.name`, name, m)));
    if (name !== '') {
      if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      else names.add(name);
    }
  });
  return errs;
}

function validateAdmissionReviewVersions(versions: readonly string[], path: string): FieldError[] {
  if (versions.length === 0) return [required(path, `must specify one of ${ADMISSION_REVIEW_VERSIONS.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let accepted = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(invalidValue(`${path}[${i}]`, v, 'duplicate version'));
      return;
    }
    seen.add(v);
    errs.push(...isDNS1035Label(v).map((m) => invalidValue(`${path}[${i}]`, v, m)));
    if (ADMISSION_REVIEW_VERSIONS.includes(v)) accepted = true;
  });
  if (!accepted) errs.push(invalidValue(path, versions, `must include at least one of ${ADMISSION_REVIEW_VERSIONS.join(', ')}`));
  return errs;
}

function validateWebhook(hook: Webhook, mutating: boolean, path: string): FieldError[] {
  const errs = isFullyQualifiedName(`${path}.name`, str(hook.name));
  list(hook.rules).forEach((r, i) => errs.push(...validateRuleWithOperations(record(r) ?? {}, `${path}.rules[${i}]`)));
  if (isSet(hook.failurePolicy) && !FAILURE_POLICIES.includes(hook.failurePolicy)) errs.push(notSupported(`${path}.failurePolicy`, hook.failurePolicy, FAILURE_POLICIES));
  if (isSet(hook.matchPolicy) && !MATCH_POLICIES.includes(hook.matchPolicy)) errs.push(notSupported(`${path}.matchPolicy`, hook.matchPolicy, MATCH_POLICIES));
  // admissionregistration/v1 requires webhooks without side effects on dry runs.
  if (!isSet(hook.sideEffects)) errs.push(required(`${path}.sideEffects`, `must specify one of ${NO_SIDE_EFFECT_CLASSES.join(', ')}`));
  else if (!NO_SIDE_EFFECT_CLASSES.includes(hook.sideEffects)) errs.push(notSupported(`${path}.sideEffects`, hook.sideEffects, NO_SIDE_EFFECT_CLASSES));
  const timeout = hook.timeoutSeconds;
  if (typeof timeout === 'number' && (timeout > 30 || timeout < 1)) errs.push(invalidValue(`${path}.timeoutSeconds`, timeout, 'the timeout value must be between 1 and 30 seconds'));
  if (isSet(hook.namespaceSelector)) errs.push(...validateLabelSelector(hook.namespaceSelector, `${path}.namespaceSelector`));
  if (isSet(hook.objectSelector)) errs.push(...validateLabelSelector(hook.objectSelector, `${path}.objectSelector`));
  if (mutating && isSet(hook.reinvocationPolicy) && !REINVOCATION_POLICIES.includes(hook.reinvocationPolicy)) {
    errs.push(notSupported(`${path}.reinvocationPolicy`, hook.reinvocationPolicy, REINVOCATION_POLICIES));
  }
  const cc = record<NonNullable<Webhook['clientConfig']>>(hook.clientConfig) ?? {};
  const ccPath = `${path}.clientConfig`;
  if (isSet(cc.url) === isSet(cc.service)) errs.push(required(ccPath, 'exactly one of url or service is required'));
  else if (isSet(cc.url)) errs.push(...validateWebhookURL(`${ccPath}.url`, String(cc.url)));
  else if (isSet(cc.service)) errs.push(...validateWebhookService(`${ccPath}.service`, record(cc.service) ?? {}));
  errs.push(...validateMatchConditions(hook.matchConditions, `${path}.matchConditions`));
  return errs;
}

function validateWebhookConfiguration(config: WebhookConfiguration, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(config.webhooks).forEach((h, i) => {
    const hook: Webhook = record(h) ?? {};
    const p = `webhooks[${i}]`;
    errs.push(...validateWebhook(hook, mutating, p));
    errs.push(...validateAdmissionReviewVersions(list(hook.admissionReviewVersions).map(String), `${p}.admissionReviewVersions`));
    const name = str(hook.name);
    if (name !== '') {
      if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      else names.add(name);
    }
  });
  return errs;
}

/** validateMutatingWebhookConfiguration is ValidateMutatingWebhookConfiguration (object meta aside). */
export const validateMutatingWebhookConfiguration = (c: WebhookConfiguration): FieldError[] => validateWebhookConfiguration(c, true);

/** validateValidatingWebhookConfiguration is ValidateValidatingWebhookConfiguration (object meta aside). */
export const validateValidatingWebhookConfiguration = (c: WebhookConfiguration): FieldError[] => validateWebhookConfiguration(c, false);

function validateNamedRuleWithOperations(rule: NamedRuleWithOperations, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(rule.resourceNames).map(String).forEach((name, i) => {
    errs.push(...isPathSegmentName(name).map((m) => invalidValue(`${path}.resourceNames[${i}]`, name, m)));
    if (names.has(name)) errs.push(duplicate(`${path}.resourceNames[${i}]`, name));
    else names.add(name);
  });
  return [...errs, ...validateRuleWithOperations(rule, path)];
}

/** validateMatchResources is validateMatchResources; upstream reports objectSelector's errors under `labelSelector`. */
function validateMatchResources(mr: MatchResources | null | undefined, path: string): FieldError[] {
  if (!isSet(mr)) return [];
  const errs: FieldError[] = [];
  if (!isSet(mr.matchPolicy)) errs.push(required(`${path}.matchPolicy`));
  else if (!MATCH_POLICIES.includes(mr.matchPolicy)) errs.push(notSupported(`${path}.matchPolicy`, mr.matchPolicy, MATCH_POLICIES));
  if (!isSet(mr.namespaceSelector)) errs.push(required(`${path}.namespaceSelector`));
  else errs.push(...validateLabelSelector(mr.namespaceSelector, `${path}.namespaceSelector`));
  if (!isSet(mr.objectSelector)) errs.push(required(`${path}.objectSelector`));
  else errs.push(...validateLabelSelector(mr.objectSelector, `${path}.labelSelector`));
  list(mr.resourceRules).forEach((r, i) => errs.push(...validateNamedRuleWithOperations(record(r) ?? {}, `${path}.resourceRules[${i}]`)));
  list(mr.excludeResourceRules).forEach((r, i) => errs.push(...validateNamedRuleWithOperations(record(r) ?? {}, `${path}.excludeResourceRules[${i}]`)));
  return errs;
}

function validateParamKind(kind: { apiVersion?: string; kind?: string }, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = str(kind.apiVersion);
  if (apiVersion === '') errs.push(required(`${path}.apiVersion`));
  else {
    const parts = apiVersion.split('/');
    if (parts.length > 2) errs.push(invalidValue(`${path}.apiVersion`, apiVersion, `unexpected GroupVersion string: ${apiVersion}`));
    else {
      const [group, version] = parts.length === 2 ? parts : ['', parts[0]];
      if (group !== '') {
        const groupErrs = isDNS1123Subdomain(group);
        if (groupErrs.length) errs.push(invalidValue(`${path}.apiVersion`, group, groupErrs.join(',')));
      }
      if (version === '') errs.push(invalidValue(`${path}.apiVersion`, apiVersion, 'version must be specified'));
      else {
        const versionErrs = isDNS1035Label(version);
        if (versionErrs.length) errs.push(invalidValue(`${path}.apiVersion`, version, versionErrs.join(',')));
      }
    }
  }
  const k = str(kind.kind);
  if (k === '') errs.push(required(`${path}.kind`));
  else {
    const kindErrs = isDNS1035Label(k.toLowerCase());
    if (kindErrs.length) errs.push(invalidValue(`${path}.kind`, k, `may have mixed case, but should otherwise match: ${kindErrs.join(',')}`));
  }
  return errs;
}

const celIdentifier = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** validateValidatingAdmissionPolicy is validateValidatingAdmissionPolicySpec (object meta aside; expressions are not compiled here). */
export function validateValidatingAdmissionPolicy(policy: ValidatingAdmissionPolicy): FieldError[] {
  const spec = record<NonNullable<ValidatingAdmissionPolicy['spec']>>(policy.spec) ?? {};
  const errs: FieldError[] = [];
  if (!isSet(spec.failurePolicy)) errs.push(required('spec.failurePolicy'));
  else if (!FAILURE_POLICIES.includes(spec.failurePolicy)) errs.push(notSupported('spec.failurePolicy', spec.failurePolicy, FAILURE_POLICIES));
  if (isSet(spec.paramKind)) errs.push(...validateParamKind(record(spec.paramKind) ?? {}, 'spec.paramKind'));
  if (!isSet(spec.matchConstraints)) errs.push(required('spec.matchConstraints'));
  else {
    errs.push(...validateMatchResources(record(spec.matchConstraints), 'spec.matchConstraints'));
    // At least one resource rule gives the expressions their types.
    if (list(spec.matchConstraints.resourceRules).length === 0) errs.push(required('spec.matchConstraints.resourceRules'));
  }
  errs.push(...validateMatchConditions(spec.matchConditions, 'spec.matchConditions'));
  list(spec.variables).forEach((v, i) => {
    const p = `spec.variables[${i}]`;
    const name = str(v?.name);
    if (name.trim() === '') errs.push(required(`${p}.name`, 'name is not specified'));
    else if (!celIdentifier.test(name) || CEL_RESERVED.has(name)) errs.push(invalidValue(`${p}.name`, name, 'name is not a valid CEL identifier'));
    if (str(v?.expression).trim() === '') errs.push(required(`${p}.expression`, 'expression is not specified'));
  });
  const validations = list(spec.validations);
  const annotations = list(spec.auditAnnotations);
  if (validations.length === 0 && annotations.length === 0) {
    errs.push(required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
    errs.push(required('spec.auditAnnotations', 'validations or auditAnnotations must contain at least one item'));
    return errs;
  }
  validations.forEach((v, i) => errs.push(...validateValidation(record(v) ?? {}, `spec.validations[${i}]`)));
  if (annotations.length > MAX_AUDIT_ANNOTATIONS) errs.push(invalidValue('spec.auditAnnotations', annotations, `must not have more than ${MAX_AUDIT_ANNOTATIONS} auditAnnotations`));
  const keys = new Set<string>();
  annotations.forEach((a, i) => {
    const p = `spec.auditAnnotations[${i}]`;
    const key = str(a?.key);
    const name = str(policy.metadata.name);
    if (name !== '') errs.push(...isQualifiedName(`${name}/${key}`).map((m) => invalidValue(`${p}.key`, `${name}/${key}`, m)));
    else errs.push(invalidValue(`${p}.key`, key, 'requires metadata.name be non-empty'));
    const valueExpression = str(a?.valueExpression).trim();
    if (valueExpression === '') errs.push(required(`${p}.valueExpression`, 'valueExpression is not specified'));
    else if (valueExpression.length > MAX_VALUE_EXPRESSION_LENGTH) errs.push(required(`${p}.valueExpression`, `must not exceed ${MAX_VALUE_EXPRESSION_LENGTH} bytes in length`));
    if (keys.has(key)) errs.push(duplicate(`${p}.key`, key));
    keys.add(key);
  });
  return errs;
}

function validateValidation(v: NonNullable<NonNullable<ValidatingAdmissionPolicy['spec']>['validations']>[number], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (str(v.expression).trim() === '') errs.push(required(`${path}.expression`, 'expression is not specified'));
  const messageExpression = str(v.messageExpression);
  if (messageExpression.length > 0 && messageExpression.trim() === '') errs.push(invalidValue(`${path}.messageExpression`, messageExpression, 'must be non-empty if specified'));
  const message = str(v.message);
  if (message !== '' && message.trim() === '') errs.push(invalidValue(`${path}.message`, message, 'message must be non-empty if specified'));
  else if (/[\n\r]/.test(message.trim())) errs.push(invalidValue(`${path}.message`, message, 'message must not contain line breaks'));
  if (isSet(v.reason) && !VALIDATION_REASONS.includes(v.reason)) errs.push(notSupported(`${path}.reason`, v.reason, VALIDATION_REASONS));
  return errs;
}

/** validateValidatingAdmissionPolicyStatus is validateValidatingAdmissionPolicyStatus: type-checking warnings and conditions. */
export function validateValidatingAdmissionPolicyStatus(policy: ValidatingAdmissionPolicy): FieldError[] {
  const status = record<NonNullable<ValidatingAdmissionPolicy['status']>>(policy.status) ?? {};
  const errs: FieldError[] = [];
  list(status.typeChecking?.expressionWarnings).forEach((w, i) => {
    const p = `status.typeChecking.expressionWarnings[${i}]`;
    if (!w?.warning) errs.push(required(`${p}.warning`));
    if (!w?.fieldRef) errs.push(required(`${p}.fieldRef`));
  });
  return [...errs, ...validateConditions(status.conditions, 'status.conditions')];
}

/** validateValidatingAdmissionPolicyBinding is validateValidatingAdmissionPolicyBindingSpec; upstream spells the match path `matchResouces`. */
export function validateValidatingAdmissionPolicyBinding(binding: ValidatingAdmissionPolicyBinding): FieldError[] {
  const spec = record<NonNullable<ValidatingAdmissionPolicyBinding['spec']>>(binding.spec) ?? {};
  const errs: FieldError[] = [];
  const policyName = str(spec.policyName);
  if (policyName === '') errs.push(required('spec.policyName'));
  else errs.push(...isDNS1123Subdomain(policyName).map((m) => invalidValue('spec.policyName', policyName, m)));
  if (isSet(spec.paramRef)) errs.push(...validateParamRef(record(spec.paramRef) ?? {}, 'spec.paramRef'));
  errs.push(...validateMatchResources(record(spec.matchResources), 'spec.matchResouces'));
  errs.push(...validateValidationActions(list(spec.validationActions).map(String), 'spec.validationActions'));
  return errs;
}

function validateParamRef(ref: NonNullable<NonNullable<ValidatingAdmissionPolicyBinding['spec']>['paramRef']>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(ref.name);
  const exclusive = 'name and selector are mutually exclusive';
  if (name !== '') {
    errs.push(...isPathSegmentName(name).map((m) => invalidValue(`${path}.name`, name, m)));
    if (isSet(ref.selector)) errs.push(forbidden(`${path}.name`, exclusive));
  }
  const namespace = str(ref.namespace);
  if (namespace !== '') errs.push(...isPathSegmentName(namespace).map((m) => invalidValue(`${path}.namespace`, namespace, m)));
  if (isSet(ref.selector)) {
    errs.push(...validateLabelSelector(ref.selector, `${path}.selector`));
    if (name !== '') errs.push(forbidden(`${path}.selector`, exclusive));
  }
  if (name === '' && !isSet(ref.selector)) errs.push(required(path, 'one of name or selector must be specified'));
  const action = ref.parameterNotFoundAction;
  if (!isSet(action) || action === '') errs.push(required(`${path}.parameterNotFoundAction`));
  else if (action !== 'Deny' && action !== 'Allow') errs.push(notSupported(`${path}.parameterNotFoundAction`, action, ['Deny', 'Allow']));
  return errs;
}

function validateValidationActions(actions: readonly string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  actions.forEach((a, i) => {
    if (!VALIDATION_ACTIONS.includes(a)) errs.push(notSupported(`${path}[${i}]`, a, VALIDATION_ACTIONS));
    if (seen.has(a)) errs.push(duplicate(`${path}[${i}]`, a));
    seen.add(a);
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errs.push(invalidValue(path, actions, 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
  }
  if (seen.size === 0) errs.push(required(path, 'at least one validation action is required'));
  return errs;
}
