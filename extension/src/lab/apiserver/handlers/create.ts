/** create is the POST pipeline: decode, fill metadata, default, admit, validate, persist. */
import { timestamp } from '../../api/meta';
import type { KubeObject, Status } from '../../api/types';
import { randomString, uuid } from '../../random';
import type { HandlerContext } from '../apiServer';
import { alreadyExists, badRequest } from '../errors';
import { decodeObject } from '../../openapi/decode';
import { modelForKind } from '../../openapi/schema';
import { groupVersion } from '../resources';
import { fieldValidation } from './options';
import { admitValidate, attributes, isObject, mutate, persisted, validateObject } from './common';

/** Upstream's names.SimpleNameGenerator: the base is cut to leave room for 5 random characters. */
const MAX_GENERATED_BASE = 63 - 5;

export async function handleCreate(ctx: HandlerContext, body: unknown): Promise<KubeObject | Status> {
  if (!isObject(body)) return badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  const decoded = decode(ctx, body);
  if ('status' in decoded) return decoded.status;
  const obj = decoded.object;
  const typeError = checkTypeMeta(ctx, obj);
  if (typeError) return typeError;
  obj.metadata = isObject(obj.metadata) ? obj.metadata : {};
  const meta = obj.metadata;
  if (ctx.type.namespaced) {
    if (meta.namespace && meta.namespace !== ctx.info.namespace) {
      return badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = ctx.info.namespace;
  } else {
    delete meta.namespace;
  }
  if (!meta.name && meta.generateName) meta.name = meta.generateName.slice(0, MAX_GENERATED_BASE) + randomString(ctx.random, 5);
  meta.uid = uuid(ctx.random);
  meta.creationTimestamp = timestamp(ctx.clock.now());
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (ctx.type.strategy.generation) meta.generation = 1;
  else delete meta.generation;
  ctx.type.strategy.defaults?.(obj);
  ctx.type.strategy.prepareForCreate?.(obj);

  ctx.tracer.trace.spec.name = meta.name;
  const a = attributes(ctx, 'CREATE', obj);
  const mutated = await mutate(ctx, a);
  if (mutated) return mutated;
  const rejected = validateObject(ctx, obj) ?? (await admitValidate(ctx, a));
  if (rejected) return rejected;

  const written = await ctx.storage.create(obj, ctx.dryRun);
  if (!written.ok) {
    ctx.tracer.stage('persist', 'rejected', 'already exists');
    return alreadyExists({ group: ctx.type.group, resource: ctx.type.resource }, meta.name ?? '');
  }
  persisted(ctx, written.object);
  return written.object;
}

/**
 * decode checks a body against its kind's OpenAPI schema as upstream's decoder
 * does (wrong types are a 400; unknown fields per fieldValidation) and returns a
 * copy the handler may change. Kinds without a built-in schema (custom resources)
 * are copied as they are; their schema is their strategy's business.
 */
export function decode(ctx: HandlerContext, body: KubeObject): { object: KubeObject } | { status: Status } {
  const t = ctx.type;
  if (!modelForKind(t.group, t.version, t.kind)) return { object: structuredClone(body) };
  const decoded = decodeObject(t.group, t.version, t.kind, body, fieldValidation(ctx.query));
  if ('status' in decoded) {
    ctx.tracer.stage('decode', 'rejected', decoded.status.message);
    return decoded;
  }
  ctx.warnings.push(...decoded.warnings);
  ctx.tracer.stage('decode', 'ok', decoded.warnings.length ? `${decoded.warnings.length} warning${decoded.warnings.length > 1 ? 's' : ''}` : undefined);
  return { object: decoded.object as KubeObject };
}

/** checkTypeMeta rejects a body whose apiVersion or kind is not the endpoint's. */
export function checkTypeMeta(ctx: HandlerContext, obj: KubeObject): Status | undefined {
  const gv = groupVersion(ctx.type);
  if (obj.apiVersion !== undefined && obj.apiVersion !== gv) {
    return badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gv})`);
  }
  if (obj.kind !== undefined && obj.kind !== ctx.type.kind) {
    return badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${ctx.type.kind})`);
  }
  obj.apiVersion = gv;
  obj.kind = ctx.type.kind;
  return undefined;
}
