/**
 * pod applies pkg/apis/core/v1's pod defaults as the generated
 * SetObjectDefaults_Pod runs them: SetDefaults_Pod for pods only (requests from
 * limits, service links, host-network ports), then SetDefaults_PodSpec and the
 * nested defaulters (containers, probes, volumes, resource lists) that pod
 * templates get too.
 */
import type { Pod, PodSpec } from '../../api/types';
import { Memo } from '../validation/memo';
import { canonicalQuantity } from '../validation/quantities';
import { VOLUME_SOURCE_KEYS } from '../validation/core/volumes';
import { struct, isStruct } from './structs';

type Rec = Record<string, unknown>;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$/;

/** isDomain is splitDockerDomain's test: a first path element with a dot, a port, upper case, or localhost. */
const isDomain = (part: string) => part.includes('.') || part.includes(':') || part === 'localhost' || part.toLowerCase() !== part;

/**
 * imageTag is the tag parsers.ParseImageName finds: "latest" when a valid
 * reference has neither tag nor digest, "" when it has only a digest or does not
 * parse at all. It checks the reference grammar piece by piece, so no input can
 * make it backtrack.
 */
export function imageTag(image: string): string {
  if (/^[a-f0-9]{64}$/.test(image)) return '';
  const [ref, digest, ...rest] = image.split('@');
  if (rest.length || (digest !== undefined && !DIGEST.test(digest))) return '';
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const tag = colon > slash ? ref.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) return '';
  const parts = (tag === undefined ? ref : ref.slice(0, colon)).split('/');
  const domain = parts.length > 1 && isDomain(parts[0]) ? parts.shift() : undefined;
  if ((domain !== undefined && !DOMAIN.test(domain)) || !parts.every((p) => PATH_COMPONENT.test(p))) return '';
  return tag ?? (digest ? '' : 'latest');
}

/** pullPolicies memoizes pullPolicyFor: a cluster runs the same few images over and over. */
const pullPolicies = new Memo((image: string) => (imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent'));

/** pullPolicyFor is SetDefaults_Container's rule: Always for `:latest` (or no tag), else IfNotPresent. */
export function pullPolicyFor(image: string): string {
  return pullPolicies.get(image);
}

/** defaultResourceList is SetDefaults_ResourceList: quantities rounded up to milli units, in canonical form. */
export function defaultResourceList(list: unknown): void {
  if (!isStruct(list)) return;
  const l = list as Rec;
  for (const [k, v] of Object.entries(l)) {
    const canonical = canonicalQuantity(v);
    if (canonical !== undefined) l[k] = canonical;
  }
}

function defaultHTTPGet(handler: unknown): void {
  if (!isStruct(handler) || !isStruct((handler as Rec).httpGet)) return;
  const h = (handler as Rec).httpGet as Rec;
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

function defaultProbe(probe: unknown): void {
  if (!isStruct(probe)) return;
  const p = probe as Rec;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHTTPGet(p);
}

function defaultFieldRef(holder: unknown): void {
  if (!isStruct(holder) || !isStruct((holder as Rec).fieldRef)) return;
  const ref = (holder as Rec).fieldRef as Rec;
  if (!ref.apiVersion) ref.apiVersion = 'v1';
}

/** defaultContainer is SetDefaults_Container plus its nested defaulters (ports, env, resources, probes, hooks). */
function defaultContainer(container: unknown): void {
  if (!isStruct(container)) return;
  const c = container as Rec;
  if (!c.imagePullPolicy) c.imagePullPolicy = pullPolicyFor(typeof c.image === 'string' ? c.image : '');
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const port of Array.isArray(c.ports) ? c.ports : []) if (isStruct(port) && !(port as Rec).protocol) (port as Rec).protocol = 'TCP';
  for (const env of Array.isArray(c.env) ? c.env : []) if (isStruct(env)) defaultFieldRef((env as Rec).valueFrom);
  // ResourceRequirements is held by value, so it is always there ({} when empty).
  const resources = struct<Rec>(c, 'resources');
  defaultResourceList(resources?.limits);
  defaultResourceList(resources?.requests);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
  if (isStruct(c.lifecycle)) for (const hook of ['postStart', 'preStop']) defaultHTTPGet((c.lifecycle as Rec)[hook]);
}

const SOURCE_DEFAULTS: Record<string, Rec> = {
  secret: { defaultMode: 420 },
  configMap: { defaultMode: 420 },
  downwardAPI: { defaultMode: 420 },
  projected: { defaultMode: 420 },
  hostPath: { type: '' },
  iscsi: { iscsiInterface: 'default' },
  rbd: { pool: 'rbd', user: 'admin', keyring: '/etc/ceph/keyring' },
  azureDisk: { cachingMode: 'ReadWrite', kind: 'Shared', fsType: 'ext4', readOnly: false },
  scaleIO: { storageMode: 'ThinProvisioned', fsType: 'xfs' },
};

/** defaultVolume is SetDefaults_Volume (a volume without a source is an emptyDir) and its sources' defaulters. */
function defaultVolume(volume: unknown): void {
  if (!isStruct(volume)) return;
  const v = volume as Rec;
  if (!VOLUME_SOURCE_KEYS.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  for (const [source, defaults] of Object.entries(SOURCE_DEFAULTS)) {
    const s = v[source];
    if (!isStruct(s)) continue;
    for (const [k, d] of Object.entries(defaults)) if ((s as Rec)[k] === undefined || (s as Rec)[k] === null || (s as Rec)[k] === '') (s as Rec)[k] = d;
  }
  if (isStruct(v.image)) {
    const image = v.image as Rec;
    if (!image.pullPolicy) image.pullPolicy = imageTag(typeof image.reference === 'string' ? image.reference : '') === 'latest' ? 'Always' : 'IfNotPresent';
  }
  if (isStruct(v.downwardAPI)) for (const item of arr((v.downwardAPI as Rec).items)) defaultFieldRef(item);
  if (isStruct(v.projected)) {
    for (const source of arr((v.projected as Rec).sources)) {
      if (!isStruct(source)) continue;
      const s = source as Rec;
      if (isStruct(s.downwardAPI)) for (const item of arr((s.downwardAPI as Rec).items)) defaultFieldRef(item);
      if (isStruct(s.serviceAccountToken)) (s.serviceAccountToken as Rec).expirationSeconds ??= 3600;
    }
  }
  if (isStruct(v.ephemeral) && isStruct((v.ephemeral as Rec).volumeClaimTemplate)) {
    defaultClaimSpec(struct((v.ephemeral as Rec).volumeClaimTemplate as object, 'spec'));
  }
}

/** defaultClaimSpec is SetDefaults_PersistentVolumeClaimSpec with its resource lists. */
export function defaultClaimSpec(spec: unknown): void {
  if (!isStruct(spec)) return;
  const s = spec as Rec;
  s.volumeMode ??= 'Filesystem';
  const resources = struct<Rec>(s, 'resources');
  defaultResourceList(resources?.limits);
  defaultResourceList(resources?.requests);
}

function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

/**
 * defaultPodSpec is SetDefaults_PodSpec and the nested defaulters: what every pod
 * template gets (Deployments, Jobs …). Pods also get defaultPod's extras.
 */
export function defaultPodSpec(spec: PodSpec | undefined): void {
  if (!isStruct(spec)) return;
  const s = spec as Rec;
  if (!s.dnsPolicy) s.dnsPolicy = 'ClusterFirst';
  if (!s.restartPolicy) s.restartPolicy = 'Always';
  if (s.securityContext === undefined || s.securityContext === null) s.securityContext = {};
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) s.terminationGracePeriodSeconds = 30;
  if (!s.schedulerName) s.schedulerName = 'default-scheduler';
  arr(s.volumes).forEach(defaultVolume);
  arr(s.initContainers).forEach(defaultContainer);
  arr(s.containers).forEach(defaultContainer);
  arr(s.ephemeralContainers).forEach(defaultContainer);
  defaultResourceList(s.overhead);
}

/** requestsFromLimits gives each container without a request for a resource its limit as the request (pods only). */
function requestsFromLimits(containers: unknown): void {
  for (const c of arr(containers)) {
    if (!isStruct(c) || !isStruct((c as Rec).resources)) continue;
    const r = (c as Rec).resources as Rec;
    if (!isStruct(r.limits)) continue;
    const requests = struct<Rec>(r, 'requests');
    if (!requests) continue;
    for (const [k, v] of Object.entries(r.limits as Rec)) if (!(k in requests)) requests[k] = v;
  }
}

/** defaultPod is SetObjectDefaults_Pod: SetDefaults_Pod, then the pod spec defaults. A missing spec decodes as an empty one. */
export function defaultPod(pod: Pod): void {
  const spec = struct<Rec>(pod, 'spec');
  if (!spec) return;
  requestsFromLimits(spec.containers);
  requestsFromLimits(spec.initContainers);
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const c of [...arr(spec.containers), ...arr(spec.initContainers)]) {
      for (const port of isStruct(c) ? arr((c as Rec).ports) : []) {
        if (isStruct(port) && !(port as Rec).hostPort) (port as Rec).hostPort = (port as Rec).containerPort;
      }
    }
  }
  defaultPodSpec(spec as PodSpec);
}
