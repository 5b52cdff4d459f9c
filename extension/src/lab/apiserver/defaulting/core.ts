/** core applies pkg/apis/core/v1 defaults to pods and pod templates. */
import type { Container, Namespace, Node, PodSpec } from '../../api/types';

/** imageTag returns the tag of an image reference, or '' when there is none. */
export function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : '';
}

function defaultContainer(c: Container): void {
  if (c.image !== undefined && c.imagePullPolicy === undefined) {
    const tag = imageTag(String(c.image));
    c.imagePullPolicy = tag === '' || tag === 'latest' ? (String(c.image).includes('@') ? 'IfNotPresent' : 'Always') : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  c.resources ??= {};
}

/** defaultPodSpec fills the fields SetDefaults_PodSpec and SetDefaults_Container fill. */
export function defaultPodSpec(spec: PodSpec | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  spec.tolerations ??= [];
  if (Array.isArray(spec.containers)) spec.containers.forEach(defaultContainer);
  if (Array.isArray(spec.initContainers)) spec.initContainers.forEach(defaultContainer);
}

/**
 * defaultPodTolerations adds the not-ready/unreachable NoExecute tolerations that
 * the DefaultTolerationSeconds admission plugin adds to every pod (300 s).
 */
export function defaultPodTolerations(spec: PodSpec): void {
  const tolerations = spec.tolerations ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key || (t.operator === 'Exists' && !t.key))) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
}

/** defaultNamespace sets the kubernetes finalizer and the Active phase. */
export function defaultNamespace(ns: Namespace): void {
  ns.spec ??= {};
  ns.spec.finalizers ??= ['kubernetes'];
  ns.status = { phase: ns.status?.phase ?? 'Active' };
  ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
}

/** defaultNode copies capacity to allocatable when the kubelet did not report it. */
export function defaultNode(node: Node): void {
  node.spec ??= {};
  if (node.status?.capacity && !node.status.allocatable) node.status.allocatable = { ...node.status.capacity };
}
