/**
 * server is the lab's HTTPS front door for kubectl and client libraries: the
 * secure port of kube-apiserver, on loopback only. TLS is always on and client
 * certificates are requested but optional; one that verifies against the
 * cluster CA names the user (CN) and groups (O), bearer tokens pass through in
 * the Authorization header, and the API server authenticates either. The door
 * answers /version and the health endpoints itself and hands everything else
 * to ApiServer: bodies read and decoded, watches streamed, answers encoded as
 * the client's Accept header asks.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Clock } from '../../clock';
import { isAggregatedDiscovery } from '../aggregatedDiscovery';
import type { ApiRequest, ApiServer } from '../apiServer';
import { MAX_REQUEST_BODY_BYTES } from '../checkBody';
import { internalError } from '../errors';
import { parseRequestInfo, splitPath } from '../requestInfo';
import { decodeBody, decodeFailure, readBody } from './body';
import { filterRequest } from './filters';
import { type HealthCheck, type HealthChecks, PING, findHealthHandler, serveHealth } from './healthz';
import { isPrettyPrint, negotiate, notAcceptable } from './negotiation';
import { OpenApiEndpoints, isOpenApiPath } from './openapi';
import { isPartialObjectMetadata, partialObjectMetadataConvertor } from './partialObjectMetadata';
import { type ResponseContext, type TableConvertor, writeApiResponse, writeRawJson, writeText } from './response';
import { parseIncludeObject } from '../printers/table';
import { versionBody } from './version';
import { serveMetrics } from '../../metrics/apiServerMetrics';
import { isLogFollow, serveUpgrade, streamLog } from './stream';
import { type ActiveWatch, streamWatch } from './watch';

/** LOOPBACK is the only address the front door listens on. */
export const LOOPBACK = '127.0.0.1';

/** FrontDoorOptions configure the door; the TLS material comes from the lab's PKI. */
export interface FrontDoorOptions {
  server: ApiServer;
  tls: { caPem: string; certPem: string; keyPem: string };
  /** host must be 127.0.0.1: the lab's API is reachable from this machine only. */
  host?: string;
  /** port is the port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** health are the health endpoints' checks (kubeApiserverChecks); ping alone by default. The door adds `shutdown` to /readyz. */
  health?: HealthChecks;
  /** toTable renders `kubectl get` tables (the printers); without it a Table request is answered with the object. */
  toTable?: TableConvertor;
  /** anonymous must match the API server's anonymous setting; the lab keeps it off. */
  anonymous?: boolean;
  /** maxRequestBodyBytes caps a request body; upstream's MaxRequestBodyBytes, 3 MiB, by default. */
  maxRequestBodyBytes?: number;
  /** clock dates the OpenAPI documents (Last-Modified, Expires); without it they go undated. */
  clock?: Clock;
}

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const METHOD_NOT_ALLOWED = '405: Method Not Allowed';

/** FrontDoor is a running HTTPS server in front of an ApiServer. */
export class FrontDoor {
  private readonly watches = new Set<ActiveWatch>();
  private readonly health: HealthChecks;
  private readonly openapi: OpenApiEndpoints;
  private stopping = false;

  private constructor(private readonly https: Server, private readonly options: FrontDoorOptions) {
    const given = options.health ?? { healthz: [PING], livez: [PING], readyz: [PING] };
    // The generic server's shutdown check: /readyz fails from the moment the server starts to stop.
    const shutdown: HealthCheck = { name: 'shutdown', check: () => (this.stopping ? 'process is shutting down' : undefined) };
    this.health = { ...given, readyz: [...(given.readyz.length ? given.readyz : [PING]), shutdown] };
    const { clock } = options;
    this.openapi = new OpenApiEndpoints(options.server, clock ? () => clock.now() : undefined);
  }

  /** start listens and resolves once the port is bound; a host other than 127.0.0.1 is refused. */
  static async start(options: FrontDoorOptions): Promise<FrontDoor> {
    const host = options.host ?? LOOPBACK;
    if (host !== LOOPBACK) throw new Error(`the lab's API server listens on ${LOOPBACK} only, not on ${host}: it serves the whole cluster to whoever can connect`);
    const https = createServer({
      ca: [options.tls.caPem], cert: options.tls.certPem, key: options.tls.keyPem,
      // Ask for a client certificate but let requests without one (or with a bad one) through to bearer-token authentication.
      requestCert: true, rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
    const door = new FrontDoor(https, options);
    https.on('request', (req: IncomingMessage, res: ServerResponse) => void door.serve(req, res));
    https.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void door.upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      https.once('error', reject);
      https.listen(options.port ?? 0, LOOPBACK, () => {
        https.off('error', reject);
        resolve();
      });
    });
    return door;
  }

  /** port is the bound port. */
  get port(): number {
    return (this.https.address() as AddressInfo).port;
  }

  /** url is the server's URL for a kubeconfig. */
  get url(): string {
    return `https://${LOOPBACK}:${this.port}`;
  }

  /** activeWatches counts the watch streams open now. */
  get activeWatches(): number {
    return this.watches.size;
  }

  /** stop fails /readyz, ends every watch stream, stops listening and closes every connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const w of [...this.watches]) w.end();
    const closed = new Promise<void>((resolve) => this.https.close(() => resolve()));
    this.https.closeAllConnections();
    await closed;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headerAuditId = req.headers['audit-id'];
    const auditId = typeof headerAuditId === 'string' && headerAuditId ? headerAuditId : randomUUID();
    try {
      await this.route(req, res, auditId);
    } catch (err) {
      // A bug in the door must not leave the client hanging.
      if (!res.headersSent) writeRawJson(res, 500, internalError(err), auditId);
      else res.destroy();
    }
  }

  /** upgrade serves a request that asks to switch protocols: the exec, attach and port-forward streams. */
  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const headerAuditId = req.headers['audit-id'];
    const auditId = typeof headerAuditId === 'string' && headerAuditId ? headerAuditId : randomUUID();
    try {
      await serveUpgrade(this.options.server, toApiRequest(req, (req.method ?? 'GET').toUpperCase(), req.url ?? '/', auditId), req, socket, head, this.watches);
    } catch {
      socket.destroy();
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, auditId: string): Promise<void> {
    const raw = req.url ?? '/';
    const { path, query } = splitPath(raw);
    const params = new URLSearchParams(raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '');
    const method = (req.method ?? 'GET').toUpperCase();
    const apiReq = toApiRequest(req, method, raw, auditId);
    // Answers the door gives itself pass the same authentication and authorization as the API server's own.
    const answerAfterFilters = async (write: () => void | Promise<void>): Promise<void> => {
      const user = await filterRequest(this.options.server, apiReq, { anonymous: this.options.anonymous ?? false });
      if ('code' in user) return writeApiResponse(res, { status: user.code ?? 500, body: user }, { auditId, negotiated: { mediaType: 'application/json', pretty: false }, pretty: isPrettyPrint(params, req.headers['user-agent']) });
      await write();
    };

    const health = findHealthHandler(this.health, path);
    if (health) {
      return answerAfterFilters(async () => {
        const answer = await serveHealth(this.health, health, params);
        writeText(res, answer.status, answer.body, answer.headers, auditId);
      });
    }
    if (path === '/version' || path === '/version/') {
      return answerAfterFilters(() => {
        if (method !== 'GET') return writeText(res, 405, METHOD_NOT_ALLOWED, { 'Content-Type': 'text/plain; charset=utf-8' }, auditId);
        const text = versionBody();
        writeText(res, 200, text, { 'Content-Type': 'application/json' }, auditId);
      });
    }
    if (path === '/metrics') {
      return answerAfterFilters(async () => {
        const answer = await serveMetrics(this.options.server.metrics, method);
        writeText(res, 200, answer.body, { 'Content-Type': answer.contentType }, auditId);
      });
    }
    if (isOpenApiPath(path)) return answerAfterFilters(() => this.openapi.serve(req, res, path, params, auditId));
    // go-restful's answer to a method no route has.
    if (!METHODS.has(method)) return answerAfterFilters(() => writeText(res, 405, METHOD_NOT_ALLOWED, { 'Content-Type': 'text/plain; charset=utf-8' }, auditId));

    const info = parseRequestInfo(method, path, query);
    const { toTable } = this.options;
    const discoveryRoot = /^\/apis?\/?$/.test(path);
    const negotiated = negotiate(req.headers.accept, (to) => (Boolean(toTable) && info.isResourceRequest && to.kind === 'Table' && to.group === 'meta.k8s.io' && (to.version === 'v1' || to.version === 'v1beta1'))
      || (info.isResourceRequest && isPartialObjectMetadata(to)) || (discoveryRoot && isAggregatedDiscovery(to)));
    if (!negotiated) {
      // Resource handlers negotiate before they act; other endpoints negotiate as they write, and an error they answer wins over the 406.
      if (info.isResourceRequest && this.options.server.resources.lookup(info.group, info.version, info.resource)) {
        return answerAfterFilters(() => writeRawJson(res, 406, notAcceptable(), auditId));
      }
      const answer = await this.options.server.handle(apiReq);
      return answer.status >= 200 && answer.status < 300 ? writeRawJson(res, 406, notAcceptable(), auditId) : writeRawJson(res, answer.status, answer.body, auditId);
    }
    const ctx: ResponseContext = { auditId, negotiated, pretty: isPrettyPrint(params, req.headers['user-agent']) };
    if (negotiated.convert && isAggregatedDiscovery(negotiated.convert) && method === 'GET') {
      const { version } = negotiated.convert;
      return answerAfterFilters(() => this.openapi.serveAggregatedDiscovery(req, res, { legacy: path.startsWith('/api/') || path === '/api', version, mediaType: negotiated.mediaType, pretty: ctx.pretty || negotiated.pretty, auditId }));
    }
    if (negotiated.convert && isPartialObjectMetadata(negotiated.convert)) {
      ctx.table = {
        convert: partialObjectMetadataConvertor(this.options.server.resources, negotiated.convert.kind as 'PartialObjectMetadata' | 'PartialObjectMetadataList'),
        options: { version: negotiated.convert.version as 'v1' | 'v1beta1', includeObject: 'None', noHeaders: false, endpoint: { group: info.group, version: info.version, resource: info.resource, subresource: info.subresource } },
      };
    } else if (negotiated.convert && toTable) {
      // metav1 validation.ValidateTableOptions, as handlers/response.go's optionsForTransform checks it.
      const includeObject = parseIncludeObject(params.get('includeObject') ?? undefined);
      if (typeof includeObject !== 'string') return answerAfterFilters(() => writeApiResponse(res, { status: 400, body: includeObject }, ctx));
      ctx.table = {
        convert: toTable,
        options: {
          version: negotiated.convert.version as 'v1' | 'v1beta1', includeObject, noHeaders: false,
          endpoint: { group: info.group, version: info.version, resource: info.resource, subresource: info.subresource },
        },
      };
    }

    // Only a body for an endpoint that exists is read and decoded; any other request gets the API server's 404.
    const type = info.isResourceRequest ? this.options.server.resources.lookup(info.group, info.version, info.resource) : undefined;
    if (method !== 'GET' && type && (!info.subresource || type.subresources.includes(info.subresource))) {
      const read = await readBody(req, this.options.maxRequestBodyBytes ?? MAX_REQUEST_BODY_BYTES);
      if ('tooLarge' in read) {
        res.setHeader('Connection', 'close');
        return answerAfterFilters(() => writeApiResponse(res, { status: 413, body: read.tooLarge }, ctx));
      }
      if (method === 'PATCH') {
        apiReq.body = read.bytes.toString('utf8');
      } else {
        const decoded = decodeBody(read.bytes, apiReq.contentType, method !== 'DELETE');
        if ('unsupported' in decoded) return answerAfterFilters(() => writeApiResponse(res, { status: 415, body: decoded.unsupported }, ctx));
        if ('decodeError' in decoded) {
          const failure = decodeFailure(method === 'POST' ? 'create' : method === 'PUT' ? 'update' : 'delete', type.kind, decoded.decodeError, read.bytes);
          return answerAfterFilters(() => writeApiResponse(res, { status: failure.code ?? 400, body: failure }, ctx));
        }
        apiReq.body = decoded.body;
      }
    }
    if (info.isResourceRequest && info.verb === 'watch') return streamWatch(this.options.server, apiReq, res, ctx, this.watches);
    if (isLogFollow(method, raw)) return streamLog(this.options.server, apiReq, res, ctx, this.watches);
    writeApiResponse(res, await this.options.server.handle(apiReq), ctx);
  }
}

/**
 * toApiRequest carries the HTTP request's method, path, headers and verified
 * client certificate over to the API server, with the request's audit ID as
 * `Audit-ID` so the audit log and the response header agree.
 */
function toApiRequest(req: IncomingMessage, method: string, path: string, auditId: string): ApiRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  headers['audit-id'] = auditId;
  const contentType = req.headers['content-type'];
  const cert = verifiedClientCertificate(req.socket as TLSSocket);
  return {
    method: method as ApiRequest['method'], path, headers,
    ...(contentType ? { contentType } : {}),
    ...(cert ? { clientCertificate: cert } : {}),
  };
}

/** verifiedClientCertificate is the subject of a client certificate that chains to the CA (x509.Verify's job upstream), else undefined. */
function verifiedClientCertificate(socket: TLSSocket): ApiRequest['clientCertificate'] {
  if (!socket.authorized) return undefined;
  const subject = socket.getPeerCertificate().subject as Record<string, string | string[] | undefined> | undefined;
  const values = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const commonName = values(subject?.CN)[0];
  return commonName ? { commonName, organizations: values(subject?.O) } : undefined;
}
