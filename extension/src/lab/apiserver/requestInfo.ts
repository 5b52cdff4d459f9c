/**
 * requestInfo turns a REST path and method into what the request is about, as
 * apiserver's RequestInfoFactory does: verb, group, version, namespace,
 * resource, name and subresource; and the authorizer's attributes of it.
 */
import type { AuthorizationAttributes, UserInfo } from './auth/types';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  verb: Verb;
  apiPrefix: 'api' | 'apis' | '';
  group: string;
  version: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

/** Query is the request's query parameters (the last value of each). */
export type Query = Record<string, string>;

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const METHOD_VERBS: Record<string, Verb> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete', GET: 'get' };

/** parseRequestInfo reads path segments the way upstream does; non-resource paths come back with isResourceRequest false. */
export function parseRequestInfo(method: string, path: string, query: Query): RequestInfo {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const info: RequestInfo = { isResourceRequest: false, path, verb: METHOD_VERBS[method] ?? 'get', apiPrefix: '', group: '', version: '', namespace: '', resource: '', subresource: '', name: '' };
  if (parts[0] === 'api') {
    info.apiPrefix = 'api';
    parts.shift();
  } else if (parts[0] === 'apis') {
    info.apiPrefix = 'apis';
    parts.shift();
    if (!parts.length) return info;
    info.group = parts.shift() ?? '';
  } else {
    return info;
  }
  if (!parts.length) return info;
  info.version = parts.shift() ?? '';
  if (!parts.length) return info;
  info.isResourceRequest = true;
  const head = (): string | undefined => parts[0];
  if (head() === 'watch') {
    parts.shift();
    info.verb = 'watch';
  }
  if (head() === 'namespaces' && parts.length > 1) {
    info.namespace = parts[1];
    // namespaces/<name>/status and /finalize are the namespace's own subresources.
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts.splice(0, 2);
  }
  info.resource = parts[0] ?? '';
  info.name = parts[1] ?? '';
  info.subresource = parts[2] ?? '';
  if (info.verb === 'get' && !info.name) info.verb = query.watch === 'true' || query.watch === '1' ? 'watch' : 'list';
  else if (info.verb === 'get' && (query.watch === 'true' || query.watch === '1')) info.verb = 'watch';
  if (info.verb === 'delete' && !info.name) info.verb = 'deletecollection';
  // A list or watch of one name by field selector is about that name, as upstream's RequestInfoFactory decides (RBAC resourceNames, the Node authorizer).
  if ((info.verb === 'list' || info.verb === 'watch') && !info.name) {
    const byName = fieldRequirements(query.fieldSelector).find((f) => f.field === 'metadata.name' && !f.negate);
    if (byName) info.name = byName.value;
  }
  return info;
}

/** fieldRequirements reads `a=b,c!=d` into its clauses, leniently: the resource's own field labels are checked later. */
export function fieldRequirements(selector: string | undefined): { field: string; value: string; negate: boolean }[] {
  const out: { field: string; value: string; negate: boolean }[] = [];
  for (const clause of (selector ?? '').split(',')) {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(clause);
    if (m) out.push({ field: m[1], value: m[3], negate: m[2] === '!=' });
  }
  return out;
}

/** splitPath separates `path?query` into the path and its decoded parameters. */
export function splitPath(raw: string): { path: string; query: Query } {
  const q = raw.indexOf('?');
  if (q < 0) return { path: raw, query: {} };
  const query: Query = {};
  for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) query[k] = v;
  return { path: raw.slice(0, q), query };
}

/** requestAttributes are the authorizer's attributes of a request (GetAuthorizerAttributes), which the audit policy matches too. */
export function requestAttributes(user: UserInfo, info: RequestInfo, path: string, query: Query): AuthorizationAttributes {
  const fieldSelector = info.verb === 'list' || info.verb === 'watch' ? fieldRequirements(query.fieldSelector) : [];
  return {
    user, verb: info.verb, isResourceRequest: info.isResourceRequest, path,
    apiGroup: info.group, apiVersion: info.version, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name,
    ...(fieldSelector.length ? { fieldSelector } : {}),
  };
}
