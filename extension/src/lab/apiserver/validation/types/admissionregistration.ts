/** admissionregistration types the admissionregistration.k8s.io/v1 objects loosely: validation must read whatever a client sends. */
import type { KubeObject, LabelSelector } from '../../../api/types';
import type { MetaCondition } from './scheduling';

export interface Rule {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string | null;
}

export interface RuleWithOperations extends Rule {
  operations?: string[];
}

export interface NamedRuleWithOperations extends RuleWithOperations {
  resourceNames?: string[];
}

export interface MatchCondition {
  name?: string;
  expression?: string;
}

export interface WebhookClientConfig {
  url?: string | null;
  service?: { namespace?: string; name?: string; path?: string | null; port?: number | null } | null;
  caBundle?: string;
}

export interface Webhook {
  name?: string;
  clientConfig?: WebhookClientConfig;
  rules?: RuleWithOperations[];
  failurePolicy?: string | null;
  matchPolicy?: string | null;
  namespaceSelector?: LabelSelector | null;
  objectSelector?: LabelSelector | null;
  sideEffects?: string | null;
  timeoutSeconds?: number | null;
  admissionReviewVersions?: string[];
  reinvocationPolicy?: string | null;
  matchConditions?: MatchCondition[];
}

export interface WebhookConfiguration extends KubeObject {
  webhooks?: Webhook[];
}

export interface MatchResources {
  namespaceSelector?: LabelSelector | null;
  objectSelector?: LabelSelector | null;
  resourceRules?: NamedRuleWithOperations[];
  excludeResourceRules?: NamedRuleWithOperations[];
  matchPolicy?: string | null;
}

export interface ValidatingAdmissionPolicy extends KubeObject {
  spec?: {
    paramKind?: { apiVersion?: string; kind?: string } | null;
    matchConstraints?: MatchResources | null;
    validations?: { expression?: string; message?: string; messageExpression?: string; reason?: string | null }[];
    failurePolicy?: string | null;
    auditAnnotations?: { key?: string; valueExpression?: string }[];
    matchConditions?: MatchCondition[];
    variables?: { name?: string; expression?: string }[];
  };
  status?: {
    observedGeneration?: number;
    typeChecking?: { expressionWarnings?: { fieldRef?: string; warning?: string }[] } | null;
    conditions?: MetaCondition[];
  };
}

export interface ValidatingAdmissionPolicyBinding extends KubeObject {
  spec?: {
    policyName?: string;
    paramRef?: { name?: string; namespace?: string; selector?: LabelSelector | null; parameterNotFoundAction?: string | null } | null;
    matchResources?: MatchResources | null;
    validationActions?: string[];
  };
}
