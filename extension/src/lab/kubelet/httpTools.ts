/**
 * httpTools are the images' HTTP clients, connecting from the pod's IP through
 * the modelled network (ContainerSystem.tcp): busybox's `wget` applet and
 * curl (7.88.1, as Debian bookworm ships it in the nginx image). Names
 * resolve as the C library does — /etc/hosts, then the nameservers of
 * /etc/resolv.conf with its search list and ndots. Connection failures take
 * the kernel's time (3 s of unanswered ARP, 127 s of SYN retries) and end
 * with the tools' own messages and exit codes.
 */
import { isIPv4 } from '../network/dns/dnsMessage';
import { hostsByName, parseHosts, parseResolvConf, searchOrder } from '../network/dns/stubResolver';
import type { ClientSocket, Flow } from '../network/packetEngine';
import { resolvePath } from './containerFs';
import type { ProgramTable } from './coreutils';
import { type Proc, sleepFor } from './process';

/** httpTools are wget (busybox, alpine) and curl (images that ship it). */
export function httpTools(): ProgramTable {
  return { wget, curl };
}

/** ARP_FAIL_MS is how long a neighbour lookup waits before No route to host (3 probes, 1 s apart). */
const ARP_FAIL_MS = 3000;
/** SYN_TIMEOUT_MS is how long connect() waits with tcp_syn_retries=6 (1+2+4+8+16+32+64 s). */
const SYN_TIMEOUT_MS = 127_000;
const CURL_VERSION = '7.88.1';

/** Url is a parsed http:// URL. */
interface Url {
  host: string;
  port: number;
  path: string;
}

function parseUrl(raw: string): Url | undefined {
  const m = /^(?:(https?):\/\/)?([^/:?#]+)(?::(\d+))?([^#]*)/i.exec(raw);
  if (!m || (m[1] && m[1].toLowerCase() !== 'http')) return undefined;
  const path = m[4] || '/';
  return { host: m[2], port: m[3] ? Number(m[3]) : 80, path: path.startsWith('/') ? path : `/${path}` };
}

/** resolveHost finds a host's IPv4 address: a literal, /etc/hosts, then DNS through the search list. */
export async function resolveHost(p: Proc, host: string): Promise<string | undefined> {
  if (isIPv4(host)) return host;
  const text = (path: string): string => {
    const d = p.system.fs.read(path);
    return typeof d === 'string' ? '' : d.toString();
  };
  const local = hostsByName(parseHosts(text('/etc/hosts')), host, 4)[0];
  if (local) return local.address;
  const conf = parseResolvConf(text('/etc/resolv.conf'));
  const network = p.system.network;
  if (!network) return undefined;
  for (const name of searchOrder(host, conf)) {
    for (let attempt = 0; attempt < conf.attempts; attempt++) {
      for (const server of conf.nameservers) {
        const got = await network.exchangeDns(server, 53, { name: name.toLowerCase(), type: 'A' });
        if ('reply' in got) {
          const a = got.reply.answers.find((r) => r.type === 'A');
          if (got.reply.rcode === 'NOERROR' && a && 'address' in a) return a.address;
          attempt = conf.attempts;
          break;
        }
        if ('timeout' in got && !(await sleepFor(p, conf.timeoutMs))) return undefined;
      }
    }
  }
  return undefined;
}

/** HttpAnswer is a parsed response. */
interface HttpAnswer {
  statusLine: string;
  status: number;
  head: string;
  body: Buffer;
}

/** exchange writes a request on a connected socket and reads the response: by Content-Length, chunks, or to the close. */
async function exchange(socket: ClientSocket, request: string, head: boolean): Promise<HttpAnswer | undefined> {
  socket.send.write(request);
  let buf = Buffer.alloc(0);
  let end = -1;
  while ((end = buf.indexOf('\r\n\r\n')) < 0) {
    const chunk = await socket.receive.read();
    if (!chunk) return undefined;
    buf = Buffer.concat([buf, chunk]);
  }
  const headText = buf.subarray(0, end).toString('latin1');
  let rest = buf.subarray(end + 4);
  const lines = headText.split('\r\n');
  const header = (name: string): string | undefined => lines.slice(1).find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const status = Number(lines[0]?.split(' ')[1] ?? 0);
  const length = header('content-length');
  const more = async (): Promise<boolean> => {
    const c = await socket.receive.read();
    if (!c) return false;
    rest = Buffer.concat([rest, c]);
    return true;
  };
  let body: Buffer;
  if (head || status === 204 || status === 304) {
    body = Buffer.alloc(0);
  } else if (length !== undefined) {
    while (rest.length < Number(length) && (await more()));
    body = rest.subarray(0, Number(length));
  } else if (header('transfer-encoding')?.toLowerCase() === 'chunked') {
    const parts: Buffer[] = [];
    for (;;) {
      let nl = rest.indexOf('\r\n');
      while (nl < 0 && (await more())) nl = rest.indexOf('\r\n');
      const size = parseInt(rest.subarray(0, nl).toString(), 16);
      if (!(size > 0)) break;
      while (rest.length < nl + 2 + size + 2 && (await more()));
      parts.push(rest.subarray(nl + 2, nl + 2 + size));
      rest = rest.subarray(nl + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  } else {
    while (await more());
    body = rest;
  }
  socket.send.end();
  return { statusLine: lines[0] ?? '', status, head: `${headText}\r\n\r\n`, body };
}

/** connectFor dials ip:port from the container, waiting as the kernel does for a connection that fails slowly. */
async function connectFor(p: Proc, ip: string, port: number, timeoutMs: number): Promise<{ socket?: ClientSocket; flow?: Flow; timedOutAfter?: number }> {
  const tcp = p.system.tcp;
  if (!tcp) {
    await sleepFor(p, Math.min(timeoutMs, SYN_TIMEOUT_MS));
    return { timedOutAfter: Math.min(timeoutMs, SYN_TIMEOUT_MS) };
  }
  const { flow, socket } = tcp.connect(ip, port);
  const wait = flow.outcome === 'HostUnreachable' ? ARP_FAIL_MS : flow.outcome === 'TimedOut' ? SYN_TIMEOUT_MS : 0;
  if (wait > timeoutMs) {
    await sleepFor(p, timeoutMs);
    return { flow, timedOutAfter: timeoutMs };
  }
  if (wait) await sleepFor(p, wait);
  return socket ? { socket, flow } : { flow };
}

function baseNameOf(path: string): string {
  const clean = path.split('?')[0];
  const last = clean.slice(clean.lastIndexOf('/') + 1);
  return last || 'index.html';
}

/** progressLine is busybox's progress meter at its end, as printed without a terminal. */
function progressLine(name: string, size: number): string {
  return `${name.padEnd(20).slice(0, 20)} 100% |${'*'.repeat(31)}| ${String(size).padStart(5)}  0:00:00 ETA\n`;
}

/** wget is busybox's applet: -q, -O FILE (- for stdout), -T SEC, -S, -U AGENT, --spider, -Y. */
async function wget(p: Proc, argv: string[]): Promise<number> {
  let quiet = false;
  let output: string | undefined;
  let timeoutS = 900;
  let agent = 'Wget';
  let spider = false;
  let showHeaders = false;
  const urls: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '-O') output = argv[++i];
    else if (a.startsWith('-O')) output = a.slice(2);
    else if (a === '-qO-' || a === '-qO') [quiet, output] = [true, a === '-qO-' ? '-' : argv[++i]];
    else if (a === '-T') timeoutS = Number(argv[++i]);
    else if (a === '-U') agent = argv[++i] ?? agent;
    else if (a === '--spider') spider = true;
    else if (a === '-S') showHeaders = true;
    else if (a.startsWith('-') && a.length > 1 && !/^-[qS]+$/.test(a)) {
      p.stderr.write(`wget: unrecognized option '${a}'\n`);
      return 1;
    } else if (/^-[qS]+$/.test(a)) {
      if (a.includes('q')) quiet = true;
      if (a.includes('S')) showHeaders = true;
    } else urls.push(a);
  }
  if (urls.length === 0) {
    p.stderr.write('BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n\nRetrieve files via HTTP or FTP\n');
    return 1;
  }
  let status = 0;
  for (const raw of urls) {
    const url = parseUrl(raw);
    if (!url) {
      p.stderr.write(`wget: not an http or ftp url: ${raw}\n`);
      return 1;
    }
    const ip = await resolveHost(p, url.host);
    if (!ip) {
      p.stderr.write(`wget: bad address '${url.host}'\n`);
      return 1;
    }
    const hostHeader = url.port === 80 ? url.host : `${url.host}:${url.port}`;
    if (!quiet) p.stderr.write(`Connecting to ${hostHeader} (${ip}:${url.port})\n`);
    const conn = await connectFor(p, ip, url.port, timeoutS * 1000);
    if (conn.timedOutAfter !== undefined && (!conn.flow || conn.flow.outcome === 'TimedOut' || conn.timedOutAfter < SYN_TIMEOUT_MS)) {
      p.stderr.write(conn.timedOutAfter < SYN_TIMEOUT_MS ? 'wget: download timed out\n' : `wget: can't connect to remote host (${ip}): Connection timed out\n`);
      return 1;
    }
    if (!conn.socket) {
      p.stderr.write(`wget: can't connect to remote host (${ip}): ${conn.flow?.message ?? 'Connection timed out'}\n`);
      return 1;
    }
    const method = spider ? 'HEAD' : 'GET';
    const res = await exchange(conn.socket, `${method} ${url.path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: ${agent}\r\nConnection: close\r\n\r\n`, spider);
    if (!res) {
      p.stderr.write('wget: error getting response: Connection reset by peer\n');
      return 1;
    }
    if (showHeaders) for (const l of res.head.trimEnd().split('\r\n')) p.stderr.write(`  ${l}\n`);
    if (res.status >= 400 || res.status < 200) {
      p.stderr.write(`wget: server returned error: ${res.statusLine}\n`);
      status = 1;
      continue;
    }
    if (spider) {
      if (!quiet) p.stderr.write('remote file exists\n');
      continue;
    }
    const target = output ?? baseNameOf(url.path);
    if (target === '-') {
      if (!quiet) p.stderr.write('writing to stdout\n');
      p.stdout.write(res.body);
      if (!quiet) p.stderr.write(`${progressLine('-', res.body.length)}written to stdout\n`);
    } else {
      if (!quiet) p.stderr.write(`saving to '${target}'\n`);
      const err = p.system.fs.write(resolvePath(p.cwd, target), res.body);
      if (typeof err === 'string') {
        p.stderr.write(`wget: can't open '${target}': ${err}\n`);
        return 1;
      }
      if (!quiet) p.stderr.write(`${progressLine(target, res.body.length)}'${target}' saved\n`);
    }
  }
  return status;
}

/** curl is curl 7.88.1: -s, -S, -f, -i, -I, -o FILE, -H, -X, -m/--max-time, --connect-timeout, -A. */
async function curl(p: Proc, argv: string[]): Promise<number> {
  let silent = false;
  let showError = false;
  let failOnError = false;
  let include = false;
  let head = false;
  let output: string | undefined;
  let method: string | undefined;
  let agent = `curl/${CURL_VERSION}`;
  let maxTimeMs = Infinity;
  let connectTimeoutMs = Infinity;
  const headers: string[] = [];
  const urls: string[] = [];
  const value = (i: number): string | undefined => argv[i];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      switch (a) {
        case '--silent': silent = true; break;
        case '--show-error': showError = true; break;
        case '--fail': failOnError = true; break;
        case '--include': include = true; break;
        case '--head': head = true; break;
        case '--output': output = value(++i); break;
        case '--header': headers.push(value(++i) ?? ''); break;
        case '--request': method = value(++i); break;
        case '--user-agent': agent = value(++i) ?? agent; break;
        case '--max-time': maxTimeMs = Number(value(++i)) * 1000; break;
        case '--connect-timeout': connectTimeoutMs = Number(value(++i)) * 1000; break;
        default:
          p.stderr.write(`curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
          return 2;
      }
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j];
        const takes = 'oHXmA'.includes(f);
        const arg = takes ? (j + 1 < a.length ? a.slice(j + 1) : value(++i)) : undefined;
        switch (f) {
          case 's': silent = true; break;
          case 'S': showError = true; break;
          case 'f': failOnError = true; break;
          case 'i': include = true; break;
          case 'I': head = true; break;
          case 'L': case 'k': case 'v': break;
          case 'o': output = arg; break;
          case 'H': headers.push(arg ?? ''); break;
          case 'X': method = arg; break;
          case 'A': agent = arg ?? agent; break;
          case 'm': maxTimeMs = Number(arg) * 1000; break;
          default:
            p.stderr.write(`curl: option -${f}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
            return 2;
        }
        if (takes) break;
      }
    } else {
      urls.push(a);
    }
  }
  const err = (code: number, text: string): number => {
    if (!silent || showError) p.stderr.write(`curl: (${code}) ${text}\n`);
    return code;
  };
  if (urls.length === 0) {
    p.stderr.write("curl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  let status = 0;
  for (const raw of urls) {
    const url = parseUrl(raw);
    if (!url) {
      const scheme = /^([a-z]+):\/\//i.exec(raw)?.[1] ?? raw;
      status = err(1, `Protocol "${scheme}" not supported or disabled in libcurl`);
      continue;
    }
    const ip = await resolveHost(p, url.host);
    if (!ip) {
      status = err(6, `Could not resolve host: ${url.host}`);
      continue;
    }
    const started = p.system.clock.now();
    const conn = await connectFor(p, ip, url.port, Math.min(maxTimeMs, connectTimeoutMs));
    const took = p.system.clock.now() - started;
    if (conn.timedOutAfter !== undefined && conn.timedOutAfter < SYN_TIMEOUT_MS) {
      status = err(28, maxTimeMs <= connectTimeoutMs ? `Connection timed out after ${took} milliseconds` : `Failed to connect to ${url.host} port ${url.port} after ${took} ms: Timeout was reached`);
      continue;
    }
    if (!conn.socket) {
      status = err(7, `Failed to connect to ${url.host} port ${url.port} after ${took} ms: ${conn.flow?.message ?? 'Connection timed out'}`);
      continue;
    }
    const verb = method ?? (head ? 'HEAD' : 'GET');
    const hostHeader = url.port === 80 ? url.host : `${url.host}:${url.port}`;
    const extra = headers.filter((h) => h.includes(':')).map((h) => `${h}\r\n`).join('');
    const res = await exchange(conn.socket, `${verb} ${url.path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: ${agent}\r\nAccept: */*\r\n${extra}\r\n`, verb === 'HEAD');
    if (!res) {
      status = err(52, 'Empty reply from server');
      continue;
    }
    if (failOnError && res.status >= 400) {
      status = err(22, `The requested URL returned error: ${res.status}`);
      continue;
    }
    const out = Buffer.concat([include || head ? Buffer.from(res.head, 'latin1') : Buffer.alloc(0), res.body]);
    if (output !== undefined && output !== '-') {
      const e = p.system.fs.write(resolvePath(p.cwd, output), out);
      if (typeof e === 'string') {
        status = err(23, `Failure writing output to destination`);
        continue;
      }
    } else {
      p.stdout.write(out);
    }
    if (!silent && !p.tty) p.stderr.write(progressMeter(out.length));
  }
  return status;
}

/** progressMeter is curl's meter when stdout is not a terminal, at its end. */
function progressMeter(size: number): string {
  const n = String(size).padStart(5);
  return '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n'
    + '                                 Dload  Upload   Total   Spent    Left  Speed\n'
    + `\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r100 ${n}  100 ${n}    0     0   ${n}k      0 --:--:-- --:--:-- --:--:--  ${n}k\n`;
}
