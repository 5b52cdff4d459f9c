/**
 * ApiServer is the lab's kube-apiserver: every component and every client reaches
 * the store only through it. A request runs upstream's pipeline in the seeds'
 * order — authenticate, (impersonate), authorize, decode, default, mutating
 * admission, validation, validating admission, persist, notify watchers — and
 * every answer is an object or an upstream-shaped Status. Each request leaves a
 * RequestTrace of those stages.
 */
import type { Clock } from '../clock';
import { uuid, type Random } from '../random';
import type { KubeObject, Status } from '../api/types';
import { type Store, isStoreError } from '../store/store';
import { type LeaseManager, leaseManagerFor, ttlFor } from './leaseManager';
import type { AdmissionContext, AdmissionPlugin, Chain } from './admission/admission';
import { AuditLogger, RequestAudit } from './audit/auditLogger';
import { evaluatePolicy } from './audit/policy';
import { type RequestRun, NO_USER, auditRequestInfo, completeAudit, isLongRunning, logRequestBody, panicAudit } from './audit/requestRun';
import type { AuditSink } from './audit/sink';
import type { AuditPolicy } from './audit/types';
import { impersonate } from './auth/impersonation';
import type { TokenRequestIssuer } from './auth/tokenRequest';
import { PodIndex } from './podIndex';
import type { Authenticator, Authorizer, UserInfo } from './auth/types';
import { newNamespaceLifecycle } from './admission/namespaceLifecycle';
import { CrdController } from './apiextensions/crdController';
import { CACHED_RESOURCES, ServerCache } from './cache';
import { checkBody } from './checkBody';
import { type ResourceTransformers, TransformError } from './encryption/transformer';
import { discovery } from './discovery';
import { OPTIMISTIC_LOCK_MESSAGE, conflict, forbiddenRequest, internalError, notFound, methodNotSupported, pathNotFound, storageError, unauthorized } from './errors';
import { type ConnectTarget, handleConnect } from './handlers/connect';
import { dispatch } from './handlers/dispatch';
import { type KubeletConnection, handleLogFollow } from './handlers/log';
import type { LogSink } from '../kubelet/streaming';
import { validateWriteOptions } from './handlers/options';
import { type ComponentProbe, isVirtual, virtualResources } from './handlers/virtual';
import { serveWatch } from './handlers/watch';
import { DecisionBuffer } from './schedulingDecisions';
import { type Query, type RequestInfo, parseRequestInfo, requestAttributes, splitPath } from './requestInfo';
import { builtinResources } from './registry';
import { ResourceTable, type ResourceType } from './resources';
import { ObjectStorage } from './storage';
import { type MigrationResult, migrateLegacyKeys } from './storageMigration';
import type { NodeNetwork } from './kubeletDial';
import { legacyKeyPrefix } from './storagePrefix';
import { type ApiRequest, type ApiResponse, type HandlerContext, type WatchSink, respond } from './request';
import { TRACE_GROUP, TraceBuffer, Tracer } from './trace';
import { ApiServerMetrics } from '../metrics/apiServerMetrics';

export type { ApiRequest, ApiResponse, HandlerContext, WatchSink } from './request';
export { respond } from './request';

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
  /** eventTTLSeconds is how long an Event lives after its last write (--event-ttl, 1 h), on a store with leases. */
  eventTTLSeconds?: number;
  traceCapacity?: number;
  /** decisionCapacity bounds the scheduling decisions kept (schedulingdecisions.lab.kubelab.dev); 0 keeps none. */
  decisionCapacity?: number;
  /**
   * audit writes an audit.k8s.io/v1 event for each request its policy (default
   * DEFAULT_AUDIT_POLICY) selects, as --audit-policy-file and --audit-log-path do;
   * random draws the audit IDs, apart from the lab's own stream so turning
   * auditing on does not change the names the lab generates.
   */
  audit?: { policy?: AuditPolicy; sink: AuditSink; random?: Random };
  /** encryption chooses each resource's value transformer (--encryption-provider-config); without it values are stored as JSON. */
  encryption?: ResourceTransformers;
  /** nodeNetwork tells which nodes are cut off the network: the server's dials of their kubelets time out. */
  nodeNetwork?: NodeNetwork;
}

/** The default API audience of a kubeadm cluster's service account tokens. */
export const DEFAULT_API_AUDIENCES = ['https://kubernetes.default.svc.cluster.local'];

const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

export class ApiServer {
  readonly resources = new ResourceTable([...builtinResources, ...virtualResources]);
  readonly traces: TraceBuffer;
  /** decisions are the scheduler's explanations, one per attempt, served from a ring. */
  readonly decisions: DecisionBuffer;
  readonly cache: ServerCache;
  /** pods indexes pods by node for the Node authorizer. */
  readonly pods: PodIndex;
  readonly apiAudiences: readonly string[];
  /** crashes counts requests that threw instead of answering: each one is a bug (its answer is a 500). */
  crashes = 0;
  /** componentProbes answer componentstatuses: the lab registers one per control-plane component. */
  readonly componentProbes = new Map<string, ComponentProbe>();
  /** kubelets reach each node's kubelet by node name (pod logs); the lab registers one per kubelet it runs. */
  readonly kubelets = new Map<string, KubeletConnection>();
  /** nodeNetwork is the options' node network, which dialKubelet consults before the kubelets. */
  get nodeNetwork(): NodeNetwork | undefined {
    return this.options.nodeNetwork;
  }
  /** metrics are what /metrics serves: the requests answered, their admission, the store calls and objects. */
  readonly metrics: ApiServerMetrics;
  /** store is the options' store, its calls timed for the metrics. */
  private readonly store: Store;
  private readonly storages = new Map<ResourceType, ObjectStorage>();
  /** leases expire Events (--event-ttl), on a store with leases. */
  private readonly leases?: LeaseManager;
  private readonly admission: Chain;
  private readonly admissionContext: AdmissionContext;
  private readonly stopwatch: () => number;
  private readonly audit?: { logger: AuditLogger; sink: AuditSink; random: Random };

  constructor(private readonly options: ApiServerOptions) {
    this.metrics = new ApiServerMetrics({
      clock: options.clock, stopwatch: () => this.stopwatch(), store: options.store,
      storedResources: () => [...this.storages].map(([t, s]) => ({ group: t.group, resource: t.resource, prefix: s.keyPrefix('') })),
    });
    this.store = this.metrics.instrumentStore(options.store);
    this.leases = leaseManagerFor(options.store, options.clock);
    for (const t of this.resources.types) if (!isVirtual(t)) this.storages.set(t, this.newStorage(t));
    this.cache = new ServerCache(this.store);
    for (const [group, resource] of CACHED_RESOURCES) {
      const s = this.storageFor(group, resource);
      if (s) this.cache.add(group, resource, s);
    }
    this.admission = { plugins: options.admission ?? [newNamespaceLifecycle()] };
    this.pods = new PodIndex(this.storageFor('', 'pods') as ObjectStorage);
    this.apiAudiences = options.apiAudiences ?? DEFAULT_API_AUDIENCES;
    this.stopwatch = options.stopwatch ?? (() => options.clock.now());
    this.traces = new TraceBuffer(options.traceCapacity);
    this.decisions = new DecisionBuffer(options.decisionCapacity);
    if (options.audit) {
      const { sink, policy } = options.audit;
      const random = options.audit.random ?? options.random;
      this.audit = { logger: new AuditLogger({ sink, clock: options.clock, random, ...(policy ? { policy } : {}) }), sink, random };
    }
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
    await this.migrateLegacyKeys();
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
      this.storages.set(t, this.storageFor(t.group, t.resource) ?? this.newStorage(t, true));
    }
    this.resources.add(types);
  }

  /** newStorage is a resource's storage, through the transformer the encryption configuration gives it; custom for a CRD's resource. */
  private newStorage(t: ResourceType, custom = false): ObjectStorage {
    return new ObjectStorage(t, this.store, this.options.encryption?.transformerFor(t.group, t.resource), custom, ttlFor(t, this.leases, this.options.eventTTLSeconds));
  }

  /**
   * migrateLegacyKeys moves the built-in resources' objects stored under the
   * lab's old key layout to upstream's (storageMigration.ts); start runs it, and
   * so must whoever restores old data into a running server. Custom resources
   * kept their keys.
   */
  migrateLegacyKeys(): Promise<MigrationResult> {
    const moves = [...new Set(this.storages.values())].map((s) => ({
      from: legacyKeyPrefix(s.type.group, s.type.resource), to: s.keyPrefix(''), namespaced: s.type.namespaced, ...(s.transformer ? { transformer: s.transformer } : {}),
    }));
    return migrateLegacyKeys(this.store, moves);
  }

  unserveTypes(types: readonly ResourceType[]): void {
    this.resources.remove(types);
    for (const t of types) {
      const storage = this.storages.get(t);
      this.storages.delete(t);
      // The storage (and its watch cache) is shared by a resource's versions: stop it once no served version uses it.
      if (storage && ![...this.storages.values()].includes(storage)) storage.stop();
    }
  }

  stop(): void {
    this.cache.stop();
    this.pods.stop();
    for (const s of new Set(this.storages.values())) s.stop();
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
    const run: RequestRun = { receivedAt: this.options.clock.now() };
    this.metrics.requestStarted(req.method);
    let res: ApiResponse;
    try {
      res = await this.serve(req, tracer, run);
      completeAudit(run, res);
    } catch (err) {
      if (isStoreError(err)) {
        // An etcd error (database space exceeded) reaches the client as upstream's does: not a Status, so a 500 with its text.
        res = respond(storageError(err));
        completeAudit(run, res);
      } else {
        // A value the transformer cannot read is the storage's internal error, not a bug.
        if (!(err instanceof TransformError)) this.crashes++;
        panicAudit(run, err);
        res = respond(internalError(err));
      }
    }
    const body = res.body as Partial<Status> | undefined;
    const failed = body?.kind === 'Status' && body.status === 'Failure';
    const trace = tracer.finish(res.status, failed ? body.reason : undefined, failed ? body.message : undefined);
    if (trace.spec.group !== TRACE_GROUP) {
      this.traces.add(trace);
      // The answer names its trace, so a client (the editor's diagnostics) can tell which stage or plugin decided.
      res = { ...res, trace: trace.metadata.name };
    }
    this.metrics.requestFinished(req, run.handled, res.status, trace);
    return res;
  }

  /** watch starts a watch; an error (bad path, bad selector, expired resourceVersion) comes back as a response instead. */
  async watch(req: ApiRequest, sink: WatchSink): Promise<{ cancel(): void } | ApiResponse> {
    // A watch is long-running: its audit event has a ResponseStarted stage, and completes when the stream ends.
    const run: RequestRun = { receivedAt: this.options.clock.now(), longRunning: true };
    const started = this.stopwatch();
    try {
      const res = await this.startWatch(req, sink, run);
      if ('status' in res) completeAudit(run, res);
      if ('status' in res && run.handled) this.metrics.record(req, run.handled, res.status, (this.stopwatch() - started) / 1000);
      return res;
    } catch (err) {
      panicAudit(run, err);
      throw err;
    }
  }

  /**
   * streamLog serves pods/<name>/log?follow=true: the kubelet's lines go to
   * sink as they are written, until the container ends or the stream is
   * cancelled; a refusal comes back as a response instead.
   */
  async streamLog(req: ApiRequest, sink: LogSink): Promise<{ cancel(): void } | ApiResponse> {
    const run: RequestRun = { receivedAt: this.options.clock.now(), longRunning: true };
    const tracer = new Tracer(this.stopwatch, '', this.options.clock.now(), req.method, req.path);
    const ctx = await this.admit(req, tracer, run);
    if ('status' in ctx) return ctx;
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      run.audit?.complete(200);
      sink.end();
    };
    const started = await handleLogFollow(ctx, { write: (chunk) => sink.write(chunk), end });
    if (!('cancel' in started)) {
      const res: ApiResponse = 'body' in started ? started : respond(started);
      completeAudit(run, res);
      return res;
    }
    run.audit?.responseStarted(200);
    return { cancel: () => {
      started.cancel();
      end();
    } };
  }

  /**
   * connect accepts pods/<name>/exec, attach and portforward: the target the
   * front door upgrades the connection to, with done() to call when the
   * session ends; or the response that refuses the request.
   */
  async connect(req: ApiRequest): Promise<(ConnectTarget & { done(): void }) | ApiResponse> {
    const run: RequestRun = { receivedAt: this.options.clock.now(), longRunning: true };
    const tracer = new Tracer(this.stopwatch, '', this.options.clock.now(), req.method, req.path);
    const ctx = await this.admit(req, tracer, run);
    if ('status' in ctx) return ctx;
    const raw = req.path.includes('?') ? req.path.slice(req.path.indexOf('?') + 1) : '';
    const target = await handleConnect(ctx, new URLSearchParams(raw));
    if ('code' in target) {
      const res = respond(target);
      completeAudit(run, res);
      return res;
    }
    run.audit?.responseStarted(101);
    return { ...target, done: () => run.audit?.complete(101) };
  }

  private async startWatch(req: ApiRequest, sink: WatchSink, run: RequestRun): Promise<{ cancel(): void } | ApiResponse> {
    const tracer = new Tracer(this.stopwatch, '', this.options.clock.now(), req.method, req.path);
    const ctx = await this.admit(req, tracer, run);
    if ('status' in ctx) return ctx;
    return serveWatch(ctx, req, sink, run);
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
   * authenticateAudited is authentication and then the audit filter, as
   * upstream's WithAuthentication wraps WithAudit: the event starts with the
   * authenticated user (impersonation runs later), and a refused request is
   * audited as WithFailedAuthenticationAudit does, by one ResponseStarted event.
   */
  private async authenticateAudited(req: ApiRequest, info: RequestInfo, path: string, query: Query, run: RequestRun): Promise<UserInfo | Status> {
    const user = await this.authenticate(req);
    if (!this.audit) return user;
    run.longRunning ||= isLongRunning(info);
    const auditInfo = auditRequestInfo(req, run.receivedAt);
    if (!('code' in user)) {
      run.audit = this.audit.logger.begin(requestAttributes(user, info, path, query), auditInfo);
      return user;
    }
    const attrs = requestAttributes(NO_USER, info, path, query);
    const config = evaluatePolicy(this.audit.logger.policy, attrs);
    if (config.level !== 'None') {
      new RequestAudit(config, attrs, auditInfo, auditInfo.auditID || uuid(this.audit.random), this.options.clock, this.audit.sink).responseStarted(user.code, user);
    }
    return user;
  }

  /**
   * admit runs the request filters every call goes through — bad-input checks,
   * authentication, authorization — and resolves the resource.
   */
  private async admit(req: ApiRequest, tracer: Tracer, run: RequestRun): Promise<HandlerContext | ApiResponse> {
    const { path, query: pathQuery } = splitPath(req.path);
    const query = { ...pathQuery, ...req.query };
    const info = parseRequestInfo(req.method, path, query);
    const spec = tracer.trace.spec;
    Object.assign(spec, info.isResourceRequest ? { verb: info.verb, group: info.group, resource: info.resource, ...(info.subresource ? { subresource: info.subresource } : {}), ...(info.namespace ? { namespace: info.namespace } : {}), ...(info.name ? { name: info.name } : {}) } : { verb: info.verb });

    const user = await this.authenticateAudited(req, info, path, query, run);
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
      run.audit?.logImpersonatedUser(actor);
      tracer.stage('impersonation', 'ok', `${user.username} as ${actor.username}`);
    }
    spec.user = actor.username;
    spec.groups = actor.groups;

    const attrs = requestAttributes(actor, info, path, query);
    const decision = await this.options.authorizer.authorize(attrs);
    run.audit?.logAuthorization(decision);
    if (decision.decision !== 'allow') {
      tracer.stage('authorization', 'rejected', decision.reason);
      return respond(forbiddenRequest(attrs, decision.reason));
    }
    const authorized = tracer.stage('authorization', 'ok', decision.reason);
    if (decision.rule) authorized.rule = decision.rule;

    if (!info.isResourceRequest) return respond(pathNotFound());
    const type = this.resources.lookup(info.group, info.version, info.resource);
    if (!type) return respond(pathNotFound());
    if (info.subresource && !type.subresources.includes(info.subresource)) return respond(pathNotFound());
    // A namespaced object has no path without its namespace; a list across namespaces may still name it by field selector.
    if (type.namespaced && !info.namespace && info.name && info.verb !== 'list' && info.verb !== 'watch') return respond(pathNotFound());
    const tooBig = checkBody(req.body);
    if (tooBig) return respond(tooBig);
    const badOptions = validateWriteOptions(info.verb, query);
    if (badOptions) return respond(badOptions);
    const dryRun = query.dryRun === 'All';
    spec.dryRun = dryRun;
    return {
      info, query, type, dryRun, user: actor, userAgent: req.headers?.['user-agent'],
      authorizeVerb: (verb) => Promise.resolve(this.options.authorizer.authorize({ ...attrs, verb })),
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

  private async serve(req: ApiRequest, tracer: Tracer, run: RequestRun): Promise<ApiResponse> {
    const { path, query } = splitPath(req.path);
    const found = discovery(this.resources, path);
    if (found !== undefined) {
      // Discovery is a non-resource path: authorized like any other (system:discovery grants it to every authenticated user).
      const info = parseRequestInfo(req.method, path, query);
      const user = await this.authenticateAudited(req, info, path, query, run);
      if ('code' in user) return respond(user);
      const attrs = requestAttributes(user, info, path, query);
      const decision = await this.options.authorizer.authorize(attrs);
      run.audit?.logAuthorization(decision);
      if (decision.decision !== 'allow') return respond(forbiddenRequest(attrs, decision.reason));
      return req.method === 'GET' ? { status: 200, body: found } : respond(methodNotSupported({ group: '', resource: path }, req.method));
    }
    const ctx = await this.admit(req, tracer, run);
    if ('status' in ctx) return ctx;
    run.handled = ctx.info;
    if (run.audit) {
      run.annotations = ctx.auditAnnotations;
      logRequestBody(run.audit, ctx.info.verb, req.body);
    }
    const res = await dispatch(ctx, req);
    return ctx.warnings.length ? { ...res, warnings: [...new Set(ctx.warnings)] } : res;
  }
}
