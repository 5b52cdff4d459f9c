/** selectors parses `?labelSelector=` and `?fieldSelector=` and matches objects against them. */
import { type Selector, matches, parseSelector } from '../api/labels';
import type { KubeObject } from '../api/types';
import { badRequest } from './errors';
import type { Status } from '../api/types';
import type { ResourceType } from './resources';

/** FieldRequirement is one `field=value` or `field!=value` clause. */
export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/** ObjectFilter is what a list or watch keeps. */
export interface ObjectFilter {
  labels: Selector;
  fields: FieldRequirement[];
  /** selectable computes the values of fields that are not plain paths (the resource's ToSelectableFields). */
  selectable?: (obj: KubeObject) => Record<string, string>;
}

/** parseFilter reads both selectors, checking field names against the resource's field labels. */
export function parseFilter(type: ResourceType, labelSelector: string | undefined, fieldSelector: string | undefined): ObjectFilter | Status {
  const labels = parseSelector(labelSelector);
  if ('error' in labels) return badRequest(`unable to parse requirement: ${labels.error}`);
  const fields: FieldRequirement[] = [];
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(type.strategy.fieldLabels ?? [])]);
  for (const clause of (fieldSelector ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(clause);
    if (!m) return badRequest(`invalid selector: '${fieldSelector}'; can't understand '${clause}'`);
    const field = type.strategy.fieldLabelAliases?.[m[1]] ?? m[1];
    if (!allowed.has(field)) return badRequest(`field label not supported: ${m[1]}`);
    fields.push({ field, value: m[3], negate: m[2] === '!=' });
  }
  const strategy = type.strategy;
  return strategy.selectableFields && fields.length ? { labels, fields, selectable: (o) => strategy.selectableFields?.(o) ?? {} } : { labels, fields };
}

/** pathParts caches each field path's parts: a fan-out matches every change against thousands of watchers' selectors. */
const pathParts = new Map<string, string[]>();

function fieldValue(obj: KubeObject, path: string): string {
  let parts = pathParts.get(path);
  if (!parts) pathParts.set(path, (parts = path.split('.')));
  let cur: unknown = obj;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'string' || typeof cur === 'number' || typeof cur === 'boolean' ? String(cur) : '';
}

/** selectedFieldValue is the value a field selector compares for field: the resource's computed value, else the field at that path. */
export function selectedFieldValue(filter: ObjectFilter, obj: KubeObject, field: string): string {
  return filter.selectable?.(obj)[field] ?? fieldValue(obj, field);
}

/** filterMatches reports whether obj passes both selectors. */
export function filterMatches(filter: ObjectFilter, obj: KubeObject): boolean {
  if (!matches(filter.labels, obj.metadata.labels)) return false;
  if (!filter.fields.length) return true;
  const computed = filter.selectable?.(obj);
  return filter.fields.every((f) => ((computed?.[f.field] ?? fieldValue(obj, f.field)) === f.value) !== f.negate);
}

