/**
 * DefaultTolerationSeconds lets every pod ride out a short node outage
 * (plugin/pkg/admission/defaulttolerationseconds): a pod without its own
 * toleration for the not-ready or unreachable NoExecute taint gets one for
 * 300 s (--default-not-ready-toleration-seconds, --default-unreachable-toleration-seconds),
 * after which the taint manager evicts it.
 */
import type { Pod, Status, Toleration } from '../../api/types';
import type { AdmissionPlugin, Attributes } from './admission';
import { DEFAULT_TOLERATION_SECONDS } from './names';

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';

/** DefaultTolerationOptions are the two flags, 300 s each by default. */
export interface DefaultTolerationOptions {
  notReadySeconds?: number;
  unreachableSeconds?: number;
}

/** tolerates reports whether a toleration already covers key's NoExecute taint (an empty key or effect matches all). */
function tolerates(t: Toleration, key: string): boolean {
  return (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect);
}

/** addDefaultTolerations appends whichever of the two tolerations the pod lacks. */
export function addDefaultTolerations(pod: Pod, opts: DefaultTolerationOptions = {}): void {
  const tolerations = pod.spec.tolerations ?? [];
  const add: Toleration[] = [];
  if (!tolerations.some((t) => tolerates(t, TAINT_NODE_NOT_READY))) {
    add.push({ key: TAINT_NODE_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: opts.notReadySeconds ?? 300 });
  }
  if (!tolerations.some((t) => tolerates(t, TAINT_NODE_UNREACHABLE))) {
    add.push({ key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: opts.unreachableSeconds ?? 300 });
  }
  if (add.length) pod.spec.tolerations = [...tolerations, ...add];
}

/** handles tells whether the plugin looks at the request: pod writes other than deletes and subresources. */
function handles(a: Attributes): boolean {
  if (a.operation === 'DELETE' || a.operation === 'CONNECT') return false;
  return a.type.group === '' && a.type.resource === 'pods' && !a.subresource && !!a.object;
}

/** newDefaultTolerationSeconds returns the plugin with the given flag values. */
export function newDefaultTolerationSeconds(opts: DefaultTolerationOptions = {}): AdmissionPlugin {
  return {
    name: DEFAULT_TOLERATION_SECONDS,
    mutates: handles,
    admit(a: Attributes): Status | undefined {
      if (!handles(a)) return undefined;
      const pod = a.object as Pod;
      if (pod.spec && typeof pod.spec === 'object') addDefaultTolerations(pod, opts);
      return undefined;
    },
  };
}
