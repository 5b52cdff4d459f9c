/**
 * admissionregistration is the `admissionregistration.k8s.io/v1` group: webhook
 * configurations, validating admission policies (with status) and their bindings.
 */
import type { KubeObject } from '../../api/types';
import {
  defaultValidatingAdmissionPolicy, defaultValidatingAdmissionPolicyBinding, defaultWebhookConfiguration,
} from '../defaulting/admissionregistration';
import { type ResourceType, def } from '../resources';
import { type Strategy, keepSpec, resetObjectMetaForStatus } from '../strategy';
import {
  validateMutatingWebhookConfiguration, validateValidatingAdmissionPolicy, validateValidatingAdmissionPolicyBinding, validateValidatingAdmissionPolicyStatus,
  validateValidatingWebhookConfiguration,
} from '../validation/admissionregistration';
import { subdomainName } from '../validation/objectMeta';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, WebhookConfiguration } from '../validation/types/admissionregistration';

const group = 'admissionregistration.k8s.io';
/** Every type of the group is listed in the `api-extensions` category, as upstream's storage declares. */
const categories = ['api-extensions'];

const mutatingWebhookStrategy: Strategy<WebhookConfiguration> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: false,
  defaults: defaultWebhookConfiguration(true),
  validate: validateMutatingWebhookConfiguration,
  validateUpdate: validateMutatingWebhookConfiguration,
};

const validatingWebhookStrategy: Strategy<WebhookConfiguration> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: false,
  defaults: defaultWebhookConfiguration(false),
  validate: validateValidatingWebhookConfiguration,
  validateUpdate: validateValidatingWebhookConfiguration,
};

const policyStrategy: Strategy<ValidatingAdmissionPolicy> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultValidatingAdmissionPolicy,
  prepareForCreate(policy) {
    policy.status = {};
  },
  prepareForUpdate(policy, old) {
    (policy as KubeObject).status = old.status;
  },
  prepareForStatusUpdate(policy, old) {
    keepSpec(policy, old);
    resetObjectMetaForStatus(policy, old);
  },
  statusResetFields: [['metadata'], ['spec']],
  allowUnconditionalUpdate: false,
  validate: validateValidatingAdmissionPolicy,
  validateUpdate: validateValidatingAdmissionPolicy,
  validateStatusUpdate: validateValidatingAdmissionPolicyStatus,
};

const bindingStrategy: Strategy<ValidatingAdmissionPolicyBinding> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: false,
  defaults: defaultValidatingAdmissionPolicyBinding,
  validate: validateValidatingAdmissionPolicyBinding,
  validateUpdate: validateValidatingAdmissionPolicyBinding,
};

export const admissionregistrationResources: readonly ResourceType[] = [
  def({ group, version: 'v1', resource: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration', singularName: 'mutatingwebhookconfiguration', namespaced: false, categories, subresources: [], strategy: mutatingWebhookStrategy }),
  def({ group, version: 'v1', resource: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration', singularName: 'validatingwebhookconfiguration', namespaced: false, categories, subresources: [], strategy: validatingWebhookStrategy }),
  def({ group, version: 'v1', resource: 'validatingadmissionpolicies', kind: 'ValidatingAdmissionPolicy', singularName: 'validatingadmissionpolicy', namespaced: false, categories, subresources: ['status'], strategy: policyStrategy }),
  def({ group, version: 'v1', resource: 'validatingadmissionpolicybindings', kind: 'ValidatingAdmissionPolicyBinding', singularName: 'validatingadmissionpolicybinding', namespaced: false, categories, subresources: [], strategy: bindingStrategy }),
];
