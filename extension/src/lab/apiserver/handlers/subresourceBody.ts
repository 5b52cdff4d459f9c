/**
 * subresourceBody decodes what a subresource handler takes (a Scale, an Eviction)
 * as upstream's decoder does: a body of another kind or version is refused with the
 * decoder's or the converter's words, then the kind's schema decodes it.
 */
import type { KubeObject, Status } from '../../api/types';
import { decodeObject } from '../../openapi/decode';
import type { HandlerContext } from '../apiServer';
import { badRequest } from '../errors';
import { PATCH_MEDIA_TYPES } from '../patch/index';
import { isObject } from './common';
import { fieldValidation } from './options';

/** The scheme upstream's decoder names when a kind is not registered at a version. */
const LEGACY_SCHEME = 'k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30';

/**
 * subresourcePatchTypes is the 415 for a patch the lab's subresource handlers do not
 * take: upstream also takes server-side apply here, through the subresource's own
 * field manager, which the lab does not have yet.
 */
export function subresourcePatchTypes(): Status {
  const accepted = [PATCH_MEDIA_TYPES.json, PATCH_MEDIA_TYPES.merge, PATCH_MEDIA_TYPES.strategic].join(', ');
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 415, reason: 'UnsupportedMediaType',
    message: `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
  };
}

/** BodyKind is what a subresource's handler decodes into: the kind, its internal type, the versions it takes and those the decoder knows. */
export interface BodyKind {
  group: string;
  version: string;
  kind: string;
  internal: string;
  accepted: string[];
  known: string[];
}

/**
 * kindError is how upstream refuses a subresource body of another kind or version:
 * a kind the scheme does not know at that version fails decoding, another known kind
 * fails conversion into the handler's type (both through transformDecodeError), and a
 * known version the endpoint does not accept is a mismatch. A missing apiVersion or
 * kind defaults to the endpoint's; malformed ones are left to the decoder.
 */
export function kindError(ctx: HandlerContext, body: KubeObject, into: BodyKind): Status | undefined {
  if ((body.apiVersion !== undefined && typeof body.apiVersion !== 'string') || (body.kind !== undefined && typeof body.kind !== 'string')) return undefined;
  const apiVersion = body.apiVersion || into.accepted[0];
  const kind = body.kind || into.kind;
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  const cannot = (why: string): Status => badRequest(`${kind} in version "${version}" cannot be handled as a ${into.kind}: ${why}`);
  const unregistered = `no kind "${kind}" is registered for version "${apiVersion}" in scheme "${LEGACY_SCHEME}"`;
  if (kind === into.kind) {
    if (into.accepted.includes(apiVersion)) return undefined;
    if (into.known.includes(apiVersion)) return badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${into.accepted[0]})`);
    return cannot(unregistered);
  }
  if (ctx.server.resources.forKind(apiVersion, kind)) return cannot(`converting (${version}.${kind}) to (${into.internal}): unknown conversion`);
  return cannot(unregistered);
}

/** decodeSubresourceBody checks the body's kind, then decodes it by the kind's schema; its metadata is always an object. */
export function decodeSubresourceBody(ctx: HandlerContext, body: unknown, into: BodyKind): KubeObject | Status {
  if (!isObject(body)) return badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  const wrongKind = kindError(ctx, body, into);
  if (wrongKind) return wrongKind;
  const decoded = decodeObject(into.group, into.version, into.kind, body, fieldValidation(ctx.query));
  if ('status' in decoded) return decoded.status;
  ctx.warnings.push(...decoded.warnings);
  const obj = decoded.object as KubeObject;
  obj.metadata = isObject(obj.metadata) ? obj.metadata : {};
  return obj;
}
