/**
 * requestRun is what kube-apiserver's outer filters keep of a request while it is
 * served — its audit event, the admission annotations it gathers — and how they
 * close the audit event once it is answered (WithAudit).
 */
import type { ApiRequest, ApiResponse } from '../apiServer';
import { isObject } from '../handlers/common';
import type { RequestInfo } from '../requestInfo';
import type { UserInfo } from '../auth/types';
import type { AuditRequestInfo, RequestAudit } from './auditLogger';

/** RequestRun carries what the outer filters need once a request is answered: its audit event and the admission annotations it gathers. */
export interface RequestRun {
  /** receivedAt is when the request arrived (upstream's WithRequestReceivedTimestamp). */
  receivedAt: number;
  /** longRunning marks watches and streams, whose events have a ResponseStarted stage. */
  longRunning?: boolean;
  audit?: RequestAudit;
  annotations?: Record<string, string>;
  /** handled is the request's info once it reaches a resource's handler: such requests are counted in the metrics. */
  handled?: RequestInfo;
}

/** NO_USER stands for the user a failed authentication leaves the audit event without. */
export const NO_USER: UserInfo = { username: '', groups: [] };

/** Upstream's audit event cuts a User-Agent longer than this and says so (audit/request.go). */
const MAX_USER_AGENT_LENGTH = 1024;
const USER_AGENT_TRUNCATE_SUFFIX = '...TRUNCATED';

/** LONG_RUNNING_VERBS and LONG_RUNNING_SUBRESOURCES are kube-apiserver's BasicLongRunningRequestCheck arguments. */
const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

/** isLongRunning is BasicLongRunningRequestCheck: such requests' audit events have a ResponseStarted stage. */
export function isLongRunning(info: RequestInfo): boolean {
  return LONG_RUNNING_VERBS.has(info.verb) || (info.isResourceRequest && LONG_RUNNING_SUBRESOURCES.has(info.subresource));
}

/** auditRequestInfo is what an audit event records of the request itself: the URI, the User-Agent and the client's Audit-ID. */
export function auditRequestInfo(req: ApiRequest, receivedAt: number): AuditRequestInfo {
  const headers = req.headers ?? {};
  const userAgent = headers['user-agent'];
  const auditID = headers['audit-id'];
  return {
    requestURI: requestURI(req),
    ...(userAgent ? { userAgent: userAgent.length > MAX_USER_AGENT_LENGTH ? userAgent.slice(0, MAX_USER_AGENT_LENGTH) + USER_AGENT_TRUNCATE_SUFFIX : userAgent } : {}),
    ...(auditID ? { auditID } : {}),
    receivedAt,
  };
}

/** requestURI is the path with its query as client-go sends it: the query's keys sorted and escaped as url.Values.Encode does. */
function requestURI(req: ApiRequest): string {
  const params = Object.entries(req.query ?? {}).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (!params.length) return req.path;
  const encoded = params.map(([k, v]) => `${queryEscape(k)}=${queryEscape(v)}`).join('&');
  return `${req.path}${req.path.includes('?') ? '&' : '?'}${encoded}`;
}

/** queryEscape is Go's url.QueryEscape: only letters, digits and `-_.~` stay as they are, and a space is `+`. */
function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** logRequestBody records the body as upstream's handlers do once they have read it: a patch as sent, anything else as the object it is. */
export function logRequestBody(audit: RequestAudit, verb: string, body: unknown): void {
  if (verb === 'patch') audit.logRequestPatch(body);
  else if (isObject(body)) audit.logRequestObject(body);
}

/** completeAudit is the end of WithAudit: ResponseStarted for a long-running request, then ResponseComplete with the admission annotations and the answer. */
export function completeAudit(run: RequestRun, res: ApiResponse): void {
  const audit = run.audit;
  if (!audit) return;
  if (run.longRunning) audit.responseStarted(res.status, res.body);
  if (run.annotations) audit.logAdmissionAnnotations(run.annotations);
  audit.complete(res.status, res.body);
}

/** panicAudit is WithAudit's recovery: a request that threw ends with the Panic stage instead of ResponseComplete. */
export function panicAudit(run: RequestRun, err: unknown): void {
  const audit = run.audit;
  if (!audit) return;
  if (run.annotations) audit.logAdmissionAnnotations(run.annotations);
  audit.panic(err instanceof Error ? err.message : String(err));
}
