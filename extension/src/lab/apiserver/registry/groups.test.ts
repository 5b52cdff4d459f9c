/**
 * The non-core built-in groups as upstream's discovery lists them (`kubectl
 * api-resources` against a v1.3x API server: names, short names, scope, kinds,
 * categories, subresources), and their strategies' robustness against any JSON
 * a client may send (the pipeline's fuzz covers the handlers; this covers the strategies).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { SeededRandom } from '../../random';
import type { ResourceType } from '../resources';
import { admissionregistrationResources } from './admissionregistration';
import { appsResources } from './apps';
import { batchResources } from './batch';
import { coordinationResources } from './coordination';
import { discoveryResources } from './discovery';
import { eventsResources } from './events';
import { networkingResources } from './networking';
import { policyResources } from './policy';
import { rbacResources } from './rbac';
import { schedulingResources } from './scheduling';
import { storageResources } from './storage';

const groups: readonly ResourceType[] = [
  ...appsResources, ...batchResources, ...coordinationResources, ...discoveryResources, ...eventsResources, ...rbacResources,
  ...admissionregistrationResources, ...schedulingResources, ...storageResources, ...policyResources, ...networkingResources,
];

/** [group/version, resource, kind, namespaced, short names, categories, subresources] */
const discovery: [string, string, string, boolean, string[], string[], string[]][] = [
  ['apps/v1', 'deployments', 'Deployment', true, ['deploy'], ['all'], ['status', 'scale']],
  ['apps/v1', 'replicasets', 'ReplicaSet', true, ['rs'], ['all'], ['status', 'scale']],
  ['apps/v1', 'statefulsets', 'StatefulSet', true, ['sts'], ['all'], ['status', 'scale']],
  ['apps/v1', 'daemonsets', 'DaemonSet', true, ['ds'], ['all'], ['status']],
  ['apps/v1', 'controllerrevisions', 'ControllerRevision', true, [], [], []],
  ['batch/v1', 'jobs', 'Job', true, [], ['all'], ['status']],
  ['batch/v1', 'cronjobs', 'CronJob', true, ['cj'], ['all'], ['status']],
  ['coordination.k8s.io/v1', 'leases', 'Lease', true, [], [], []],
  ['discovery.k8s.io/v1', 'endpointslices', 'EndpointSlice', true, [], [], []],
  ['events.k8s.io/v1', 'events', 'Event', true, ['ev'], [], []],
  ['rbac.authorization.k8s.io/v1', 'roles', 'Role', true, [], [], []],
  ['rbac.authorization.k8s.io/v1', 'rolebindings', 'RoleBinding', true, [], [], []],
  ['rbac.authorization.k8s.io/v1', 'clusterroles', 'ClusterRole', false, [], [], []],
  ['rbac.authorization.k8s.io/v1', 'clusterrolebindings', 'ClusterRoleBinding', false, [], [], []],
  ['admissionregistration.k8s.io/v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false, [], ['api-extensions'], []],
  ['admissionregistration.k8s.io/v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false, [], ['api-extensions'], []],
  ['admissionregistration.k8s.io/v1', 'validatingadmissionpolicies', 'ValidatingAdmissionPolicy', false, [], ['api-extensions'], ['status']],
  ['admissionregistration.k8s.io/v1', 'validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', false, [], ['api-extensions'], []],
  ['scheduling.k8s.io/v1', 'priorityclasses', 'PriorityClass', false, ['pc'], [], []],
  ['storage.k8s.io/v1', 'storageclasses', 'StorageClass', false, ['sc'], [], []],
  ['storage.k8s.io/v1', 'csidrivers', 'CSIDriver', false, [], [], []],
  ['storage.k8s.io/v1', 'csinodes', 'CSINode', false, [], [], []],
  ['storage.k8s.io/v1', 'volumeattachments', 'VolumeAttachment', false, [], [], ['status']],
  ['policy/v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb'], [], ['status']],
  ['networking.k8s.io/v1', 'networkpolicies', 'NetworkPolicy', true, ['netpol'], [], []],
  ['networking.k8s.io/v1', 'ingresses', 'Ingress', true, ['ing'], [], ['status']],
  ['networking.k8s.io/v1', 'ingressclasses', 'IngressClass', false, [], [], []],
];

test('every non-core group serves exactly upstream discovery', () => {
  const served = groups.map((t) => [`${t.group}/${t.version}`, t.resource, t.kind, t.namespaced, t.shortNames, t.categories, t.subresources]);
  assert.deepEqual(served, discovery);
});

test('each resource lists every verb and a status subresource has a status strategy', () => {
  for (const t of groups) {
    assert.deepEqual(t.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], t.resource);
    assert.equal(t.strategy.statusSubresource, t.subresources.includes('status'), t.resource);
    if (t.subresources.includes('status')) assert.equal(typeof t.strategy.validateStatusUpdate, 'function', `${t.resource} validates status writes`);
    assert.equal(t.subresources.includes('scale'), t.scale !== undefined, t.resource);
  }
});

/** Valid-ish objects per resource: the fuzz below mutates them so validation reaches deep fields. */
const seeds: Record<string, unknown> = {
  deployments: { spec: { replicas: 1, selector: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } } },
  jobs: { spec: { completionMode: 'Indexed', completions: 3, podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1, 2] }, onPodConditions: [{ type: 'X', status: 'True' }] }] }, successPolicy: { rules: [{ succeededCount: 1 }] }, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } },
  cronjobs: { spec: { schedule: '*/5 * * * *', timeZone: 'UTC', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } } } },
  statefulsets: { spec: { selector: { matchLabels: { a: 'b' } }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: '50%' } }, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain' }, ordinals: { start: 0 }, template: { metadata: { labels: { a: 'b' } } } } },
  daemonsets: { spec: { selector: { matchLabels: { a: 'b' } }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
  validatingwebhookconfigurations: { webhooks: [{ name: 'a.b.c', clientConfig: { url: 'https://x/y', service: { name: 's', namespace: 'n', path: '/a' } }, rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'], scope: '*' }], sideEffects: 'None', admissionReviewVersions: ['v1'], matchConditions: [{ name: 'a', expression: 'true' }] }] },
  validatingadmissionpolicies: { spec: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], resourceNames: ['a'] }] }, validations: [{ expression: 'true', message: 'm', reason: 'Invalid' }], auditAnnotations: [{ key: 'k', valueExpression: 'v' }], variables: [{ name: 'v', expression: 'x' }] }, status: { conditions: [{ type: 'A', status: 'True', reason: 'R', lastTransitionTime: 't' }], typeChecking: { expressionWarnings: [{ fieldRef: 'f', warning: 'w' }] } } },
  validatingadmissionpolicybindings: { spec: { policyName: 'p', paramRef: { name: 'x', selector: { matchLabels: { a: 'b' } }, parameterNotFoundAction: 'Deny' }, matchResources: { resourceRules: [] }, validationActions: ['Deny'] } },
  ingresses: { spec: { defaultBackend: { service: { name: 's', port: { number: 80 } } }, rules: [{ host: '*.a.b', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { resource: { kind: 'K', name: 'n' } } }] } }], tls: [{ hosts: ['a.b'], secretName: 's' }] }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4', hostname: 'h' }] } } },
  networkpolicies: { spec: { podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 90 }], from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }], egress: [{ to: [{ namespaceSelector: {} }] }], policyTypes: ['Ingress'] } },
  endpointslices: { addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], hostname: 'h', nodeName: 'n', deprecatedTopology: { a: 'b' } }], ports: [{ name: 'p', port: 80, appProtocol: 'http' }] },
  events: { eventTime: 't', series: { count: 2, lastObservedTime: 't' }, regarding: { kind: 'Pod' }, reportingController: 'a/b', reportingInstance: 'i', action: 'a', reason: 'r', type: 'Normal', deprecatedSource: { component: 'c' } },
  poddisruptionbudgets: { spec: { minAvailable: '50%', selector: { matchLabels: { a: 'b' } } }, status: { conditions: [{ type: 'A', status: 'True' }] } },
  storageclasses: { provisioner: 'a/b', parameters: { a: 'b' }, allowedTopologies: [{ matchLabelExpressions: [{ key: 'k', values: ['v'] }] }] },
  csidrivers: { spec: { tokenRequests: [{ audience: 'a', expirationSeconds: 600 }], volumeLifecycleModes: ['Persistent'] } },
  csinodes: { spec: { drivers: [{ name: 'a.b', nodeID: 'n', topologyKeys: ['k'], allocatable: { count: 1 } }] } },
  volumeattachments: { spec: { attacher: 'a.b', nodeName: 'n', source: { persistentVolumeName: 'p' } } },
  rolebindings: { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }] },
  clusterroles: { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } },
  priorityclasses: { value: 5, preemptionPolicy: 'Never' },
  leases: { spec: { leaseDurationSeconds: 5, strategy: 'a/b', preferredHolder: 'x' } },
  ingressclasses: { spec: { controller: 'a/b', parameters: { kind: 'K', name: 'n', scope: 'Namespace', namespace: 'x' } } },
};
/** Field names and strings the generator draws from, so random objects look like API objects. */
const KEYS = [
  'spec', 'template', 'metadata', 'labels', 'selector', 'matchLabels', 'matchExpressions', 'key', 'operator', 'values',
  'containers', 'name', 'image', 'rules', 'ports', 'port', 'endpoints', 'addresses', 'webhooks', 'clientConfig',
  'service', 'url', 'path', 'subjects', 'roleRef', 'kind', 'apiGroup', 'jobTemplate', 'schedule', 'timeZone',
  'strategy', 'rollingUpdate', 'maxSurge', 'maxUnavailable', 'updateStrategy', 'podFailurePolicy', 'onExitCodes', 'onPodConditions', 'status', 'conditions',
  'ingress', 'egress', 'from', 'to', 'ipBlock', 'cidr', 'except', 'http', 'paths', 'backend',
  'tls', 'hosts', 'parameters', 'matchConstraints', 'resourceRules', 'validations', 'paramRef', 'validationActions', 'regarding', 'series',
  'minAvailable', 'replicas', 'completions', 'parallelism', 'completionMode', 'manualSelector', 'restartPolicy', 'drivers', 'source', 'allowedTopologies',
  'matchLabelExpressions', 'aggregationRule', 'clusterRoleSelectors', 'admissionReviewVersions', 'sideEffects', 'defaultBackend', 'number', 'persistentVolumeClaimRetentionPolicy', 'ordinals', 'successPolicy',
];
const STRINGS = ['', 'a', 'In', 'Exists', '*', 'https://x', 'RollingUpdate', 'OnDelete', 'Recreate', 'Indexed', '10.0.0.0/8', '25%', 'TZ=UTC 0 * * *', 'Never', '@every 1h', '-', 'a/b/c', '::1', 'a.b.c'];
/** randomJSON makes a JSON value of any type, shaped like API objects, at most a few levels deep. */
function randomJSON(r: SeededRandom, depth = 0): unknown {
  switch (r.int(depth > 4 ? 5 : 9)) {
    case 0: return null;
    case 1: return r.int(3) - 1 + (r.int(2) ? 0 : r.float() * 100);
    case 2: return STRINGS[r.int(STRINGS.length)];
    case 3: return r.int(2) === 0;
    case 4: return undefined;
    case 5:
    case 6: return Object.fromEntries(Array.from({ length: r.int(5) }, () => [KEYS[r.int(KEYS.length)], randomJSON(r, depth + 1)]));
    default: return Array.from({ length: r.int(4) }, () => randomJSON(r, depth + 1));
  }
}

/** mutate replaces random subtrees of v with random JSON. */
function mutate(v: unknown, r: SeededRandom): unknown {
  if (r.int(6) === 0) return randomJSON(r, 3);
  if (Array.isArray(v)) return v.map((x) => mutate(x, r));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mutate(x, r)]));
  return v;
}

const asObject = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

test('defaulting, preparation and validation survive any JSON in any field', () => {
  const r = new SeededRandom(7);
  for (let i = 0; i < 5000; i++) {
    const t = groups[r.int(groups.length)];
    const seed = seeds[t.resource];
    const body = seed && r.int(4) ? mutate(structuredClone(seed), r) : randomJSON(r);
    const obj = { ...asObject(body), metadata: { name: 'x', namespace: 'default', uid: 'u', annotations: randomJSON(r, 3) } } as KubeObject;
    const next = { ...asObject(mutate(structuredClone(obj), r)), metadata: { name: 'x' } } as KubeObject;
    const s = t.strategy;
    assert.doesNotThrow(() => {
      s.defaults?.(obj);
      s.prepareForCreate?.(obj);
      s.validate?.(obj);
      s.warningsOnCreate?.(obj);
      s.defaults?.(next);
      s.validateUpdate?.(next, obj);
      s.validateStatusUpdate?.(next, obj);
      s.prepareForUpdate?.(next, obj);
    }, `${t.resource} ${JSON.stringify(obj)}`);
  }
});
