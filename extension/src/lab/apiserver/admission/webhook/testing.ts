/**
 * testing is the webhook tests' kit, as upstream's webhook/testing: a cache
 * holding configurations and namespaces, request attributes for pods, and a
 * real local HTTP(S) webhook server that records every AdmissionReview.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../../api/types';
import { ManualClock } from '../../../clock';
import type { ObjectCache } from '../../auth/types';
import type { ResourceType } from '../../resources';
import type { AdmissionContext, Attributes } from '../admission';
import type { AdmissionResponse, AdmissionReview, AdmissionRequest } from './types';


/** contextFor is an AdmissionContext reading only the cache. */
export function contextFor(cache: ObjectCache): AdmissionContext {
  return {
    cache,
    get: <T extends KubeObject>(group: string, resource: string, namespace: string, name: string) => Promise.resolve(cache.get(group, resource, namespace, name) as T | undefined),
    list: (group, resource, namespace) => Promise.resolve(cache.list(group, resource, namespace)),
    updateStatus: () => Promise.reject(new Error('webhooks write no status')),
    clock: new ManualClock(),
  };
}

/** POD_TYPE is a core/v1 pods resource type with only what admission reads. */
export const POD_TYPE: ResourceType = {
  group: '', version: 'v1', resource: 'pods', kind: 'Pod', singularName: 'pod', namespaced: true,
  shortNames: ['po'], categories: ['all'], verbs: [], subresources: ['status'],
  strategy: { nameValidator: () => [], generation: false, statusSubresource: true },
};

/** podAttributes is a CREATE of pod `web` in `default` by `alice`, with overrides. */
export function podAttributes(overrides: Partial<Attributes> = {}): Attributes {
  return {
    operation: 'CREATE',
    type: POD_TYPE,
    subresource: '',
    namespace: 'default',
    name: 'web',
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
    dryRun: false,
    userInfo: { username: 'alice', groups: ['system:authenticated'] },
    warnings: [],
    auditAnnotations: {},
    ...overrides,
  };
}

/** Reply is what the test server answers: an AdmissionResponse (uid filled in), a raw HTTP answer, or nothing ever. */
export type Reply = AdmissionResponse | { raw: { status: number; body: string; contentType?: string } } | 'hang';

/** WebhookServer is a running test webhook. */
export interface WebhookServer {
  /** url is `http(s)://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** requests are the reviews received, with the URL path and query they came to. */
  requests: { path: string; review: AdmissionReview & { request: AdmissionRequest } }[];
  close(): Promise<void>;
}

/** startWebhookServer serves answer(review) on 127.0.0.1, over TLS when given a certificate. */
export async function startWebhookServer(answer: (review: AdmissionReview & { request: AdmissionRequest }) => Reply, tls?: { cert: string; key: string }): Promise<WebhookServer> {
  const requests: WebhookServer['requests'] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AdmissionReview & { request: AdmissionRequest };
      requests.push({ path: req.url ?? '', review });
      const reply = answer(review);
      if (reply === 'hang') return;
      if ('raw' in reply) {
        res.writeHead(reply.raw.status, reply.raw.contentType ? { 'Content-Type': reply.raw.contentType } : {});
        res.end(reply.raw.body);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, ...reply } }));
    });
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** patchOf encodes JSON patch operations as a response's base64 patch. */
export function patchOf(ops: unknown[]): string {
  return Buffer.from(JSON.stringify(ops)).toString('base64');
}
