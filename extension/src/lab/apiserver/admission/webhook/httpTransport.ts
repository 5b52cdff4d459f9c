/**
 * httpTransport is the real WebhookTransport: node:https (and node:http, which
 * upstream refuses by validation but tests and local experiments find handy)
 * over keep-alive agents, as upstream reuses one client per webhook. Timeouts
 * are real time through AbortSignal.timeout, because the webhook is a real
 * server whatever speed the lab's clock runs at. Failures are worded as Go's
 * net/http and crypto/x509 word them, since they reach the user verbatim.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { PeerCertificate } from 'node:tls';
import type { WebhookPostOptions, WebhookPostResult, WebhookTransport } from './transport';

/** HttpTransport is a WebhookTransport whose pooled connections close() releases. */
export interface HttpTransport extends WebhookTransport {
  close(): void;
}

/** createHttpTransport builds a transport with its own connection pools. */
export function createHttpTransport(): HttpTransport {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  return {
    post: (url, body, options) => post(url, body, options, httpAgent, httpsAgent),
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function post(url: string, body: string, options: WebhookPostOptions, httpAgent: http.Agent, httpsAgent: https.Agent): Promise<WebhookPostResult> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const signal = AbortSignal.timeout(options.timeoutMs);
    const fail = (err: unknown) => resolve({ error: signal.aborted ? 'context deadline exceeded' : goError(err, u, options.serverName) });
    const secure = u.protocol === 'https:';
    const requestOptions: https.RequestOptions = {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, */*', 'Content-Length': Buffer.byteLength(body) },
      signal,
      agent: secure ? httpsAgent : httpAgent,
      ...(secure && options.caBundle ? { ca: options.caBundle } : {}),
      ...(secure && options.serverName ? { servername: options.serverName } : {}),
    };
    const req = (secure ? https : http).request(u, requestOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('end', () => {
        const contentType = res.headers['content-type'];
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(contentType ? { contentType } : {}) });
      });
    });
    req.on('error', fail);
    req.end(body);
  });
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** goError words a Node socket or TLS failure as Go's HTTP client would. */
function goError(err: unknown, u: URL, serverName: string | undefined): string {
  const e = err as NodeJS.ErrnoException & { cert?: PeerCertificate; address?: string; port?: number };
  const code = e.code ?? '';
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  if (code === 'ECONNREFUSED') return `dial tcp ${e.address ?? u.hostname}:${e.port ?? port}: connect: connection refused`;
  if (code === 'ENOTFOUND') return `dial tcp: lookup ${u.hostname}: no such host`;
  if (code === 'ECONNRESET') return 'EOF';
  if (UNKNOWN_AUTHORITY.has(code)) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `tls: failed to verify certificate: ${hostnameError(e.cert, serverName ?? u.hostname.replace(/^\[|\]$/g, ''))}`;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO') return 'http: server gave HTTP response to HTTPS client';
  return e.message ?? String(err);
}

/** hostnameError is crypto/x509's HostnameError text: the names (or addresses) the certificate is valid for. */
function hostnameError(cert: PeerCertificate | undefined, host: string): string {
  const sans = (cert?.subjectaltname ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (sans.length === 0) return 'x509: certificate relies on legacy Common Name field, use SANs instead';
  const isIP = /^[\d.]+$/.test(host) || host.includes(':');
  const valid = sans.filter((s) => s.startsWith(isIP ? 'IP Address:' : 'DNS:')).map((s) => s.slice(s.indexOf(':') + 1));
  if (valid.length === 0) return isIP ? `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs` : `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${valid.join(', ')}, not ${host}`;
}
