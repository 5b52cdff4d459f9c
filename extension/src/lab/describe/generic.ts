/**
 * generic is kubectl's genericDescriber, used for every kind without a
 * describer of its own: the object's fields as nested `Smart Label:\tvalue`
 * lines (sorted, metadata's name, namespace, labels, annotations and
 * managedFields left out) and its events.
 */
import type { KubeObject } from '../api/types';
import { goStringLess } from '../apiserver/printers/format';
import type { ResourceRef } from '../client/resources';
import { type DescribeContext, getObject } from './context';
import { describeEvents, refOf, searchEvents } from './events';
import { annotationsOf, labelsOf, printAnnotationsMultiline, printLabelsMultiline } from './multiline';
import { tabbedString, type PrefixWriter } from './prefixWriter';

const SKIP = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);
const ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

/** camelSplit is fatih/camelcase.Split: runs of lower, upper, digit and other, an upper run's last letter moved onto a following lower run. */
export function camelSplit(src: string): string[] {
  const classOf = (r: string) => (/\p{Ll}/u.test(r) ? 1 : /\p{Lu}/u.test(r) ? 2 : /\p{Nd}/u.test(r) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const r of src) {
    const c = classOf(r);
    if (c === last) runs[runs.length - 1].push(r);
    else runs.push([r]);
    last = c;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (/\p{Lu}/u.test(runs[i][0]) && /\p{Ll}/u.test(runs[i + 1][0])) runs[i + 1].unshift(runs[i].pop()!);
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

/** smartLabelFor turns a field name into a title (`apiVersion` is `API Version`); names with characters other than letters and '-' stay as they are. */
export function smartLabelFor(field: string): string {
  if (/[^\p{L}-]/u.test(field)) return field;
  return camelSplit(field)
    .map((part) => (ACRONYMS.has(part.toUpperCase()) ? part.toUpperCase() : part.charAt(0).toUpperCase() + part.slice(1)))
    .join(' ');
}

/** goFloat is Go's %v of a float64: shortest digits, exponent form from 1e+06 up and below 1e-04. */
export function goFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 2 ** 63) return BigInt(x).toString();
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
  const [mantissa, e] = x.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(x);
}

/** goValue is fmt's %v of a decoded JSON value. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return goFloat(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort(goStringLess).map((k) => `${k}:${goValue(o[k])}`).join(' ')}]`;
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** printUnstructuredContent prints content's fields sorted, nesting maps and lists one level deeper. */
export function printUnstructuredContent(w: PrefixWriter, level: number, content: Record<string, unknown>, skipPrefix: string): void {
  for (const field of Object.keys(content).sort(goStringLess)) {
    const value = content[field];
    const path = `${skipPrefix}.${field}`;
    if (SKIP.has(path)) continue;
    if (isMap(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printUnstructuredContent(w, level + 1, value, path);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of value) {
        if (isMap(child)) printUnstructuredContent(w, level + 1, child, path);
        else w.write(level + 1, `${goValue(child)}\n`);
      }
    } else {
      w.write(level, `${smartLabelFor(field)}:\t${goValue(value)}\n`);
    }
  }
}

/** describeGeneric reads any object and prints it field by field, then its events. */
export async function describeGeneric(ctx: DescribeContext, ref: ResourceRef, kind: string, namespace: string, name: string): Promise<string> {
  const obj: KubeObject = await getObject(ctx, ref, ref.namespaced ? namespace : '', name);
  const events = await searchEvents(ctx, refOf(obj, kind));
  return tabbedString((w) => {
    w.write(0, `Name:\t${obj.metadata.name ?? ''}\n`);
    w.write(0, `Namespace:\t${obj.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(obj));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(obj));
    printUnstructuredContent(w, 0, obj, '');
    describeEvents(events, w, ctx.now);
  });
}
