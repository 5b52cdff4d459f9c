/** types are the admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and binding shapes the plugin reads. */
import type { KubeObject, LabelSelector } from '../../../api/types';

export interface NamedRuleWithOperations {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  operations?: string[];
  scope?: string;
  resourceNames?: string[];
}

export interface MatchResources {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  resourceRules?: NamedRuleWithOperations[];
  excludeResourceRules?: NamedRuleWithOperations[];
  matchPolicy?: string;
}

export interface Validation {
  expression: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
}

export interface ValidatingAdmissionPolicy extends KubeObject {
  spec: {
    paramKind?: { apiVersion: string; kind: string };
    matchConstraints?: MatchResources;
    validations?: Validation[];
    failurePolicy?: 'Fail' | 'Ignore';
    auditAnnotations?: { key: string; valueExpression: string }[];
    matchConditions?: { name: string; expression: string }[];
    variables?: { name: string; expression: string }[];
  };
}

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelector;
  parameterNotFoundAction?: 'Allow' | 'Deny';
}

export interface ValidatingAdmissionPolicyBinding extends KubeObject {
  spec: {
    policyName: string;
    paramRef?: ParamRef;
    matchResources?: MatchResources;
    validationActions: ('Deny' | 'Warn' | 'Audit')[];
  };
}
