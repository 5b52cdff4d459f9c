/**
 * rbac validates Roles, ClusterRoles and their bindings with the messages of
 * pkg/apis/rbac/validation/validation.go. Escalation prevention (a user may only
 * grant what they hold) belongs to the authorization side, not here.
 */
import { type FieldError, invalidValue, notSupported, required } from '../fieldErrors';
import { str } from './fields';
import { isSet, list, record } from './generic';
import { validateLabelSelector } from './labels';
import { isDNS1123Subdomain, isPathSegmentName } from './names';
import type { ClusterRole, PolicyRule, Role, RoleBinding, RoleRef, Subject } from './types/rbac';

/** RBAC_GROUP is the group every roleRef and every User or Group subject names. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** validateRBACName is ValidateRBACName: role and binding names need only be URL path segments. */
export const validateRBACName = (name: string): string[] => isPathSegmentName(name);

/** validatePolicyRule is ValidatePolicyRule: verbs, and either resources with groups or non-resource URLs. */
function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (list(rule.verbs).length === 0) errs.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = list(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalidValue(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (list(rule.apiGroups).length > 0 || list(rule.resources).length > 0 || list(rule.resourceNames).length > 0) {
      errs.push(invalidValue(`${path}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (list(rule.apiGroups).length === 0) errs.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (list(rule.resources).length === 0) errs.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): FieldError[] {
  return list(rules).flatMap((rule, i) => validatePolicyRule(record(rule) ?? {}, namespaced, `rules[${i}]`));
}

/** validateRole is ValidateRole without object meta. */
export function validateRole(role: Role): FieldError[] {
  return validateRules(role.rules, true);
}

/** validateClusterRole is ValidateClusterRole: rules, and an aggregation rule with at least one usable selector. */
export function validateClusterRole(role: ClusterRole): FieldError[] {
  const errs = validateRules(role.rules, false);
  const aggregation = role.aggregationRule;
  if (isSet(aggregation)) {
    const selectors = list(aggregation.clusterRoleSelectors);
    if (selectors.length === 0) errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((selector, i) => {
      const p = `aggregationRule.clusterRoleSelectors[${i}]`;
      const selectorErrs = validateLabelSelector(selector, p);
      errs.push(...selectorErrs);
      if (selectorErrs.length > 0) errs.push(invalidValue(p, selector, 'invalid label selector.'));
    });
  }
  return errs;
}

/** validateRoleBindingSubject is ValidateRoleBindingSubject: kind-specific apiGroup, names, and a namespace for service accounts of cluster bindings. */
function validateRoleBindingSubject(subject: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(subject.name);
  const apiGroup = str(subject.apiGroup);
  if (name === '') errs.push(required(`${path}.name`));
  switch (subject.kind) {
    case 'ServiceAccount':
      if (name !== '') errs.push(...isDNS1123Subdomain(name).map((m) => invalidValue(`${path}.name`, name, m)));
      if (apiGroup !== '') errs.push(notSupported(`${path}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !subject.namespace) errs.push(required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(notSupported(`${path}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, str(subject.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(binding: RoleBinding, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref: RoleRef = record(binding.roleRef) ?? {};
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', str(ref.apiGroup), [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errs.push(notSupported('roleRef.kind', str(ref.kind), kinds));
  const name = str(ref.name);
  if (name === '') errs.push(required('roleRef.name'));
  else errs.push(...validateRBACName(name).map((m) => invalidValue('roleRef.name', name, m)));
  list(binding.subjects).forEach((s, i) => errs.push(...validateRoleBindingSubject(record(s) ?? {}, namespaced, `subjects[${i}]`)));
  return errs;
}

/** validateRoleBinding is ValidateRoleBinding without object meta. */
export const validateRoleBinding = (binding: RoleBinding): FieldError[] => validateBinding(binding, true);

/** validateClusterRoleBinding is ValidateClusterRoleBinding without object meta. */
export const validateClusterRoleBinding = (binding: RoleBinding): FieldError[] => validateBinding(binding, false);

/** roleRefChanged is the update rule of both binding kinds: the role a binding grants never changes. */
function roleRefChanged(binding: RoleBinding, old: RoleBinding): FieldError[] {
  const a: RoleRef = record(binding.roleRef) ?? {};
  const b: RoleRef = record(old.roleRef) ?? {};
  const same = (str(a.apiGroup)) === (str(b.apiGroup)) && (str(a.kind)) === (str(b.kind)) && (str(a.name)) === (str(b.name));
  return same ? [] : [invalidValue('roleRef', binding.roleRef, 'cannot change roleRef')];
}

/** validateRoleBindingUpdate is ValidateRoleBindingUpdate. */
export const validateRoleBindingUpdate = (binding: RoleBinding, old: RoleBinding): FieldError[] => [...validateRoleBinding(binding), ...roleRefChanged(binding, old)];

/** validateClusterRoleBindingUpdate is ValidateClusterRoleBindingUpdate. */
export const validateClusterRoleBindingUpdate = (binding: RoleBinding, old: RoleBinding): FieldError[] => [...validateClusterRoleBinding(binding), ...roleRefChanged(binding, old)];
