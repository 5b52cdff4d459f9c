/**
 * types are the contracts of authentication and authorization, as upstream's
 * k8s.io/apiserver/pkg/authentication/user and pkg/authorization/authorizer.
 */
import type { KubeObject } from '../../api/types';
import type { PolicyRule } from './rbacTypes';

/** UserInfo is who a request acts as. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** AuthnRequest is what authentication sees of a request: its headers (lower-case names) and, over TLS, the verified client certificate's subject. */
export interface AuthnRequest {
  headers: Record<string, string | undefined>;
  clientCertificate?: { commonName: string; organizations: string[] };
  /** audiences the credentials must be valid for (a TokenReview's spec.audiences); the API server's own when absent. */
  audiences?: readonly string[];
}

/** undefined: this authenticator found no credentials it understands; error: credentials present but invalid (401). */
export type AuthnResult = { user: UserInfo; audiences?: readonly string[] } | { error: string } | undefined;

export interface Authenticator {
  authenticate(req: AuthnRequest): Promise<AuthnResult> | AuthnResult;
}

/** AuthorizationAttributes are authorizer.Attributes: who does what to which resource or path. */
export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** fieldSelector is a list or watch's parsed `?fieldSelector=`; the Node authorizer lets a kubelet list only its own pods. */
  fieldSelector?: readonly { field: string; value: string; negate: boolean }[];
}

export interface Decision {
  decision: 'allow' | 'deny' | 'noOpinion';
  reason: string;
  /**
   * rule is the RBAC rule that allowed the request, of the binding the reason
   * names. Upstream's Decision has no such field; the lab's request traces show it.
   */
  rule?: PolicyRule;
}

export interface Authorizer {
  authorize(a: AuthorizationAttributes): Promise<Decision> | Decision;
}

/**
 * ObjectCache is the API server's in-memory copy of small, hot resources (RBAC
 * objects, namespaces, service accounts, admission configuration), kept current
 * by watching the store and read synchronously, as upstream's plugins read
 * informer caches.
 */
export interface ObjectCache {
  list(group: string, resource: string, namespace?: string): readonly KubeObject[];
  get(group: string, resource: string, namespace: string, name: string): KubeObject | undefined;
  /** version changes whenever any cached object of group/resource changes, so derived indexes know when to rebuild. */
  version(group: string, resource: string): number;
}
