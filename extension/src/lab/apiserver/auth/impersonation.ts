/**
 * impersonation is apiserver's WithImpersonation filter
 * (endpoints/filters/impersonation.go): with `Impersonate-User` (and
 * optionally `Impersonate-Group`, `Impersonate-Uid`, `Impersonate-Extra-<key>`)
 * a request acts as someone else, provided its real user may `impersonate`
 * each of them — users, groups, serviceaccounts, uids and userextras.
 */
import type { Status } from '../../api/types';
import { forbiddenRequest } from '../errors';
import type { AuthorizationAttributes, Authorizer, UserInfo } from './types';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS, serviceAccountGroups, serviceAccountUsername, splitServiceAccountUsername } from './user';

/** Headers are lower-case names; a header sent several times (Impersonate-Group) may come as an array. */
export type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

const USER_HEADER = 'impersonate-user';
const GROUP_HEADER = 'impersonate-group';
const UID_HEADER = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';
const AUTHENTICATION_V1 = 'authentication.k8s.io/v1';

/** Request is one thing to impersonate, an ObjectReference as upstream builds them. */
interface Request {
  kind: 'ServiceAccount' | 'User' | 'Group' | 'UserExtra' | 'UID';
  namespace: string;
  name: string;
  apiVersion: string;
  /** fieldPath carries a UserExtra's key. */
  fieldPath: string;
}

const values = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/** decodeExtraKey is unescapeExtraKey: `%`-decoded, or kept as sent when malformed. */
function decodeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** buildRequests is buildImpersonationRequests: user first, then groups, extras and uid. */
function buildRequests(headers: Headers): Request[] {
  const ref = (kind: Request['kind'], name: string, more: Partial<Request> = {}): Request => ({ kind, namespace: '', name, apiVersion: '', fieldPath: '', ...more });
  const out: Request[] = [];
  const user = values(headers[USER_HEADER])[0] ?? '';
  if (user) {
    const sa = splitServiceAccountUsername(user);
    out.push(sa ? ref('ServiceAccount', sa.name, { namespace: sa.namespace }) : ref('User', user));
  }
  for (const g of values(headers[GROUP_HEADER])) out.push(ref('Group', g));
  for (const [header, v] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX)) continue;
    const key = decodeExtraKey(header.slice(EXTRA_PREFIX.length).toLowerCase());
    for (const value of values(v)) out.push(ref('UserExtra', value, { apiVersion: AUTHENTICATION_V1, fieldPath: key }));
  }
  const uid = values(headers[UID_HEADER])[0] ?? '';
  if (uid) out.push(ref('UID', uid, { apiVersion: AUTHENTICATION_V1 }));
  return out;
}

/** goObjectReference prints an ObjectReference as Go's %v: `{Kind Namespace Name UID APIVersion ResourceVersion FieldPath}`. */
function goObjectReference(r: Request): string {
  return `{${[r.kind, r.namespace, r.name, '', r.apiVersion, '', r.fieldPath].join(' ')}}`;
}

/**
 * impersonate returns who the request acts as: user itself without
 * impersonation headers, the impersonated user when every part is allowed, or
 * the Status to answer with — 403 naming the first part refused, or the 500
 * upstream gives for groups, extras or a uid without a user.
 */
export async function impersonate(user: UserInfo, headers: Headers, authorizer: Authorizer, requestURI = ''): Promise<UserInfo | Status> {
  const requests = buildRequests(headers);
  if (!requests.length) return user;
  if (!requests.some((r) => r.kind === 'User' || r.kind === 'ServiceAccount')) {
    const message = `Internal Server Error: ${JSON.stringify(requestURI)}: requested [${requests.map(goObjectReference).join(' ')}] without impersonating a user`;
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
  }
  // Groups, when given, are the whole truth, down to system:authenticated.
  const groupsSpecified = values(headers[GROUP_HEADER]).length > 0;
  let username = '';
  let uid = '';
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const r of requests) {
    const attrs: AuthorizationAttributes = {
      user, verb: 'impersonate', isResourceRequest: true, path: '',
      apiGroup: r.apiVersion ? 'authentication.k8s.io' : '', apiVersion: r.apiVersion ? 'v1' : '',
      resource: '', subresource: '', namespace: r.namespace, name: r.name,
    };
    switch (r.kind) {
      case 'ServiceAccount':
        attrs.resource = 'serviceaccounts';
        username = serviceAccountUsername(r.namespace, r.name);
        if (!groupsSpecified) groups = serviceAccountGroups(r.namespace);
        break;
      case 'User':
        attrs.resource = 'users';
        username = r.name;
        break;
      case 'Group':
        attrs.resource = 'groups';
        groups.push(r.name);
        break;
      case 'UserExtra':
        attrs.resource = 'userextras';
        attrs.subresource = r.fieldPath;
        (extra[r.fieldPath] ??= []).push(r.name);
        break;
      case 'UID':
        attrs.resource = 'uids';
        uid = r.name;
        break;
    }
    const d = await authorizer.authorize(attrs);
    if (d.decision !== 'allow') return forbiddenRequest(attrs, d.reason);
  }
  if (username !== ANONYMOUS) {
    if (!groups.includes(ALL_AUTHENTICATED) && !groups.includes(ALL_UNAUTHENTICATED)) groups.push(ALL_AUTHENTICATED);
  } else if (!groups.includes(ALL_UNAUTHENTICATED)) {
    groups.push(ALL_UNAUTHENTICATED);
  }
  return { username, ...(uid ? { uid } : {}), groups, ...(Object.keys(extra).length ? { extra } : {}) };
}
