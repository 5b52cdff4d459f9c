/** admissionregistration applies pkg/apis/admissionregistration/v1/defaults.go to webhooks, policies and bindings. */
import type { MatchResources, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, Webhook, WebhookConfiguration } from '../validation/types/admissionregistration';
import { isStruct } from './structs';

const each = <T>(xs: unknown): T[] => (Array.isArray(xs) ? xs.filter(isStruct) as T[] : []);

/** defaultRules is SetDefaults_Rule: a rule without a scope matches every scope. */
function defaultRules(rules: unknown): void {
  for (const rule of each<{ scope?: string | null }>(rules)) rule.scope ??= '*';
}

/** defaultWebhookConfiguration is SetDefaults_ValidatingWebhook / SetDefaults_MutatingWebhook and SetDefaults_ServiceReference for each webhook. */
export function defaultWebhookConfiguration(mutating: boolean): (config: WebhookConfiguration) => void {
  return (config) => {
    for (const hook of each<Webhook>(config.webhooks)) {
      hook.failurePolicy ??= 'Fail';
      hook.matchPolicy ??= 'Equivalent';
      hook.namespaceSelector ??= {};
      hook.objectSelector ??= {};
      hook.timeoutSeconds ??= 10;
      if (mutating) hook.reinvocationPolicy ??= 'Never';
      defaultRules(hook.rules);
      const service = isStruct(hook.clientConfig) ? hook.clientConfig.service : undefined;
      if (isStruct(service)) service.port ??= 443;
    }
  };
}

/** defaultMatchResources is SetDefaults_MatchResources: Equivalent matching and empty (match-all) selectors. */
function defaultMatchResources(mr: MatchResources | null | undefined): void {
  if (!isStruct(mr)) return;
  mr.matchPolicy ??= 'Equivalent';
  mr.namespaceSelector ??= {};
  mr.objectSelector ??= {};
  defaultRules(mr.resourceRules);
  defaultRules(mr.excludeResourceRules);
}

/** defaultValidatingAdmissionPolicy is SetDefaults_ValidatingAdmissionPolicySpec: failurePolicy Fail, and match defaults. */
export function defaultValidatingAdmissionPolicy(policy: ValidatingAdmissionPolicy): void {
  if (!isStruct(policy.spec)) return;
  policy.spec.failurePolicy ??= 'Fail';
  defaultMatchResources(policy.spec.matchConstraints);
}

/** defaultValidatingAdmissionPolicyBinding applies the match defaults to a binding's matchResources. */
export function defaultValidatingAdmissionPolicyBinding(binding: ValidatingAdmissionPolicyBinding): void {
  if (isStruct(binding.spec)) defaultMatchResources(binding.spec.matchResources);
}
