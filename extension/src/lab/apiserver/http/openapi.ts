/**
 * openapi serves the documents the front door answers with ETags: /openapi/v2 as
 * kube-openapi's handler does (negotiated by Accept, gzipped when the client takes
 * gzip), /openapi/v3 and /openapi/v3/<group-version> as its handler3 does (a
 * request with a stale ?hash= is redirected to the current one; a current one may
 * be cached for a year), and the aggregated discovery lists of /api and /apis as
 * apiserver's discovery/aggregated handler does. Documents are answered as
 * net/http's ServeContent answers: Last-Modified when the lab has a clock, and 304
 * for a matching If-None-Match or an unchanged If-Modified-Since.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { AggregatedDiscoveryCache, DISCOVERY_GROUP, aggregatedDiscoveryBody } from '../aggregatedDiscovery';
import type { CustomResourceDefinition } from '../apiextensions/types';
import type { ApiServer } from '../apiServer';
import { type Encoded, OpenApiDocuments } from '../openapi/documents';
import { encodeOpenApiV2 } from '../openapi/protobufV2';
import { encodeJson } from './negotiation';
import { commonHeaders } from './response';

/** The v2 document's protobuf media types: the one kubectl asks for (deprecated) and the one answered. */
const V2_PROTOBUF_DEPRECATED = 'com.github.proto-openapi.spec.v2@v1.0+protobuf';
const V2_PROTOBUF = 'com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** gziphandler's DefaultMinSize: smaller answers go out as they are. */
const GZIP_MIN_BYTES = 1400;
/** The serializer gzips an API answer over 128 KiB (defaultGzipThresholdBytes). */
const API_GZIP_MIN_BYTES = 128 * 1024;
const YEAR_MS = 365 * 24 * 3600 * 1000;

/** isOpenApiPath tells the paths openapi serves. */
export function isOpenApiPath(path: string): boolean {
  return path === '/openapi/v2' || path === '/openapi/v3' || path.startsWith('/openapi/v3/');
}

/** OpenApiEndpoints answers the OpenAPI and aggregated discovery endpoints of one API server. */
export class OpenApiEndpoints {
  private readonly documents: OpenApiDocuments;
  private readonly discovery: AggregatedDiscoveryCache;
  private readonly built = new WeakMap<Encoded, { at?: number; gzipped?: Buffer; protobuf?: Encoded }>();

  /** now is the lab's clock, for Last-Modified and Expires; without it those headers are left out. */
  constructor(server: ApiServer, private readonly now?: () => number) {
    this.documents = new OpenApiDocuments({
      table: server.resources,
      crds: () => server.cache.list('apiextensions.k8s.io', 'customresourcedefinitions') as readonly CustomResourceDefinition[],
    });
    this.discovery = new AggregatedDiscoveryCache(server.resources);
  }

  /** serve answers an /openapi request (path without its query). */
  serve(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, auditId: string): void {
    const headers = commonHeaders(auditId);
    if (path === '/openapi/v2') return this.serveV2(req, res, headers);
    if (path === '/openapi/v3') return this.serveContent(req, res, this.documents.v3Index(), { ...headers, 'Content-Type': 'application/json' }, false);
    const name = path.slice('/openapi/v3/'.length);
    const vary: Record<string, string> = { ...headers, Vary: 'Accept' };
    const clauses = parseAccept(req.headers.accept || '*/*');
    if (!clauses.length) return end(res, 200, vary);
    // handler3 also serves protobuf; a client that takes only that is not answered.
    if (!firstMatch(clauses, ['json'])) return end(res, 406, vary);
    const doc = this.documents.v3Document(name);
    // handler3 answers a group version it does not know with nothing at all.
    if (!doc) return end(res, 200, vary);
    const out: Record<string, string> = { ...vary, 'Content-Type': 'application/json', ETag: `"${doc.etag}"` };
    const hash = query.get('hash');
    if (hash) {
      if (hash !== doc.etag) {
        const location = `/openapi/v3/${name}?hash=${doc.etag}`;
        const body = req.method === 'GET' || req.method === 'HEAD' ? `<a href="${location}">Moved Permanently</a>.\n\n` : '';
        return end(res, 301, { ...vary, ETag: out.ETag, Location: location, ...(body ? { 'Content-Type': 'text/html; charset=utf-8' } : {}) }, body);
      }
      out['Cache-Control'] = 'public, immutable';
      if (this.now) out.Expires = new Date(this.now() + YEAR_MS).toUTCString();
    }
    this.serveContent(req, res, doc, out, false);
  }

  /** serveV2 is kube-openapi's handler: the first Accept clause JSON or protobuf answers, else 406. */
  private serveV2(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
    const out: Record<string, string> = { ...headers, Vary: 'Accept' };
    const gzip = acceptsGzip(req);
    if (gzip) out.Vary = 'Accept, Accept-Encoding';
    const subType = firstMatch(parseAccept(req.headers.accept || '*/*'), ['json', V2_PROTOBUF_DEPRECATED, V2_PROTOBUF]);
    if (!subType) return end(res, 406, out);
    const json = this.documents.v2Document();
    if (subType === 'json') return this.serveContent(req, res, json, { ...out, 'Content-Type': 'application/json', ETag: `"${json.etag}"` }, gzip);
    // The protobuf form shares the JSON's ETag: Vary: Accept keeps caches apart.
    const state = this.state(json);
    state.protobuf ??= { json: encodeOpenApiV2(JSON.parse(json.json.toString()) as Record<string, unknown>), etag: json.etag };
    this.serveContent(req, res, state.protobuf, { ...out, 'Content-Type': `application/${V2_PROTOBUF}`, ETag: `"${json.etag}"` }, gzip);
  }

  /** state is what is kept beside a document: when it was first served, its gzip and protobuf forms. */
  private state(doc: Encoded): { at?: number; gzipped?: Buffer; protobuf?: Encoded } {
    let state = this.built.get(doc);
    if (!state) {
      state = this.now ? { at: Math.floor(this.now() / 1000) * 1000 } : {};
      this.built.set(doc, state);
    }
    return state;
  }

  /** serveContent is http.ServeContent: Last-Modified, the preconditions' 304, then the bytes (gzipped when asked). */
  private serveContent(req: IncomingMessage, res: ServerResponse, doc: Encoded, headers: Record<string, string>, gzip: boolean): void {
    const state = this.state(doc);
    const out: Record<string, string> = { ...headers };
    if (!headers.ETag) out.ETag = `"${doc.etag}"`;
    if (state.at !== undefined) out['Last-Modified'] = new Date(state.at).toUTCString();
    if (notModified(req, out.ETag, state.at)) {
      if (out.ETag) delete out['Last-Modified'];
      delete out['Content-Type'];
      return end(res, 304, out);
    }
    out['Accept-Ranges'] = 'bytes';
    if (gzip && doc.json.length >= GZIP_MIN_BYTES) {
      state.gzipped ??= gzipSync(doc.json);
      return end(res, 200, { ...out, 'Content-Encoding': 'gzip', 'Content-Length': String(state.gzipped.length) }, req.method === 'HEAD' ? '' : state.gzipped);
    }
    end(res, 200, { ...out, 'Content-Length': String(doc.json.length) }, req.method === 'HEAD' ? '' : doc.json);
  }

  /**
   * serveAggregatedDiscovery answers /api (legacy) or /apis with the aggregated
   * list in the negotiated version and encoding: 304 when If-None-Match is the
   * current ETag, the body gzipped past 128 KiB when the client takes gzip.
   */
  serveAggregatedDiscovery(req: IncomingMessage, res: ServerResponse, opts: { legacy: boolean; version: string; mediaType: 'application/json' | 'application/yaml'; pretty: boolean; auditId: string }): void {
    const doc = this.discovery.get(opts.legacy);
    const etag = `"${doc.etag}"`;
    const headers: Record<string, string> = { ...commonHeaders(opts.auditId), ETag: etag, Vary: 'Accept', 'Cache-Control': 'public' };
    if (req.headers['if-none-match'] === etag) return end(res, 304, headers);
    const body = aggregatedDiscoveryBody(doc, opts.version);
    const text = opts.mediaType === 'application/yaml' ? stringify(body, { indentSeq: false, lineWidth: 0 }) : encodeJson(body, opts.pretty);
    const out: Record<string, string> = { ...headers, 'Content-Type': `${opts.mediaType};g=${DISCOVERY_GROUP};v=${opts.version};as=APIGroupDiscoveryList` };
    const bytes = Buffer.from(text);
    if (acceptsGzip(req) && bytes.length > API_GZIP_MIN_BYTES) {
      return end(res, 200, { ...out, 'Content-Encoding': 'gzip', Vary: 'Accept, Accept-Encoding' }, gzipSync(bytes, { level: 1 }));
    }
    end(res, 200, { ...out, 'Content-Length': String(bytes.length) }, bytes);
  }
}

/** Clause is one goautoneg Accept clause. */
interface Clause {
  type: string;
  subType: string;
  q: number;
  params: number;
}

/**
 * parseAccept is goautoneg.ParseAccept, which the OpenAPI handlers use: no token
 * checks (the protobuf media types hold an `@`), case kept, best clause first.
 */
function parseAccept(header: string): Clause[] {
  const out: Clause[] = [];
  for (const part of header.split(',')) {
    const [range, ...params] = part.trim().split(';');
    const sp = range.split('/');
    const type = sp[0].trim();
    if (!(sp.length === 2 || (sp.length === 1 && type === '*'))) continue;
    let q = 1;
    let count = 0;
    for (const p of params) {
      const kv = p.split('=');
      if (kv.length < 2) continue;
      if (kv[0].trim() === 'q') q = Number.parseFloat(kv[1]) || 0;
      else count++;
    }
    out.push({ type, subType: sp.length === 2 ? sp[1].trim() : '*', q, params: count });
  }
  const wild = (c: Clause): number => (c.type === '*' ? 2 : 0) + (c.subType === '*' ? 1 : 0);
  return out.map((c, i) => [c, i] as const).sort(([a, i], [b, j]) => b.q - a.q || wild(a) - wild(b) || b.params - a.params || i - j).map(([c]) => c);
}

/** firstMatch is the handlers' loop: the first clause, in order, that one of the served application/ subtypes answers. */
function firstMatch(clauses: readonly Clause[], subTypes: readonly string[]): string | undefined {
  for (const c of clauses) {
    for (const s of subTypes) if ((c.type === 'application' || c.type === '*') && (c.subType === s || c.subType === '*')) return s;
  }
  return undefined;
}

/** acceptsGzip is negotiateContentEncoding: a `gzip` token in Accept-Encoding. */
function acceptsGzip(req: IncomingMessage): boolean {
  return (req.headers['accept-encoding'] ?? '').split(',').some((t) => t.trim() === 'gzip');
}

/** notModified is checkPreconditions for GET and HEAD: If-None-Match against the ETag, else If-Modified-Since against Last-Modified. */
function notModified(req: IncomingMessage, etag: string | undefined, at: number | undefined): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const inm = req.headers['if-none-match'];
  if (inm) {
    const weak = (t: string): string => t.trim().replace(/^W\//, '');
    return inm.split(',').some((t) => t.trim() === '*' || (etag !== undefined && weak(t) === weak(etag)));
  }
  const ims = req.headers['if-modified-since'];
  if (ims && at !== undefined) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && at <= since;
  }
  return false;
}

function end(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer = ''): void {
  const length = status === 304 || headers['Content-Length'] ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
  res.writeHead(status, { ...headers, ...length });
  res.end(body);
}

