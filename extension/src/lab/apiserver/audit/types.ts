/**
 * types are audit.k8s.io/v1 as it appears in a policy file and in the log:
 * levels, stages, the Policy and its rules, and the Event, whose fields are
 * declared in upstream's order so a serialised event reads like upstream's.
 */
import type { Status } from '../../api/types';

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

const LEVEL_ORDER: Record<AuditLevel, number> = { None: 0, Metadata: 1, Request: 2, RequestResponse: 3 };

/** levelLess is Level.Less: None < Metadata < Request < RequestResponse. */
export function levelLess(a: AuditLevel, b: AuditLevel): boolean {
  return LEVEL_ORDER[a] < LEVEL_ORDER[b];
}

/** GroupResources selects resources of one API group ('*' for all), optionally by name. */
export interface GroupResources {
  group?: string;
  /** resources are `pods`, `pods/log`, `*`, `pods/*` or `*\/scale`; empty means all. */
  resources?: string[];
  resourceNames?: string[];
}

/** PolicyRule maps requests to a level; every non-empty field must match. */
export interface PolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  /** namespaces: '' matches cluster-scoped resources. */
  namespaces?: string[];
  /** nonResourceURLs may end in `*`. */
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
  omitManagedFields?: boolean;
}

/** AuditPolicy is the audit.k8s.io/v1 Policy object; the first matching rule decides, no match means None. */
export interface AuditPolicy {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
  rules: PolicyRule[];
  omitStages?: AuditStage[];
  omitManagedFields?: boolean;
}

/** EventUser is authentication/v1 UserInfo. */
export interface EventUser {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** ObjectReference is what the request was about. */
export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

/** ResponseStatus is the bounded copy of the answer's Status an event keeps. */
export type ResponseStatus = Partial<Pick<Status, 'status' | 'message' | 'reason' | 'details'>> & { metadata: Record<string, never>; code: number };

/** AuditEvent is one line of the audit log. */
export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: AuditLevel;
  auditID: string;
  stage: AuditStage;
  requestURI: string;
  verb: string;
  user: EventUser;
  impersonatedUser?: EventUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectReference;
  responseStatus?: ResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}
