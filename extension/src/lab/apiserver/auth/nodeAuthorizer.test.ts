/**
 * The Node authorizer's decisions and reasons, as
 * plugin/pkg/auth/authorizer/node/node_authorizer.go gives them (with
 * AuthorizeNodeWithSelectors on, its default since v1.32).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { MemoryCache } from './memoryCache';
import { NodeAuthorizer } from './nodeAuthorizer';
import type { AuthorizationAttributes, Decision, UserInfo } from './types';

const pods: KubeObject[] = [
  {
    metadata: { name: 'web', namespace: 'ns' },
    spec: {
      nodeName: 'n1', serviceAccountName: 'web-sa', imagePullSecrets: [{ name: 'pull' }],
      containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'k' } } }], envFrom: [{ secretRef: { name: 'envfrom-secret' } }] }],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'scratch', ephemeral: { volumeClaimTemplate: {} } },
        { name: 'cfg', configMap: { name: 'vol-cm' } },
        { name: 'all', projected: { sources: [{ secret: { name: 'proj-secret' } }, { configMap: { name: 'proj-cm' } }] } },
      ],
    },
  },
  { metadata: { name: 'static-n1', namespace: 'ns', annotations: { 'kubernetes.io/config.mirror': 'x' } }, spec: { nodeName: 'n1', serviceAccountName: 'mirror-sa', volumes: [{ name: 's', secret: { secretName: 'mirror-secret' } }] } },
  { metadata: { name: 'other', namespace: 'ns' }, spec: { nodeName: 'n2', volumes: [{ name: 's', secret: { secretName: 'n2-secret' } }] } },
];

const cache = new MemoryCache()
  .put('', 'persistentvolumeclaims', { metadata: { name: 'data', namespace: 'ns' }, spec: { volumeName: 'pv-data' } })
  .put('', 'persistentvolumes', { metadata: { name: 'pv-data' }, spec: { claimRef: { namespace: 'ns', name: 'data' }, csi: { driver: 'd', nodePublishSecretRef: { name: 'csi-secret', namespace: 'ns' } } } })
  .put('', 'persistentvolumes', { metadata: { name: 'pv-unbound' }, spec: {} })
  .put('storage.k8s.io', 'volumeattachments', { metadata: { name: 'va-1' }, spec: { nodeName: 'n1' } });

const authorizer = new NodeAuthorizer({ podsOnNode: (n) => pods.filter((p) => (p.spec as { nodeName: string }).nodeName === n) }, cache);
const N1: UserInfo = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

function req(verb: string, resource: string, o: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  return { user: N1, verb, isResourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource, subresource: '', namespace: '', name: '', ...o };
}

const ALLOW: Decision = { decision: 'allow', reason: '' };
const no = (reason = ''): Decision => ({ decision: 'noOpinion', reason });
const NO_RELATIONSHIP = no("no relationship found between node 'n1' and this object");

const cases: [string, AuthorizationAttributes, Decision][] = [
  ['a pod on the node', req('get', 'pods', { namespace: 'ns', name: 'web' }), ALLOW],
  ['a pod on another node', req('get', 'pods', { namespace: 'ns', name: 'other' }), NO_RELATIONSHIP],
  ['a pod subresource', req('get', 'pods', { namespace: 'ns', name: 'web', subresource: 'log' }), no()],
  ['pods listed by its own spec.nodeName', req('list', 'pods', { fieldSelector: [{ field: 'spec.nodeName', value: 'n1', negate: false }] }), ALLOW],
  ['pods watched by another node\'s name', req('watch', 'pods', { fieldSelector: [{ field: 'spec.nodeName', value: 'n2', negate: false }] }), no('can only list/watch pods with spec.nodeName field selector')],
  ['pods listed excluding its node', req('list', 'pods', { fieldSelector: [{ field: 'spec.nodeName', value: 'n1', negate: true }] }), no('can only list/watch pods with spec.nodeName field selector')],
  ['a single pod watched by name', req('watch', 'pods', { namespace: 'ns', name: 'web' }), ALLOW],
  ['a mirror pod created', req('create', 'pods', { namespace: 'ns' }), ALLOW],
  ['pod status patched', req('patch', 'pods', { namespace: 'ns', name: 'web', subresource: 'status' }), ALLOW],
  ['a pod evicted', req('create', 'pods', { namespace: 'ns', name: 'web', subresource: 'eviction' }), ALLOW],
  ...['pull', 'env-secret', 'envfrom-secret', 'proj-secret', 'csi-secret'].map((name): [string, AuthorizationAttributes, Decision] => [`secret ${name} used by its pod`, req('get', 'secrets', { namespace: 'ns', name }), ALLOW]),
  ['a secret watched by name', req('watch', 'secrets', { namespace: 'ns', name: 'pull' }), ALLOW],
  ['a secret of another node\'s pod', req('get', 'secrets', { namespace: 'ns', name: 'n2-secret' }), NO_RELATIONSHIP],
  ['a secret only its mirror pod names', req('get', 'secrets', { namespace: 'ns', name: 'mirror-secret' }), NO_RELATIONSHIP],
  ['secrets listed', req('list', 'secrets', { namespace: 'ns' }), no('No Object name found')],
  ['a secret updated', req('update', 'secrets', { namespace: 'ns', name: 'pull' }), no('can only read resources of this type')],
  ['a secret subresource', req('get', 'secrets', { namespace: 'ns', name: 'pull', subresource: 'x' }), no('cannot read subresource')],
  ['secrets cluster-wide', req('watch', 'secrets', { name: 'pull' }), no('can only read namespaced object of this type')],
  ...['env-cm', 'vol-cm', 'proj-cm'].map((name): [string, AuthorizationAttributes, Decision] => [`configmap ${name} used by its pod`, req('get', 'configmaps', { namespace: 'ns', name }), ALLOW]),
  ['a claim its pod mounts', req('get', 'persistentvolumeclaims', { namespace: 'ns', name: 'data' }), ALLOW],
  ['a generic ephemeral claim (<pod>-<volume>)', req('get', 'persistentvolumeclaims', { namespace: 'ns', name: 'web-scratch' }), ALLOW],
  ['claims listed', req('list', 'persistentvolumeclaims', { namespace: 'ns' }), no('can only get individual resources of this type')],
  ['claim status patched', req('patch', 'persistentvolumeclaims', { namespace: 'ns', name: 'data', subresource: 'status' }), ALLOW],
  ['claim status read', req('get', 'persistentvolumeclaims', { namespace: 'ns', name: 'data', subresource: 'status' }), no('can only get/update/patch this type')],
  ['the volume bound to its claim', req('get', 'persistentvolumes', { name: 'pv-data' }), ALLOW],
  ['an unbound volume', req('get', 'persistentvolumes', { name: 'pv-unbound' }), NO_RELATIONSHIP],
  ['its volume attachment', req('get', 'volumeattachments', { apiGroup: 'storage.k8s.io', name: 'va-1' }), ALLOW],
  ['a token for its pod\'s service account', req('create', 'serviceaccounts', { namespace: 'ns', name: 'web-sa', subresource: 'token' }), ALLOW],
  ['a token for a mirror pod\'s service account', req('create', 'serviceaccounts', { namespace: 'ns', name: 'mirror-sa', subresource: 'token' }), NO_RELATIONSHIP],
  ['a service account read', req('get', 'serviceaccounts', { namespace: 'ns', name: 'web-sa' }), no('can only create tokens for individual service accounts')],
  ['a service account created', req('create', 'serviceaccounts', { namespace: 'ns', name: 'web-sa' }), no('can only create token subresource of serviceaccount')],
  ['its lease renewed', req('update', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n1' }), ALLOW],
  ['a lease created (the name is checked by admission)', req('create', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease' }), ALLOW],
  ['another node\'s lease', req('update', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n2' }), no('can only access node lease with the same name as the requesting node')],
  ['a lease elsewhere', req('get', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-system', name: 'n1' }), no('can only access leases in the "kube-node-lease" system namespace')],
  ['leases listed', req('list', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease' }), no('can only get, create, update, patch, or delete a node lease')],
  ['another node\'s CSINode', req('get', 'csinodes', { apiGroup: 'storage.k8s.io', name: 'n2' }), no('can only access CSINode with the same name as the requesting node')],
  ['its own Node', req('get', 'nodes', { name: 'n1' }), ALLOW],
  ['another Node', req('get', 'nodes', { name: 'n2' }), no("node 'n1' cannot read 'n2', only its own Node object")],
  ['every Node', req('list', 'nodes'), no("node 'n1' cannot read all nodes, only its own Node object")],
  ['its Node status', req('patch', 'nodes', { name: 'n1', subresource: 'status' }), ALLOW],
  ['a Node deleted', req('delete', 'nodes', { name: 'n1' }), no()],
  ['services, from the static node rules', req('list', 'services'), ALLOW],
  ['events, from the static node rules', req('create', 'events', { namespace: 'ns' }), ALLOW],
  ['deployments, outside the node rules', req('list', 'deployments', { apiGroup: 'apps' }), no()],
  ['a user that is not a node', { ...req('get', 'pods', { namespace: 'ns', name: 'web' }), user: { username: 'jane', groups: ['system:nodes'] } }, no()],
  ['a node name without the nodes group', { ...req('get', 'pods', { namespace: 'ns', name: 'web' }), user: { username: 'system:node:n1', groups: [] } }, no()],
  ['a node user without a name', { ...req('get', 'pods', { namespace: 'ns', name: 'web' }), user: { username: 'system:node:', groups: ['system:nodes'] } }, no('unknown node for user "system:node:"')],
];

for (const [name, attrs, want] of cases) {
  test(`Node authorizer: ${name}`, () => {
    assert.deepEqual(authorizer.authorize(attrs), want);
  });
}
