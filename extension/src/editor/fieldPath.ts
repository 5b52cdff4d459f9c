/**
 * fieldPath reads the field paths the API server puts in its errors —
 * `spec.template.spec.containers[0].image`, `metadata.labels[app.kubernetes.io/name]`,
 * `.spec.foo` — back into segments, as k8s.io/apimachinery's field.Path prints them:
 * names joined by dots, list indexes and map keys both in brackets.
 */

/** PathSegment is one step of a field path: a struct field, or a bracketed index or key (which one the YAML decides). */
export type PathSegment = { field: string } | { bracket: string };

/** parseFieldPath splits a field path into its segments; a leading dot (server-side apply, CRDs) is allowed. */
export function parseFieldPath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = path.startsWith('.') ? 1 : 0;
  let name = '';
  const flush = (): void => {
    if (name) out.push({ field: name });
    name = '';
  };
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      const close = path.indexOf(']', i + 1);
      const end = close < 0 ? path.length : close;
      out.push({ bracket: path.slice(i + 1, end) });
      i = end + 1;
    } else {
      name += c;
      i++;
    }
  }
  flush();
  return out;
}

/** formatFieldPath prints segments as upstream does. */
export function formatFieldPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) out += 'field' in s ? (out ? `.${s.field}` : s.field) : `[${s.bracket}]`;
  return out;
}

/** FIELD_PATH matches a message that starts with a field path and a colon, as field.Error prints (`spec.replicas: Invalid value: …`). */
const LEADING_PATH = /^((?:[A-Za-z_$][\w$-]*|\[[^\]]*\])(?:\.[A-Za-z_$][\w$-]*|\[[^\]]*\])*): /;

/** leadingFieldPath is the field path a warning or error message starts with, if it starts with one. */
export function leadingFieldPath(message: string): string | undefined {
  const m = LEADING_PATH.exec(message);
  // A bare word followed by a colon ("Warning: …", "error: …") is not a path: paths the server prints have a dot or a bracket.
  return m && /[.[]/.test(m[1]) ? m[1] : undefined;
}
