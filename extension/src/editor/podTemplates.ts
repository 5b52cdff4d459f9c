/**
 * podTemplates knows where each workload kind keeps its pod spec, so admission
 * answers about pods (PodSecurity, quota, limits) and image checks can point at
 * the containers of a Deployment or a CronJob as well as of a Pod.
 */
import type { KubeObject } from '../lab/api/types';
import { parseFieldPath } from './fieldPath';

/** POD_SPEC_PATHS maps a kind to the field path of its pod spec. */
const POD_SPEC_PATHS: Record<string, string> = {
  Pod: 'spec',
  PodTemplate: 'template.spec',
  ReplicationController: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  Deployment: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

/** podSpecPath is the field path of kind's pod spec, if the kind has one. */
export function podSpecPath(kind: string): string | undefined {
  return POD_SPEC_PATHS[kind];
}

/** CONTAINER_LISTS are the pod spec's container lists, in the order PodSecurity names them. */
export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** ContainerRef is one container of an object and the field path that reaches it. */
export interface ContainerRef {
  path: string;
  name: string;
  container: Record<string, unknown>;
}

/** containersOf lists the object's containers (init, regular, ephemeral) with their paths. */
export function containersOf(obj: KubeObject): ContainerRef[] {
  const specPath = podSpecPath(String(obj.kind));
  if (!specPath) return [];
  const spec = valueAt(obj, specPath);
  if (!isRecord(spec)) return [];
  const out: ContainerRef[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((c: unknown, i) => {
      if (isRecord(c)) out.push({ path: `${specPath}.${list}[${i}]`, name: typeof c.name === 'string' ? c.name : '', container: c });
    });
  }
  return out;
}

/** valueAt reads the value at a field path (`spec.containers[0].image`) from an object. */
export function valueAt(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const s of parseFieldPath(path)) {
    if ('field' in s) v = isRecord(v) ? v[s.field] : undefined;
    else v = Array.isArray(v) ? (v[Number(s.bracket)] as unknown) : isRecord(v) ? v[s.bracket] : undefined;
  }
  return v;
}

/** isRecord tells a JSON object from arrays, null and scalars. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
