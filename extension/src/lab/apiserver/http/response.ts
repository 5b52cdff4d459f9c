/**
 * response writes API answers the way apiserver's responsewriters do: the body
 * in the negotiated encoding, `Content-Type` naming it, one `Warning` header per
 * warning, `Retry-After` for a Status that asks for one, and on every response
 * the `Audit-Id` and `Cache-Control: no-cache, private` headers of the
 * WithAuditInit and WithCacheControl filters.
 */
import type { ServerResponse } from 'node:http';
import { stringify } from 'yaml';
import type { KubeList, KubeObject, Status } from '../../api/types';
import type { ApiResponse } from '../apiServer';
import { type Negotiated, encodeJson } from './negotiation';
import { warningHeaders } from './warnings';

/** TableConvertOptions are the request's table options (metav1.TableOptions) and the endpoint that answered. */
export interface TableConvertOptions {
  /** version is the meta.k8s.io version of Table the client asked for. */
  version: 'v1' | 'v1beta1';
  /** includeObject is `?includeObject=`; Metadata when absent, as asTable defaults it. */
  includeObject: IncludeObject;
  /** noHeaders asks for rows without column definitions: every watch event after the first. */
  noHeaders: boolean;
  /** endpoint is the resource the answer came from, for looking up its printer. */
  endpoint: { group: string; version: string; resource: string; subresource: string };
}

/** IncludeObject is metav1.IncludeObjectPolicy. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/**
 * TableConvertor renders a resource's answer as a meta.k8s.io Table, as the
 * printers do for `kubectl get`. A Status fails the request with its code;
 * undefined means it cannot convert, and the object is sent as it is.
 */
export type TableConvertor = (body: KubeObject | KubeList, options: TableConvertOptions) => object | undefined;

/** ResponseContext is what every answer to one request shares. */
export interface ResponseContext {
  auditId: string;
  negotiated: Negotiated;
  /** pretty is `?pretty`, a human client's User-Agent, or the Accept clause's pretty=1. */
  pretty: boolean;
  /** table converts successful answers when the Accept clause asked for a Table. */
  table?: { convert: TableConvertor; options: TableConvertOptions };
}

/** commonHeaders are the headers every response carries. */
export function commonHeaders(auditId: string): Record<string, string> {
  return { 'Audit-Id': auditId, 'Cache-Control': 'no-cache, private' };
}

/**
 * writeApiResponse sends an API server answer: an object converted to a Table
 * when asked and it succeeded, encoded as negotiated, or a body the server
 * typed itself (pod logs' text/plain) as it is.
 */
export function writeApiResponse(res: ServerResponse, answer: ApiResponse, ctx: ResponseContext): void {
  const raw = answer.contentType !== undefined && typeof answer.body === 'string';
  const body = raw ? answer.body : convertBody(answer.body, answer.status, ctx);
  const status = body !== answer.body && isStatus(body) ? (body.code ?? 500) : answer.status;
  const headers: Record<string, string | string[]> = { ...commonHeaders(ctx.auditId), 'Content-Type': raw ? (answer.contentType as string) : ctx.negotiated.mediaType };
  const warnings = warningHeaders(answer.warnings ?? []);
  if (warnings.length) headers.Warning = warnings.map(latin1);
  const retry = isStatus(body) ? body.details?.retryAfterSeconds : undefined;
  if (retry && retry > 0) headers['Retry-After'] = String(retry);
  const text = raw ? (body as string) : body === undefined ? '' : encode(body, ctx);
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** writeRawJson is responsewriters.WriteRawJSON: indented JSON, no trailing newline (/version, a negotiation failure). */
export function writeRawJson(res: ServerResponse, status: number, body: unknown, auditId: string): void {
  const text = encodeJson(body, true);
  res.writeHead(status, { ...commonHeaders(auditId), 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** writeText sends a plain-text answer (the health endpoints). */
export function writeText(res: ServerResponse, status: number, body: string, headers: Record<string, string>, auditId: string): void {
  res.writeHead(status, { ...commonHeaders(auditId), ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** encode renders a body in the negotiated encoding. */
function encode(body: unknown, ctx: Pick<ResponseContext, 'negotiated' | 'pretty'>): string {
  if (ctx.negotiated.mediaType === 'application/yaml') return stringify(body, { indentSeq: false, lineWidth: 0 });
  return encodeJson(body, ctx.pretty || ctx.negotiated.pretty);
}

/** convertBody applies the Table conversion to a successful non-Status answer. */
export function convertBody(body: unknown, status: number, ctx: ResponseContext, noHeaders = false): unknown {
  if (!ctx.table || status < 200 || status >= 300 || typeof body !== 'object' || body === null || isStatus(body)) return body;
  return ctx.table.convert(body as KubeObject | KubeList, { ...ctx.table.options, noHeaders }) ?? body;
}

function isStatus(body: unknown): body is Status {
  return typeof body === 'object' && body !== null && (body as Partial<Status>).kind === 'Status';
}

/** latin1 lets a header carry UTF-8 text: Node writes header strings as Latin-1, so each UTF-8 byte becomes one character. */
function latin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}
