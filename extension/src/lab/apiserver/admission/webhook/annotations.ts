/**
 * annotations are the audit annotation prefixes the webhook dispatchers write
 * (upstream's mutating and validating dispatcher constants). The patch one
 * carries request content, so the audit log shows it only from level Request.
 */

export const MUTATION_ANNOTATION_PREFIX = 'mutation.webhook.admission.k8s.io/';
export const PATCH_ANNOTATION_PREFIX = 'patch.webhook.admission.k8s.io/';
export const MUTATION_FAILED_OPEN_PREFIX = `failed-open.${MUTATION_ANNOTATION_PREFIX}`;
export const VALIDATING_FAILED_OPEN_PREFIX = 'failed-open.validating.webhook.admission.k8s.io/';
