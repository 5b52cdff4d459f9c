/**
 * healthz serves /healthz, /livez and /readyz as k8s.io/apiserver's
 * server/healthz/healthz.go does: each endpoint runs its checks in order and
 * answers `ok`, or with `?verbose` one `[+]<name> ok` line per check and
 * `<endpoint> check passed`; a failing check makes it a 500 listing
 * `[-]<name> failed: reason withheld` and `<endpoint> check failed`.
 * `?exclude=<name>` (repeatable) skips a check. Each check is also served
 * alone at `/<endpoint>/<name>`.
 */

/** HealthCheck is healthz.HealthChecker: check resolves to undefined when healthy, or to why not. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<string | undefined> | string | undefined;
}

/** HealthEndpoint names the three health endpoints. */
export type HealthEndpoint = 'healthz' | 'livez' | 'readyz';

/** HealthChecks are each endpoint's checks, in the order they print. */
export type HealthChecks = Readonly<Record<HealthEndpoint, readonly HealthCheck[]>>;

/** HealthAnswer is a plain-text health response. */
export interface HealthAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** PING is healthz.PingHealthz, the check every endpoint gets when it is given none. */
export const PING: HealthCheck = { name: 'ping', check: () => undefined };

const TEXT_HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };

/**
 * findHealthHandler matches path against the endpoints and their checks: the
 * endpoint's checks for `/readyz`, one check for `/readyz/<name>`, otherwise undefined.
 */
export function findHealthHandler(checks: HealthChecks, path: string): { endpoint: HealthEndpoint; only?: HealthCheck } | undefined {
  for (const endpoint of ['healthz', 'livez', 'readyz'] as const) {
    const prefix = `/${endpoint}`;
    if (path === prefix) return { endpoint };
    if (!path.startsWith(`${prefix}/`)) continue;
    const only = withPing(checks[endpoint]).find((c) => `${prefix}/${c.name}` === path);
    return only ? { endpoint, only } : undefined;
  }
  return undefined;
}

/** serveHealth answers a request that findHealthHandler matched; params are the request's query. */
export async function serveHealth(checks: HealthChecks, handler: { endpoint: HealthEndpoint; only?: HealthCheck }, params: URLSearchParams): Promise<HealthAnswer> {
  if (handler.only) return checkAlone(handler.only);
  const name = handler.endpoint;
  const excluded = new Set(params.getAll('exclude'));
  let individual = '';
  const failed: string[] = [];
  for (const check of withPing(checks[name])) {
    if (excluded.delete(check.name)) {
      individual += `[+]${check.name} excluded: ok\n`;
      continue;
    }
    if ((await runCheck(check)) !== undefined) {
      // The reason is withheld because the endpoint is public; the single-check endpoints show it.
      individual += `[-]${check.name} failed: reason withheld\n`;
      failed.push(check.name);
    } else {
      individual += `[+]${check.name} ok\n`;
    }
  }
  if (excluded.size) individual += `warn: some health checks cannot be excluded: no matches for ${formatQuoted([...excluded].sort())}\n`;
  if (failed.length) return httpError(500, `${individual}${name} check failed`);
  if (!params.has('verbose')) return { status: 200, body: 'ok', headers: { ...TEXT_HEADERS } };
  return { status: 200, body: `${individual}${name} check passed\n`, headers: { ...TEXT_HEADERS } };
}

/** checkAlone is adaptCheckToHandler: `ok`, or a 500 that names the reason. */
async function checkAlone(check: HealthCheck): Promise<HealthAnswer> {
  const err = await runCheck(check);
  if (err !== undefined) return httpError(500, `internal server error: ${err}`);
  // Go sniffs the type of a body written without one.
  return { status: 200, body: 'ok', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
}

/** runCheck turns a check that throws into a failed one: a broken check must not take the endpoint down. */
async function runCheck(check: HealthCheck): Promise<string | undefined> {
  try {
    return await check.check();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** withPing is InstallPathHandler's default: an endpoint given no checks gets ping. */
function withPing(checks: readonly HealthCheck[]): readonly HealthCheck[] {
  return checks.length ? checks : [PING];
}

/** httpError is Go's http.Error: plain text, nosniff, the message and a newline. */
function httpError(status: number, message: string): HealthAnswer {
  return { status, body: `${message}\n`, headers: { ...TEXT_HEADERS } };
}

/** formatQuoted is healthz.formatQuoted: each name as Go's %q, comma-separated. */
function formatQuoted(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(',');
}
