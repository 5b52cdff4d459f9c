/**
 * claims builds and checks a service account token's claims, as
 * pkg/serviceaccount/claims.go: the registered claims (iss, sub, aud, exp, iat,
 * nbf, jti) and the private `kubernetes.io` claim naming the service account
 * and the pod, secret or node the token is bound to. A token stays valid only
 * while those objects exist with the same uid.
 */
import type { KubeObject } from '../../api/types';
import type { UserInfo } from './types';
import { CREDENTIAL_ID_KEY, NODE_NAME_KEY, NODE_UID_KEY, POD_NAME_KEY, POD_UID_KEY, serviceAccountGroups, serviceAccountUsername } from './user';

/** A pod-bound token asking for exactly this many seconds is one the kubelet projects (WarnOnlyBoundTokenExpirationSeconds). */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7;
/** Such a token is silently valid for a year, warning after the hour (ExpirationExtensionSeconds). */
export const EXPIRATION_EXTENSION_SECONDS = 24 * 365 * 60 * 60;
/** go-jose's DefaultLeeway: clocks may disagree by a minute. */
const LEEWAY_SECONDS = 60;

interface Ref {
  name?: string;
  uid?: string;
}

/** KubernetesClaim is the private `kubernetes.io` claim. */
export interface KubernetesClaim {
  namespace?: string;
  node?: Ref;
  pod?: Ref;
  secret?: Ref;
  serviceaccount?: Ref;
  warnafter?: number;
}

/** TokenClaims is a service account token's payload; keys are kept sorted, as go-jose serializes them. */
export interface TokenClaims {
  aud?: string | string[];
  exp?: number;
  iat?: number;
  iss?: string;
  jti?: string;
  'kubernetes.io'?: KubernetesClaim;
  nbf?: number;
  sub?: string;
}

/** ObjectGetter finds the objects a token names; the API server answers from its cache or storage. */
export interface ObjectGetter {
  get(group: string, resource: string, namespace: string, name: string): KubeObject | undefined | Promise<KubeObject | undefined>;
}

const ref = (o: KubeObject): Ref => ({ name: o.metadata.name, ...(o.metadata.uid ? { uid: o.metadata.uid } : {}) });

/** buildClaims is Claims(): times in whole seconds from nowMs; a node accompanies a pod or stands alone. */
export function buildClaims(o: {
  issuer: string; serviceAccount: KubeObject; pod?: KubeObject; secret?: KubeObject; node?: KubeObject;
  expirationSeconds: number; warnAfterSeconds: number; audiences: readonly string[]; nowMs: number; jti: string;
}): TokenClaims {
  const now = Math.floor(o.nowMs / 1000);
  const sa = o.serviceAccount;
  const k8s: KubernetesClaim = { namespace: sa.metadata.namespace };
  if (o.node) k8s.node = ref(o.node);
  if (o.pod) k8s.pod = ref(o.pod);
  else if (o.secret) k8s.secret = ref(o.secret);
  k8s.serviceaccount = ref(sa);
  if (o.warnAfterSeconds) k8s.warnafter = now + o.warnAfterSeconds;
  return {
    aud: [...o.audiences], exp: now + o.expirationSeconds, iat: now, iss: o.issuer, jti: o.jti,
    'kubernetes.io': k8s, nbf: now, sub: serviceAccountUsername(sa.metadata.namespace ?? '', sa.metadata.name ?? ''),
  };
}

/** deletedBefore reports an object deleted more than the leeway ago: its tokens no longer count. */
function deletedBefore(o: KubeObject, limitMs: number): boolean {
  const ts = o.metadata.deletionTimestamp;
  return ts !== undefined && Date.parse(ts) < limitMs;
}

/**
 * validateClaims is the validator's Validate: the times (with a minute's
 * leeway), then that the service account and any bound secret, pod or node
 * still exist with the uid the token names. It returns the token's user.
 */
export async function validateClaims(claims: TokenClaims, nowMs: number, objects: ObjectGetter): Promise<{ user: UserInfo } | { error: string }> {
  const now = nowMs / 1000;
  if (claims.nbf !== undefined && now + LEEWAY_SECONDS < claims.nbf) return { error: 'service account token is not valid yet' };
  if (claims.exp !== undefined && now - LEEWAY_SECONDS > claims.exp) return { error: 'service account token has expired' };
  if (claims.iat !== undefined && now + LEEWAY_SECONDS < claims.iat) return { error: 'service account token is issued in the future' };

  const invalidIfDeletedBefore = nowMs - LEEWAY_SECONDS * 1000;
  const k8s = claims['kubernetes.io'] ?? {};
  const namespace = k8s.namespace ?? '';
  const saRef = k8s.serviceaccount ?? {};
  const sa = await objects.get('', 'serviceaccounts', namespace, saRef.name ?? '');
  if (!sa) return { error: `serviceaccounts ${JSON.stringify(saRef.name ?? '')} not found` };
  if ((sa.metadata.uid ?? '') !== (saRef.uid ?? '')) return { error: `service account UID (${sa.metadata.uid ?? ''}) does not match claim (${saRef.uid ?? ''})` };
  if (deletedBefore(sa, invalidIfDeletedBefore)) return { error: `service account ${namespace}/${saRef.name ?? ''} has been deleted` };

  const invalidated = { error: 'service account token has been invalidated' };
  for (const [kind, resource] of [['secret', 'secrets'], ['pod', 'pods']] as const) {
    const r = k8s[kind];
    if (!r) continue;
    const o = await objects.get('', resource, namespace, r.name ?? '');
    if (!o) return invalidated;
    if ((r.uid ?? '') !== (o.metadata.uid ?? '')) return { error: `${kind} UID (${o.metadata.uid ?? ''}) does not match service account ${kind} ref claim (${r.uid ?? ''})` };
    if (deletedBefore(o, invalidIfDeletedBefore)) return invalidated;
  }
  // A pod-bound token only reports its node; a node-bound one is checked against the Node.
  if (k8s.node && !k8s.pod) {
    const node = await objects.get('', 'nodes', '', k8s.node.name ?? '');
    if (!node) return invalidated;
    if ((k8s.node.uid ?? '') !== (node.metadata.uid ?? '')) return { error: `node UID (${node.metadata.uid ?? ''}) does not match service account node ref claim (${k8s.node.uid ?? ''})` };
    if (deletedBefore(node, invalidIfDeletedBefore)) return invalidated;
  }

  const extra: Record<string, string[]> = {};
  if (k8s.pod?.name && k8s.pod.uid) {
    extra[POD_NAME_KEY] = [k8s.pod.name];
    extra[POD_UID_KEY] = [k8s.pod.uid];
  }
  if (claims.jti) extra[CREDENTIAL_ID_KEY] = [`JTI=${claims.jti}`];
  if (k8s.node?.name) {
    extra[NODE_NAME_KEY] = [k8s.node.name];
    if (k8s.node.uid) extra[NODE_UID_KEY] = [k8s.node.uid];
  }
  return {
    user: {
      username: serviceAccountUsername(namespace, saRef.name ?? ''),
      ...(saRef.uid ? { uid: saRef.uid } : {}),
      groups: serviceAccountGroups(namespace),
      ...(Object.keys(extra).length ? { extra } : {}),
    },
  };
}
