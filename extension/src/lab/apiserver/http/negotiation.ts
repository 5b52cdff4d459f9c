/**
 * negotiation picks a response's media type from the request's Accept header, as
 * apiserver's endpoints/handlers/negotiation does over goautoneg's ordering:
 * clauses by q, then the more specific first (a concrete type, then a concrete
 * subtype, then more parameters). The lab serves JSON and YAML; a clause for
 * protobuf is answered in JSON (clients decode by the response's Content-Type);
 * a clause asking for a conversion (`as=Table;g=meta.k8s.io;v=v1`) is taken only
 * when the endpoint can convert, else the next clause is tried.
 */
import type { Status } from '../../api/types';

/** AcceptClause is one media range of an Accept header. */
export interface AcceptClause {
  type: string;
  subType: string;
  q: number;
  params: Record<string, string>;
}

/** Negotiated is the chosen encoding and conversion. */
export interface Negotiated {
  mediaType: 'application/json' | 'application/yaml';
  /** convert is the `as=` the clause asked for, with its group and version. */
  convert?: { kind: string; group: string; version: string };
  /** pretty is the clause's `pretty=1`. */
  pretty: boolean;
}

/** SERVED_MEDIA_TYPES are upstream's for built-in resources, in its order; the 406 message lists them. */
export const SERVED_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'] as const;

/** parseAccept is goautoneg.ParseAccept: clauses that parse, best first. */
export function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(',')) {
    const [range, ...rawParams] = part.split(';').map((s) => s.trim());
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\/([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(range);
    if (!m) continue;
    const clause: AcceptClause = { type: m[1].toLowerCase(), subType: m[2].toLowerCase(), q: 1, params: {} };
    if (clause.type === '*' && clause.subType !== '*') continue;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq <= 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (key === 'q') clause.q = Number.parseFloat(value) || 0;
      else clause.params[key] = value;
    }
    clauses.push(clause);
  }
  return clauses.map((c, i) => [c, i] as const).sort(([a, i], [b, j]) => compareClauses(a, b) || i - j).map(([c]) => c);
}

function compareClauses(a: AcceptClause, b: AcceptClause): number {
  if (a.q !== b.q) return b.q - a.q;
  const wildType = (c: AcceptClause): number => (c.type === '*' ? 1 : 0);
  const wildSub = (c: AcceptClause): number => (c.subType === '*' ? 1 : 0);
  return wildType(a) - wildType(b) || wildSub(a) - wildSub(b) || Object.keys(b.params).length - Object.keys(a.params).length;
}

/**
 * negotiate is NegotiateOutputMediaType: the first clause the server can
 * answer, or undefined (406). canConvert says whether the endpoint serves a
 * clause's `as=` conversion; an empty Accept means JSON.
 */
export function negotiate(header: string | undefined, canConvert: (to: { kind: string; group: string; version: string }) => boolean): Negotiated | undefined {
  if (!header) return { mediaType: 'application/json', pretty: false };
  for (const clause of parseAccept(header)) {
    const mediaType = answeredAs(clause);
    if (!mediaType) continue;
    const { as, g, v, pretty } = clause.params;
    const convert = as !== undefined || g !== undefined || v !== undefined ? { kind: as ?? '', group: g ?? '', version: v ?? '' } : undefined;
    if (convert && !canConvert(convert)) continue;
    return { mediaType, ...(convert ? { convert } : {}), pretty: pretty === '1' };
  }
  return undefined;
}

/** answeredAs maps a clause to the encoding that answers it. */
function answeredAs(c: AcceptClause): Negotiated['mediaType'] | undefined {
  if (c.type === '*') return 'application/json';
  if (c.type !== 'application') return undefined;
  if (c.subType === '*' || c.subType === 'json' || c.subType === 'vnd.kubernetes.protobuf') return 'application/json';
  if (c.subType === 'yaml') return 'application/yaml';
  return undefined;
}

/** notAcceptable is errNotAcceptable's Status (406). */
export function notAcceptable(): Status {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: `only the following media types are accepted: ${SERVED_MEDIA_TYPES.join(', ')}`, reason: 'NotAcceptable', code: 406,
  };
}

/** isPrettyPrint is negotiation's isPrettyPrint: `?pretty=`, else a browser's or curl's or wget's User-Agent. */
export function isPrettyPrint(params: URLSearchParams, userAgent: string | undefined): boolean {
  const pp = params.get('pretty');
  if (pp) return parseGoBool(pp) ?? false;
  const ua = userAgent ?? '';
  return ua.startsWith('curl') || ua.startsWith('Wget') || ua.startsWith('Mozilla/5.0');
}

/** parseGoBool is strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/**
 * encodeJson is the JSON serializer's output: json.Encoder's compact line (with
 * its newline), or json.MarshalIndent's two-space indent (without one); both
 * escape `<`, `>`, `&`, U+2028 and U+2029 as encoding/json does.
 */
export function encodeJson(value: unknown, pretty: boolean): string {
  const text = pretty ? JSON.stringify(value, null, 2) : `${JSON.stringify(value)}\n`;
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
