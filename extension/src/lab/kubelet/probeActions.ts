/**
 * probeActions run one probe or lifecycle-hook action against a simulated
 * container, as the kubelet's pkg/probe does against a real one: an HTTP GET
 * to the pod's IP (the server listening on that port in the sandbox answers),
 * a TCP connect, a command exec'd in the container, or a gRPC health check.
 * Results and failure texts are upstream's: `HTTP probe failed with
 * statuscode: 500`, Go's `dial tcp …: connect: connection refused`, the
 * command's output, `command "…" timed out`.
 */
import type { Container } from '../api/types';
import type { Clock, Timer } from '../clock';
import { goDuration } from './backOff';
import { expand } from './containerEnv';
import type { Listener } from './listeners';
import { Collector, Pipe, closedPipe } from './pipe';
import { Interrupt } from './process';
import type { ContainerRecord, SimulatedRuntime } from './runtime';

/** KUBE_MINOR_VERSION is the kubelet's major.minor, which its probes' User-Agent carries (kube-probe/1.32). */
const KUBE_MINOR_VERSION = '1.32';
/** MAX_READ_LENGTH is how much of a command's output or a response body a probe keeps (10 KiB). */
const MAX_READ_LENGTH = 10 * 1024;
/** MAX_REDIRECTS is how many redirects Go's HTTP client follows before it gives up. */
const MAX_REDIRECTS = 10;
/** TCP_SYN_TIMEOUT_MS is how long Linux retries a connect nobody answers (tcp_syn_retries 6). */
const TCP_SYN_TIMEOUT_MS = 127_000;

export interface HTTPHeader {
  name: string;
  value: string;
}

/** HTTPGetAction is v1.HTTPGetAction. */
export interface HTTPGetAction {
  path?: string;
  port: number | string;
  host?: string;
  scheme?: string;
  httpHeaders?: HTTPHeader[];
}

/** ProbeHandler is v1.ProbeHandler; a lifecycle handler has sleep instead of grpc. */
export interface ProbeHandler {
  exec?: { command?: string[] };
  httpGet?: HTTPGetAction;
  tcpSocket?: { port: number | string; host?: string };
  grpc?: { port: number; service?: string };
  sleep?: { seconds: number };
}

/** Probe is v1.Probe. */
export interface Probe extends ProbeHandler {
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

/** ProbeResult is probe.Result: what one try of a probe found. */
export type ProbeResult = 'success' | 'warning' | 'failure' | 'unknown';

/** ProbeOutcome is one try's result and output, or the error that kept it from running (upstream's err). */
export type ProbeOutcome = { result: ProbeResult; output: string } | { result: 'unknown'; error: string };

/** ProbeTarget is where an action runs: the container, its pod's sandbox, and the node the kubelet dials from. */
export interface ProbeTarget {
  runtime: SimulatedRuntime;
  clock: Clock;
  container: Container;
  record: ContainerRecord;
  podIP: string;
  /** sourceIP is the node's address on the pod network, which the servers see connections come from. */
  sourceIP: string;
  /** nodeIPs are addresses of the node itself, where nothing of the pod listens. */
  nodeIPs: string[];
}

/** resolveContainerPort is probe.ResolveContainerPort: a number as is, a name through the container's ports. */
export function resolveContainerPort(port: number | string, container: Container): number | { error: string } {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const found = (container.ports ?? []).find((p) => p.name === port);
    if (!found) return { error: `port ${goQuote(port)} not found` };
    n = found.containerPort;
  }
  return n > 0 && n < 65536 ? n : { error: `invalid port number: ${n}` };
}

/** Dialed is what a TCP connect found: a server, a refusal, or no answer before the timeout. */
type Dialed = { listener: Listener } | { refused: true } | { unreachable: true };

/** dial finds what listens on host:port from the node: the pod's own sandbox, another pod on the node, or nothing. */
function dial(target: ProbeTarget, host: string, port: number): Dialed {
  if (host === 'localhost' || host === '127.0.0.1' || target.nodeIPs.includes(host)) return { refused: true };
  const listener = target.runtime.listenerAt(host, port);
  if (listener) return { listener };
  return target.runtime.hasPodIP(host) ? { refused: true } : { unreachable: true };
}

let nextPort = 50_000;

/** HttpAnswer is a response as the probe's client read it. */
interface HttpAnswer {
  status: number;
  headers: [string, string][];
  body: string;
}

/**
 * httpRequest sends one GET over a fresh connection (the probes' transport
 * disables keep-alives) and reads the answer until the server closes it.
 */
async function httpRequest(target: ProbeTarget, host: string, port: number, path: string, headers: [string, string][], timeoutMs: number, signal: Interrupt): Promise<HttpAnswer | 'refused' | 'timeout' | 'cancelled' | 'unreachable'> {
  const dialed = dial(target, host, port);
  if ('refused' in dialed) return 'refused';
  if ('unreachable' in dialed && !Number.isFinite(timeoutMs)) {
    // Without a client timeout the kernel gives up on the SYN after its retries.
    const waited = await within(target.clock, TCP_SYN_TIMEOUT_MS, signal, new Promise<never>(() => undefined));
    return waited === 'cancelled' ? waited : 'unreachable';
  }
  const input = new Pipe();
  const output = new Pipe();
  const hostHeader = headers.find(([k]) => k.toLowerCase() === 'host')?.[1] || hostPort(host, port);
  const lines = [`GET ${path} HTTP/1.1`, `Host: ${hostHeader}`, ...headers.filter(([k]) => k.toLowerCase() !== 'host').map(([k, v]) => `${k}: ${v}`), 'Connection: close', 'Accept-Encoding: gzip'];
  const answered = new Promise<'closed'>((resolve) => {
    if ('listener' in dialed) {
      nextPort = nextPort >= 60_999 ? 50_000 : nextPort + 1;
      dialed.listener.accept({ input, output, close: () => { output.end(); resolve('closed'); }, remote: `${target.sourceIP}:${nextPort}` });
      input.write(`${lines.join('\r\n')}\r\n\r\n`);
      input.end();
    }
  });
  const outcome = await within(target.clock, timeoutMs, signal, answered);
  if (outcome !== 'closed') return outcome;
  return parseResponse(await output.readAll()) ?? 'timeout';
}

/** parseResponse reads a status line, headers and a body (by Content-Length, else to the end). */
function parseResponse(raw: Buffer): HttpAnswer | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number((head[0] ?? '').split(' ')[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers = head.slice(1).map((l): [string, string] => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]);
  const length = headers.find(([k]) => k.toLowerCase() === 'content-length')?.[1];
  const rest = raw.subarray(end + 4);
  const body = length === undefined ? rest : rest.subarray(0, Number(length));
  return { status, headers, body: body.subarray(0, MAX_READ_LENGTH).toString() };
}

/** within resolves with work's value, or 'timeout' once ms pass (never for Infinity), or 'cancelled' when signal fires. */
function within<T>(clock: Clock, ms: number, signal: Interrupt, work: Promise<T>): Promise<T | 'timeout' | 'cancelled'> {
  let timer: Timer | undefined;
  let off = (): void => undefined;
  const stop = new Promise<'timeout' | 'cancelled'>((resolve) => {
    if (Number.isFinite(ms)) timer = clock.setTimer(ms, () => resolve('timeout'));
    off = signal.onFire(() => resolve('cancelled'));
  });
  return Promise.race([work, stop]).finally(() => {
    timer?.cancel();
    off();
  });
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** HttpGetResult is what an HTTP GET action came to: a response, or Go's client error text. */
export type HttpGetResult = { status: number; body: string } | { error: string };

/**
 * httpGet is the kubelet's HTTP GET of a probe or hook (NewRequestForHTTPGetAction
 * and the client's Do): scheme, host (the pod's IP by default), port by number
 * or name, path and headers, User-Agent kube-<purpose>/1.32, redirects on the
 * same host followed, errors worded as Go's net/http.
 */
export async function httpGet(target: ProbeTarget, action: HTTPGetAction, timeoutMs: number, purpose: 'probe' | 'lifecycle', signal = new Interrupt()): Promise<HttpGetResult | { invalid: string }> {
  const port = resolveContainerPort(action.port, target.container);
  if (typeof port !== 'number') return { invalid: port.error };
  const scheme = (action.scheme || 'HTTP').toLowerCase();
  const host = action.host || target.podIP;
  let path = action.path ?? '';
  const headers: [string, string][] = (action.httpHeaders ?? []).map((h) => [h.name, h.value]);
  const has = (name: string): [string, string] | undefined => headers.find(([k]) => k.toLowerCase() === name.toLowerCase());
  if (!has('User-Agent')) headers.unshift(['User-Agent', `kube-${purpose}/${KUBE_MINOR_VERSION}`]);
  const accept = has('Accept');
  if (!accept) headers.push(['Accept', '*/*']);
  else if (accept[1] === '') headers.splice(headers.indexOf(accept), 1);
  let url = `${scheme}://${hostPort(host, port)}${path}`;
  const started = target.clock.now();
  for (let redirects = 0; ; redirects++) {
    const left = timeoutMs - (target.clock.now() - started);
    if (scheme === 'https') {
      const dialed = dial(target, host, port);
      if ('listener' in dialed) return { error: `Get ${goQuote(url)}: http: server gave HTTP response to HTTPS client` };
    }
    const res = await httpRequest(target, host, port, path || '/', headers, left, signal);
    if (res === 'refused') return { error: `Get ${goQuote(url)}: dial tcp ${hostPort(host, port)}: connect: connection refused` };
    if (res === 'timeout') return { error: `Get ${goQuote(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
    if (res === 'cancelled') return { error: `Get ${goQuote(url)}: context canceled` };
    if (res === 'unreachable') return { error: `Get ${goQuote(url)}: dial tcp ${hostPort(host, port)}: connect: connection timed out` };
    const location = res.headers.find(([k]) => k.toLowerCase() === 'location')?.[1];
    if (res.status < 300 || res.status >= 400 || !location) return res;
    const next = new URL(location, url);
    // Redirects to another host end the chain: their answer is the redirect itself (followNonLocalRedirects is false).
    if (next.host !== new URL(url).host) return res;
    if (redirects + 1 >= MAX_REDIRECTS) return { error: `Get ${goQuote(next.toString())}: stopped after ${MAX_REDIRECTS} redirects` };
    path = next.pathname + next.search;
    url = next.toString();
  }
}

/**
 * runProbeAction runs a probe's handler once (the prober's ProberAction.Run):
 * HTTP 200–399 succeeds (3xx with a warning), a TCP connect succeeds, an exec
 * succeeds with exit 0, and a gRPC check needs a server speaking
 * grpc.health.v1, which no simulated image runs.
 */
export async function runProbeAction(target: ProbeTarget, probe: Probe): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds || 1) * 1000;
  if (probe.exec) return execProbe(target, probe.exec.command ?? [], timeoutMs);
  if (probe.httpGet) {
    const res = await httpGet(target, probe.httpGet, timeoutMs, 'probe');
    if ('invalid' in res) return { result: 'unknown', error: res.invalid };
    if ('error' in res) return { result: 'failure', output: res.error };
    if (res.status >= 200 && res.status < 300) return { result: 'success', output: res.body };
    if (res.status >= 300 && res.status < 400) return { result: 'warning', output: `Probe terminated redirects, Response body: ${res.body}` };
    return { result: 'failure', output: `HTTP probe failed with statuscode: ${res.status}` };
  }
  if (probe.tcpSocket) {
    const port = resolveContainerPort(probe.tcpSocket.port, target.container);
    if (typeof port !== 'number') return { result: 'unknown', error: port.error };
    const host = probe.tcpSocket.host || target.podIP;
    const dialed = dial(target, host, port);
    if ('listener' in dialed) return { result: 'success', output: '' };
    if ('refused' in dialed) return { result: 'failure', output: `dial tcp ${hostPort(host, port)}: connect: connection refused` };
    await within(target.clock, timeoutMs, new Interrupt(), new Promise<never>(() => undefined));
    return { result: 'failure', output: `dial tcp ${hostPort(host, port)}: i/o timeout` };
  }
  if (probe.grpc) {
    // The dial blocks until a server completes the HTTP/2 handshake; none does, so the deadline passes.
    await within(target.clock, timeoutMs, new Interrupt(), new Promise<never>(() => undefined));
    return { result: 'failure', output: `timeout: failed to connect service ${goQuote(hostPort(target.podIP, probe.grpc.port))} within ${goDuration(timeoutMs)}: context deadline exceeded` };
  }
  return { result: 'unknown', error: 'missing probe handler' };
}

/** ExecOutcome is how a command run in the container ended: its exit code and output, a timeout, or the runtime's error. */
export type ExecOutcome = { exitCode: number; stdout: string; stderr: string } | { timedOut: string } | { error: string };

/**
 * execInContainer is the runtime's ExecSync: the command runs in the container
 * with no stdin, its stdout and stderr gathered apart; past timeoutMs (0: no
 * limit) it is killed and the answer is `command "…" timed out`; a program the
 * image lacks is the runtime's gRPC error, and so is a cancelled call.
 */
export async function execInContainer(target: ProbeTarget, argv: string[], timeoutMs: number, cancel = new Interrupt()): Promise<ExecOutcome> {
  const stdout = new Collector();
  const stderr = new Collector();
  const signal = new Interrupt();
  const run = target.runtime.exec(target.record, argv, { stdin: closedPipe(), stdout, stderr }, signal);
  const ended = await within(target.clock, timeoutMs > 0 ? timeoutMs : Infinity, cancel, run);
  if (ended === 'timeout' || ended === 'cancelled') {
    signal.fire();
    return ended === 'timeout' ? { timedOut: `command ${goQuote(argv.join(' '))} timed out` } : { error: 'rpc error: code = Canceled desc = context canceled' };
  }
  if ('error' in ended) return { error: `rpc error: code = Unknown desc = ${ended.error}` };
  return { exitCode: ended.exitCode, stdout: stdout.text, stderr: stderr.text };
}

/** execProbe is the exec prober: exit 0 succeeds, another code fails with the output, a timeout fails, a runtime error is an error. */
async function execProbe(target: ProbeTarget, command: string[], timeoutMs: number): Promise<ProbeOutcome> {
  // Only the container's literal env values expand in a probe's command (ExpandContainerCommandOnlyStatic).
  const statics = new Map((target.container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value ?? '']));
  const argv = command.map((x) => expand(x, (n) => statics.get(n)));
  const res = await execInContainer(target, argv, timeoutMs);
  if ('timedOut' in res) return { result: 'failure', output: res.timedOut };
  if ('error' in res) return { result: 'unknown', error: res.error };
  // The runtime hands back stdout, then stderr (RunInContainer), of which the prober keeps the first 10 KiB.
  return { result: res.exitCode === 0 ? 'success' : 'failure', output: (res.stdout + res.stderr).slice(0, MAX_READ_LENGTH) };
}

/** goQuote is Go's %q of a string: double quotes, with Go's escapes for quotes, backslashes and control characters. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
