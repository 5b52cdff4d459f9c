/**
 * testing builds an in-process API server for tests: a memory store, a manual
 * clock, one admin token and an allow-all authorizer unless the test passes its
 * own, and the default namespace.
 */
import { ManualClock } from '../clock';
import { SeededRandom } from '../random';
import { MemoryStore } from '../store/memoryStore';
import { ApiServer, type ApiRequest, type ApiServerOptions } from './apiServer';
import type { Authenticator, Authorizer } from './auth/types';

export const ADMIN_TOKEN = 'admin-token';

/** adminTokens knows one token, the admin's; a request without a token is left to the next authenticator. */
export const adminTokens: Authenticator = {
  authenticate: (req) => (req.headers.authorization === undefined ? undefined : req.headers.authorization === `Bearer ${ADMIN_TOKEN}` ? { user: { username: 'admin', groups: ['system:masters'] } } : { error: 'bad token' }),
};

export const allowAll: Authorizer = { authorize: () => ({ decision: 'allow', reason: '' }) };

/** TestResponse loosens the body's type for assertions. */
export interface TestResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  warnings?: string[];
}

export interface TestServer {
  api: ApiServer;
  store: MemoryStore;
  clock: ManualClock;
  /** call sends a request as the admin (unless it carries its own headers). */
  call: (r: ApiRequest) => Promise<TestResponse>;
}

export async function testServer(options: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const api = new ApiServer({ store, clock, random: new SeededRandom(1), authenticators: [adminTokens], authorizer: allowAll, ...options });
  await api.start();
  const call = (r: ApiRequest) => api.handle({ ...r, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...r.headers } }) as Promise<TestResponse>;
  await call({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } });
  return { api, store, clock, call };
}
