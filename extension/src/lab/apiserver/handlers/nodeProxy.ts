/**
 * nodeProxy is nodes/<name>/proxy/<path>, as upstream's node ProxyREST: the id
 * is split as utilnet.SplitSchemeNamePort splits it (`[scheme:]name[:port]`),
 * the node located as ResourceLocation and NodeConnectionInfoGetter locate it,
 * and the request forwarded to the node's kubelet, whose answer — status, body
 * and Content-Type — comes back as it is. A port other than the kubelet's
 * reaches nothing in the lab; neither does a node without a kubelet, nor one
 * cut off the network (the dial times out): the proxy transport's error is
 * upstream's 503, `error trying to reach service`.
 */
import type { Node, Status } from '../../api/types';
import type { KubeletHttpAnswer } from '../../kubelet/kubeletServer';
import type { ApiResponse, HandlerContext } from '../apiServer';
import { badRequest, notFound } from '../errors';
import { CONNECTION_REFUSED, DIAL_TIMEOUT, dialKubelet } from '../kubeletDial';

/** KubeletHttp is a kubelet connection that serves the kubelet's read-only HTTP endpoints. */
export interface KubeletHttp {
  serveHttp(method: string, path: string): KubeletHttpAnswer;
}

/** hasKubeletHttp tells a kubelet connection that serves HTTP from one that does not. */
export function hasKubeletHttp(kubelet: unknown): kubelet is KubeletHttp {
  return typeof (kubelet as Partial<KubeletHttp> | undefined)?.serveHttp === 'function';
}

/** The kubelet's port when the node does not report one (ports.KubeletPort). */
const DEFAULT_KUBELET_PORT = 10250;
/** kubeadm's --kubelet-preferred-address-types. */
const PREFERRED_ADDRESS_TYPES = ['InternalIP', 'ExternalIP', 'Hostname'];
const VALID_SCHEMES = new Set(['', 'http', 'https']);

/** ProxyId is a node proxy's id split: the scheme and port are empty unless given. */
export interface ProxyId {
  scheme: string;
  name: string;
  port: string;
}

/** splitSchemeNamePort is utilnet.SplitSchemeNamePort: `name`, `name:port` or `scheme:name:port`; undefined when invalid. */
export function splitSchemeNamePort(id: string): ProxyId | undefined {
  const parts = id.split(':');
  const [scheme, name, port] = parts.length === 1 ? ['', parts[0], ''] : parts.length === 2 ? ['', parts[0], parts[1]] : parts.length === 3 ? parts : [];
  if (name === undefined || name === '' || !VALID_SCHEMES.has(scheme)) return undefined;
  return { scheme, name, port };
}

/**
 * proxyPath is the path the kubelet is asked for: what follows `/proxy` in the
 * request's path, the trailing slash kept (JoinPreserveTrailingSlash), `/` for none.
 */
export function proxyPath(requestPath: string): string {
  const rest = /^\/api\/v1\/nodes\/[^/]+\/proxy(?=\/|$)(.*)$/.exec(requestPath)?.[1] ?? '';
  const parts = rest.split('/').filter((p) => p !== '');
  if (!parts.length) return '/';
  return `/${parts.join('/')}${rest.endsWith('/') ? '/' : ''}`;
}

/** handleNodeProxy answers nodes/<id>/proxy/<path> with the kubelet's answer, or upstream's Status as a response. */
export async function handleNodeProxy(ctx: HandlerContext, method: string): Promise<ApiResponse> {
  const answer = await proxy(ctx, method);
  return 'code' in answer ? { status: answer.code ?? 500, body: answer } : answer;
}

async function proxy(ctx: HandlerContext, method: string): Promise<ApiResponse | Status> {
  const id = splitSchemeNamePort(ctx.info.name);
  if (!id) return badRequest(`invalid node request ${JSON.stringify(ctx.info.name)}`);
  const node = (await ctx.storage.get('', id.name)) as Node | undefined;
  if (!node) return notFound({ group: '', resource: 'nodes' }, id.name);
  const addresses = node.status?.addresses ?? [];
  const address = PREFERRED_ADDRESS_TYPES.map((t) => addresses.find((a) => a.type === t)).find((a) => a !== undefined);
  if (!address) return failure(500, `no preferred addresses found; known addresses: [${addresses.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`);
  const kubeletPort = String(node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT);
  const port = id.port || kubeletPort;
  const dialed = dialKubelet(ctx.server, id.name);
  const host = `${address.address}:${port}`;
  // A cut-off node answers no port; on one that is up only the kubelet listens, and any other port refuses the connection.
  if ('error' in dialed && dialed.error === DIAL_TIMEOUT) return unreachable(host, DIAL_TIMEOUT);
  if (port !== kubeletPort || !('kubelet' in dialed) || !hasKubeletHttp(dialed.kubelet)) return unreachable(host, CONNECTION_REFUSED);
  const answer = dialed.kubelet.serveHttp(method, proxyPath(ctx.info.path));
  return { status: answer.status, body: answer.body, contentType: answer.contentType };
}

/** unreachable is proxy.Transport's error for a backend the dial does not reach (dialError: refused, or timed out): errors.NewServiceUnavailable. */
function unreachable(host: string, dialError: string): Status {
  return failure(503, `error trying to reach service: dial tcp ${host}: ${dialError}`, 'ServiceUnavailable');
}

function failure(code: number, message: string, reason?: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, ...(reason ? { reason } : {}), code };
}
