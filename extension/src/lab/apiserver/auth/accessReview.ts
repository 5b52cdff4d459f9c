/**
 * accessReview answers the authorization.k8s.io reviews, as
 * pkg/registry/authorization/{subjectaccessreview,selfsubjectaccessreview,
 * localsubjectaccessreview}/rest.go: each asks the server's authorizer about
 * one request (resource or non-resource) for a user and returns the object
 * with status {allowed, denied, reason}. Nothing is stored.
 */
import type { KubeObject, Status } from '../../api/types';
import { badRequest, invalid } from '../errors';
import { type FieldError, invalidValue } from '../fieldErrors';
import type { AuthorizationAttributes, Authorizer, UserInfo } from './types';

const GROUP = 'authorization.k8s.io';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

interface ReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

interface Review extends KubeObject {
  spec?: ReviewSpec;
}

/** goNonResourceAttributes prints the internal type as field errors show it (%#v). */
function goNonResourceAttributes(n: NonResourceAttributes | undefined): string {
  return n ? `authorization.NonResourceAttributes{Path:${JSON.stringify(n.path ?? '')}, Verb:${JSON.stringify(n.verb ?? '')}}` : 'null';
}

/** validateAttributes is the part of ValidateSubjectAccessReviewSpec every review shares: exactly one kind of attributes. */
function validateAttributes(spec: ReviewSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', value: goNonResourceAttributes(spec.nonResourceAttributes), detail: 'cannot be specified in combination with resourceAttributes' });
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    errs.push(invalidValue('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  return errs;
}

/** metadataIsEmpty is the `must be empty` check: a review names nothing (managedFields aside). */
function metadataIsEmpty(meta: KubeObject['metadata'] | undefined, except: string[] = []): boolean {
  return Object.entries(meta ?? {}).every(([k, v]) => except.includes(k) || k === 'managedFields' || v === undefined || v === null || v === '' || (typeof v === 'object' && v !== null && Object.keys(v).length === 0));
}

/** attributesFrom is AuthorizationAttributesFrom: an empty version means every version (`*`). */
function attributesFrom(user: UserInfo, spec: ReviewSpec): AuthorizationAttributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      user, verb: r.verb ?? '', isResourceRequest: true, path: '',
      apiGroup: r.group ?? '', apiVersion: r.version || '*', resource: r.resource ?? '', subresource: r.subresource ?? '', namespace: r.namespace ?? '', name: r.name ?? '',
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', isResourceRequest: false, path: n.path ?? '', apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
}

/** answer runs the authorizer and puts its decision in status, leaving out what upstream omits when empty. */
async function answer(review: Review, attrs: AuthorizationAttributes, authorizer: Authorizer): Promise<KubeObject> {
  const d = await authorizer.authorize(attrs);
  return { ...review, status: { allowed: d.decision === 'allow', ...(d.decision === 'deny' ? { denied: true } : {}), ...(d.reason ? { reason: d.reason } : {}) } };
}

function reviewUser(spec: ReviewSpec): UserInfo {
  return { username: spec.user ?? '', ...(spec.uid ? { uid: spec.uid } : {}), groups: spec.groups ?? [], ...(spec.extra ? { extra: spec.extra } : {}) };
}

/** subjectAccessReview answers a SubjectAccessReview: may spec.user (with spec.groups) do this? */
export async function subjectAccessReview(body: unknown, authorizer: Authorizer): Promise<KubeObject | Status> {
  const review = body as Review;
  const spec = review.spec ?? {};
  const errs = validateAttributes(spec);
  if (!spec.user && !spec.groups?.length) errs.push(invalidValue('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  if (!metadataIsEmpty(review.metadata)) errs.push({ type: 'FieldValueInvalid', field: 'metadata', value: review.metadata, detail: 'must be empty' });
  if (errs.length) return invalid('SubjectAccessReview', GROUP, '', errs);
  return answer(review, attributesFrom(reviewUser(spec), spec), authorizer);
}

/** selfSubjectAccessReview answers a SelfSubjectAccessReview for the requesting user (`kubectl auth can-i`). */
export async function selfSubjectAccessReview(body: unknown, user: UserInfo, authorizer: Authorizer): Promise<KubeObject | Status> {
  const review = body as Review;
  const spec = review.spec ?? {};
  const errs = validateAttributes(spec);
  if (!metadataIsEmpty(review.metadata)) errs.push({ type: 'FieldValueInvalid', field: 'metadata', value: review.metadata, detail: 'must be empty' });
  if (errs.length) return invalid('SelfSubjectAccessReview', GROUP, '', errs);
  return answer(review, attributesFrom(user, spec), authorizer);
}

/** localSubjectAccessReview answers a LocalSubjectAccessReview posted to namespace (the URL's). */
export async function localSubjectAccessReview(body: unknown, namespace: string, authorizer: Authorizer): Promise<KubeObject | Status> {
  const review = body as Review;
  const spec = review.spec ?? {};
  const metaNamespace = review.metadata?.namespace ?? '';
  const errs = validateAttributes(spec);
  if (!spec.user && !spec.groups?.length) errs.push(invalidValue('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  if (!metadataIsEmpty(review.metadata, ['namespace'])) errs.push({ type: 'FieldValueInvalid', field: 'metadata', value: review.metadata, detail: 'must be empty except for namespace' });
  if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== metaNamespace) {
    errs.push(invalidValue('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', 'must match metadata.namespace'));
  }
  if (spec.nonResourceAttributes) errs.push({ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', value: goNonResourceAttributes(spec.nonResourceAttributes), detail: 'disallowed on this kind of request' });
  if (errs.length) return invalid('LocalSubjectAccessReview', GROUP, '', errs);
  if (!namespace) return badRequest(`namespace is required on this type: ${namespace}`);
  if (namespace !== metaNamespace) return badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
  return answer(review, attributesFrom(reviewUser(spec), spec), authorizer);
}
