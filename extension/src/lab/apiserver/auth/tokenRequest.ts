/**
 * tokenRequest serves `POST …/serviceaccounts/<name>/token`, as
 * pkg/registry/core/serviceaccount/storage/token.go: it issues a token for the
 * service account, optionally bound to a Pod, Secret or Node of the same
 * namespace, valid for spec.expirationSeconds (default an hour, at least ten
 * minutes) and for spec.audiences (default the API server's).
 */
import type { KubeObject, Status } from '../../api/types';
import { timestamp } from '../../api/meta';
import type { Clock } from '../../clock';
import { type Random, uuid } from '../../random';
import { badRequest, conflict, invalid, notFound } from '../errors';
import { type FieldError, invalidValue } from '../fieldErrors';
import { EXPIRATION_EXTENSION_SECONDS, type ObjectGetter, WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS, buildClaims } from './claims';
import type { TokenGenerator } from './serviceAccountToken';

/** MIN_TOKEN_AGE_SECONDS is validation's floor on a requested lifetime (MinTokenAgeSec). */
export const MIN_TOKEN_AGE_SECONDS = 10 * 60;
/** DEFAULT_EXPIRATION_SECONDS is SetDefaults_TokenRequestSpec's hour. */
export const DEFAULT_EXPIRATION_SECONDS = 60 * 60;

const GROUP = 'authentication.k8s.io';

/** TokenRequestIssuer is what the subresource needs: the signer, the API server's audiences, objects, time and chance. */
export interface TokenRequestIssuer {
  generator: TokenGenerator;
  apiAudiences: readonly string[];
  objects: ObjectGetter;
  clock: Clock;
  random: Random;
  /** extendExpiration is --service-account-extend-token-expiration (on by default): kubelet tokens last a year, warning after the hour. */
  extendExpiration?: boolean;
}

interface TokenRequestBody {
  metadata?: { name?: string; namespace?: string };
  spec?: { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } };
}

/** validateTokenRequest is ValidateTokenRequest for the fields the lab accepts. */
function validateTokenRequest(expirationSeconds: number): FieldError[] {
  const errs: FieldError[] = [];
  if (expirationSeconds < MIN_TOKEN_AGE_SECONDS) errs.push(invalidValue('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'));
  if (expirationSeconds > 2 ** 32) errs.push(invalidValue('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  return errs;
}

/** groupVersionKindString is schema.GroupVersionKind.String(): `apps/v1, Kind=Deployment`, `/v1, Kind=ConfigMap`. */
function groupVersionKindString(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return `${group}/${version}, Kind=${kind}`;
}

/** createTokenRequest answers the TokenRequest for service account namespace/name, or the Status upstream would. */
export async function createTokenRequest(issuer: TokenRequestIssuer, namespace: string, name: string, body: unknown): Promise<KubeObject | Status> {
  const req = (body ?? {}) as TokenRequestBody;
  const meta = req.metadata ?? {};
  if (meta.name && meta.name !== name) return invalid('TokenRequest', GROUP, name, [invalidValue('metadata.name', meta.name, 'must match the service account name if specified')]);
  if (meta.namespace && meta.namespace !== namespace) return invalid('TokenRequest', GROUP, name, [invalidValue('metadata.namespace', meta.namespace, 'must match the service account namespace if specified')]);
  const sa = await issuer.objects.get('', 'serviceaccounts', namespace, name);
  if (!sa) return notFound({ group: '', resource: 'serviceaccounts' }, name);

  const spec = { ...req.spec, audiences: req.spec?.audiences?.length ? req.spec.audiences : [...issuer.apiAudiences], expirationSeconds: req.spec?.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS };
  const nowMs = issuer.clock.now();
  const errs = validateTokenRequest(spec.expirationSeconds);
  if (errs.length) return invalid('TokenRequest', GROUP, '', errs);

  let pod: KubeObject | undefined;
  let secret: KubeObject | undefined;
  let node: KubeObject | undefined;
  const ref = spec.boundObjectRef;
  if (ref) {
    const apiVersion = ref.apiVersion ?? '';
    const kind = ref.kind ?? '';
    const core = !apiVersion.includes('/');
    let bound: KubeObject;
    if (core && kind === 'Pod') {
      pod = await issuer.objects.get('', 'pods', namespace, ref.name ?? '');
      if (!pod) return notFound({ group: '', resource: 'pods' }, ref.name ?? '');
      bound = pod;
      const podSA = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName;
      if (podSA !== name) return badRequest(`cannot bind token for serviceaccount ${JSON.stringify(name)} to pod running with different serviceaccount name.`);
      const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
      // A missing Node still leaves its name in the token, so a reader can tell where the pod was.
      if (nodeName) node = (await issuer.objects.get('', 'nodes', '', nodeName)) ?? { metadata: { name: nodeName } };
    } else if (core && kind === 'Node') {
      node = await issuer.objects.get('', 'nodes', '', ref.name ?? '');
      if (!node) return notFound({ group: '', resource: 'nodes' }, ref.name ?? '');
      bound = node;
    } else if (core && kind === 'Secret') {
      secret = await issuer.objects.get('', 'secrets', namespace, ref.name ?? '');
      if (!secret) return notFound({ group: '', resource: 'secrets' }, ref.name ?? '');
      bound = secret;
    } else {
      return badRequest(`cannot bind token to object of type ${groupVersionKindString(apiVersion, kind)}`);
    }
    if (ref.uid && ref.uid !== bound.metadata.uid) {
      return conflict({ group: '', resource: kind }, ref.name ?? '', `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
  }

  // Projected kubelet tokens (exactly 3607 s, pod-bound, for the API server) silently last a year.
  let exp = spec.expirationSeconds;
  let warnAfter = 0;
  const kubeAudiences = spec.audiences.every((a) => issuer.apiAudiences.includes(a));
  if ((issuer.extendExpiration ?? true) && pod && exp === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS && kubeAudiences) {
    warnAfter = exp;
    exp = EXPIRATION_EXTENSION_SECONDS;
  }
  const claims = buildClaims({
    issuer: issuer.generator.issuer, serviceAccount: sa, pod, secret, node,
    expirationSeconds: exp, warnAfterSeconds: warnAfter, audiences: spec.audiences, nowMs, jti: uuid(issuer.random),
  });
  const token = await issuer.generator.generate(claims);
  return {
    kind: 'TokenRequest',
    apiVersion: `${GROUP}/v1`,
    metadata: { name: meta.name || name, namespace: meta.namespace || namespace, creationTimestamp: timestamp(nowMs) },
    spec,
    status: { token, expirationTimestamp: timestamp(nowMs + spec.expirationSeconds * 1000) },
  };
}
