/**
 * writeTesting holds what the write*.test files share: the test server with
 * NamespaceLifecycle admission, minimal objects to write, an admission plugin
 * that records what it saw, and assertions on Status answers.
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types';
import type { Random } from '../../random';
import type { AdmissionPlugin, Attributes } from '../admission/admission';
import { newNamespaceLifecycle } from '../admission/namespaceLifecycle';
import { type TestResponse, testServer } from '../testing';

/** CONFIGMAPS, PODS and DEPLOYMENTS are the collections the write tests use, in namespace default. */
export const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
export const PODS = '/api/v1/namespaces/default/pods';
export const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
/** T0 is the test server's clock at start, as a timestamp. */
export const T0 = '2026-01-01T00:00:00Z';

/** configMap, pod and deployment are minimal valid objects of their kinds. */
export const configMap = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' }, ...extra });
export const pod = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });
export const deployment = (name: string): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels: { app: name } },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

/** A Random that always draws 0: every generated name and uid is the same. */
export const stuck: Random = { float: () => 0, int: () => 0 };

/** recorder is a mutating and validating plugin that writes down what it saw, and can change the object. */
export function recorder(change?: (a: Attributes) => void): AdmissionPlugin & { seen: string[] } {
  const seen: string[] = [];
  const show = (phase: string, a: Attributes) => `${phase} ${a.operation} name=${a.name} object=${a.object?.metadata.name ?? ''} uid=${a.object?.metadata.uid ?? ''} old=${a.oldObject?.metadata.name ?? ''}`;
  return {
    name: 'Recorder',
    seen,
    admit(a) {
      seen.push(show('admit', a));
      change?.(a);
      return undefined;
    },
    validate(a) {
      seen.push(show('validate', a));
      return undefined;
    },
  };
}

/** server is a test API server whose admission chain is NamespaceLifecycle and then plugins. */
export async function server(plugins: AdmissionPlugin[] = [], random?: Random) {
  return testServer({ admission: [newNamespaceLifecycle(), ...plugins], ...(random ? { random } : {}) });
}

/** entries are an object's managedFields entries. */
export function entries(obj: KubeObject): Record<string, unknown>[] {
  return (obj.metadata.managedFields ?? []) as Record<string, unknown>[];
}

/** expectStatus asserts a Status answer's code, reason and message. */
export function expectStatus(res: TestResponse, code: number, reason: string | undefined, message: string): void {
  // A plain module, unlike a test file, reads the untyped answer through a type.
  const body = res.body as { reason?: unknown; message?: unknown };
  assert.equal(res.status, code, JSON.stringify(res.body));
  assert.equal(body.reason, reason);
  assert.equal(body.message, message);
}
