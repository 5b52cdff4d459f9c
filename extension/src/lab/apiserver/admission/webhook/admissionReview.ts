/**
 * admissionReview builds the AdmissionReview a webhook receives and checks the
 * one it returns, as upstream's webhook/request package: the review version is
 * the first of the webhook's admissionReviewVersions the server knows, and a
 * v1 answer must echo the request's uid and its own apiVersion and kind.
 */
import type { Status } from '../../../api/types';
import type { Attributes } from '../admission';
import type { AdmissionRequest, AdmissionReview, GroupVersionKind, GroupVersionResource } from './types';

/** ReviewVersion is an admission.k8s.io version the server can speak. */
export type ReviewVersion = 'v1' | 'v1beta1';

/** WebhookInvocation is how a matched webhook sees the request: the resource and kind it matched (an equivalent one under matchPolicy Equivalent). */
export interface WebhookInvocation {
  resource: GroupVersionResource;
  subresource: string;
  kind: GroupVersionKind;
}

/** reviewVersion picks the webhook's first known version, or explains why none is usable. */
export function reviewVersion(accepted: readonly string[] | undefined): ReviewVersion | { error: string } {
  for (const v of accepted ?? []) {
    if (v === 'v1' || v === 'v1beta1') return v;
  }
  return { error: 'webhook does not accept known AdmissionReview versions (v1, v1beta1)' };
}

/** requestKind is the kind of the request's object (a Scale for `deployments/scale`), or the resource's kind when there is none. */
export function requestKind(a: Attributes): GroupVersionKind {
  const obj = a.object;
  if (obj && typeof obj.apiVersion === 'string' && typeof obj.kind === 'string' && obj.kind) {
    const slash = obj.apiVersion.indexOf('/');
    return { group: slash < 0 ? '' : obj.apiVersion.slice(0, slash), version: obj.apiVersion.slice(slash + 1), kind: obj.kind };
  }
  return { group: a.type.group, version: a.type.version, kind: a.type.kind };
}

/** createAdmissionReview is CreateV1AdmissionReview (or its v1beta1 twin, identical on the wire but for apiVersion). */
export function createAdmissionReview(version: ReviewVersion, uid: string, a: Attributes, invocation: WebhookInvocation): AdmissionReview & { request: AdmissionRequest } {
  const reqKind = requestKind(a);
  const userInfo = {
    username: a.userInfo.username,
    ...(a.userInfo.uid ? { uid: a.userInfo.uid } : {}),
    ...(a.userInfo.groups.length ? { groups: a.userInfo.groups } : {}),
    ...(a.userInfo.extra && Object.keys(a.userInfo.extra).length ? { extra: a.userInfo.extra } : {}),
  };
  return {
    kind: 'AdmissionReview',
    apiVersion: `admission.k8s.io/${version}`,
    request: {
      uid,
      kind: invocation.kind,
      resource: invocation.resource,
      ...(invocation.subresource ? { subResource: invocation.subresource } : {}),
      requestKind: reqKind,
      requestResource: { group: a.type.group, version: a.type.version, resource: a.type.resource },
      ...(a.subresource ? { requestSubResource: a.subresource } : {}),
      ...(a.name ? { name: a.name } : {}),
      ...(a.namespace ? { namespace: a.namespace } : {}),
      operation: a.operation,
      userInfo,
      object: a.object ?? null,
      oldObject: a.oldObject ?? null,
      dryRun: a.dryRun,
      options: a.options ?? null,
    },
  };
}

/** VerifiedResponse is what the dispatchers act on. */
export interface VerifiedResponse {
  allowed: boolean;
  result?: Partial<Status>;
  /** patch is the base64-decoded patch text, '' when none. */
  patch: string;
  patchType: string;
  auditAnnotations: Record<string, string>;
  warnings: string[];
}

/** verifyAdmissionResponse is VerifyAdmissionResponse: the checks, and their wording, that make an answer usable. */
export function verifyAdmissionResponse(version: ReviewVersion, uid: string, mutating: boolean, review: Record<string, unknown>): VerifiedResponse | { error: string } {
  const r = review.response as Record<string, unknown> | null | undefined;
  if (!r || typeof r !== 'object') return { error: 'webhook response was absent' };
  const patch = typeof r.patch === 'string' ? Buffer.from(r.patch, 'base64').toString('utf8') : '';
  const hasPatchType = r.patchType !== undefined && r.patchType !== null;
  const patchType = typeof r.patchType === 'string' ? r.patchType : '';
  let outPatch = '';
  let outType = '';
  if (version === 'v1') {
    const got = typeof r.uid === 'string' ? r.uid : '';
    if (got !== uid) return { error: `expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(got)}` };
    const gv = typeof review.apiVersion === 'string' ? review.apiVersion : '';
    if (gv !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') {
      return { error: `expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${gvkString(gv, typeof review.kind === 'string' ? review.kind : '')}` };
    }
    if (mutating) {
      if (patch.length > 0 && !hasPatchType) return { error: 'webhook returned response.patch but not response.patchType' };
      if (patch.length === 0 && hasPatchType) return { error: 'webhook returned response.patchType but not response.patch' };
      if (hasPatchType && patchType === '') return { error: `webhook returned invalid response.patchType of ""` };
      outPatch = patch;
      outType = patchType;
    } else {
      if (patch.length > 0) return { error: 'validating webhook may not return response.patch' };
      if (hasPatchType) return { error: 'validating webhook may not return response.patchType' };
    }
  } else if (mutating) {
    outPatch = patch;
    outType = patch.length > 0 ? 'JSONPatch' : '';
  }
  return {
    allowed: r.allowed === true,
    ...(r.result && typeof r.result === 'object' ? { result: r.result } : {}),
    patch: outPatch,
    patchType: outType,
    auditAnnotations: stringRecord(r.auditAnnotations),
    warnings: Array.isArray(r.warnings) ? r.warnings.filter((w): w is string => typeof w === 'string') : [],
  };
}

/** gvkString is schema.GroupVersionKind.String(). */
function gvkString(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  return `${group}/${version}, Kind=${kind}`;
}

function stringRecord(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x === 'string') out[k] = x;
  return out;
}
