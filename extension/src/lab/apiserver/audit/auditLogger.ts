/**
 * auditLogger follows one request through the audit stages as upstream's
 * WithAudit filter and AuditContext do: the policy is evaluated when the
 * request arrives, the event gathers metadata, the request and response
 * objects and annotations as the level allows, and each stage not omitted is
 * written to the sink as it completes.
 */
import { isStatus, type KubeObject, type Status } from '../../api/types';
import type { Clock } from '../../clock';
import { uuid, type Random } from '../../random';
import { PATCH_ANNOTATION_PREFIX } from '../admission/webhook/annotations';
import type { AuthorizationAttributes, Decision, UserInfo } from '../auth/types';
import { DEFAULT_AUDIT_POLICY, evaluatePolicy, type RequestAuditConfig } from './policy';
import type { AuditSink } from './sink';
import { levelLess, type AuditEvent, type AuditLevel, type AuditPolicy, type AuditStage, type EventUser, type ObjectReference, type ResponseStatus } from './types';

/** Annotation keys the authorization filter sets. */
export const DECISION_ANNOTATION = 'authorization.k8s.io/decision';
export const REASON_ANNOTATION = 'authorization.k8s.io/reason';

/** ANNOTATION_LEVELS are admission annotations logged only from a higher level than Metadata (a webhook's patch carries request content). */
const ANNOTATION_LEVELS: readonly (readonly [prefix: string, level: AuditLevel])[] = [[PATCH_ANNOTATION_PREFIX, 'Request']];

/** AuditRequestInfo is what the HTTP layer knows of a request beyond its authorization attributes. */
export interface AuditRequestInfo {
  /** requestURI is the path and query as sent (`/api/v1/namespaces/default/pods?dryRun=All`). */
  requestURI: string;
  sourceIPs?: string[];
  userAgent?: string;
  /** auditID is the client's Audit-ID header, if any; otherwise one is generated. */
  auditID?: string;
  /** receivedAt is the Clock time the request arrived; now when omitted. */
  receivedAt?: number;
}

/** AuditLoggerOptions wire the logger into the server. */
export interface AuditLoggerOptions {
  sink: AuditSink;
  clock: Clock;
  random: Random;
  /** policy defaults to DEFAULT_AUDIT_POLICY. */
  policy?: AuditPolicy;
}

/** AuditLogger starts one RequestAudit per audited request. */
export class AuditLogger {
  policy: AuditPolicy;

  constructor(private readonly o: AuditLoggerOptions) {
    this.policy = o.policy ?? DEFAULT_AUDIT_POLICY;
  }

  /**
   * begin evaluates the policy against the authenticated user's request and,
   * unless the level is None (then it returns undefined and costs nothing
   * more), records the RequestReceived stage.
   */
  begin(attrs: AuthorizationAttributes, info: AuditRequestInfo): RequestAudit | undefined {
    const config = evaluatePolicy(this.policy, attrs);
    if (config.level === 'None') return undefined;
    const audit = new RequestAudit(config, attrs, info, info.auditID || uuid(this.o.random), this.o.clock, this.o.sink);
    audit.process('RequestReceived');
    return audit;
  }
}

/** RequestAudit is one request's audit event in the making. */
export class RequestAudit {
  readonly level: AuditLevel;
  private readonly receivedAt: number;
  private readonly user: EventUser;
  private impersonated?: EventUser;
  private objectRef?: ObjectReference;
  private responseStatus?: ResponseStatus;
  private requestObject?: unknown;
  private responseObject?: unknown;
  private annotations?: Record<string, string>;

  constructor(
    private readonly config: RequestAuditConfig,
    private readonly attrs: AuthorizationAttributes,
    private readonly info: AuditRequestInfo,
    readonly auditID: string,
    private readonly clock: Clock,
    private readonly sink: AuditSink,
  ) {
    this.level = config.level;
    this.receivedAt = info.receivedAt ?? clock.now();
    this.user = eventUser(attrs.user);
    if (attrs.isResourceRequest) {
      this.objectRef = { resource: attrs.resource, namespace: attrs.namespace, name: attrs.name, apiGroup: attrs.apiGroup, apiVersion: attrs.apiVersion, subresource: attrs.subresource };
    }
  }

  /** logImpersonatedUser records whom the request acted as after impersonation. */
  logImpersonatedUser(user: UserInfo): void {
    this.impersonated = eventUser(user);
  }

  /** addAnnotation sets an annotation; like upstream, the first value for a key stays. */
  addAnnotation(key: string, value: string): void {
    this.annotations ??= {};
    if (!(key in this.annotations)) this.annotations[key] = value;
  }

  /** logAuthorization records the authorizer's verdict as the authorization filter does. */
  logAuthorization(decision: Decision): void {
    this.addAnnotation(DECISION_ANNOTATION, decision.decision === 'allow' ? 'allow' : 'forbid');
    this.addAnnotation(REASON_ANNOTATION, decision.reason);
  }

  /** logAdmissionAnnotations adds the admission chain's annotations this event's level may show. */
  logAdmissionAnnotations(annotations: Record<string, string>): void {
    for (const [key, value] of Object.entries(annotations)) {
      const needed = ANNOTATION_LEVELS.find(([prefix]) => key.startsWith(prefix))?.[1] ?? 'Metadata';
      if (!levelLess(this.level, needed)) this.addAnnotation(key, value);
    }
  }

  /** logRequestObject fills the object reference from the decoded body and, from level Request, keeps a copy of it as received (admission mutates the original later). */
  logRequestObject(obj: KubeObject): void {
    const ref = (this.objectRef ??= {});
    const meta = obj.metadata ?? {};
    ref.namespace ||= meta.namespace ?? '';
    ref.name ||= meta.name ?? '';
    ref.uid ||= meta.uid ?? '';
    ref.resourceVersion ||= meta.resourceVersion ?? '';
    if (!levelLess(this.level, 'Request')) this.requestObject = this.copyForLog(structuredClone(obj));
  }

  /** logRequestPatch keeps a patch request's body, from level Request. */
  logRequestPatch(patch: unknown): void {
    if (!levelLess(this.level, 'Request')) this.requestObject = patch;
  }

  /** responseStarted records the code and, for long-running requests (watch), the ResponseStarted stage. */
  responseStarted(code: number, body?: unknown): void {
    this.responseStatus ??= isStatus(body) ? boundedStatus(body) : { metadata: {}, code };
    this.process('ResponseStarted');
  }

  /** complete records the answer and writes the ResponseComplete stage; body is the object or Status sent back. */
  complete(code: number, body?: unknown): void {
    const status = isStatus(body) ? body : undefined;
    this.responseStatus = status ? boundedStatus(status) : { ...(this.responseStatus ?? { metadata: {} }), code };
    if (!levelLess(this.level, 'RequestResponse') && body !== undefined) this.responseObject = this.copyForLog(body);
    this.process('ResponseComplete');
  }

  /** panic records a request the server failed on unexpectedly (the Panic stage). */
  panic(message: string): void {
    this.responseStatus = { metadata: {}, status: 'Failure', message: `APIServer panic'd: ${message}`, reason: 'InternalError', code: 500 };
    this.process('Panic');
  }

  /** process writes the event as it stands for stage, unless the policy omits that stage. */
  process(stage: AuditStage): void {
    if (this.config.omitStages.includes(stage)) return;
    const stageTimestamp = stage === 'RequestReceived' ? this.receivedAt : this.clock.now();
    this.sink.processEvent(this.event(stage, stageTimestamp));
  }

  private event(stage: AuditStage, stageTimestamp: number): AuditEvent {
    const e: AuditEvent = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: this.level,
      auditID: this.auditID,
      stage,
      requestURI: this.info.requestURI,
      verb: this.attrs.verb,
      user: this.user,
      ...(this.impersonated ? { impersonatedUser: this.impersonated } : {}),
      ...(this.info.sourceIPs?.length ? { sourceIPs: this.info.sourceIPs } : {}),
      ...(this.info.userAgent ? { userAgent: this.info.userAgent } : {}),
      ...(this.objectRef ? { objectRef: orderedRef(this.objectRef) } : {}),
      ...(this.responseStatus ? { responseStatus: this.responseStatus } : {}),
      ...(this.requestObject !== undefined ? { requestObject: this.requestObject } : {}),
      ...(this.responseObject !== undefined ? { responseObject: this.responseObject } : {}),
      requestReceivedTimestamp: microTime(this.receivedAt),
      stageTimestamp: microTime(stageTimestamp),
      ...(this.annotations ? { annotations: { ...this.annotations } } : {}),
    };
    return e;
  }

  /** copyForLog drops managedFields when the policy says so, leaving the original alone. */
  private copyForLog(body: unknown): unknown {
    if (!this.config.omitManagedFields || body === null || typeof body !== 'object') return body;
    const withoutManaged = (o: KubeObject): KubeObject => {
      if (!o.metadata || !('managedFields' in o.metadata)) return o;
      const { managedFields: _dropped, ...metadata } = o.metadata;
      return { ...o, metadata };
    };
    const obj = body as KubeObject & { items?: KubeObject[] };
    const copy = withoutManaged(obj) as KubeObject & { items?: KubeObject[] };
    return Array.isArray(obj.items) ? { ...copy, items: obj.items.map(withoutManaged) } : copy;
  }
}

function eventUser(u: UserInfo): EventUser {
  return {
    // A failed authentication leaves the event's user empty: Go omits the empty username.
    ...(u.username ? { username: u.username } : {}),
    ...(u.uid ? { uid: u.uid } : {}),
    ...(u.groups.length ? { groups: u.groups } : {}),
    ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}),
  };
}

/** orderedRef drops empty fields and orders the rest as audit/v1 ObjectReference declares them. */
function orderedRef(r: ObjectReference): ObjectReference {
  const out: ObjectReference = {};
  for (const k of ['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'resourceVersion', 'subresource'] as const) {
    if (r[k]) out[k] = r[k];
  }
  return out;
}

/** boundedStatus copies only the bounded fields of a Status, as LogResponseObject does, details in metav1 order. */
function boundedStatus(s: Status): ResponseStatus {
  const d = s.details;
  const details = d && {
    ...(d.name ? { name: d.name } : {}),
    ...(d.group ? { group: d.group } : {}),
    ...(d.kind ? { kind: d.kind } : {}),
    ...(d.uid ? { uid: d.uid } : {}),
    ...(d.causes?.length ? { causes: d.causes } : {}),
    ...(d.retryAfterSeconds ? { retryAfterSeconds: d.retryAfterSeconds } : {}),
  };
  return {
    metadata: {},
    ...(s.status ? { status: s.status } : {}),
    ...(s.message ? { message: s.message } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
    ...(details ? { details } : {}),
    code: s.code,
  };
}

/** microTime renders clock milliseconds as metav1.MicroTime does (RFC 3339 with microseconds, UTC). */
export function microTime(ms: number): string {
  const micros = Math.floor(ms * 1000);
  const whole = Math.floor(micros / 1_000_000);
  const frac = String(micros - whole * 1_000_000).padStart(6, '0');
  return `${new Date(whole * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}
