/**
 * fieldSuggestions answers "did you mean …" for an unknown field: the properties
 * the OpenAPI schema allows where the field stands, closest first.
 */
import { modelForKind, modelSchema, propertyAt } from '../lab/openapi/schema';
import { type PathSegment, parseFieldPath } from './fieldPath';

/** MAX_SUGGESTIONS is how many names a quick fix offers. */
const MAX_SUGGESTIONS = 3;

/** allowedFields lists the property names of the object at parent (a field path) in the kind's schema. */
export function allowedFields(apiVersion: string, kind: string, parent: readonly PathSegment[]): string[] {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const model = modelForKind(group, version, kind);
  if (!model) return [];
  const names = parent.filter((s): s is { field: string } => 'field' in s).map((s) => s.field);
  let schema = propertyAt(model, names);
  while (schema && (schema.type === 'array' || schema.type === 'map')) schema = schema.type === 'array' ? schema.items : schema.additionalProperties;
  if (schema?.type !== 'object' || !schema.ref) return [];
  return Object.keys(modelSchema(schema.ref)?.properties ?? {});
}

/** suggestFields is the allowed names closest to the unknown field at path, nearest first; none when nothing is close. */
export function suggestFields(apiVersion: string, kind: string, path: string): string[] {
  const segments = parseFieldPath(path);
  const last = segments.at(-1);
  if (!last || !('field' in last)) return [];
  const unknown = last.field.toLowerCase();
  const ranked = allowedFields(apiVersion, kind, segments.slice(0, -1))
    .map((name) => ({ name, lower: name.toLowerCase(), d: distance(unknown, name.toLowerCase()) }))
    .filter(({ lower, d }) => d <= Math.max(2, Math.floor(lower.length / 3)) || lower.startsWith(unknown))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name));
  return ranked.slice(0, MAX_SUGGESTIONS).map((r) => r.name);
}

/** distance is the optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
