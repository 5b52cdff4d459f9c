/**
 * netexec is agnhost netexec's HTTP server (test/images/agnhost/netexec): the
 * e2e tests' probe of the pod network. /dial makes HTTP requests from the
 * pod's IP through the modelled network — the node's kube-proxy rules, like
 * any other in-cluster traffic — and answers which backends replied; /exit
 * ends the container with a code, at once or after a graceful shutdown.
 */
import { isIPv4 } from '../network/dns/dnsMessage';
import { hostsByName, parseHosts, parseResolvConf, searchOrder } from '../network/dns/stubResolver';
import type { ClientSocket } from '../network/packetEngine';
import { type Handler, type HttpResponse, type ServerContext, goText, header, klogTime } from './listeners';

/** DIAL_TIMEOUT_MS is createHTTPClient's http.Client Timeout. */
const DIAL_TIMEOUT_MS = 5000;
/** ARP_FAIL_MS is how long connect() waits for a neighbour before No route to host. */
const ARP_FAIL_MS = 3000;

/** netexecHandler serves netexec's endpoints. */
export function netexecHandler(ctx: ServerContext): Handler {
  const log = (line: string): void => ctx.log('stderr', `${klogTime(ctx.clock.now())}       1 log.go:245] ${line}`);
  return async (req, remote) => {
    const url = new URL(req.target, 'http://localhost');
    const q = url.searchParams;
    switch (url.pathname) {
      case '/dial': return dial(ctx, log, q);
      case '/exit': return exit(ctx, log, q);
      case '/shutdown':
        log('GET /shutdown');
        ctx.exit?.(0);
        return undefined;
      default: break;
    }
    log(`${req.method} ${url.pathname}${url.search}`);
    switch (url.pathname) {
      case '/': return goText(ctx, 200, `NOW: ${new Date(ctx.clock.now()).toISOString().replace('T', ' ').replace('Z', '')}000000 +0000 UTC`);
      case '/hostname': case '/hostName': return goText(ctx, 200, ctx.hostname);
      case '/clientip': return goText(ctx, 200, remote);
      case '/healthz': return goText(ctx, 200, '');
      case '/echo': {
        const code = Number(q.get('code') ?? 200);
        return goText(ctx, code, q.get('msg') ?? '');
      }
      case '/header': return goText(ctx, 200, header(req.headers, (q.get('key') ?? '').toLowerCase()) ?? '');
      default: return goText(ctx, 404, '404 page not found\n');
    }
  };
}

/** httpError is Go's http.Error: the message and a newline, as text, not to be sniffed. */
function httpError(ctx: ServerContext, status: number, message: string): HttpResponse {
  return goText(ctx, status, `${message}\n`, [['X-Content-Type-Options', 'nosniff']]);
}

/** atoi is strconv.Atoi: the number, or its error text. */
function atoi(s: string): number | string {
  return /^[+-]?\d+$/.test(s) && Math.abs(Number(s)) <= Number.MAX_SAFE_INTEGER ? Number(s) : `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
}

/** dial is dialHandler: tries requests to host:port, the bodies that came back as responses, the failures as errors. */
async function dial(ctx: ServerContext, log: (line: string) => void, q: URLSearchParams): Promise<HttpResponse> {
  const get = (k: string): string => q.get(k) ?? '';
  const [host, port, request, protocol, tryParam] = [get('host'), get('port'), get('request'), get('protocol'), get('tries')];
  log(`GET /dial?host=${host}&protocol=${protocol}&port=${port}&request=${request}&tries=${tryParam}`);
  let tries = 1;
  if (tryParam.length > 0) {
    const n = atoi(tryParam);
    if (typeof n === 'string') return httpError(ctx, 400, `tries parameter is invalid. ${n}`);
    tries = n;
  }
  if (request.length === 0) return httpError(ctx, 400, 'request parameter not specified. <nil>');
  const proto = protocol.toLowerCase();
  if (proto === 'udp' || proto === 'sctp') return httpError(ctx, 400, `unsupported protocol. ${protocol} (the lab models TCP only)`);
  if (proto !== '' && proto !== 'http') return httpError(ctx, 400, `unsupported protocol. ${protocol}`);
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const addr = await resolveTcpAddr(ctx, host, port);
  if (typeof addr === 'string') return httpError(ctx, 400, `host and/or port param are invalid. ${addr.replace('%s', hostPort)}`);
  const errors: string[] = [];
  const responses: string[] = [];
  let response = '';
  for (let i = 0; i < tries; i++) {
    const got = await dialHttp(ctx, request, addr.ip, addr.port);
    response = 'body' in got ? got.body : '';
    if ('error' in got) errors.push(got.error);
    else responses.push(got.body);
  }
  const output: { responses?: string[]; errors?: string[] } = {};
  if (response.length > 0) output.responses = responses;
  if (errors.length > 0) output.errors = errors;
  return goText(ctx, 200, JSON.stringify(output));
}

/** resolveTcpAddr is net.ResolveTCPAddr: an IPv4 literal or a name the pod's resolver finds, and a numeric port. */
async function resolveTcpAddr(ctx: ServerContext, host: string, port: string): Promise<{ ip: string; port: number } | string> {
  if (!/^\d+$/.test(port)) return `lookup tcp/${port}: unknown port`;
  const n = Number(port);
  if (n > 65535) return 'address %s: invalid port';
  if (host === '' || isIPv4(host)) return { ip: host || '127.0.0.1', port: n };
  const ip = await lookup(ctx, host);
  return typeof ip === 'string' ? { ip, port: n } : ip.error;
}

/**
 * lookup resolves a name as the Go resolver does in a pod: /etc/hosts, then
 * the nameservers of /etc/resolv.conf with its search list; when no server
 * answered, the error names the last one and how it failed.
 */
async function lookup(ctx: ServerContext, host: string): Promise<string | { error: string }> {
  const text = (path: string): string => {
    const d = ctx.fs.read(path);
    return typeof d === 'string' ? '' : d.toString();
  };
  const local = hostsByName(parseHosts(text('/etc/hosts')), host, 4)[0];
  if (local) return local.address;
  const conf = parseResolvConf(text('/etc/resolv.conf'));
  const network = ctx.network;
  let failure = '';
  for (const name of searchOrder(host, conf)) {
    for (const server of conf.nameservers) {
      const got = network ? await network.exchangeDns(server, 53, { name: name.toLowerCase(), type: 'A' }) : { timeout: true as const };
      if (!('reply' in got)) {
        failure = `lookup ${host} on ${server}:53: ${'refused' in got ? 'read: connection refused' : 'i/o timeout'}`;
        continue;
      }
      failure = '';
      const a = got.reply.answers.find((r) => r.type === 'A');
      if (got.reply.rcode === 'NOERROR' && a && 'address' in a) return a.address;
      break;
    }
  }
  return { error: failure || `lookup ${host}: no such host` };
}

/** sleep waits on the lab's clock. */
function sleep(ctx: ServerContext, ms: number): Promise<void> {
  return new Promise((resolve) => ctx.clock.setTimer(ms, resolve));
}

/** dialHttp is dialHTTP: GET http://ip:port/request with a 5 s client timeout, the body or Go's error text. */
async function dialHttp(ctx: ServerContext, request: string, ip: string, port: number): Promise<{ body: string } | { error: string }> {
  const url = `http://${ip}:${port}/${request}`;
  const deadline = `Get ${JSON.stringify(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
  const tcp = ctx.tcp;
  if (!tcp) {
    await sleep(ctx, DIAL_TIMEOUT_MS);
    return { error: deadline };
  }
  const { flow, socket } = tcp.connect(ip, port);
  if (!socket) {
    if (flow.outcome === 'Refused') return { error: `Get ${JSON.stringify(url)}: dial tcp ${ip}:${port}: connect: connection refused` };
    if (flow.outcome === 'HostUnreachable') {
      await sleep(ctx, ARP_FAIL_MS);
      return { error: `Get ${JSON.stringify(url)}: dial tcp ${ip}:${port}: connect: no route to host` };
    }
    await sleep(ctx, DIAL_TIMEOUT_MS);
    return { error: deadline };
  }
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = ctx.clock.setTimer(DIAL_TIMEOUT_MS, () => resolve('timeout'))));
  socket.send.write(`GET /${request} HTTP/1.1\r\nHost: ${ip}:${port}\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\n\r\n`);
  const body = await Promise.race([readResponse(socket), timeout]);
  timer?.cancel();
  socket.send.end();
  if (body === 'timeout') return { error: deadline };
  if (body === undefined) return { error: `Get ${JSON.stringify(url)}: EOF` };
  return { body: body.text };
}

/** readResponse reads one HTTP/1.1 response's body: by Content-Length, chunks, or to the close; undefined when the server closed first. */
async function readResponse(socket: ClientSocket): Promise<{ text: string } | undefined> {
  let buf = Buffer.alloc(0);
  const more = async (): Promise<boolean> => {
    const c = await socket.receive.read();
    if (!c) return false;
    buf = Buffer.concat([buf, c]);
    return true;
  };
  let end = -1;
  while ((end = buf.indexOf('\r\n\r\n')) < 0) if (!(await more())) return undefined;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  buf = buf.subarray(end + 4);
  const field = (name: string): string | undefined => lines.slice(1).find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const length = field('content-length');
  if (length !== undefined) {
    while (buf.length < Number(length)) if (!(await more())) return undefined;
    return { text: buf.subarray(0, Number(length)).toString() };
  }
  if (field('transfer-encoding')?.toLowerCase() === 'chunked') {
    const parts: Buffer[] = [];
    for (;;) {
      let nl = buf.indexOf('\r\n');
      while (nl < 0) {
        if (!(await more())) return undefined;
        nl = buf.indexOf('\r\n');
      }
      const size = parseInt(buf.subarray(0, nl).toString(), 16);
      if (!(size > 0)) return { text: Buffer.concat(parts).toString() };
      while (buf.length < nl + 2 + size + 2) if (!(await more())) return undefined;
      parts.push(buf.subarray(nl + 2, nl + 2 + size));
      buf = buf.subarray(nl + 2 + size + 2);
    }
  }
  while (await more());
  return { text: buf.toString() };
}

/** parseDuration is time.ParseDuration for what /exit takes (`5s`, `1m30s`, `250ms`, `0`): milliseconds, or undefined when invalid. */
export function parseDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let ms = 0;
  let i = 0;
  const sign = s.startsWith('-') ? -1 : 1;
  if (s[0] === '-' || s[0] === '+') i = 1;
  if (i >= s.length) return undefined;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return undefined;
    ms += Number(m[1]) * units[m[2]];
    i = re.lastIndex;
  }
  return sign * ms;
}

/** formatDuration is time.Duration's String for whole milliseconds: `0s`, `250ms`, `5s`, `1m30s`, `1h0m0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0 ? '-' : '';
  ms = Math.abs(ms);
  if (ms < 1000) return `${neg}${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${neg}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

/**
 * exit is exitHandler: after wait, with no timeout the process exits on the
 * spot (the request gets no answer); with one, the server shuts down
 * gracefully — the request is answered — and the process exits with the code.
 */
async function exit(ctx: ServerContext, log: (line: string) => void, q: URLSearchParams): Promise<HttpResponse | undefined> {
  const [waitString, timeoutString, codeString] = [q.get('wait') ?? '', q.get('timeout') ?? '', q.get('code') ?? ''];
  log(`GET /exit?code=${codeString}&timeout=${timeoutString}&wait=${waitString}`);
  const timeout = timeoutString === '' ? 0 : parseDuration(timeoutString);
  if (timeout === undefined) return goText(ctx, 200, `argument 'timeout' must be a valid golang duration or empty, got ${JSON.stringify(timeoutString)}\n`);
  const wait = waitString === '' ? 0 : parseDuration(waitString);
  if (wait === undefined) return goText(ctx, 200, `argument 'wait' must be a valid golang duration or empty, got ${JSON.stringify(waitString)}\n`);
  const code = codeString === '' ? 0 : atoi(codeString);
  if (typeof code === 'string') return goText(ctx, 200, `argument 'code' must be an integer [0-127] or empty, got ${JSON.stringify(codeString)}\n`);
  log(`Will begin shutdown in ${formatDuration(wait)}, allowing ${formatDuration(timeout)} for connections to close, then will exit with ${code}`);
  if (wait > 0) await sleep(ctx, wait);
  // os.Exit keeps the low 8 bits of the code, as the kernel reports it.
  const status = code & 0xff;
  if (timeout <= 0) {
    ctx.exit?.(status);
    return undefined;
  }
  log('Graceful shutdown completed with: <nil>');
  return { ...goText(ctx, 200, ''), after: () => ctx.exit?.(status) };
}
