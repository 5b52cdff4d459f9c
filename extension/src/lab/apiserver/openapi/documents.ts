/**
 * documents assembles the OpenAPI documents kube-apiserver serves from what the
 * lab serves now: one OpenAPI v3 document per group version (the installer's
 * routes and the definitions they reach, or the merged documents of a group
 * version's custom resources), v3 documents for the discovery endpoints and
 * /version, the index that names each document with its hash, and the Swagger
 * 2.0 document of everything at once. Each document is encoded once per served
 * set of types (and of CRDs, for custom resources' group versions) and kept with
 * its ETag, the uppercase hex SHA-512 of its bytes, as kube-openapi's caches do.
 */
import { createHash } from 'node:crypto';
import type { CustomResourceDefinition } from '../apiextensions/types';
import { isCustomResource, servedGroups } from '../discovery';
import { KUBERNETES_VERSION } from '../http/version';
import type { ResourceTable, ResourceType } from '../resources';
import { buildCrdVersion } from './crdBuilder';
import { REF_PREFIX, type Schema, closure, definition, refsOf, swaggerDoc } from './definitions';
import { MEDIA_TYPES, groupVersionRoutes, kindDefinition, listDefinition } from './installer';
import { type OpenApiVersion, type Route, renderPaths, sortKeys } from './routes';

/** Encoded is a document's bytes and ETag. */
export interface Encoded {
  json: Buffer;
  etag: string;
}

/** OpenApiSource is what the documents are built from: the served types, and the CRDs behind the custom ones. */
export interface OpenApiSource {
  table: ResourceTable;
  crds(): readonly CustomResourceDefinition[];
}

const INFO = { title: 'Kubernetes', version: `${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}` };
const CRD_INFO = { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' };
const BEARER_TOKEN = { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } };
const VERSION_INFO_DEFINITION = 'io.k8s.apimachinery.pkg.version.Info';

/** encode writes JSON as encoding/json does (no trailing newline; <, >, & and the line separators escaped) and hashes it. */
export function encode(doc: unknown): Encoded {
  const text = JSON.stringify(doc).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const json = Buffer.from(text);
  return { json, etag: createHash('sha512').update(json).digest('hex').toUpperCase() };
}

/** toV2 turns a v3 schema into its Swagger 2.0 form: refs under #/definitions/ and unwrapped from allOf, defaults pruned, oneOf types reduced to the type. */
export function toV2(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toV2);
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'default') continue;
    if (k === '$ref' && typeof v === 'string') out.$ref = v.replace(REF_PREFIX, '#/definitions/');
    else if (k === 'properties' || k === 'definitions' || k === 'patternProperties') out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, toV2(ps)]));
    else if (k === 'x-kubernetes-group-version-kind' || k === 'enum' || k === 'required' || k.startsWith('x-kubernetes-list-map')) out[k] = v;
    else out[k] = toV2(v);
  }
  const allOf = out.allOf as Schema[] | undefined;
  if (allOf?.length === 1 && Object.keys(allOf[0]).length === 1 && allOf[0].$ref) {
    delete out.allOf;
    out.$ref = allOf[0].$ref;
  }
  const oneOf = out.oneOf as Schema[] | undefined;
  if (oneOf?.every((o) => Object.keys(o).length === 1 && typeof o.type === 'string')) {
    // v2 carries the type's OpenAPISchemaType: string for Quantity and IntOrString alike.
    delete out.oneOf;
    out.type = 'string';
  }
  return sortKeys(out);
}

/** GroupVersionDoc is one document's routes, and the definitions it carries beyond the built-in ones in each format. */
interface GroupVersionDoc {
  routes: Route[];
  custom: { v3: Record<string, Schema>; v2: Record<string, Schema> };
  info: typeof INFO;
  security: boolean;
}

/** Described is how to build a document, and the key its cached bytes are good for. */
interface Described {
  key: string;
  doc: () => GroupVersionDoc;
}

/** OpenApiDocuments builds and caches every document the lab serves. */
export class OpenApiDocuments {
  private readonly v3 = new Map<string, { key: string; encoded: Encoded }>();
  private index?: { key: string; encoded: Encoded };
  private v2?: { key: string; encoded: Encoded };

  constructor(private readonly source: OpenApiSource) {}

  /** v3Index is /openapi/v3's document: every document's path and its URL with the hash. */
  v3Index(): Encoded {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const n of this.documentNames().sort()) {
      const doc = this.v3Document(n);
      if (doc) paths[n] = { serverRelativeURL: `/openapi/v3/${n}?hash=${doc.etag}` };
    }
    const key = JSON.stringify(paths);
    if (this.index?.key !== key) this.index = { key, encoded: encode({ paths }) };
    return this.index.encoded;
  }

  /** v3Document is the v3 document at /openapi/v3/<name> (`api/v1`, `apis/apps/v1`, `apis`, `version` …), or undefined. */
  v3Document(name: string): Encoded | undefined {
    const described = this.describe(name);
    if (!described) return undefined;
    const cached = this.v3.get(name);
    if (cached?.key === described.key) return cached.encoded;
    const encoded = encode(render(described.doc(), 'v3'));
    this.v3.set(name, { key: described.key, encoded });
    return encoded;
  }

  /** v2Document is /openapi/v2: every path and every definition in one Swagger 2.0 document. */
  v2Document(): Encoded {
    const parts = this.documentNames().map((n) => [n, this.describe(n)] as const).filter((p): p is readonly [string, Described] => p[1] !== undefined);
    const key = parts.map(([n, d]) => `${n}=${d.key}`).join(',');
    if (this.v2?.key !== key) {
      const docs = parts.map(([, d]) => d.doc());
      const merged: GroupVersionDoc = {
        routes: docs.flatMap((d) => d.routes),
        custom: { v3: Object.assign({}, ...docs.map((d) => d.custom.v3)) as Record<string, Schema>, v2: Object.assign({}, ...docs.map((d) => d.custom.v2)) as Record<string, Schema> },
        info: INFO,
        security: true,
      };
      this.v2 = { key, encoded: encode(render(merged, 'v2')) };
    }
    return this.v2.encoded;
  }

  /** documentNames lists the served documents as the index names them: discovery, each built-in group, each group version. */
  private documentNames(): string[] {
    const names = ['api', 'apis', 'version'];
    for (const g of servedGroups(this.source.table)) {
      if (g.name && this.source.table.types.some((t) => t.group === g.name && !isCustomResource(t))) names.push(`apis/${g.name}`);
      for (const v of g.versions) names.push(g.name ? `apis/${g.name}/${v}` : `api/${v}`);
    }
    return names;
  }

  private describe(name: string): Described | undefined {
    if (name === 'api') return fixed('api', discoveryRoute('/api/', 'getAPIVersions', 'get available API versions', 'APIVersions'));
    if (name === 'apis') return fixed('apis', discoveryRoute('/apis/', 'getAPIVersions', 'get available API versions', 'APIGroupList'));
    if (name === 'version') return fixed('version', discoveryRoute('/version/', 'getCodeVersion', 'get the code version', '', ['application/json']));
    const m = /^(?:api\/([^/]+)|apis\/([^/]+)(?:\/([^/]+))?)$/.exec(name);
    if (!m) return undefined;
    const group = m[2] ?? '';
    const version = m[1] ?? m[3];
    const types = this.source.table.types.filter((t) => t.group === group && (version === undefined || t.version === version));
    if (!types.length) return undefined;
    if (version === undefined) {
      return types.every(isCustomResource) ? undefined : fixed(name, discoveryRoute(`/apis/${group}/`, 'getAPIGroup', 'get information of a group', 'APIGroup'));
    }
    if (types.some(isCustomResource)) return this.describeCustom(group, version, types);
    return {
      key: typeKey(types),
      doc: () => {
        const synthetic = syntheticDefinitions(types);
        return { routes: groupVersionRoutes(group, version, types), custom: { v3: synthetic, v2: mapValues(synthetic, (s) => toV2(s) as Schema) }, info: INFO, security: true };
      },
    };
  }

  /** describeCustom is a custom resources' group version: the CRD builder's documents for each CRD serving it, merged. */
  private describeCustom(group: string, version: string, types: readonly ResourceType[]): Described {
    const crds = this.source.crds()
      .filter((c) => c.spec.group === group && c.spec.versions.some((v) => v.name === version && v.served) && types.some((t) => t.resource === c.spec.names.plural))
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    return {
      key: crds.map((c) => `${c.metadata.uid ?? ''}/${c.metadata.resourceVersion ?? ''}`).join(','),
      doc: () => {
        const v3 = crds.map((c) => buildCrdVersion(c, version, 'v3'));
        const v2 = crds.map((c) => buildCrdVersion(c, version, 'v2'));
        return {
          routes: v3.flatMap((b) => b?.routes ?? []),
          custom: { v3: Object.assign({}, ...v3.map((b) => b?.definitions ?? {})) as Record<string, Schema>, v2: Object.assign({}, ...v2.map((b) => b?.definitions ?? {})) as Record<string, Schema> },
          info: CRD_INFO,
          security: false,
        };
      },
    };
  }
}

function fixed(key: string, doc: GroupVersionDoc): Described {
  return { key, doc: () => doc };
}

/** discoveryRoute is a discovery or /version web service's one route, which writes its model without Returns. */
function discoveryRoute(path: string, operation: string, description: string, metaKind: string, produces: readonly string[] = MEDIA_TYPES): GroupVersionDoc {
  const model = metaKind ? `io.k8s.apimachinery.pkg.apis.meta.v1.${metaKind}` : VERSION_INFO_DEFINITION;
  return {
    routes: [{ path, method: 'get', description, operation, params: [], consumes: produces, produces, responses: [], writes: model, extensions: {} }],
    custom: { v3: {}, v2: {} }, info: INFO, security: true,
  };
}

/** render builds a document: its paths, and every definition the paths and the custom definitions reach. */
function render(doc: GroupVersionDoc, version: OpenApiVersion): object {
  const roots = new Set<string>();
  for (const r of doc.routes) {
    if (r.body && r.body.model !== 'string') roots.add(r.body.model);
    for (const x of r.responses) if (x.model !== 'string') roots.add(x.model);
    if (r.writes && r.writes !== 'string') roots.add(r.writes);
  }
  for (const c of Object.values(doc.custom.v3)) for (const ref of refsOf(c)) roots.add(ref);
  const custom = version === 'v3' ? doc.custom.v3 : doc.custom.v2;
  const schemas: Record<string, Schema> = {};
  for (const name of closure([...roots].filter((n) => !doc.custom.v3[n]))) {
    const d = definition(name) as Schema;
    schemas[name] = version === 'v3' ? d : (toV2(d) as Schema);
  }
  Object.assign(schemas, custom);
  const paths = renderPaths(doc.routes, version);
  if (version === 'v2') {
    return { swagger: '2.0', info: doc.info, paths, definitions: sortKeys(schemas), ...(doc.security ? { securityDefinitions: BEARER_TOKEN, security: [{ BearerToken: [] }] } : {}) };
  }
  return { openapi: '3.0.0', info: doc.info, paths, components: { schemas: sortKeys(schemas), ...(doc.security ? { securitySchemes: BEARER_TOKEN } : {}) } };
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

/** typeKey identifies a set of served types; a CRD's or a re-served type is a new object, so a new key. */
const typeIds = new WeakMap<ResourceType, number>();
let nextTypeId = 0;
function typeKey(types: readonly ResourceType[]): string {
  return types.map((t) => {
    let id = typeIds.get(t);
    if (id === undefined) {
      id = nextTypeId++;
      typeIds.set(t, id);
    }
    return id;
  }).join(',');
}

/** syntheticDefinitions describe the lab's own kinds no model knows: TypeMeta, ObjectMeta, and any other fields. */
function syntheticDefinitions(types: readonly ResourceType[]): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const t of types) {
    const kindName = kindDefinition(t.group, t.version, t.kind);
    if (definition(kindName)) continue;
    const gvk = (kind: string): Schema[] => [{ group: t.group, kind, version: t.version }];
    const typeMeta = { apiVersion: { description: swaggerDoc('TypeMeta', 'apiVersion'), type: 'string' }, kind: { description: swaggerDoc('TypeMeta', 'kind'), type: 'string' } };
    out[kindName] = {
      properties: { ...typeMeta, metadata: { $ref: `${REF_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` } },
      type: 'object', 'x-kubernetes-group-version-kind': gvk(t.kind), 'x-kubernetes-preserve-unknown-fields': true,
    };
    if (t.verbs.includes('list')) {
      out[listDefinition(t.group, t.version, t.kind)] = {
        properties: { ...typeMeta, items: { items: { $ref: `${REF_PREFIX}${kindName}` }, type: 'array' }, metadata: { $ref: `${REF_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta` } },
        required: ['items'], type: 'object', 'x-kubernetes-group-version-kind': gvk(`${t.kind}List`),
      };
    }
  }
  return out;
}
