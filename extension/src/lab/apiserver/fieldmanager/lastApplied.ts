/**
 * lastApplied bridges client-side and server-side apply for the `kubectl` manager,
 * as lastappliedmanager.go and lastappliedupdater.go do: conflicts on fields that the
 * last-applied-configuration annotation still describes exactly are forgiven (the
 * object was kubectl's already), and a kubectl server-side apply refreshes that
 * annotation when the object has one.
 */
import type { KubeObject } from '../../api/types';
import { goValueJson } from '../patch/goFormat';
import type { FieldSet } from './fieldSet';
import { compare } from './compare';
import { toFieldSet } from './toFieldSet';
import { type Atom, isMap } from './typeRef';
import { validate } from './validate';

/** LAST_APPLIED is kubectl's client-side apply annotation. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Upstream's limit on the total size of an object's annotations (apimachinery ValidateAnnotationsSize). */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** allowedConflicts is the fields live still holds as the annotation recorded them, or undefined when there is no usable annotation. */
export function allowedConflicts(live: KubeObject | undefined, apiVersion: string, atom: Atom): FieldSet | undefined {
  const text = live?.metadata.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isMap(last) || last.apiVersion !== apiVersion || validate(last, atom).length > 0) return undefined;
  const c = compare(last, live, atom);
  return toFieldSet(last, atom).difference(c.modified).difference(c.added).difference(c.removed);
}

/** refreshLastApplied sets the annotation on obj to the applied configuration, if obj has one; it is dropped when it would not fit. */
export function refreshLastApplied(obj: KubeObject, config: Record<string, unknown>): void {
  if (!obj.metadata.annotations?.[LAST_APPLIED]) return;
  const annotations: Record<string, string> = { ...obj.metadata.annotations, [LAST_APPLIED]: buildLastApplied(config) };
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED];
  obj.metadata.annotations = annotations;
}

/** buildLastApplied is the configuration without the annotation itself, encoded as unstructured JSON is (sorted keys, a final newline). */
function buildLastApplied(config: Record<string, unknown>): string {
  const copy = structuredClone(config);
  const meta = copy.metadata;
  if (isMap(meta) && isMap(meta.annotations)) delete meta.annotations[LAST_APPLIED];
  return `${goValueJson(copy)}\n`;
}
