/**
 * ClusterRole aggregation as pkg/controller/clusterroleaggregation does it:
 * the pure rule computation, and the controller keeping aggregates current
 * through an API that serves clusterroles from memory.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, settle } from '../clock';
import type { KubeList, Status, WatchEvent } from '../api/types';
import type { ApiRequest, ApiResponse } from '../apiserver/apiServer';
import type { PolicyRule, Role } from '../apiserver/auth/rbacTypes';
import { InformerFactory } from '../client/informer';
import { KubeClient } from '../client/kubeClient';
import type { Transport, WatchHandle } from '../client/transport';
import { ClusterRoleAggregationController, aggregatedRules } from './clusterRoleAggregationController';

const LABEL = 'rbac.authorization.k8s.io/aggregate-to-monitoring';
const r = (verb: string, resource: string): PolicyRule => ({ verbs: [verb], apiGroups: [''], resources: [resource] });
const role = (name: string, rules: PolicyRule[], labels: Record<string, string> = {}, aggregate?: Record<string, string>[]): Role => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels },
  ...(aggregate ? { aggregationRule: { clusterRoleSelectors: aggregate.map((matchLabels) => ({ matchLabels })) } } : { rules }),
});

test('aggregatedRules takes each selector in turn, matching roles by name, each rule once, never the aggregate itself', () => {
  const all = [
    role('zeta', [r('get', 'pods'), r('list', 'pods')], { a: 'true' }),
    role('alpha', [r('list', 'pods'), r('get', 'nodes')], { a: 'true', b: 'true' }),
    role('beta', [r('watch', 'pods')], { b: 'true' }),
    role('agg', [r('delete', 'pods')], { a: 'true' }, [{ b: 'true' }, { a: 'true' }]),
    role('plain', [r('get', 'secrets')]),
  ];
  assert.deepEqual(aggregatedRules(all[3], all), [r('list', 'pods'), r('get', 'nodes'), r('watch', 'pods'), r('get', 'pods')]);
  assert.equal(aggregatedRules(all[4], all), undefined);
  assert.deepEqual(aggregatedRules(role('empty', [], {}, [{ none: 'true' }]), all), []);
});

/** MemoryApi serves clusterroles the way the API server does: list, watch, update with resourceVersions. */
class MemoryApi implements Transport {
  private rv = 1;
  readonly roles = new Map<string, Role>();
  private readonly watchers = new Set<(e: WatchEvent) => void>();
  updates = 0;

  put(obj: Role): void {
    const type = this.roles.has(obj.metadata.name ?? '') ? 'MODIFIED' : 'ADDED';
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    this.roles.set(obj.metadata.name ?? '', stored);
    for (const w of this.watchers) w({ type, object: structuredClone(stored) });
  }

  request(req: ApiRequest): Promise<ApiResponse> {
    if (req.method === 'GET') {
      const list: KubeList = { kind: 'ClusterRoleList', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { resourceVersion: String(this.rv) }, items: structuredClone([...this.roles.values()]) };
      return Promise.resolve({ status: 200, body: list });
    }
    const body = req.body as Role;
    const current = this.roles.get(body.metadata.name ?? '');
    if (req.method !== 'PUT' || !current) return Promise.resolve({ status: 404, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404 } });
    if (body.metadata.resourceVersion !== current.metadata.resourceVersion) {
      return Promise.resolve({ status: 409, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Conflict', code: 409 } });
    }
    this.updates++;
    this.put(body);
    return Promise.resolve({ status: 200, body: structuredClone(this.roles.get(body.metadata.name ?? '')) });
  }

  watch(_req: ApiRequest, onEvent: (e: WatchEvent) => void): Promise<WatchHandle> {
    this.watchers.add(onEvent);
    return Promise.resolve({ cancel: () => this.watchers.delete(onEvent) });
  }

  stream(_req: ApiRequest, _onChunk: (chunk: string) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
    onEnd({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 });
    return Promise.resolve({ cancel: () => undefined });
  }
}

test('the controller fills an aggregate and follows the roles it selects as they change', async () => {
  const clock = new ManualClock();
  const api = new MemoryApi();
  api.put(role('monitoring', [], {}, [{ [LABEL]: 'true' }]));
  api.put(role('pods-reader', [r('get', 'pods')], { [LABEL]: 'true' }));
  api.put(role('unrelated', [r('get', 'secrets')]));
  const factory = new InformerFactory(new KubeClient(api), clock);
  const controller = new ClusterRoleAggregationController(new KubeClient(api), clock, factory);
  await factory.start();
  controller.run();
  await clock.advance(0);
  assert.deepEqual(api.roles.get('monitoring')?.rules, [r('get', 'pods')]);

  api.put(role('nodes-reader', [r('get', 'nodes')], { [LABEL]: 'true' }));
  await clock.advance(0);
  assert.deepEqual(api.roles.get('monitoring')?.rules, [r('get', 'nodes'), r('get', 'pods')]);

  api.put(role('pods-reader', [r('get', 'pods')]));
  await clock.advance(0);
  assert.deepEqual(api.roles.get('monitoring')?.rules, [r('get', 'nodes')]);

  // Nothing left to change: no further writes however often roles are touched.
  const writes = api.updates;
  api.put(role('unrelated', [r('list', 'secrets')]));
  await clock.advance(0);
  await settle();
  assert.equal(api.updates, writes);
  controller.stop();
  factory.stop();
});
