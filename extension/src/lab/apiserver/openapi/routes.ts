/**
 * routes is the part of kube-openapi's builders (pkg/builder for Swagger 2.0,
 * pkg/builder3 for OpenAPI v3) that turns go-restful routes into path items: the
 * parameters every operation on a path shares move to the path, each operation
 * gets kube-apiserver's operation ID and tag (GetOperationIDAndTags), its
 * responses in each media type it produces plus the common 401, and its body
 * as a requestBody (v3) or a `body` parameter (v2).
 */
import type { Schema } from './definitions';

/** Param is a go-restful path or query parameter. */
export interface Param {
  name: string;
  in: 'path' | 'query';
  description: string;
  /** type is the parameter's OpenAPI type (typeToJSON's answer). */
  type: string;
  required?: boolean;
}

/** Route is one go-restful route as the API installer (or the CRD builder) registers it. */
export interface Route {
  path: string;
  method: 'get' | 'put' | 'post' | 'patch' | 'delete' | 'options' | 'head';
  description: string;
  /** operation is the route's Operation name, before GetOperationIDAndTags adds the group and version. */
  operation: string;
  /** params in registration order. */
  params: Param[];
  /** body names the request body's definition (Reads), or 'string'. */
  body?: { model: string; required: boolean };
  consumes: readonly string[];
  produces: readonly string[];
  /** responses are Returns(code, message, model); a model of 'string' is a plain string. */
  responses: { code: number; message: string; model: string }[];
  /** writes is the Writes sample, the 200 answer of a route without Returns. */
  writes?: string;
  /** extensions are the route's x-kubernetes-action and x-kubernetes-group-version-kind. */
  extensions: Record<string, unknown>;
}

/** OpenApiVersion selects the document format. */
export type OpenApiVersion = 'v2' | 'v3';

const UNAUTHORIZED = { description: 'Unauthorized' };
const VERBS = ['get', 'log', 'read', 'replace', 'patch', 'delete', 'deletecollection', 'watch', 'connect', 'proxy', 'list', 'create'];

/** refTo points at a definition in either format. */
export function refTo(name: string, version: OpenApiVersion): string {
  return `${version === 'v3' ? '#/components/schemas/' : '#/definitions/'}${name}`;
}

/** toValidOperationId is ToValidOperationID: letters, underscores and non-leading digits kept, the letter after anything else capitalised. */
export function toValidOperationId(s: string, capitalizeFirst: boolean): string {
  let out = '';
  let capitalize = capitalizeFirst;
  [...s].forEach((r, i) => {
    if (/\p{L}/u.test(r) || r === '_' || (i !== 0 && /\p{Nd}/u.test(r))) {
      out += capitalize ? r.toUpperCase() : r;
      capitalize = false;
    } else {
      capitalize = true;
    }
  });
  return out;
}

/** operationIdAndTags is GetOperationIDAndTags: the verb, then the group and version from the path, then the rest; the tag is group_version. */
export function operationIdAndTags(operation: string, path: string): { id: string; tags: string[] } {
  // The verb trie answers the shortest verb the operation starts with.
  let prefix = '';
  for (let i = 1; i <= operation.length && !prefix; i++) if (VERBS.includes(operation.slice(0, i))) prefix = operation.slice(0, i);
  const rest = operation.slice(prefix.length);
  let parts = path.replace(/^\/+|\/+$/g, '').split('/');
  if (parts[0] === 'api') parts = ['apis', 'core', ...parts.slice(1)];
  const tags: string[] = [];
  if (parts.length >= 2 && parts[0] === 'apis') {
    const trimmed = parts[1].replace(/\.k8s\.io$/, '');
    prefix += toValidOperationId(trimmed, prefix !== '');
    let tag = toValidOperationId(trimmed, false);
    if (parts.length > 2) {
      prefix += toValidOperationId(parts[2], prefix !== '');
      tag += `_${toValidOperationId(parts[2], false)}`;
    }
    tags.push(tag);
  } else if (parts.length >= 1) {
    tags.push(toValidOperationId(parts[0], false));
  }
  return { id: prefix + toValidOperationId(rest, prefix !== ''), tags };
}

/** renderPaths builds the paths object from routes, in either format. */
export function renderPaths(routes: readonly Route[], version: OpenApiVersion): Record<string, Schema> {
  const byPath = new Map<string, Route[]>();
  for (const r of routes) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  const paths: Record<string, Schema> = {};
  for (const path of [...byPath.keys()].sort()) {
    const group = byPath.get(path) as Route[];
    const common = commonParams(group);
    const item: Schema = {};
    for (const route of group) item[route.method] = renderOperation(route, common, version);
    const shared = group[0].params.filter((p) => common.has(key(p)));
    if (shared.length) item.parameters = sortParams(shared).map((p) => renderParam(p, version));
    paths[path.replace(/:\*\}$/, '}')] = sortKeys(item);
  }
  return paths;
}

function key(p: Param): string {
  return `${p.in}/${p.name}`;
}

/** commonParams are the parameters every route on a path has (findCommonParameters). */
function commonParams(routes: readonly Route[]): Set<string> {
  const counts = new Map<string, number>();
  for (const r of routes) for (const p of r.params) counts.set(key(p), (counts.get(key(p)) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n === routes.length).map(([k]) => k));
}

function sortParams(params: readonly Param[]): Param[] {
  return [...params].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.in < b.in ? -1 : a.in > b.in ? 1 : 0));
}

function renderParam(p: Param, version: OpenApiVersion): Schema {
  const out: Schema = {};
  if (p.description) out.description = p.description;
  out.in = p.in;
  out.name = p.name;
  if (p.required) out.required = true;
  if (version === 'v3') out.schema = { type: p.type, uniqueItems: true };
  else Object.assign(out, { type: p.type, uniqueItems: true });
  return out;
}

function schemaFor(model: string, version: OpenApiVersion): Schema {
  return model === 'string' ? { type: 'string' } : { $ref: refTo(model, version) };
}

function renderOperation(route: Route, common: Set<string>, version: OpenApiVersion): Schema {
  const { id, tags } = operationIdAndTags(route.operation, route.path);
  const responses: Record<string, Schema> = {};
  const answers = route.responses.length ? route.responses : route.writes ? [{ code: 200, message: 'OK', model: route.writes }] : [];
  for (const r of answers) {
    const schema = schemaFor(r.model, version);
    responses[String(r.code)] = version === 'v3'
      ? { content: Object.fromEntries([...route.produces].sort().map((m) => [m, { schema }])), description: r.message }
      : { description: r.message, schema };
  }
  responses['401'] ??= UNAUTHORIZED;
  const params = sortParams(route.params.filter((p) => !common.has(key(p)))).map((p) => renderParam(p, version));
  const op: Schema = { description: route.description, operationId: id, responses, tags, ...route.extensions };
  if (version === 'v3') {
    if (params.length) op.parameters = params;
    if (route.body) {
      const schema = schemaFor(route.body.model, version);
      op.requestBody = { content: Object.fromEntries([...route.consumes].sort().map((m) => [m, { schema }])), ...(route.body.required ? { required: true } : {}) };
    }
  } else {
    const body = route.body ? [{ in: 'body', name: 'body', ...(route.body.required ? { required: true } : {}), schema: schemaFor(route.body.model, version) }] : [];
    const all = [...body, ...params].sort((a, b) => ((a.name as string) < (b.name as string) ? -1 : (a.name as string) > (b.name as string) ? 1 : 0));
    if (all.length) op.parameters = all;
    if (route.consumes.length) op.consumes = route.consumes;
    op.produces = route.produces;
    op.schemes = ['https'];
  }
  return sortKeys(op);
}

/** sortKeys orders an object's keys as encoding/json orders a map's. */
export function sortKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])) as T;
}
