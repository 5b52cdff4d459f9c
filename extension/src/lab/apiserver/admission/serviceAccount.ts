/**
 * ServiceAccount gives every new pod an identity (plugin/pkg/admission/serviceaccount):
 * it defaults spec.serviceAccountName to `default`, refuses a pod whose service
 * account does not exist, mounts a projected `kube-api-access-<random>` token
 * volume into every container at /var/run/secrets/kubernetes.io/serviceaccount
 * unless the pod or its account opts out, copies the account's imagePullSecrets,
 * and keeps mirror pods (static pods) from referencing accounts or secrets.
 * Only creates are checked: a running pod's account cannot change.
 */
import type { KubeObject, Pod, Status } from '../../api/types';
import { type Random, randomString } from '../../random';
import type { AdmissionContext, AdmissionPlugin, Attributes } from './admission';
import { admissionForbidden } from './errors';
import { SERVICE_ACCOUNT } from './names';

export const DEFAULT_SERVICE_ACCOUNT_NAME = 'default';
/** The token volume's name prefix (ServiceAccountVolumeName). */
export const SERVICE_ACCOUNT_VOLUME_NAME = 'kube-api-access';
/** Where the token, CA and namespace are mounted (DefaultAPITokenMountPath). */
export const DEFAULT_API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** ENFORCE_MOUNTABLE_SECRETS_ANNOTATION, set to "true" on an account, limits its pods to the secrets it lists. */
export const ENFORCE_MOUNTABLE_SECRETS_ANNOTATION = 'kubernetes.io/enforce-mountable-secrets';
/** MIRROR_POD_ANNOTATION marks a kubelet's mirror of a static pod. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** Bound tokens last an hour and seven seconds, so kubelets refresh them before a one-hour expiry (WarnOnlyBoundTokenExpirationSeconds). */
const TOKEN_EXPIRATION_SECONDS = 3607;

/** ServiceAccount is the core/v1 object as the plugin reads it. */
interface ServiceAccount extends KubeObject {
  automountServiceAccountToken?: boolean;
  secrets?: { name?: string }[];
  imagePullSecrets?: { name?: string }[];
}

interface EnvVar { name: string; valueFrom?: { secretKeyRef?: { name?: string } } }
interface ContainerLike { name: string; env?: EnvVar[]; envFrom?: { secretRef?: { name?: string } }[]; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }
interface Volume { name: string; secret?: { secretName?: string }; projected?: { sources?: Record<string, unknown>[] }; [source: string]: unknown }
/** PodSpecView is the part of a pod spec the plugin reads and writes. */
export interface PodSpecView {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name?: string }[];
  volumes?: Volume[];
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
}

/** tokenVolumeSource is TokenVolumeSource(): the bound token, the cluster CA and the pod's namespace. */
export function tokenVolumeSource(): Record<string, unknown> {
  return {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { path: 'token', expirationSeconds: TOKEN_EXPIRATION_SECONDS } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

/** shouldAutomount is the pod's automountServiceAccountToken, else the account's, else true. */
export function shouldAutomount(sa: ServiceAccount, spec: PodSpecView): boolean {
  return spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
}

/** mountServiceAccountToken adds the projected token volume and mounts it in every container that has nothing at the token path. */
export function mountServiceAccountToken(spec: PodSpecView, random: Random): void {
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(`${SERVICE_ACCOUNT_VOLUME_NAME}-`));
  const volumeName = existing?.name ?? `${SERVICE_ACCOUNT_VOLUME_NAME}-${randomString(random, 5)}`;
  let needsVolume = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === DEFAULT_API_TOKEN_MOUNT_PATH)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name: volumeName, readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }];
    needsVolume = true;
  }
  if (!existing && needsVolume) spec.volumes = [...(spec.volumes ?? []), { name: volumeName, projected: tokenVolumeSource() }];
}

/** SECRET_REF_VOLUMES are the volume sources that name a secret (VisitPodSecretNames). */
const SECRET_REF_VOLUMES = ['azureFile', 'cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos', 'csi'];

/** referencesSecret is VisitPodSecretNames finding anything: pull secrets, env, secret volumes and volume secret refs. */
export function referencesSecret(spec: PodSpecView): boolean {
  if (spec.imagePullSecrets?.length) return true;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    if (c.envFrom?.some((e) => e.secretRef)) return true;
    if (c.env?.some((e) => e.valueFrom?.secretKeyRef)) return true;
  }
  for (const v of spec.volumes ?? []) {
    if (v.secret) return true;
    if (v.projected?.sources?.some((s) => s.secret !== undefined)) return true;
    for (const source of SECRET_REF_VOLUMES) {
      const s = v[source] as { secretRef?: unknown; secretName?: unknown; nodePublishSecretRef?: unknown } | undefined;
      if (s && (s.secretRef || s.secretName || s.nodePublishSecretRef)) return true;
    }
  }
  return false;
}

/** mirrorPodViolation is what a mirror pod may not do: name an account, reference secrets, or project a token. */
function mirrorPodViolation(spec: PodSpecView): string | undefined {
  if (spec.serviceAccountName) return 'a mirror pod may not reference service accounts';
  if (referencesSecret(spec)) return 'a mirror pod may not reference secrets';
  if (spec.volumes?.some((v) => v.projected?.sources?.some((s) => s.serviceAccountToken !== undefined))) return 'a mirror pod may not use ServiceAccountToken volume projections';
  return undefined;
}

/** secretReferenceViolation is limitSecretReferences: the first secret the pod uses that its account does not list. */
export function secretReferenceViolation(sa: ServiceAccount, spec: PodSpecView): string | undefined {
  const name = sa.metadata.name ?? '';
  const mountable = new Set((sa.secrets ?? []).map((s) => s.name));
  for (const v of spec.volumes ?? []) {
    if (v.secret && !mountable.has(v.secret.secretName)) {
      return `volume with secret.secretName="${v.secret.secretName ?? ''}" is not allowed because service account ${name} does not reference that secret`;
    }
  }
  for (const [kind, containers] of [['init container', spec.initContainers], ['container', spec.containers]] as const) {
    for (const c of containers ?? []) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !mountable.has(ref.name)) return `${kind} ${c.name} with envVar ${e.name} referencing secret.secretName="${ref.name ?? ''}" is not allowed because service account ${name} does not reference that secret`;
      }
      for (const e of c.envFrom ?? []) {
        if (e.secretRef && !mountable.has(e.secretRef.name)) return `${kind} ${c.name} with envFrom referencing secret.secretName="${e.secretRef.name ?? ''}" is not allowed because service account ${name} does not reference that secret`;
      }
    }
  }
  const pullable = new Set((sa.imagePullSecrets ?? []).map((s) => s.name));
  const i = (spec.imagePullSecrets ?? []).findIndex((s) => !pullable.has(s.name));
  if (i >= 0) return `imagePullSecrets[${i}].name="${spec.imagePullSecrets![i].name ?? ''}" is not allowed because service account ${name} does not reference that imagePullSecret`;
  return undefined;
}

/** ephemeralSecretViolation is limitEphemeralContainerSecretReferences' check of the ephemeral containers' env. */
function ephemeralSecretViolation(sa: ServiceAccount, spec: PodSpecView): string | undefined {
  const name = sa.metadata.name ?? '';
  const mountable = new Set((sa.secrets ?? []).map((s) => s.name));
  for (const c of spec.ephemeralContainers ?? []) {
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref && !mountable.has(ref.name)) return `ephemeral container ${c.name} with envVar ${e.name} referencing secret.secretName="${ref.name ?? ''}" is not allowed because service account ${name} does not reference that secret`;
    }
    for (const e of c.envFrom ?? []) {
      if (e.secretRef && !mountable.has(e.secretRef.name)) return `ephemeral container ${c.name} with envFrom referencing secret.secretName="${e.secretRef.name ?? ''}" is not allowed because service account ${name} does not reference that secret`;
    }
  }
  return undefined;
}

function enforcesMountableSecrets(sa: ServiceAccount): boolean {
  return /^(1|t|T|TRUE|true|True)$/.test(sa.metadata.annotations?.[ENFORCE_MOUNTABLE_SECRETS_ANNOTATION] ?? '');
}

/** lookUp is getServiceAccount: the cache, then storage; a miss is `serviceaccount "x" not found`. */
async function lookUp(ctx: AdmissionContext, namespace: string, name: string): Promise<ServiceAccount | string> {
  const sa = (ctx.cache.get('', 'serviceaccounts', namespace, name) ?? (await ctx.get('', 'serviceaccounts', namespace, name)));
  return sa ?? `serviceaccount "${name}" not found`;
}

function ignored(a: Attributes): boolean {
  return a.type.group !== '' || a.type.resource !== 'pods' || (a.subresource !== '' && a.subresource !== 'ephemeralcontainers') || !a.object;
}

function isMirrorPod(pod: Pod): boolean {
  return pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined;
}

/** newServiceAccount returns the plugin; random names the token volume. */
export function newServiceAccount(random: Random): AdmissionPlugin {
  return {
    name: SERVICE_ACCOUNT,
    mutates: (a: Attributes) => !ignored(a) && a.operation === 'CREATE',
    async admit(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> {
      if (ignored(a) || a.operation !== 'CREATE') return undefined;
      const pod = a.object as Pod;
      // A mirror pod must match its static pod exactly, or the kubelet deletes it.
      if (isMirrorPod(pod)) return undefined;
      const spec = pod.spec as PodSpecView;
      spec.serviceAccountName ||= DEFAULT_SERVICE_ACCOUNT_NAME;
      const sa = await lookUp(ctx, a.namespace, spec.serviceAccountName);
      if (typeof sa === 'string') return admissionForbidden(a, `error looking up service account ${a.namespace}/${spec.serviceAccountName}: ${sa}`);
      if (shouldAutomount(sa, spec)) mountServiceAccountToken(spec, random);
      if (!spec.imagePullSecrets?.length && sa.imagePullSecrets?.length) spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ name: s.name }));
      return undefined;
    },
    async validate(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> {
      if (ignored(a)) return undefined;
      const pod = a.object as Pod;
      const spec = pod.spec as PodSpecView;
      const ephemeral = a.operation === 'UPDATE' && a.subresource === 'ephemeralcontainers';
      if (!ephemeral && a.operation !== 'CREATE') return undefined;
      if (!ephemeral && isMirrorPod(pod)) {
        const why = mirrorPodViolation(spec);
        return why === undefined ? undefined : admissionForbidden(a, why);
      }
      if (!spec.serviceAccountName) return admissionForbidden(a, `no service account specified for pod ${a.namespace}/${pod.metadata.name ?? ''}`);
      const sa = await lookUp(ctx, a.namespace, spec.serviceAccountName);
      if (typeof sa === 'string') return admissionForbidden(a, `error looking up service account ${a.namespace}/${spec.serviceAccountName}: ${sa}`);
      if (!enforcesMountableSecrets(sa)) return undefined;
      const why = ephemeral ? ephemeralSecretViolation(sa, spec) : secretReferenceViolation(sa, spec);
      return why === undefined ? undefined : admissionForbidden(a, why);
    },
  };
}
