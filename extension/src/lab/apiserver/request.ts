/**
 * request holds the shapes a request takes through the API server — the call as
 * it arrives, the answer, a watch's sink and what each handler is given — and
 * respond, which turns a handler's object or Status into an answer.
 */
import type { Clock } from '../clock';
import type { Random } from '../random';
import type { KubeList, KubeObject, Status, WatchEvent } from '../api/types';
import type { AdmissionContext, Chain } from './admission/admission';
import type { ApiServer } from './apiServer';
import type { Decision, UserInfo } from './auth/types';
import type { Query, RequestInfo } from './requestInfo';
import type { ResourceType } from './resources';
import type { ObjectStorage } from './storage';
import type { Tracer } from './trace';

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
  /** handOver says the in-process caller built body for this request alone and will not touch it again: the transport need not copy it. */
  handOver?: boolean;
}

/** ApiResponse is the HTTP status, the JSON body and the `Warning` headers. */
export interface ApiResponse {
  status: number;
  body: unknown;
  /** contentType is set when the body is not JSON: pod logs are a string of `text/plain`. */
  contentType?: string;
  warnings?: string[];
  /** trace names the RequestTrace the request left (requesttraces.lab.kubelab.dev/v1alpha1), when it left one. */
  trace?: string;
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
  /** userAgent is the request's User-Agent, whose product name is the field manager of a write without ?fieldManager=. */
  userAgent?: string;
  /** warnings collects the response's Warning headers. */
  warnings: string[];
  auditAnnotations: Record<string, string>;
  admission: Chain;
  admissionContext: AdmissionContext;
  tracer: Tracer;
  storageFor(group: string, resource: string): ObjectStorage | undefined;
  server: ApiServer;
  /** authorizeVerb asks the authorizer whether the request's user may do verb to the request's object (a create on update needs create). */
  authorizeVerb(verb: string): Promise<Decision>;
  /**
   * admissionView is what admission sees of the stored object on a subresource
   * write whose body is another kind (a Scale for `deployments/scale`, as ScaleREST's
   * toScaleUpdateValidation). Set, the subresource handler has already run
   * mutating admission on its own object, and the update runs only validating
   * admission, on the views of the new and old objects.
   */
  admissionView?: (obj: KubeObject) => KubeObject;
}

/** respond wraps an object or a Status in a response with the Status's code. */
export function respond(body: KubeObject | Status | KubeList, okStatus = 200): ApiResponse {
  const status = (body as Status).kind === 'Status' && typeof (body as Status).code === 'number' ? (body as Status).code : okStatus;
  return { status, body };
}
