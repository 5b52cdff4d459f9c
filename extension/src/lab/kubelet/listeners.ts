/**
 * listeners are the simulated servers inside pods' network namespaces: what
 * nginx, httpd, hashicorp/http-echo and agnhost (netexec, serve-hostname)
 * answer on their ports, byte for byte as HTTP/1.1, with the access-log lines
 * each writes to its container's log. A container's listeners come from its
 * image and command line (`-listen=:5678`, `--http-port=8080`); whatever
 * reaches a pod port — port-forward today, Service traffic later — connects
 * to them through the sandbox.
 */
import type { Clock } from '../clock';
import type { TcpNetwork } from '../network/clusterNetwork';
import type { ContainerNetwork } from '../network/dns/podNetwork';
import type { ContainerFs } from './containerFs';
import { nginxVersion, repository } from './images';
import type { Output, Pipe } from './pipe';
import type { LogStream } from './containerLog';
import { netexecHandler } from './netexec';

/** Connection is one accepted TCP connection: the client's bytes arrive on input, the server answers on output. */
export interface Connection {
  input: Pipe;
  output: Output;
  /** close ends the server's side of the connection. */
  close(): void;
  /** remote is the client's address, `127.0.0.1:40712` for a port-forward. */
  remote: string;
}

/** Listener is a server bound to a port in the pod's network namespace. */
export interface Listener {
  port: number;
  accept(conn: Connection): void;
}

/** ServerContext is what a simulated server sees of its container. */
export interface ServerContext {
  clock: Clock;
  fs: ContainerFs;
  hostname: string;
  /** log appends a line to the container's log. */
  log(stream: LogStream, line: string): void;
  /** tcp opens connections from the pod's IP through the modelled network; none, nothing answers. */
  tcp?: TcpNetwork;
  /** network is the pod network for DNS; none, names do not resolve. */
  network?: ContainerNetwork;
  /** exit ends the container's main process with a status, as os.Exit does. */
  exit?(status: number): void;
}

/** HttpRequest is a parsed request. */
export interface HttpRequest {
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  body: Buffer;
}

/** HttpResponse is what a handler answers; headers are written in the given order. */
export interface HttpResponse {
  status: number;
  reason: string;
  headers: [string, string][];
  body: string | Buffer;
  /** after runs once the response is written (a graceful shutdown). */
  after?: () => void;
}

/** Handler answers a request; undefined when the server died before answering (the connection just closes). */
export type Handler = (req: HttpRequest, remote: string) => HttpResponse | undefined | Promise<HttpResponse | undefined>;

/** listenersFor decides which servers a container runs from its image and command line. */
export function listenersFor(ref: string, argv: string[], ctx: ServerContext): Listener[] {
  const repo = repository(ref);
  const program = argv[0]?.slice(argv[0].lastIndexOf('/') + 1) ?? '';
  if (repo === 'docker.io/library/nginx' && (program === 'nginx' || program === 'nginx-debug' || argv.includes('nginx'))) return [httpListener(80, nginx(ctx, nginxVersion(ref)))];
  if (repo === 'docker.io/library/httpd' && argv.some((a) => a.startsWith('httpd'))) return [httpListener(80, httpd(ctx))];
  if (repo === 'docker.io/hashicorp/http-echo' && program === 'http-echo') {
    const flag = (name: string): string | undefined => {
      for (let i = 1; i < argv.length; i++) {
        const a = argv[i].replace(/^--?/, '-');
        if (a === `-${name}`) return argv[i + 1];
        if (a.startsWith(`-${name}=`)) return a.slice(name.length + 2);
      }
      return undefined;
    };
    const port = Number(/:(\d+)$/.exec(flag('listen') ?? ':5678')?.[1] ?? 5678);
    ctx.log('stderr', `${goLogTime(ctx.clock.now())} [INFO] server is listening on :${port}`);
    return [httpListener(port, httpEcho(ctx, flag('text') ?? '', port))];
  }
  if (repo === 'registry.k8s.io/e2e-test-images/agnhost' && program === 'agnhost') {
    const sub = argv[1];
    const flag = (name: string, fallback: number): number => {
      const a = argv.find((x) => x.startsWith(`--${name}=`));
      return a ? Number(a.slice(name.length + 3)) : fallback;
    };
    if (sub === 'netexec') {
      const port = flag('http-port', 8080);
      ctx.log('stderr', `${klogTime(ctx.clock.now())}       1 log.go:245] Started HTTP server on port ${port}`);
      return [httpListener(port, netexecHandler(ctx))];
    }
    if (sub === 'serve-hostname') {
      const port = flag('port', 9376);
      ctx.log('stderr', `${goLogTime(ctx.clock.now())} Serving on port ${port}.`);
      return [httpListener(port, () => goText(ctx, 200, ctx.hostname))];
    }
  }
  return [];
}

/** httpListener serves HTTP/1.x on a port with keep-alive, one request after another. */
export function httpListener(port: number, handler: Handler): Listener {
  return { port, accept: (conn) => void serveHttp(conn, handler) };
}

async function serveHttp(conn: Connection, handler: Handler): Promise<void> {
  let buffer = Buffer.alloc(0);
  for (;;) {
    let end = buffer.indexOf('\r\n\r\n');
    while (end < 0) {
      const chunk = await conn.input.read();
      if (!chunk) {
        conn.close();
        return;
      }
      buffer = Buffer.concat([buffer, chunk]);
      end = buffer.indexOf('\r\n\r\n');
    }
    const head = buffer.subarray(0, end).toString('latin1').split('\r\n');
    buffer = buffer.subarray(end + 4);
    const [method = '', target = '', version = ''] = (head[0] ?? '').split(' ');
    const headers = head.slice(1).map((l): [string, string] => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]);
    const length = Number(header(headers, 'content-length') ?? 0);
    while (buffer.length < length) {
      const chunk = await conn.input.read();
      if (!chunk) break;
      buffer = Buffer.concat([buffer, chunk]);
    }
    const body = buffer.subarray(0, length);
    buffer = buffer.subarray(length);
    const req: HttpRequest = { method, target, version, headers, body };
    const res = /^HTTP\/1\.[01]$/.test(version) ? await handler(req, conn.remote) : { status: 400, reason: 'Bad Request', headers: [['Content-Type', 'text/plain'], ['Connection', 'close']] as [string, string][], body: '400 Bad Request' };
    if (!res) {
      conn.close();
      return;
    }
    const bodyBytes = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(res.body);
    conn.output.write(Buffer.concat([Buffer.from(`HTTP/1.1 ${res.status} ${res.reason}\r\n${res.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`, 'latin1'), bodyBytes]));
    if (res.after) {
      conn.close();
      res.after();
      return;
    }
    const connection = header(headers, 'connection')?.toLowerCase();
    if (connection === 'close' || (version === 'HTTP/1.0' && connection !== 'keep-alive') || header(res.headers, 'connection') === 'close') {
      conn.close();
      return;
    }
  }
}

/** header is a request or response header's value, case-insensitively. */
export function header(headers: [string, string][], name: string): string | undefined {
  return headers.find(([k]) => k.toLowerCase() === name)?.[1];
}

/** httpDate is an IMF-fixdate: `Thu, 01 Jan 2026 00:00:00 GMT`. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** commonLogTime is `01/Jan/2026:00:00:00 +0000`, the access logs' time. */
function commonLogTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** goLogTime is Go's log package timestamp, `2026/01/01 00:00:00`. */
function goLogTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, '/');
}

/** klogTime is klog's header, `I0101 00:00:00.000000`. */
export function klogTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `I${iso.slice(5, 7)}${iso.slice(8, 10)} ${iso.slice(11, 23)}000`;
}

/** NGINX_HTML_MTIME is when the nginx images' html files were built, for Last-Modified and ETag. */
const NGINX_HTML_MTIME = Date.UTC(2025, 3, 16, 12, 1, 11);
const REASONS: Record<number, string> = { 200: 'OK', 301: 'Moved Permanently', 400: 'Bad Request', 404: 'Not Found', 405: 'Not Allowed', 500: 'Internal Server Error' };

/** nginx serves /usr/share/nginx/html as nginx's default server does, and logs in its `main` format. */
function nginx(ctx: ServerContext, version: string): Handler {
  const root = '/usr/share/nginx/html';
  const errorPage = (status: number): string => `<html>\r\n<head><title>${status} ${REASONS[status]}</title></head>\r\n<body>\r\n<center><h1>${status} ${REASONS[status]}</h1></center>\r\n<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`;
  return (req, remote) => {
    const now = ctx.clock.now();
    const path = decodeURIComponent(req.target.split('?')[0] ?? '/');
    let status = 200;
    let body: Buffer | string;
    let file = `${root}${path}`;
    if (path.endsWith('/')) file += 'index.html';
    const content = ctx.fs.read(file);
    const headers: [string, string][] = [['Server', `nginx/${version}`], ['Date', httpDate(now)]];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      status = 405;
      body = errorPage(405);
      headers.push(['Content-Type', 'text/html'], ['Content-Length', String(body.length)], ['Connection', 'keep-alive']);
    } else if (typeof content === 'string') {
      status = 404;
      body = errorPage(404);
      headers.push(['Content-Type', 'text/html'], ['Content-Length', String(body.length)], ['Connection', 'keep-alive']);
      ctx.log('stderr', `${goLogTime(now)} [error] 29#29: *1 open() "${file}" failed (2: No such file or directory), client: ${remote.split(':')[0]}, server: localhost, request: "${req.method} ${req.target} ${req.version}", host: "${header(req.headers, 'host') ?? ''}"`);
    } else {
      body = content;
      const mtime = Math.floor(NGINX_HTML_MTIME / 1000);
      headers.push(['Content-Type', file.endsWith('.html') ? 'text/html' : 'application/octet-stream'], ['Content-Length', String(content.length)], ['Last-Modified', httpDate(NGINX_HTML_MTIME)],
        ['Connection', 'keep-alive'], ['ETag', `"${mtime.toString(16)}-${content.length.toString(16)}"`], ['Accept-Ranges', 'bytes']);
    }
    const sent = req.method === 'HEAD' ? 0 : Buffer.byteLength(body);
    ctx.log('stdout', `${remote.split(':')[0]} - - [${commonLogTime(now)}] "${req.method} ${req.target} ${req.version}" ${status} ${sent} "${header(req.headers, 'referer') ?? '-'}" "${header(req.headers, 'user-agent') ?? '-'}" "-"`);
    return { status, reason: REASONS[status] ?? '', headers, body };
  };
}

/** httpd serves its htdocs as Apache's httpd image does. */
function httpd(ctx: ServerContext): Handler {
  return (req, remote) => {
    const now = ctx.clock.now();
    const path = req.target.split('?')[0] ?? '/';
    const content = ctx.fs.read(`/usr/local/apache2/htdocs${path.endsWith('/') ? `${path}index.html` : path}`);
    const headers: [string, string][] = [['Date', httpDate(now)], ['Server', 'Apache/2.4.63 (Unix)']];
    let status = 200;
    let body: string | Buffer;
    if (typeof content === 'string') {
      status = 404;
      body = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n`;
      headers.push(['Content-Length', String(body.length)], ['Content-Type', 'text/html; charset=iso-8859-1']);
    } else {
      body = content;
      headers.push(['Last-Modified', 'Mon, 11 Jun 2007 18:53:14 GMT'], ['ETag', `"${content.length.toString(16)}-432a5e4a73a80"`], ['Accept-Ranges', 'bytes'], ['Content-Length', String(content.length)], ['Content-Type', 'text/html']);
    }
    ctx.log('stdout', `${remote.split(':')[0]} - - [${commonLogTime(now)}] "${req.method} ${req.target} ${req.version}" ${status} ${req.method === 'HEAD' ? '-' : Buffer.byteLength(body)}`);
    return { status, reason: status === 200 ? 'OK' : 'Not Found', headers, body };
  };
}

/** GO_STATUS_TEXT is net/http's StatusText for the codes the Go servers answer with. */
const GO_STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 307: 'Temporary Redirect', 400: 'Bad Request', 404: 'Not Found', 412: 'Precondition Failed', 417: 'Expectation Failed', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** goText is a Go net/http text answer: headers in Go's sorted order. */
export function goText(ctx: ServerContext, status: number, text: string, extra: [string, string][] = []): HttpResponse {
  const headers: [string, string][] = [...extra, ['Content-Length', String(Buffer.byteLength(text))], ['Content-Type', 'text/plain; charset=utf-8'], ['Date', httpDate(ctx.clock.now())]];
  headers.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { status, reason: GO_STATUS_TEXT[status] ?? '', headers, body: text };
}

/** httpEcho answers every path with its -text, as hashicorp/http-echo. */
function httpEcho(ctx: ServerContext, text: string, port: number): Handler {
  return (req, remote) => {
    const path = req.target.split('?')[0];
    const body = path === '/health' ? '{"status":"ok"}\n' : `${text}\n`;
    const res = goText(ctx, 200, body, [['X-App-Name', 'http-echo'], ['X-App-Version', '1.0.0']]);
    ctx.log('stderr', `${goLogTime(ctx.clock.now())} ${header(req.headers, 'host') ?? `localhost:${port}`} ${remote} "${req.method} ${req.target} ${req.version}" 200 ${Buffer.byteLength(body)} "${header(req.headers, 'user-agent') ?? ''}" 25.3µs`);
    return res;
  };
}
