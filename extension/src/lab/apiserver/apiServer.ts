/**
 * ApiServer is the lab's kube-apiserver: every component and every client reaches
 * the store only through it. A request runs upstream's pipeline in the seeds'
 * order — authenticate, (impersonate), authorize, decode, default, mutating
 * admission, validation, validating admission, persist, notify watchers — and
 * every answer is an object or an upstream-shaped Status. Each request leaves a
 * RequestTrace of those stages.
 */
import type { Clock, Timer } from '../clock';
import type { Random } from '../random';
import type { KubeList, KubeObject, Status, WatchEvent } from '../api/types';
import type { Store } from '../store/store';
import type { AdmissionContext, AdmissionPlugin, Chain } from './admission/admission';
import { impersonate } from './auth/impersonation';
import { type TokenRequestIssuer, createTokenRequest } from './auth/tokenRequest';
import { PodIndex } from './podIndex';
import type { Authenticator, AuthorizationAttributes, Authorizer, UserInfo } from './auth/types';
import { newNamespaceLifecycle } from './admission/namespaceLifecycle';
import { CrdController } from './apiextensions/crdController';
import { CACHED_RESOURCES, ServerCache } from './cache';
import { discovery } from './discovery';
import { OPTIMISTIC_LOCK_MESSAGE, badRequest, conflict, forbiddenRequest, gone, internalError, invalid, notFound, methodNotSupported, pathNotFound, requestEntityTooLarge, unauthorized } from './errors';
import { handleBinding } from './handlers/binding';
import { handleCreate } from './handlers/create';
import { handleDelete } from './handlers/delete';
import { validateWriteOptions } from './handlers/options';
import { handleGet, handleList, parseResourceVersion } from './handlers/read';
import { type FieldError, forbidden as fieldForbidden, notSupported } from './fieldErrors';
import { handlePatch, handleUpdate } from './handlers/update';
import { type ComponentProbe, handleVirtual, isVirtual, virtualResources } from './handlers/virtual';
import { type Query, type RequestInfo, fieldRequirements, parseRequestInfo, splitPath } from './requestInfo';
import { builtinResources } from './registry';
import { ResourceTable, type ResourceType, groupVersion } from './resources';
import { parseFilter } from './selectors';
import { ObjectStorage } from './storage';
import { TRACE_GROUP, TraceBuffer, Tracer } from './trace';

/** ApiRequest is one REST call, as it arrives over HTTP or the worker channel. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** path may carry its query string; `query` adds to it. */
  path: string;
  query?: Query;
  body?: unknown;
  /** contentType matters for PATCH (merge-patch, json-patch, strategic-merge-patch, apply-patch). */
  contentType?: string;
  /** headers, lower-case: `authorization`, `impersonate-user`, `user-agent` … */
  headers?: Record<string, string | undefined>;
  /** clientCertificate is the TLS layer's verified client certificate subject. */
  clientCertificate?: { commonName: string; organizations: string[] };
}

/** ApiResponse is the HTTP status, the JSON body and the `Warning` headers. */
export interface ApiResponse {
  status: number;
  body: unknown;
  warnings?: string[];
}

/** WatchSink receives a watch's events until it closes. */
export interface WatchSink {
  event(e: WatchEvent): void;
  close(): void;
}

/** HandlerContext is what each verb handler needs. */
export interface HandlerContext {
  info: RequestInfo;
  query: Query;
  type: ResourceType;
  storage: ObjectStorage;
  clock: Clock;
  random: Random;
  dryRun: boolean;
  user: UserInfo;
  /** warnings collects the response's Warning headers. */
  warnings: string[];
  auditAnnotations: Record<string, string>;
  admission: Chain;
  admissionContext: AdmissionContext;
  tracer: Tracer;
  storageFor(group: string, resource: string): ObjectStorage | undefined;
  server: ApiServer;
}

export interface ApiServerOptions {
  store: Store;
  clock: Clock;
  random: Random;
  /** authenticators are tried in order; the first that recognises the credentials decides. */
  authenticators: Authenticator[];
  authorizer: Authorizer;
  /** admission is the plugin chain, in upstream's order. */
  admission?: AdmissionPlugin[];
  /** anonymous lets requests without credentials in as system:anonymous (off by default, as the lab's front door). */
  anonymous?: boolean;
  /** apiAudiences are the audiences the server's own tokens carry (--api-audiences). */
  apiAudiences?: string[];
  /** tokenIssuer signs service account tokens for `serviceaccounts/<name>/token`; without it the subresource is not served. */
  tokenIssuer?: Omit<TokenRequestIssuer, 'objects' | 'clock' | 'random' | 'apiAudiences'>;
  /** stopwatch is a monotonic millisecond counter for traces (defaults to the clock). */
  stopwatch?: () => number;
  traceCapacity?: number;
}

/** Upstream's apiserver refuses request bodies over 3 MiB (MaxRequestBodyBytes). */
/** The default API audience of a kubeadm cluster's service account tokens. */
export const DEFAULT_API_AUDIENCES = ['https://kubernetes.default.svc.cluster.local'];

export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

export class ApiServer {
  readonly resources = new ResourceTable([...builtinResources, ...virtualResources]);
  readonly traces: TraceBuffer;
  readonly cache: ServerCache;
  /** pods indexes pods by node for the Node authorizer. */
  readonly pods: PodIndex;
  readonly apiAudiences: readonly string[];
  /** crashes counts requests that threw instead of answering: each one is a bug (its answer is a 500). */
  crashes = 0;
  /** componentProbes answer componentstatuses: the lab registers one per control-plane component. */
  readonly componentProbes = new Map<string, ComponentProbe>();
  private readonly storages = new Map<ResourceType, ObjectStorage>();
  private readonly admission: Chain;
  private readonly admissionContext: AdmissionContext;
  private readonly stopwatch: () => number;

  constructor(private readonly options: ApiServerOptions) {
    for (const t of this.resources.types) if (!isVirtual(t)) this.storages.set(t, new ObjectStorage(t, options.store));
    this.cache = new ServerCache(options.store);
    for (const [group, resource] of CACHED_RESOURCES) {
      const s = this.storageFor(group, resource);
      if (s) this.cache.add(group, resource, s);
    }
    this.admission = { plugins: options.admission ?? [newNamespaceLifecycle()] };
    this.pods = new PodIndex(this.storageFor('', 'pods') as ObjectStorage);
    this.apiAudiences = options.apiAudiences ?? DEFAULT_API_AUDIENCES;
    this.stopwatch = options.stopwatch ?? (() => options.clock.now());
    this.traces = new TraceBuffer(options.traceCapacity);
    this.admissionContext = {
      cache: this.cache,
      clock: options.clock,
      get: <T extends KubeObject>(group: string, resource: string, namespace: string, name: string) => (this.storageFor(group, resource)?.get(namespace, name) ?? Promise.resolve(undefined)) as Promise<T | undefined>,
      list: async (group, resource, namespace) => (await this.storageFor(group, resource)?.list(namespace, { labels: [], fields: [] }, 0))?.items ?? [],
      updateStatus: async (group, resource, obj) => {
        const storage = this.storageFor(group, resource);
        const name = obj.metadata.name ?? '';
        if (!storage) return notFound({ group, resource }, name);
        const written = await storage.update(obj, Number(obj.metadata.resourceVersion), false);
        if (written.ok) return written.object;
        return written.reason === 'missing' ? notFound({ group, resource }, name) : conflict({ group, resource }, name, OPTIMISTIC_LOCK_MESSAGE);
      },
    };
  }

  /** useAdmission sets the admission chain (--enable-admission-plugins, in upstream's order). */
  useAdmission(plugins: AdmissionPlugin[]): void {
    this.admission.plugins = plugins;
  }

  /** start primes the server's caches and starts its own controllers; call it before serving. */
  async start(): Promise<void> {
    await this.cache.start();
    await this.pods.start();
    new CrdController({
      cache: this.cache,
      clock: this.options.clock,
      storageFor: (g, r) => this.storageFor(g, r),
      serve: (types) => this.serveTypes(types),
      unserve: (types) => this.unserveTypes(types),
    }).start();
  }

  /** serve adds resource types (a CRD's versions) to the table, each with its storage. */
  serveTypes(types: readonly ResourceType[]): void {
    for (const t of types) {
      // Every version of a resource shares one storage, as one etcd prefix.
      this.storages.set(t, this.storageFor(t.group, t.resource) ?? new ObjectStorage(t, this.options.store));
    }
    this.resources.add(types);
  }

  unserveTypes(types: readonly ResourceType[]): void {
    this.resources.remove(types);
    for (const t of types) this.storages.delete(t);
  }

  stop(): void {
    this.cache.stop();
    this.pods.stop();
  }

  get authorizer(): Authorizer {
    return this.options.authorizer;
  }

  /** authenticator tries the server's authenticators in order, as its request filter does (TokenReview uses it). */
  readonly authenticator: Authenticator = {
    authenticate: async (req) => {
      for (const a of this.options.authenticators) {
        const result = await a.authenticate(req);
        if (result) return result;
      }
      return undefined;
    },
  };

  /** objects reads through the cache, then storage (token validation looks up service accounts, pods, secrets, nodes). */
  readonly objects = {
    get: async (group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined> =>
      this.cache.get(group, resource, namespace, name) ?? (await this.storageFor(group, resource)?.get(namespace, name)),
  };

  /** tokenIssuer is the TokenRequest issuer, when the server has a signing key. */
  get tokenIssuer(): TokenRequestIssuer | undefined {
    const t = this.options.tokenIssuer;
    return t ? { ...t, objects: this.objects, clock: this.options.clock, random: this.options.random, apiAudiences: this.apiAudiences } : undefined;
  }

  /** storageFor finds the storage of group/resource (any served version). */
  storageFor(group: string, resource: string): ObjectStorage | undefined {
    for (const [t, s] of this.storages) if (t.group === group && t.resource === resource) return s;
    return undefined;
  }

  /** handle answers one non-watch request. It never throws: a bug becomes a 500 Status. */
  async handle(req: ApiRequest): Promise<ApiResponse> {
    const tracer = new Tracer(this.stopwatch, this.traces.name(), this.options.clock.now(), req.method, req.path);
    let res: ApiResponse;
    try {
      res = await this.serve(req, tracer);
    } catch (err) {
      this.crashes++;
      res = respond(internalError(err));
    }
    const body = res.body as Partial<Status> | undefined;
    const failed = body?.kind === 'Status' && body.status === 'Failure';
    const trace = tracer.finish(res.status, failed ? body.reason : undefined, failed ? body.message : undefined);
    if (trace.spec.group !== TRACE_GROUP) this.traces.add(trace);
    return res;
  }

  /** watch starts a watch; an error (bad path, bad selector, expired resourceVersion) comes back as a response instead. */
  async watch(req: ApiRequest, sink: WatchSink): Promise<{ cancel(): void } | ApiResponse> {
    const tracer = new Tracer(this.stopwatch, '', this.options.clock.now(), req.method, req.path);
    const ctx = await this.admit(req, tracer);
    if ('status' in ctx) return ctx;
    if (ctx.info.verb !== 'watch' && ctx.info.verb !== 'list' && ctx.info.verb !== 'get') return respond(badRequest('watch is only supported on GET requests'));
    if (isVirtual(ctx.type)) return respond(methodNotSupported({ group: ctx.type.group, resource: ctx.type.resource }, 'watch'));
    const q = ctx.query;
    const optionErrors = validateWatchOptions(q);
    if (optionErrors.length) return respond(invalid('ListOptions', 'meta.k8s.io', '', optionErrors));
    const filter = parseFilter(ctx.type, q.labelSelector, q.fieldSelector);
    if ('code' in filter) return respond(filter);
    const namespace = ctx.type.namespaced ? ctx.info.namespace : '';
    const names = ctx.info.name ? { ...filter, fields: [...filter.fields, { field: 'metadata.name', value: ctx.info.name, negate: false }] } : filter;
    const rv = parseResourceVersion(q.resourceVersion);
    if (typeof rv !== 'number') return respond(rv);
    const sendInitial = q.sendInitialEvents === undefined ? rv === 0 : q.sendInitialEvents === 'true';
    const bookmarks = q.allowWatchBookmarks === 'true';
    const gv = groupVersion(ctx.type);
    const bookmark = (revision: number, annotations?: Record<string, string>): WatchEvent => ({
      type: 'BOOKMARK', object: { kind: ctx.type.kind, apiVersion: gv, metadata: { resourceVersion: String(revision), ...(annotations ? { annotations } : {}) } },
    });
    let from: number;
    if (sendInitial) {
      // The watch begins with synthetic ADDED events for the state at its starting revision.
      const current = await ctx.storage.list(namespace, names, 0);
      for (const obj of current.items) sink.event({ type: 'ADDED', object: obj });
      from = current.revision;
      if (q.sendInitialEvents === 'true') sink.event(bookmark(from, { 'k8s.io/initial-events-end': 'true' }));
    } else {
      from = rv || (await ctx.storage.currentRevision());
    }
    let closed = false;
    let lastRevision = from;
    let bookmarkTimer: Timer | undefined;
    let timeout: Timer | undefined;
    const close = (): void => {
      if (closed) return;
      closed = true;
      bookmarkTimer?.cancel();
      timeout?.cancel();
      w.cancel();
      sink.close();
    };
    const w = ctx.storage.watch(namespace, from, names, (e) => {
      if (closed) return;
      lastRevision = Number(e.object.metadata.resourceVersion) || lastRevision;
      sink.event(e);
    }, (message) => {
      if (closed) return;
      sink.event({ type: 'ERROR', object: gone(message) });
      close();
    });
    if (bookmarks) {
      // The watch cache sends a bookmark about once a minute, carrying the latest revision the watcher is current to.
      const tick = (): void => {
        bookmarkTimer = this.options.clock.setTimer(BOOKMARK_INTERVAL_MS, () => {
          if (closed) return;
          void ctx.storage.currentRevision().then((current) => {
            if (closed) return;
            lastRevision = Math.max(lastRevision, current);
            sink.event(bookmark(lastRevision));
            tick();
          });
        });
      };
      tick();
    }
    const seconds = Number(q.timeoutSeconds);
    if (q.timeoutSeconds !== undefined && Number.isFinite(seconds) && seconds > 0) timeout = this.options.clock.setTimer(seconds * 1000, close);
    return { cancel: close };
  }

  /** authenticate finds who the request is from: 401 for bad credentials or none (unless anonymous is on). */
  private async authenticate(req: ApiRequest): Promise<UserInfo | Status> {
    const authnRequest = { headers: req.headers ?? {}, ...(req.clientCertificate ? { clientCertificate: req.clientCertificate } : {}) };
    for (const a of this.options.authenticators) {
      const result = await a.authenticate(authnRequest);
      if (!result) continue;
      if ('error' in result) return unauthorized();
      const groups = result.user.groups.includes('system:authenticated') ? result.user.groups : [...result.user.groups, 'system:authenticated'];
      return { ...result.user, groups };
    }
    return this.options.anonymous ? ANONYMOUS : unauthorized();
  }

  /**
   * admit runs the request filters every call goes through — bad-input checks,
   * authentication, authorization — and resolves the resource.
   */
  private async admit(req: ApiRequest, tracer: Tracer): Promise<HandlerContext | ApiResponse> {
    const { path, query: pathQuery } = splitPath(req.path);
    const query = { ...pathQuery, ...req.query };
    const info = parseRequestInfo(req.method, path, query);
    const spec = tracer.trace.spec;
    Object.assign(spec, info.isResourceRequest ? { verb: info.verb, group: info.group, resource: info.resource, ...(info.subresource ? { subresource: info.subresource } : {}), ...(info.namespace ? { namespace: info.namespace } : {}), ...(info.name ? { name: info.name } : {}) } : { verb: info.verb });

    const user = await this.authenticate(req);
    if ('code' in user) {
      tracer.stage('authentication', 'rejected', user.message);
      return respond(user);
    }
    tracer.stage('authentication', 'ok', user.username);
    let actor = user;
    if (Object.keys(req.headers ?? {}).some((h) => h.startsWith('impersonate-'))) {
      const impersonated = await impersonate(user, req.headers ?? {}, this.options.authorizer, req.path);
      if ('code' in impersonated) {
        tracer.stage('impersonation', 'rejected', impersonated.message);
        return respond(impersonated);
      }
      actor = impersonated;
      tracer.stage('impersonation', 'ok', `${user.username} as ${actor.username}`);
    }
    spec.user = actor.username;
    spec.groups = actor.groups;

    const fieldSelector = info.verb === 'list' || info.verb === 'watch' ? fieldRequirements(query.fieldSelector) : [];
    const attrs: AuthorizationAttributes = {
      user: actor, verb: info.verb, isResourceRequest: info.isResourceRequest, path,
      apiGroup: info.group, apiVersion: info.version, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name,
      ...(fieldSelector.length ? { fieldSelector } : {}),
    };
    const decision = await this.options.authorizer.authorize(attrs);
    if (decision.decision !== 'allow') {
      tracer.stage('authorization', 'rejected', decision.reason);
      return respond(forbiddenRequest(attrs, decision.reason));
    }
    tracer.stage('authorization', 'ok', decision.reason);

    if (!info.isResourceRequest) return respond(pathNotFound());
    const type = this.resources.lookup(info.group, info.version, info.resource);
    if (!type) return respond(pathNotFound());
    if (info.subresource && !type.subresources.includes(info.subresource)) return respond(pathNotFound());
    if (type.namespaced && !info.namespace && info.name) return respond(pathNotFound());
    const tooBig = checkBody(req.body);
    if (tooBig) return respond(tooBig);
    const badOptions = validateWriteOptions(info.verb, query);
    if (badOptions) return respond(badOptions);
    const dryRun = query.dryRun === 'All';
    spec.dryRun = dryRun;
    return {
      info, query, type, dryRun, user: actor,
      storage: this.storages.get(type) as ObjectStorage,
      clock: this.options.clock,
      random: this.options.random,
      warnings: [],
      auditAnnotations: {},
      admission: this.admission,
      admissionContext: this.admissionContext,
      tracer,
      storageFor: (g, r) => this.storageFor(g, r),
      server: this,
    };
  }

  private async serve(req: ApiRequest, tracer: Tracer): Promise<ApiResponse> {
    const { path } = splitPath(req.path);
    const found = discovery(this.resources, path);
    if (found !== undefined) {
      // Discovery is public to every authenticated user (system:discovery), as upstream binds it.
      const user = await this.authenticate(req);
      if ('code' in user) return respond(user);
      return req.method === 'GET' ? { status: 200, body: found } : respond(methodNotSupported({ group: '', resource: path }, req.method));
    }
    const ctx = await this.admit(req, tracer);
    if ('status' in ctx) return ctx;
    const res = await this.dispatch(ctx, req);
    return ctx.warnings.length ? { ...res, warnings: [...new Set(ctx.warnings)] } : res;
  }

  private async dispatch(ctx: HandlerContext, req: ApiRequest): Promise<ApiResponse> {
    const { info, type } = ctx;
    const gr = { group: type.group, resource: info.subresource ? `${type.resource}/${info.subresource}` : type.resource };
    if (isVirtual(type)) return respond(await handleVirtual(ctx, req.body), info.verb === 'create' ? 201 : 200);
    if (info.subresource === 'token' && type.resource === 'serviceaccounts') {
      const issuer = this.tokenIssuer;
      if (!issuer || info.verb !== 'create') return respond(issuer ? methodNotSupported(gr, info.verb) : pathNotFound());
      return respond(await createTokenRequest(issuer, info.namespace, info.name, req.body), 201);
    }
    if (info.subresource === 'binding') return info.verb === 'create' ? respond(await handleBinding(ctx, req.body)) : respond(methodNotSupported(gr, info.verb));
    switch (info.verb) {
      case 'get': return respond(await handleGet(ctx));
      case 'list': return respond(await handleList(ctx));
      case 'create': return info.subresource ? respond(methodNotSupported(gr, 'create')) : respond(await handleCreate(ctx, req.body), 201);
      case 'update': return respond(await handleUpdate(ctx, req.body));
      case 'patch': {
        const patched = await handlePatch(ctx, req.body, req.contentType ?? '');
        return 'created' in patched ? respond(patched.created as KubeObject, 201) : respond(patched);
      }
      case 'delete': return respond(await handleDelete(ctx, req.body));
      case 'watch': return respond(badRequest('watch requests must be made through watch()'));
      default: return respond(methodNotSupported(gr, info.verb));
    }
  }
}

/**
 * checkBody refuses what upstream refuses before decoding: bodies over 3 MiB
 * (413) and JSON nested deeper than the decoder allows (400). It walks the body
 * iteratively so absurd nesting cannot overflow the stack.
 */
export function checkBody(body: unknown): Status | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body.length > MAX_REQUEST_BODY_BYTES ? requestEntityTooLarge(MAX_REQUEST_BODY_BYTES) : undefined;
  if (typeof body !== 'object') return undefined;
  let bytes = 0;
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (depth > MAX_JSON_DEPTH) return badRequest(`json: exceeded max depth of ${MAX_JSON_DEPTH}`);
    if (typeof v === 'string') bytes += v.length + 2;
    else if (v === null || typeof v !== 'object') bytes += 8;
    else if (Array.isArray(v)) {
      bytes += 2 + v.length;
      for (const x of v) stack.push([x, depth + 1]);
    } else {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        bytes += k.length + 4;
        stack.push([x, depth + 1]);
      }
    }
    if (bytes > MAX_REQUEST_BODY_BYTES) return requestEntityTooLarge(MAX_REQUEST_BODY_BYTES);
  }
  return undefined;
}

/** validateWatchOptions is metainternalversion/validation's validateWatchOptions (the WatchList feature on, as since 1.32). */
function validateWatchOptions(q: Query): FieldError[] {
  const errs: FieldError[] = [];
  const match = q.resourceVersionMatch;
  if (q.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    errs.push(fieldForbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  }
  if (match) {
    if (q.sendInitialEvents === undefined) errs.push(fieldForbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
    if (q.continue) errs.push(fieldForbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return errs;
}

/** The watch cache's bookmark frequency. */
const BOOKMARK_INTERVAL_MS = 60_000;

/** Upstream's JSON decoder (sigs.k8s.io/json, via encoding/json) stops at 10000 levels of nesting. */
export const MAX_JSON_DEPTH = 10000;

/** respond wraps an object or a Status in a response with the Status's code. */
export function respond(body: KubeObject | Status | KubeList, okStatus = 200): ApiResponse {
  const status = (body as Status).kind === 'Status' && typeof (body as Status).code === 'number' ? (body as Status).code : okStatus;
  return { status, body };
}
