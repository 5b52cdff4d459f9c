/**
 * urls is Kubernetes' CEL URL library (k8s.io/apiserver/pkg/cel/library/urls.go):
 * `url(string)`, `isURL` and the URL accessors. Like Go's url.ParseRequestURI, a
 * URL must be absolute (scheme and host) or an absolute path.
 */
import type { Environment } from '../celJs';

/** KubeURL is a parsed URL; hostless values are absolute paths. */
export class KubeURL {
  constructor(readonly scheme: string, readonly host: string, readonly hostname: string, readonly port: string, readonly path: string, readonly query: string) {}
}

function parse(raw: string): KubeURL {
  const fail = (why: string) => new Error(`URL parse error during conversion from string: parse ${JSON.stringify(raw)}: ${why}`);
  if (/[\s\x00-\x1f\x7f]/.test(raw)) throw fail('invalid character in URL');
  if (raw.startsWith('/')) {
    const q = raw.indexOf('?');
    return new KubeURL('', '', '', '', q < 0 ? raw : raw.slice(0, q), q < 0 ? '' : raw.slice(q + 1));
  }
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(raw);
  if (!m) throw fail('invalid URI for request');
  const [, scheme, authority, path, query = ''] = m;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  const bracket = /^\[([^\]]*)\](?::(\d*))?$/.exec(host);
  const [hostname, port] = bracket ? [bracket[1], bracket[2] ?? ''] : host.includes(':') ? [host.slice(0, host.lastIndexOf(':')), host.slice(host.lastIndexOf(':') + 1)] : [host, ''];
  if (port && !/^\d+$/.test(port)) throw fail(`invalid port ${JSON.stringify(`:${port}`)} after host`);
  return new KubeURL(scheme, host, hostname, port, path, query);
}

function isURL(s: string): boolean {
  try {
    parse(s);
    return true;
  } catch {
    return false;
  }
}

/** queryOf is url.Values: each key to all its values, in order. */
function queryOf(u: KubeURL): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(u.query)) out.set(k, [...(out.get(k) ?? []), v]);
  return out;
}

/** registerURLs adds the URL library to env. */
export function registerURLs(env: Environment): void {
  env
    .registerType('net.URL', KubeURL)
    .registerFunction('url(string): net.URL', (s: string) => parse(s))
    .registerFunction('isURL(string): bool', (s: string) => isURL(s))
    .registerFunction('net.URL.getScheme(): string', (u: KubeURL) => u.scheme)
    .registerFunction('net.URL.getHost(): string', (u: KubeURL) => u.host)
    .registerFunction('net.URL.getHostname(): string', (u: KubeURL) => u.hostname)
    .registerFunction('net.URL.getPort(): string', (u: KubeURL) => u.port)
    .registerFunction('net.URL.getEscapedPath(): string', (u: KubeURL) => u.path)
    .registerFunction('net.URL.getQuery(): map<string, list<string>>', (u: KubeURL) => queryOf(u));
}
