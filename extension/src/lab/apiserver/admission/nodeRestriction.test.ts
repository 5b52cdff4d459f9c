import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import type { UserInfo } from '../auth/types';
import { forbiddenLabels, nodeRestriction } from './nodeRestriction';
import { FakeServer, attributes, type AttributeInit } from './testing';

const kubelet: UserInfo = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const node = (name: string, extra: { labels?: Record<string, string>; taints?: unknown[] } = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}`, ...(extra.labels ? { labels: extra.labels } : {}) }, spec: extra.taints ? { taints: extra.taints } : {} });
const pod = (name: string, nodeName: string, extra: { meta?: Record<string, unknown>; spec?: Record<string, unknown> } = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, ...extra.meta },
  spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }], ...extra.spec },
});
const mirror = (name: string, nodeName: string, spec: Record<string, unknown> = {}, owner: Record<string, unknown> = {}) => pod(name, nodeName, {
  meta: { annotations: { 'kubernetes.io/config.mirror': 'hash' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: `uid-${nodeName}`, controller: true, ...owner }] },
  spec,
});

// Messages from plugin/pkg/admission/noderestriction/admission.go.
const cases: { name: string; req: AttributeInit; message?: string; code?: number }[] = [
  { name: 'lets a kubelet create its own mirror pod', req: { kind: 'Pod', object: mirror('static-web-n1', 'n1') } },
  { name: 'refuses a pod that is not a mirror pod', req: { kind: 'Pod', object: pod('web', 'n1') }, message: 'pods "web" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods' },
  { name: 'refuses a mirror pod bound to another node', req: { kind: 'Pod', object: mirror('static-web', 'n2') }, message: 'pods "static-web" is forbidden: node "n1" can only create pods with spec.nodeName set to itself' },
  { name: 'refuses a mirror pod owned by another node', req: { kind: 'Pod', object: mirror('static-web', 'n1', {}, { name: 'n2' }) }, message: 'pods "static-web" is forbidden: node "n1" can only create pods with an owner reference set to itself' },
  { name: 'refuses a non-controller owner reference', req: { kind: 'Pod', object: mirror('static-web', 'n1', {}, { controller: false }) }, message: 'pods "static-web" is forbidden: node "n1" can only create pods with a controller owner reference set to itself' },
  { name: 'refuses a stale node uid', req: { kind: 'Pod', object: mirror('static-web', 'n1', {}, { uid: 'old' }) }, message: 'pods "static-web" is forbidden: node n1 UID mismatch: expected old got uid-n1' },
  { name: 'refuses a mirror pod with a service account', req: { kind: 'Pod', object: mirror('static-web', 'n1', { serviceAccountName: 'default' }) }, message: 'pods "static-web" is forbidden: node "n1" can not create pods that reference a service account' },
  { name: 'refuses a mirror pod using a configmap', req: { kind: 'Pod', object: mirror('static-web', 'n1', { volumes: [{ name: 'cfg', configMap: { name: 'settings' } }] }) }, message: 'pods "static-web" is forbidden: node "n1" can not create pods that reference configmaps' },
  { name: 'refuses a mirror pod using a claim', req: { kind: 'Pod', object: mirror('static-web', 'n1', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }) }, message: 'pods "static-web" is forbidden: node "n1" can not create pods that reference persistentvolumeclaims' },
  { name: 'lets a kubelet delete a pod bound to it', req: { kind: 'Pod', operation: 'DELETE', name: 'mine', namespace: 'default' } },
  { name: 'refuses deleting a pod on another node', req: { kind: 'Pod', operation: 'DELETE', name: 'theirs', namespace: 'default' }, message: 'pods "theirs" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself' },
  { name: 'answers not found for deleting a missing pod', req: { kind: 'Pod', operation: 'DELETE', name: 'gone', namespace: 'default' }, message: 'pods "gone" not found', code: 404 },
  { name: 'refuses a pod update', req: { kind: 'Pod', operation: 'UPDATE', object: pod('mine', 'n1'), oldObject: pod('mine', 'n1') }, message: 'pods "mine" is forbidden: unexpected operation "UPDATE", node "n1" can only create and delete mirror pods' },
  { name: 'lets a kubelet update status of its pod', req: { kind: 'Pod', operation: 'UPDATE', subresource: 'status', object: pod('mine', 'n1'), oldObject: pod('mine', 'n1') } },
  { name: 'refuses status updates of other nodes\' pods', req: { kind: 'Pod', operation: 'UPDATE', subresource: 'status', object: pod('theirs', 'n2'), oldObject: pod('theirs', 'n2') }, message: 'pods "theirs" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself' },
  { name: 'refuses relabelling a pod through status', req: { kind: 'Pod', operation: 'UPDATE', subresource: 'status', object: pod('mine', 'n1', { meta: { labels: { app: 'x' } } }), oldObject: pod('mine', 'n1') }, message: 'pods "mine" is forbidden: node "n1" cannot update labels through pod status' },
  { name: 'refuses other pod subresources', req: { kind: 'Pod', operation: 'CREATE', subresource: 'binding', name: 'mine', namespace: 'default', object: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'mine', namespace: 'default' } } }, message: 'pods "mine" is forbidden: unexpected pod subresource "binding", only \'status\' and \'eviction\' are allowed' },
  { name: 'refuses evicting another node\'s pod', req: { kind: 'Pod', operation: 'CREATE', subresource: 'eviction', name: 'theirs', namespace: 'default', object: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'theirs', namespace: 'default' } } }, message: 'pods "theirs" is forbidden: node n1 can only evict pods with spec.nodeName set to itself' },
  { name: 'lets a kubelet update its own node', req: { kind: 'Node', operation: 'UPDATE', object: node('n1', { labels: { 'kubernetes.io/hostname': 'n1' } }), oldObject: node('n1') } },
  { name: 'refuses touching another node', req: { kind: 'Node', operation: 'UPDATE', object: node('n2'), oldObject: node('n2') }, message: 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"' },
  { name: 'refuses changing its taints', req: { kind: 'Node', operation: 'UPDATE', object: node('n1'), oldObject: node('n1', { taints: [{ key: 'k', effect: 'NoSchedule' }] }) }, message: 'nodes "n1" is forbidden: node "n1" is not allowed to modify taints' },
  { name: 'refuses registering with restricted labels', req: { kind: 'Node', object: node('n1', { labels: { 'node-restriction.kubernetes.io/tier': 'a', 'example.kubernetes.io/x': 'y', 'kubernetes.io/os': 'linux' } }) }, message: 'nodes "n1" is forbidden: node "n1" is not allowed to set the following labels: example.kubernetes.io/x, node-restriction.kubernetes.io/tier' },
  { name: 'refuses relabelling with restricted labels', req: { kind: 'Node', operation: 'UPDATE', object: node('n1', { labels: { 'node-role.kubernetes.io/control-plane': '' } }), oldObject: node('n1') }, message: 'nodes "n1" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/control-plane' },
  { name: 'refuses a claim spec update', req: { kind: 'PersistentVolumeClaim', operation: 'UPDATE', object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' } }, oldObject: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' } } }, message: 'persistentvolumeclaims "data" is forbidden: may only update PVC status' },
  { name: 'keeps leases to the node lease namespace', req: { kind: 'Lease', object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'default' } } }, message: 'leases.coordination.k8s.io "n1" is forbidden: can only access leases in the "kube-node-lease" system namespace' },
  { name: 'keeps a kubelet to its own lease', req: { kind: 'Lease', operation: 'UPDATE', object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n2', namespace: 'kube-node-lease' } }, oldObject: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n2', namespace: 'kube-node-lease' } } }, message: 'leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node' },
  { name: 'lets a kubelet renew its own lease', req: { kind: 'Lease', operation: 'UPDATE', object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' } }, oldObject: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' } } } },
  { name: 'leaves other users alone', req: { kind: 'Node', operation: 'UPDATE', object: node('n2'), oldObject: node('n2', { taints: [{ key: 'k', effect: 'NoSchedule' }] }), user: { username: 'admin', groups: ['system:masters'] } } },
  { name: 'does not treat a look-alike user outside system:nodes as a node', req: { kind: 'Node', operation: 'UPDATE', object: node('n2'), oldObject: node('n2'), user: { username: 'system:node:n1', groups: [] } } },
  { name: 'refuses a node user without a node name', req: { kind: 'Node', operation: 'UPDATE', object: node('n1'), oldObject: node('n1'), user: { username: 'system:node:', groups: ['system:nodes'] } }, message: 'nodes "n1" is forbidden: could not determine node from user "system:node:"' },
];

for (const c of cases) {
  test(`NodeRestriction ${c.name}`, async () => {
    const server = new FakeServer([node('n1'), node('n2'), pod('mine', 'n1'), pod('theirs', 'n2')]);
    const status = await nodeRestriction.admit(attributes({ user: kubelet, ...c.req }), server.context());
    assert.equal(status?.message, c.message);
    if (c.message) assert.equal(status?.code, c.code ?? 403);
  });
}

test('NodeRestriction lets a kubelet keep its own well-known labels', () => {
  assert.deepEqual(forbiddenLabels({ 'kubernetes.io/hostname': 'n1', 'topology.kubernetes.io/zone': 'a', 'kubelet.kubernetes.io/x': '1', 'team.example.com/owner': 'me' }), []);
});
