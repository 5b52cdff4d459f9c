/**
 * apply is `kubectl apply -f` for a YAML text: parse every document, refuse the
 * whole file if any document is malformed, then create each object or patch the
 * live one, reporting as kubectl does (`deployment.apps/web created`).
 */
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, Status } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from './kubeClient';
import { type ResourceRef, resourcePath } from './resources';

export interface ParsedDocument {
  /** index is the document's position in the file, from 0. */
  index: number;
  /** line is the 1-based line where the document starts. */
  line: number;
  object: KubeObject;
}

export interface ParseError {
  index: number;
  line: number;
  message: string;
}

/** parseManifests returns the file's objects, or every problem that stops it from being applied. */
export function parseManifests(text: string): { documents: ParsedDocument[]; errors: ParseError[] } {
  const documents: ParsedDocument[] = [];
  const errors: ParseError[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  parseAllDocuments(text).forEach((doc, index) => {
    const start = doc.range?.[0] ?? 0;
    if (doc.errors.length) {
      for (const e of doc.errors) errors.push({ index, line: e.linePos?.[0].line ?? lineOf(e.pos[0]), message: e.message.split('\n')[0] });
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const line = lineOf(doc.contents?.range?.[0] ?? start);
    if (typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ index, line, message: 'error validating data: the document is not a Kubernetes object' });
      return;
    }
    const obj = value as KubeObject;
    const missing = [!obj.apiVersion && 'apiVersion not set', !obj.kind && 'kind not set'].filter(Boolean);
    if (missing.length) {
      errors.push({ index, line, message: `error validating data: [${missing.join(', ')}]` });
      return;
    }
    obj.metadata ??= {};
    documents.push({ index, line, object: obj });
  });
  return { documents, errors };
}

/** ResourceMapper finds the resource of a kind from the server's discovery, as kubectl's RESTMapper. */
export class ResourceMapper {
  private readonly cache = new Map<string, Promise<{ name: string; kind: string; namespaced: boolean }[]>>();

  constructor(private readonly client: KubeClient) {}

  async resourceFor(apiVersion: string, kind: string): Promise<ResourceRef | undefined> {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    let list = this.cache.get(apiVersion);
    if (!list) {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      list = this.client.raw({ method: 'GET', path }).then((body) => (isStatus(body) ? [] : ((body as { resources?: { name: string; kind: string; namespaced: boolean }[] }).resources ?? [])));
      this.cache.set(apiVersion, list);
    }
    const r = (await list).find((x) => x.kind === kind && !x.name.includes('/'));
    if (!r) {
      this.cache.delete(apiVersion);
      return undefined;
    }
    return { group, version, resource: r.name, namespaced: r.namespaced };
  }
}

export type ApplyOutcome = { document: ParsedDocument; ref: string; result: 'created' | 'configured' | 'unchanged'; object: KubeObject } | { document: ParsedDocument; ref: string; error: Status | string };

/** objectRef is kubectl's `<resource>.<group>/<name>` (`deployment.apps/web`, `pod/web`). */
export function objectRef(obj: KubeObject): string {
  const group = String(obj.apiVersion ?? '').includes('/') ? String(obj.apiVersion).split('/')[0] : '';
  return `${String(obj.kind ?? '').toLowerCase()}${group ? `.${group}` : ''}/${obj.metadata.name ?? ''}`;
}

/**
 * applyObject creates obj, or merges it into the live object. The server decides
 * whether anything changed: an unchanged resourceVersion means `unchanged`. A
 * dry run stores nothing, so its resourceVersion never moves: there the object
 * it would store is held against the live one (managedFields aside).
 */
export async function applyObject(client: KubeClient, mapper: ResourceMapper, doc: ParsedDocument, defaultNamespace = 'default', dryRun = false): Promise<ApplyOutcome> {
  const obj = structuredClone(doc.object);
  const ref = objectRef(obj);
  const resource = await mapper.resourceFor(String(obj.apiVersion), String(obj.kind));
  if (!resource) return { document: doc, ref, error: `resource mapping not found for name: "${obj.metadata.name ?? ''}" namespace: "${obj.metadata.namespace ?? ''}" from "": no matches for kind "${String(obj.kind)}" in version "${String(obj.apiVersion)}"\nensure CRDs are installed first` };
  if (resource.namespaced) obj.metadata.namespace ??= defaultNamespace;
  else delete obj.metadata.namespace;
  if (!obj.metadata.name) return { document: doc, ref, error: 'error when retrieving current configuration: resource name may not be empty' };
  const live = await client.get(resource, obj.metadata.namespace ?? '', obj.metadata.name);
  if (isStatus(live)) {
    if (live.code !== 404) return { document: doc, ref, error: live };
    const created = await client.create(resource, obj, { dryRun });
    return isStatus(created) ? { document: doc, ref, error: created } : { document: doc, ref, result: 'created', object: created };
  }
  const patched = await client.raw({ method: 'PATCH', path: resourcePath(resource, obj.metadata.namespace, obj.metadata.name), body: obj, contentType: 'application/merge-patch+json', query: dryRun ? { dryRun: 'All' } : {} });
  if (isStatus(patched)) return { document: doc, ref, error: patched };
  const same = dryRun ? isDeepStrictEqual(withoutManagedFields(patched as KubeObject), withoutManagedFields(live)) : (patched as KubeObject).metadata.resourceVersion === live.metadata.resourceVersion;
  const result = same ? 'unchanged' : 'configured';
  return { document: doc, ref, result, object: patched as KubeObject };
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
