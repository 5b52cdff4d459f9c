/**
 * controllerUtils holds what several controllers share, as pkg/controller's
 * controller_utils.go: expectations, owner references, pod templates.
 */
import type { Clock } from '../clock';
import { controllerOf } from '../api/meta';
import type { KubeObject, OwnerReference, Pod, PodTemplateSpec } from '../api/types';

/** Expectations older than this are ignored (ExpectationsTimeout). */
const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

/**
 * Expectations remember creates and deletes a controller has asked for but not
 * yet seen in its informer, so it does not act twice on stale state.
 */
export class Expectations {
  private readonly pending = new Map<string, { add: number; del: number; at: number }>();

  constructor(private readonly clock: Clock) {}

  expect(key: string, add: number, del: number): void {
    this.pending.set(key, { add, del, at: this.clock.now() });
  }

  creationObserved(key: string): void {
    const e = this.pending.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.pending.get(key);
    if (e) e.del--;
  }

  satisfied(key: string): boolean {
    const e = this.pending.get(key);
    return !e || (e.add <= 0 && e.del <= 0) || this.clock.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  delete(key: string): void {
    this.pending.delete(key);
  }
}

/** ownerRef makes the controller owner reference to put on a dependent. */
export function ownerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** isControlledBy reports whether obj's controller is owner. */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

/** podFromTemplate is GetPodFromTemplate: a new pod for owner from its template. */
export function podFromTemplate(template: PodTemplateSpec, owner: KubeObject): Pod {
  const tm = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata.name ?? ''}-`,
      namespace: owner.metadata.namespace,
      labels: { ...tm.labels },
      ...(tm.annotations ? { annotations: { ...tm.annotations } } : {}),
      ...(tm.finalizers ? { finalizers: [...tm.finalizers] } : {}),
      ownerReferences: [ownerRef(owner)],
    },
    spec: structuredClone(template.spec),
  };
}

/** fnv32a is the FNV-1a hash over a string's UTF-8 bytes. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
