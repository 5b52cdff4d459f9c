/**
 * types are the wire shapes the webhook plugins read and write:
 * admissionregistration.k8s.io/v1 webhook configurations (as stored, with v1
 * defaults possibly unapplied) and admission.k8s.io/v1 AdmissionReview.
 */
import type { KubeObject, LabelSelector, Status } from '../../../api/types';

export type OperationType = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | '*';
export type FailurePolicyType = 'Fail' | 'Ignore';
export type MatchPolicyType = 'Exact' | 'Equivalent';
export type SideEffectClass = 'None' | 'NoneOnDryRun' | 'Some' | 'Unknown';
export type ScopeType = 'Cluster' | 'Namespaced' | '*';

/** RuleWithOperations is one rule of a webhook: which operations on which resources it wants. */
export interface RuleWithOperations {
  operations?: OperationType[];
  apiGroups?: string[];
  apiVersions?: string[];
  /** resources are `pods`, `pods/status`, `*`, `*\/scale` or `pods/*`. */
  resources?: string[];
  scope?: ScopeType;
}

/** ServiceReference points a webhook at an in-cluster Service. */
export interface ServiceReference {
  namespace: string;
  name: string;
  path?: string;
  port?: number;
}

/** WebhookClientConfig says how to reach the webhook: a URL or a Service, and the CA that signs its serving certificate. */
export interface WebhookClientConfig {
  url?: string;
  service?: ServiceReference;
  /** caBundle is base64-encoded PEM, as a Go []byte field is on the wire. */
  caBundle?: string;
}

/** MatchCondition is a named CEL expression that must be true for the webhook to be called. */
export interface MatchCondition {
  name: string;
  expression: string;
}

/** ValidatingWebhook is one webhook of a ValidatingWebhookConfiguration. */
export interface ValidatingWebhook {
  name: string;
  clientConfig: WebhookClientConfig;
  rules?: RuleWithOperations[];
  failurePolicy?: FailurePolicyType;
  matchPolicy?: MatchPolicyType;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  sideEffects?: SideEffectClass;
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  matchConditions?: MatchCondition[];
}

/** MutatingWebhook adds reinvocationPolicy to a validating webhook's fields. */
export interface MutatingWebhook extends ValidatingWebhook {
  reinvocationPolicy?: 'Never' | 'IfNeeded';
}

export interface ValidatingWebhookConfiguration extends KubeObject {
  webhooks?: ValidatingWebhook[];
}

export interface MutatingWebhookConfiguration extends KubeObject {
  webhooks?: MutatingWebhook[];
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/** AdmissionUserInfo is authentication.k8s.io/v1 UserInfo as the review carries it. */
export interface AdmissionUserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** AdmissionRequest is what the API server asks the webhook about. */
export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  requestKind: GroupVersionKind;
  requestResource: GroupVersionResource;
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  userInfo: AdmissionUserInfo;
  object: KubeObject | null;
  oldObject: KubeObject | null;
  dryRun: boolean;
  options: Record<string, unknown> | null;
}

/** AdmissionResponse is the webhook's answer. */
export interface AdmissionResponse {
  uid?: string;
  allowed?: boolean;
  result?: Partial<Status>;
  /** patch is a base64-encoded RFC 6902 JSON patch. */
  patch?: string;
  patchType?: string;
  auditAnnotations?: Record<string, string>;
  warnings?: string[];
}

/** AdmissionReview is the envelope both ways. */
export interface AdmissionReview {
  apiVersion?: string;
  kind?: string;
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}
