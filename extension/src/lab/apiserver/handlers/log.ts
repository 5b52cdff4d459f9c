/**
 * log is GET pods/<name>/log, as upstream's LogREST: PodLogOptions from the query,
 * validated; the container chosen (LogLocation's validateContainer); then the
 * kubelet of the pod's node is asked for the container's log over its
 * /containerLogs endpoint, whose failures come back as GenericHttpResponseChecker
 * turns them into Statuses. The answer is text/plain. Kubelets are reached through
 * dialKubelet: a node without a connection refuses the dial, a cut-off node lets
 * it time out.
 */
import type { Node, Pod, Status } from '../../api/types';
import type { KubeletAnswer, KubeletStreaming, LogSink } from '../../kubelet/streaming';
import { parseTime } from '../../openapi/goTime';
import type { ApiResponse, HandlerContext } from '../apiServer';
import { badRequest, invalid, methodNotSupported, notFound } from '../errors';
import { type FieldError, forbidden, invalidValue } from '../fieldErrors';
import { type KubeletDial, dialKubelet } from '../kubeletDial';

/** ContainerLogOptions are the PodLogOptions the API server passes on to the kubelet (sinceTime as RFC 3339). */
export interface ContainerLogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
}

/** KubeletAnswer is the kubelet's HTTP answer: a status code and a plain-text body (the log, or the error). */
export type { KubeletAnswer };

/**
 * KubeletConnection is how the API server reaches a node's kubelet, as its
 * kubelet client does over HTTPS: logs, and the streaming endpoints a kubelet
 * may serve (exec, attach, port-forward, log follow).
 */
export interface KubeletConnection extends Partial<KubeletStreaming> {
  /** containerLogs is the kubelet's GET /containerLogs/<namespace>/<pod>/<container>. */
  containerLogs(namespace: string, pod: string, container: string, options: ContainerLogOptions): KubeletAnswer;
}

/** PodLogOptions are the query's options: which container, and how to read its log. */
export interface PodLogOptions extends ContainerLogOptions {
  container: string;
  insecureSkipTLSVerifyBackend: boolean;
}

/** The kubelet's port when the node does not report one (--kubelet-port). */
const DEFAULT_KUBELET_PORT = 10250;
/** kubeadm's --kubelet-preferred-address-types. */
const PREFERRED_ADDRESS_TYPES = ['InternalIP', 'ExternalIP', 'Hostname'];
const GO_INT64_MIN = -(2n ** 63n);
const GO_INT64_MAX = 2n ** 63n - 1n;
/** metav1.Time's zero value as RFC 3339. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** handleLog answers GET pods/<name>/log with the container's log as text (200), nothing (204), or upstream's Status. */
export async function handleLog(ctx: HandlerContext): Promise<ApiResponse | Status> {
  const found = await locateLog(ctx);
  if (!('dial' in found)) return found;
  const { dial, node, container, options } = found;
  if ('error' in dial) return unreachable(node, ctx.info.namespace, ctx.info.name, container, options, dial.error);
  const { kubelet } = dial;
  const answer = kubelet.containerLogs(ctx.info.namespace, ctx.info.name, container, options);
  if (answer.status === 200) return { status: 200, body: answer.body, contentType: 'text/plain' };
  return checkResponse(answer, ctx.info.name);
}

/**
 * handleLogFollow is pods/<name>/log with follow=true: the kubelet streams the
 * log into sink until the container ends; the result cancels it. A request
 * the kubelet refuses, or one with nothing to stream, is answered instead.
 */
export async function handleLogFollow(ctx: HandlerContext, sink: LogSink): Promise<ApiResponse | Status | { cancel(): void }> {
  const found = await locateLog(ctx);
  if (!('dial' in found)) return found;
  const { dial, node, container, options } = found;
  if ('error' in dial) return unreachable(node, ctx.info.namespace, ctx.info.name, container, options, dial.error);
  const { kubelet } = dial;
  if (!kubelet.followContainerLogs) {
    // A kubelet that cannot follow answers with the log so far, and the stream ends there.
    const answer = kubelet.containerLogs(ctx.info.namespace, ctx.info.name, container, options);
    return answer.status === 200 ? { status: 200, body: answer.body, contentType: 'text/plain' } : checkResponse(answer, ctx.info.name);
  }
  const followed = kubelet.followContainerLogs(ctx.info.namespace, ctx.info.name, container, options, sink);
  return 'cancel' in followed ? followed : checkResponse(followed, ctx.info.name);
}

/**
 * locateLog is LogREST's checks and LogLocation: the options decoded and
 * validated, the pod found, its container chosen, its node's kubelet looked
 * up; or the answer that ends the request first.
 */
async function locateLog(ctx: HandlerContext): Promise<ApiResponse | Status | { dial: KubeletDial; node: Node; container: string; options: ContainerLogOptions }> {
  const name = ctx.info.name;
  if (ctx.info.verb !== 'get') return methodNotSupported({ group: '', resource: 'pods/log' }, ctx.info.verb);
  const options = parsePodLogOptions(ctx.query);
  if (typeof options === 'string') return badRequest(options);
  const errs = validatePodLogOptions(options);
  if (errs.length) return invalid('PodLogOptions', '', name, errs);
  const pod = (await ctx.storage.get(ctx.info.namespace, name)) as Pod | undefined;
  if (!pod) return notFound({ group: '', resource: 'pods' }, name);
  const container = chooseContainer(pod, options.container);
  if (typeof container !== 'string') return container;
  const nodeName = pod.spec.nodeName;
  // A pod not yet on a node has no log to stream: an empty location, 204 No Content.
  if (!nodeName) return { status: 204, body: '', contentType: 'text/plain' };
  const node = (await ctx.storageFor('', 'nodes')?.get('', nodeName)) as Node | undefined;
  if (!node) return notFound({ group: '', resource: 'nodes' }, nodeName);
  const { container: _c, insecureSkipTLSVerifyBackend: _i, ...forKubelet } = options;
  return { dial: dialKubelet(ctx.server, nodeName), node, container, options: forKubelet };
}

/**
 * parsePodLogOptions decodes the query into PodLogOptions as the parameter codec
 * does: booleans are false only for "false" (any case) or "0"; integers parse as
 * strconv.ParseInt; sinceTime as RFC 3339. It returns the conversion error's text.
 */
export function parsePodLogOptions(query: Record<string, string | undefined>): PodLogOptions | string {
  const bool = (v: string | undefined): boolean => v !== undefined && v !== '0' && v.toLowerCase() !== 'false';
  const options: PodLogOptions = {
    container: query.container ?? '',
    follow: bool(query.follow),
    previous: bool(query.previous),
    timestamps: bool(query.timestamps),
    insecureSkipTLSVerifyBackend: bool(query.insecureSkipTLSVerifyBackend),
  };
  for (const key of ['sinceSeconds', 'tailLines', 'limitBytes'] as const) {
    const raw = query[key];
    if (raw === undefined) continue;
    const n = parseInt64(raw);
    if (typeof n === 'string') return n;
    options[key] = n;
  }
  const since = query.sinceTime;
  if (since !== undefined) {
    if (since === '' || since === 'null') options.sinceTime = ZERO_TIME;
    else {
      const parsed = parseTime(since, false);
      if (!parsed.ok) return parsed.error;
      options.sinceTime = parsed.text;
    }
  }
  return options;
}

/** parseInt64 is strconv.ParseInt(s, 10, 64), with its error text. */
function parseInt64(s: string): number | string {
  if (!/^[+-]?\d+$/.test(s)) return `strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`;
  const n = BigInt(s);
  if (n < GO_INT64_MIN || n > GO_INT64_MAX) return `strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`;
  return Number(n);
}

/** validatePodLogOptions is core/validation's ValidatePodLogOptions (stream selection off, as in 1.32). */
export function validatePodLogOptions(o: PodLogOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (o.tailLines !== undefined && o.tailLines < 0) errs.push(invalidValue('tailLines', o.tailLines, 'must be greater than or equal to 0'));
  if (o.limitBytes !== undefined && o.limitBytes < 1) errs.push(invalidValue('limitBytes', o.limitBytes, 'must be greater than 0'));
  if (o.sinceSeconds !== undefined && o.sinceTime !== undefined) {
    errs.push(forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (o.sinceSeconds !== undefined && o.sinceSeconds < 1) {
    errs.push(invalidValue('sinceSeconds', o.sinceSeconds, 'must be greater than 0'));
  }
  return errs;
}

/**
 * chooseContainer is validateContainer: a named container must exist in the pod (of
 * any kind); without a name, a pod with one container means that one.
 */
export function chooseContainer(pod: Pod, container: string): string | Status {
  const spec = pod.spec as Pod['spec'] & { ephemeralContainers?: { name: string }[] };
  const name = pod.metadata.name ?? '';
  // podutil.VisitContainers' order: init containers, containers, ephemeral containers.
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  if (container) return all.includes(container) ? container : badRequest(`container ${container} is not valid for pod ${name}`);
  const containers = spec.containers ?? [];
  if (containers.length === 1) return containers[0].name;
  if (containers.length === 0) return badRequest(`a container name must be specified for pod ${name}`);
  return badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
}

/** checkResponse is GenericHttpResponseChecker.Check of a kubelet's non-200 answer for pods/log. */
function checkResponse(answer: KubeletAnswer, name: string): Status {
  if (answer.status === 400) return badRequest(answer.body);
  if (answer.status === 500) {
    return { ...failure(500, `Internal error occurred: ${answer.body}`, 'InternalError'), details: { causes: [{ message: answer.body }] } };
  }
  // NewGenericServerResponse with no verb: `<message> ( pods/log <name>)`.
  const [message, reason] = answer.status === 404
    ? ['the server could not find the requested resource', 'NotFound']
    : [`the server responded with the status code ${answer.status} but did not return more information`, undefined];
  return { ...failure(answer.status, `${message} ( pods/log ${name})`, reason), details: { name, kind: 'pods/log' } };
}

/**
 * unreachable is the 500 of a log request to a node whose kubelet does not answer:
 * the HTTP client's error, `Get "https://<ip>:10250/containerLogs/...": dial tcp ...:
 * <dialError>` (connection refused, or i/o timeout), which the server passes on as
 * an unknown-reason Status.
 */
function unreachable(node: Node, namespace: string, pod: string, container: string, o: ContainerLogOptions, dialError: string): Status {
  const addresses = node.status?.addresses ?? [];
  const address = PREFERRED_ADDRESS_TYPES.map((t) => addresses.find((a) => a.type === t)).find((a) => a !== undefined);
  if (!address) return failure(500, `no preferred addresses found; known addresses: [${addresses.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
  const host = `${address.address}:${port}`;
  // LogLocation's query, url.Values.Encode sorts it by key.
  const params: [string, string][] = [];
  if (o.follow) params.push(['follow', 'true']);
  if (o.limitBytes !== undefined) params.push(['limitBytes', String(o.limitBytes)]);
  if (o.previous) params.push(['previous', 'true']);
  if (o.sinceSeconds !== undefined) params.push(['sinceSeconds', String(o.sinceSeconds)]);
  if (o.sinceTime !== undefined) params.push(['sinceTime', o.sinceTime]);
  if (o.tailLines !== undefined) params.push(['tailLines', String(o.tailLines)]);
  if (o.timestamps) params.push(['timestamps', 'true']);
  const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
  return failure(500, `Get "https://${host}/containerLogs/${namespace}/${pod}/${container}${query}": dial tcp ${host}: ${dialError}`);
}

function failure(code: number, message: string, reason?: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, ...(reason ? { reason } : {}), code };
}
