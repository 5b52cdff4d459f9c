/**
 * admission defines the admission chain's contract, as k8s.io/apiserver's
 * admission package: every plugin's admit (mutating) runs first, in chain order,
 * and may change the object; after schema and semantic validation every plugin's
 * validate runs, in chain order, and may only say no.
 */
import type { Clock } from '../../clock';
import type { KubeObject, Status } from '../../api/types';
import type { ObjectCache, UserInfo } from '../auth/types';
import type { ResourceType } from '../resources';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** Attributes describe the request being admitted (admission.Attributes). */
export interface Attributes {
  operation: Operation;
  /** type carries the resource's group, version, resource, kind and scope. */
  type: ResourceType;
  subresource: string;
  namespace: string;
  name: string;
  /** object is the new object (CREATE, UPDATE); mutating plugins may change it in place. */
  object?: KubeObject;
  oldObject?: KubeObject;
  /** options are the request's CreateOptions, UpdateOptions, PatchOptions or DeleteOptions, as upstream's. */
  options?: Record<string, unknown>;
  dryRun: boolean;
  userInfo: UserInfo;
  /** warnings go back to the client as `Warning: 299 - "…"` headers. */
  warnings: string[];
  /** auditAnnotations go on the request's audit event (`<plugin>.k8s.io/<key>` as upstream names them). */
  auditAnnotations: Record<string, string>;
  /** evaluations collect, for the request's trace, the CEL expressions the running plugin evaluated; the tracer clears them around each plugin. */
  evaluations?: PolicyEvaluation[];
}

/** PolicyEvaluation is one CEL validation of a policy, under one binding, and what it came to. */
export interface PolicyEvaluation {
  policy: string;
  binding: string;
  expression: string;
  /** result is true or false, or error when the expression failed to evaluate or gave no bool. */
  result: 'true' | 'false' | 'error';
  /** message is the failure message (or the error) when the result is not true. */
  message?: string;
  /** actions are the binding's validationActions, which decide what a false result does (Deny, Warn, Audit). */
  actions: string[];
}

/** AdmissionContext lets plugins read cluster state, as plugins read it through informers upstream. */
export interface AdmissionContext {
  /** cache answers synchronously for the resources the server caches (namespaces, limitranges, resourcequotas, serviceaccounts, priorityclasses, storageclasses, RBAC, admission configuration, CRDs). */
  cache: ObjectCache;
  /** get reads any object from storage. */
  get<T extends KubeObject = KubeObject>(group: string, resource: string, namespace: string, name: string): Promise<T | undefined>;
  /** list reads every object of a resource in a namespace from storage (PodSecurity checks existing pods when a namespace's level rises). */
  list(group: string, resource: string, namespace: string): Promise<readonly KubeObject[]>;
  /** updateStatus writes an object's status as the server itself (ResourceQuota charges usage); a stale resourceVersion is a 409. */
  updateStatus(group: string, resource: string, obj: KubeObject): Promise<KubeObject | Status>;
  clock: Clock;
}

/** AdmissionPlugin is one named plugin; it implements admit (mutation), validate, or both. A Status answer rejects the request. */
export interface AdmissionPlugin {
  readonly name: string;
  admit?(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> | Status | undefined;
  /**
   * mutates tells whether admit may change a.object for this request. False is a
   * promise that admit leaves the object as it is, so the trace need not diff the
   * object around it; a plugin without mutates is always diffed.
   */
  mutates?(a: Attributes, ctx: AdmissionContext): boolean;
  validate?(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> | Status | undefined;
}

/** Chain is the ordered plugin list the server runs (--enable-admission-plugins, in upstream's order). */
export interface Chain {
  plugins: AdmissionPlugin[];
}
