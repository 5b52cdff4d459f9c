/**
 * client POSTs an AdmissionReview to a webhook and decodes the answer, as
 * upstream's webhook ClientManager and client-go's REST client do: the URL it
 * builds (`https://<svc>.<ns>.svc:443/<path>?timeout=10s` for a Service), the
 * timeout, and the wording of every way the exchange can fail.
 */
import type { WebhookClientConfig } from './types';
import { callingError, type CallingError } from './errors';
import type { ServiceResolver, WebhookHttpResponse, WebhookTransport } from './transport';

/** DEFAULT_TIMEOUT_SECONDS is v1's default timeoutSeconds. */
export const DEFAULT_TIMEOUT_SECONDS = 10;

/** client-go's cap on how much of a non-JSON error body it quotes. */
const MAX_UNSTRUCTURED_RESPONSE_TEXT_BYTES = 2048;

/** ClientDeps are the injected network pieces. */
export interface ClientDeps {
  transport: WebhookTransport;
  resolveService: ServiceResolver;
}

/** Target is where a webhook is reached: the URL errors quote, the URL dialled, and the TLS name to verify. */
interface Target {
  displayUrl: string;
  dialUrl: string;
  serverName?: string;
}

/** postReview sends body to the webhook and returns the decoded JSON answer, or the CallingError upstream would report. */
export async function postReview(webhook: string, config: WebhookClientConfig, timeoutSeconds: number | undefined, body: string, deps: ClientDeps): Promise<{ review: Record<string, unknown> } | { error: CallingError }> {
  const seconds = timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const target = await resolveTarget(webhook, config, `timeout=${seconds}s`, deps.resolveService);
  if ('error' in target) return target;
  const caBundle = config.caBundle ? Buffer.from(config.caBundle, 'base64').toString('utf8') : undefined;
  const res = await deps.transport.post(target.dialUrl, body, { timeoutMs: seconds * 1000, ...(caBundle ? { caBundle } : {}), ...(target.serverName ? { serverName: target.serverName } : {}) });
  if ('error' in res) return { error: callingError(webhook, `failed to call webhook: Post "${target.displayUrl}": ${res.error}`) };
  const decoded = decodeResponse(res);
  if (typeof decoded === 'string') return { error: callingError(webhook, `failed to call webhook: ${decoded}`) };
  return { review: decoded };
}

async function resolveTarget(webhook: string, config: WebhookClientConfig, query: string, resolveService: ServiceResolver): Promise<Target | { error: CallingError }> {
  if (config.service) {
    const { namespace, name } = config.service;
    const port = config.service.port || 443;
    const serverName = `${name}.${namespace}.svc`;
    const path = cleanPath(config.service.path);
    const displayUrl = `https://${serverName}:${port}${path}?${query}`;
    const endpoint = await resolveService(namespace, name, port);
    if ('error' in endpoint) return { error: callingError(webhook, `failed to call webhook: Post "${displayUrl}": ${endpoint.error}`) };
    return { displayUrl, dialUrl: `https://${hostPort(endpoint.host, endpoint.port)}${path}?${query}`, serverName };
  }
  if (!config.url) {
    return { error: callingError(webhook, `could not get REST client: failed calling webhook "${webhook}": webhook configuration must have either service or URL`) };
  }
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(config.url);
  if (!m) {
    return { error: callingError(webhook, `could not get REST client: failed calling webhook "${webhook}": Unparsable URL: parse ${JSON.stringify(config.url)}: invalid URL`) };
  }
  const url = `${m[1]}://${m[2]}${cleanPath(m[3])}?${query}`;
  return { displayUrl: url, dialUrl: url };
}

/** cleanPath is path.Join's result for the REST client's prefix: rooted, no trailing slash. */
function cleanPath(path: string | undefined): string {
  const p = `/${(path ?? '').replace(/^\/+/, '')}`;
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** decodeResponse is REST Result.Into: a JSON object on 2xx, otherwise the error client-go would return. */
function decodeResponse(res: WebhookHttpResponse): Record<string, unknown> | string {
  const parsed = parseJson(res.body);
  const failure = 'value' in parsed ? failureStatusMessage(parsed.value) : undefined;
  if (res.status < 200 || res.status > 206) return failure ?? genericServerResponse(res);
  if (res.body.length === 0) return `0-length response with status code: ${res.status} and content type: ${res.contentType ?? 'application/json'}`;
  if ('error' in parsed) return `couldn't get version/kind; json parse error: ${parsed.error}`;
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonTypeName(value)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
  }
  const obj = value as Record<string, unknown>;
  if (typeof obj.kind !== 'string' || obj.kind === '') return `Object 'Kind' is missing in '${res.body}'`;
  return failure ?? obj;
}

function parseJson(body: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(body) as unknown };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** failureStatusMessage is the message of a body client-go decodes as a metav1.Status that is not a success. */
function failureStatusMessage(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const s = v as { kind?: unknown; status?: unknown; message?: unknown };
  if (s.kind !== 'Status' || s.status === 'Success') return undefined;
  return typeof s.message === 'string' ? s.message : '';
}

function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'string';
}

/** genericServerResponse is apierrors.NewGenericServerResponse's message for a status without a Status body. */
function genericServerResponse(res: WebhookHttpResponse): string {
  const text = !res.contentType || /^\s*text\//i.test(res.contentType);
  const serverMessage = text ? Buffer.from(res.body).subarray(0, MAX_UNSTRUCTURED_RESPONSE_TEXT_BYTES).toString('utf8').trim() : 'unknown';
  switch (res.status) {
    case 400: return 'the server rejected our request for an unknown reason';
    case 401: return 'the server has asked for the client to provide credentials';
    case 403: return serverMessage;
    case 404: return 'the server could not find the requested resource';
    case 405: return 'the server does not allow this method on the requested resource';
    case 406: return !serverMessage || serverMessage === 'unknown' ? 'the server was unable to respond with a content type that the client supports' : serverMessage;
    case 409: return 'the server reported a conflict';
    case 415: return serverMessage;
    case 422: return 'the server rejected our request due to an error in our request';
    case 429: return 'the server has received too many requests and has asked us to try again later';
    case 503: return 'the server is currently unable to handle the request';
    case 504: return 'the server was unable to return a response in the time allotted, but may still be processing the request';
    default:
      return res.status >= 500
        ? `an error on the server (${JSON.stringify(serverMessage)}) has prevented the request from succeeding`
        : `the server responded with the status code ${res.status} but did not return more information`;
  }
}
