/**
 * multiline holds describe.go's "Title:\tfirst\n\tsecond" printers: labels,
 * annotations, taints and tolerations, each sorted as kubectl sorts them.
 */
import type { Obj } from '../apiserver/printers/fields';
import { controllerOf } from '../api/meta';
import type { KubeObject } from '../api/types';
import { goStringLess } from '../apiserver/printers/format';
import { arr, has, num, str, strMap } from '../apiserver/printers/fields';
import { goSort } from './goSort';
import type { PrefixWriter } from './prefixWriter';

/** MAX_ANNOTATION_LEN is describe.go's maxAnnotationLen. */
const MAX_ANNOTATION_LEN = 140;

/** LAST_APPLIED is the annotation describe never prints. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** printLabelsMultiline is printLabelsMultilineWithIndent: `key=value` lines, sorted, `<none>` when empty. */
export function printLabelsMultiline(w: PrefixWriter, title: string, labels: Record<string, string>, initialIndent = '', innerIndent = '\t'): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const keys = Object.keys(labels).sort(goStringLess);
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) {
      w.write(0, initialIndent);
      w.write(0, innerIndent);
    }
    w.write(0, `${key}=${labels[key]}\n`);
  });
}

function shorten(s: string, max: number): string {
  return Buffer.byteLength(s) > max ? `${Buffer.from(s).subarray(0, max).toString()}...` : s;
}

/** printAnnotationsMultiline prints annotations; long or multi-line values go below their key, cut at 138 bytes. */
export function printAnnotationsMultiline(w: PrefixWriter, title: string, annotations: Record<string, string>): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations).filter((k) => k !== LAST_APPLIED).sort(goStringLess);
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = annotations[key].replace(/\n$/, '');
    if (Buffer.byteLength(value) + Buffer.byteLength(key) + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, `${key}:\n`);
      for (const s of value.split('\n')) w.write(0, `\t  ${shorten(s, MAX_ANNOTATION_LEN - 2)}\n`);
    } else {
      w.write(0, `${key}: ${value}\n`);
    }
  });
}

/** taintString is Taint.ToString: `key=value:Effect`, `key:Effect`, or just `key`. */
export function taintString(t: unknown): string {
  const key = str(t, 'key');
  const value = str(t, 'value');
  const effect = str(t, 'effect');
  if (effect === '') return value === '' ? key : `${key}=${value}:`;
  return value === '' ? `${key}:${effect}` : `${key}=${value}:${effect}`;
}

/** printTaintsMultiline sorts taints by "effect,key" as describe does. */
export function printTaintsMultiline(w: PrefixWriter, title: string, taints: unknown[]): void {
  w.write(0, `${title}:\t`);
  if (taints.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const sorted = goSort([...taints], (a, b) => `${str(a, 'effect')},${str(a, 'key')}` < `${str(b, 'effect')},${str(b, 'key')}`);
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${taintString(t)}\n`);
  });
}

function tolerationString(t: Obj): string {
  const key = str(t, 'key');
  const value = str(t, 'value');
  const effect = str(t, 'effect');
  let s = key;
  if (value !== '') s += `=${value}`;
  if (effect !== '') s += `:${effect}`;
  // A bare `operator: Exists` tolerates everything.
  if (str(t, 'operator') === 'Exists' && value === '') s += key !== '' || effect !== '' ? ' op=Exists' : 'op=Exists';
  if (has(t, 'tolerationSeconds')) s += ` for ${num(t, 'tolerationSeconds')}s`;
  return s;
}

/** printTolerationsMultiline sorts tolerations by key as describe does. */
export function printTolerationsMultiline(w: PrefixWriter, title: string, tolerations: unknown[]): void {
  w.write(0, `${title}:\t`);
  if (tolerations.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const sorted = goSort([...tolerations] as Obj[], (a, b) => str(a, 'key') < str(b, 'key'));
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${tolerationString(t)}\n`);
  });
}

/** printBool is describe.go's printBool: `True` or `False`. */
export function printBool(v: boolean): string {
  return v ? 'True' : 'False';
}

/** stringOrNone is `<none>` for an empty string. */
export function stringOrNone(s: string): string {
  return s === '' ? '<none>' : s;
}

/** printController is `Kind/name` of the object's controller, or ''. */
export function printController(obj: KubeObject): string {
  const ref = controllerOf(obj);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

/** labelsOf and annotationsOf read an object's metadata maps. */
export function labelsOf(obj: unknown): Record<string, string> {
  return strMap(obj, 'metadata', 'labels');
}

export function annotationsOf(obj: unknown): Record<string, string> {
  return strMap(obj, 'metadata', 'annotations');
}

/** sortedKeys is a map's keys in byte order, as sort.Strings leaves them. */
export function sortedKeys(m: unknown): string[] {
  return typeof m === 'object' && m !== null ? Object.keys(m).sort(goStringLess) : [];
}

/** items is a list field's entries as objects. */
export function items(v: unknown, ...path: string[]): Obj[] {
  return arr(v, ...path).filter((x): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x));
}
