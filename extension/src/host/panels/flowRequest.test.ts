import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import type { KubeObject } from '../../lab/api/types';
import { isStatus } from '../../lab/api/types';
import type { ManualClock } from '../../lab/clock';
import type { ResourceRef } from '../../lab/client/resources';
import { DEPLOYMENTS } from '../../lab/client/resources';
import { startTestLab, webDeployment } from '../../lab/testLab';
import type { FlowReaction, FlowRequest } from '../../../../webview/src/shared/protocol';
import { FLUSH_MS, FlowReactions } from './flowReactions';
import { sendManifests } from './flowRequest';
import type { Schedule } from './podsFeed';

const CLUSTER_ROLE_BINDINGS: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', namespaced: false };
const POLICIES: ResourceRef = { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicies', namespaced: false };
const POLICY_BINDINGS: ResourceRef = { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingadmissionpolicybindings', namespaced: false };

/** KUBEADM_ADMIN is how kubeadm (1.29+) makes its admin: a member of kubeadm:cluster-admins, which a ClusterRoleBinding gives cluster-admin. */
const KUBEADM_ADMIN = { username: 'jane', groups: ['kubeadm:cluster-admins', 'system:authenticated'] };

async function bindClusterAdmins(lab: Awaited<ReturnType<typeof startTestLab>>['lab'], clock: ManualClock): Promise<void> {
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'kubeadm:cluster-admins' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'kubeadm:cluster-admins' }],
  } as KubeObject;
  assert.ok(!isStatus(await lab.client().create(CLUSTER_ROLE_BINDINGS, binding)));
  await settle(clock);
}

async function settle(clock: ManualClock): Promise<void> {
  await clock.advance(0);
  await new Promise((r) => setImmediate(r));
}

async function until(clock: ManualClock, check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await clock.advance(500);
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`${what} never happened`);
}

/** immediate runs the reactions' flush at once: the test reads them as they come. */
const immediate: Schedule = (fn, ms) => {
  assert.equal(ms, FLUSH_MS);
  queueMicrotask(fn);
  return () => undefined;
};

function stage(request: FlowRequest, name: string) {
  const s = request.stages.find((x) => x.name === name);
  assert.ok(s, `no ${name} stage in ${request.stages.map((x) => x.name).join(', ')}`);
  return s;
}

test('sending a Deployment plays its flow through the API server, then the reactions down the chain as they happen', async () => {
  const { lab, clock } = await startTestLab(2);
  const reactions: FlowReaction[] = [];
  let follower: FlowReactions | undefined;
  try {
    await bindClusterAdmins(lab, clock);
    const client = lab.client(KUBEADM_ADMIN);
    const { flow, written } = await sendManifests(client, stringify(webDeployment()), { id: 1, dryRun: false, cluster: 'KubeLab', namespace: 'default' });
    assert.equal(flow.error, undefined);
    assert.equal(flow.requests.length, 1);
    const r = flow.requests[0];
    assert.equal(r.summary, 'deployment.apps/web created');
    assert.deepEqual([r.outcome, r.verb, r.code, r.user, r.groups], ['created', 'create', 201, 'jane', KUBEADM_ADMIN.groups]);
    assert.ok(r.trace, 'the answer names its trace');
    assert.deepEqual(r.stages.map((s) => `${s.name}:${s.result}`), ['authentication:ok', 'authorization:ok', 'decode:ok', 'mutating admission:ok', 'validation:ok', 'validating admission:ok', 'persist:ok']);
    assert.equal(stage(r, 'authentication').detail, 'jane');
    const authz = stage(r, 'authorization');
    assert.equal(authz.detail, 'RBAC: allowed by ClusterRoleBinding "kubeadm:cluster-admins" of ClusterRole "cluster-admin" to Group "kubeadm:cluster-admins"');
    assert.deepEqual(authz.rule, { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] });
    const mutating = stage(r, 'mutating admission').plugins;
    assert.ok(mutating.length > 0 && mutating.every((p) => p.phase === 'mutating' && p.verdict === 'admitted'), JSON.stringify(mutating));
    const validating = stage(r, 'validating admission').plugins;
    assert.ok(validating.some((p) => p.name === 'ValidatingAdmissionPolicy'), validating.map((p) => p.name).join());
    const persist = stage(r, 'persist');
    assert.ok(r.revision && r.revision > 0);
    assert.equal(persist.detail, `revision ${r.revision}`);
    assert.equal(persist.key, lab.server.storageFor('apps', 'deployments')?.key('default', 'web'));
    assert.equal(persist.key, '/registry/deployments/default/web');
    // The deployment controller's informer, at least, watches Deployments.
    assert.ok((persist.watchers ?? 0) >= 1, String(persist.watchers));
    assert.equal(written.length, 1);
    assert.deepEqual([written[0].kind, written[0].namespace, written[0].name, written[0].revision], ['Deployment', 'default', 'web', r.revision]);

    follower = new FlowReactions(client, written, (rs) => reactions.push(...rs), immediate, () => clock.now());
    await follower.start();
    const running = () => reactions.filter((x) => x.reason === 'Running').length;
    await until(clock, () => running() === 3, 'three pods running');
    const first = (check: (x: FlowReaction) => boolean, what: string) => {
      const i = reactions.findIndex(check);
      assert.ok(i >= 0, `no ${what} in ${reactions.map((x) => `${x.step}:${x.reason}:${x.object}`).join('\n')}`);
      return i;
    };
    const rsCreated = first((x) => x.step === 'controller' && x.reason === 'Created' && x.object.startsWith('ReplicaSet/web-'), 'ReplicaSet created');
    const scaled = first((x) => x.step === 'controller' && x.reason === 'ScalingReplicaSet' && x.component === 'deployment-controller', 'deployment controller event');
    const podCreated = first((x) => x.step === 'pods' && x.reason === 'Created' && x.object.startsWith('Pod/web-'), 'pod created');
    const rsEvent = first((x) => x.step === 'replicaset' && x.reason === 'SuccessfulCreate', 'replica set controller event');
    const scheduled = first((x) => x.step === 'scheduler' && x.reason === 'Scheduled', 'Scheduled event');
    const kubelet = first((x) => x.step === 'kubelet' && x.component.startsWith('kubelet (node-'), 'kubelet reaction');
    const isRunning = first((x) => x.reason === 'Running', 'pod running');
    assert.ok(rsCreated < podCreated && podCreated < scheduled && scheduled < isRunning, `${rsCreated} ${podCreated} ${scheduled} ${isRunning}`);
    assert.ok(scaled >= 0 && rsEvent >= 0 && kubelet > scheduled);
    assert.match(reactions[scheduled].message, /^Successfully assigned default\/web-[a-z0-9]+-[a-z0-9]+ to node-\d$/);
    assert.ok(reactions.every((x) => /^\d{4}-\d\d-\d\dT/.test(x.at)), 'every reaction has the cluster\'s timestamp');
    assert.deepEqual(reactions.map((x) => x.seq), reactions.map((_, i) => i + 1));
    assert.equal(reactions.filter((x) => x.step === 'pods' && x.reason === 'Created').length, 3);
    follower.dispose();

    // Scaled to 4, the update's chain runs through the ReplicaSet that already was: one pod is news, the ReplicaSet is not.
    const scaled4 = await sendManifests(client, stringify({ ...webDeployment(), spec: { ...webDeployment().spec, replicas: 4 } }), { id: 2, dryRun: false, cluster: 'KubeLab', namespace: 'default' });
    assert.equal(scaled4.flow.requests[0].summary, 'deployment.apps/web configured');
    assert.equal(scaled4.flow.requests[0].verb, 'patch');
    const more: FlowReaction[] = [];
    follower = new FlowReactions(client, scaled4.written, (rs) => more.push(...rs), immediate, () => clock.now());
    await follower.start();
    await until(clock, () => more.some((x) => x.reason === 'Running'), 'the fourth pod running');
    assert.equal(more.filter((x) => x.step === 'pods' && x.reason === 'Created').length, 1, more.map((x) => `${x.step}:${x.reason}:${x.object}`).join('\n'));
    assert.equal(more.filter((x) => x.reason === 'Created' && x.object.startsWith('ReplicaSet/')).length, 0);
    assert.ok(more.some((x) => x.reason === 'ScalingReplicaSet' && /from 3 to 4$/.test(x.message)), more.map((x) => x.message).join('\n'));
  } finally {
    follower?.dispose();
    lab.stop();
  }
});

test('a Service is followed to its endpoints, and kube-proxy\'s step follows each endpoint', async () => {
  const { lab, clock } = await startTestLab(2);
  const reactions: FlowReaction[] = [];
  let follower: FlowReactions | undefined;
  try {
    assert.ok(!isStatus(await lab.client().create(DEPLOYMENTS, webDeployment())));
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
    const { flow, written } = await sendManifests(lab.client(), stringify(service), { id: 2, dryRun: false, cluster: 'KubeLab', namespace: 'default' });
    assert.equal(flow.requests[0].summary, 'service/web created');
    // The lab's admin is in system:masters, which kube-apiserver allows before asking RBAC: no reason, no rule.
    assert.equal(stage(flow.requests[0], 'authorization').detail, '');
    assert.equal(stage(flow.requests[0], 'authorization').rule, undefined);
    follower = new FlowReactions(lab.client(), written, (rs) => reactions.push(...rs), immediate, () => clock.now());
    await follower.start();
    await until(clock, () => reactions.filter((x) => x.step === 'kube-proxy').length === 3, 'three endpoints programmed');
    const ready = reactions.filter((x) => x.step === 'endpoints');
    assert.equal(ready.length, 3);
    for (const x of ready) assert.match(x.message, /^10\.244\.\d+\.\d+ \(pod web-[a-z0-9-]+\) is ready in EndpointSlice web-[a-z0-9]+ of Service default\/web$/);
    assert.match(reactions.filter((x) => x.step === 'kube-proxy')[0].message, /^kube-proxy adds 10\.244\.\d+\.\d+ \(80\/TCP\) to Service default\/web's rules$/);
  } finally {
    follower?.dispose();
    lab.stop();
  }
});

test('a rejected request shows the stage and the plugin that rejected it, with the policy\'s CEL expression and result', async () => {
  const { lab, clock } = await startTestLab(1);
  try {
    const admin = lab.client();
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'replica-limit' },
      spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] }, validations: [{ expression: 'object.spec.replicas <= 2', message: 'at most 2 replicas' }] },
    } as KubeObject;
    const binding = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'replica-limit' }, spec: { policyName: 'replica-limit', validationActions: ['Deny'] } } as KubeObject;
    assert.ok(!isStatus(await admin.create(POLICIES, policy)));
    assert.ok(!isStatus(await admin.create(POLICY_BINDINGS, binding)));
    await settle(clock);
    const before = await lab.store.revision();

    const { flow, written } = await sendManifests(admin, stringify(webDeployment()), { id: 3, dryRun: false, cluster: 'KubeLab', namespace: 'default' });
    const r = flow.requests[0];
    assert.equal(r.outcome, 'failed');
    assert.deepEqual([r.code, r.reason], [422, 'Invalid']);
    assert.equal(r.message, 'deployments.apps "web" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' with binding \'replica-limit\' denied request: at most 2 replicas');
    assert.equal(r.summary, `Error from server (Invalid): error when applying "request flow" (document 1, line 1): ${r.message}`);
    assert.deepEqual(r.rejected, { stage: 'validating admission', plugin: 'ValidatingAdmissionPolicy' });
    assert.equal(r.stages.at(-1)?.name, 'validating admission');
    const vap = stage(r, 'validating admission').plugins.find((p) => p.name === 'ValidatingAdmissionPolicy');
    assert.ok(vap);
    assert.equal(vap.verdict, 'denied');
    assert.deepEqual(vap.evaluations, [{ policy: 'replica-limit', binding: 'replica-limit', expression: 'object.spec.replicas <= 2', result: 'false', message: 'at most 2 replicas', actions: ['Deny'] }]);
    assert.equal(r.revision, undefined);
    assert.deepEqual(written, []);
    assert.equal(await lab.store.revision(), before, 'a rejected request writes nothing');

    // Within the limit, the same policy's expression is true and the Deployment is stored.
    const ok = await sendManifests(admin, stringify({ ...webDeployment(), spec: { ...webDeployment().spec, replicas: 2 } }), { id: 4, dryRun: true, cluster: 'KubeLab', namespace: 'default' });
    const dry = ok.flow.requests[0];
    assert.equal(dry.summary, 'deployment.apps/web created (server dry run)');
    assert.deepEqual(stage(dry, 'validating admission').plugins.find((p) => p.name === 'ValidatingAdmissionPolicy')?.evaluations.map((e) => e.result), ['true']);
    assert.deepEqual([stage(dry, 'persist').result, stage(dry, 'persist').detail], ['skipped', 'dryRun=All']);
    assert.deepEqual(ok.written, [], 'a dry run writes nothing to follow');

    // A user RBAC does not allow is stopped at authorization, with upstream's 403.
    const nobody = await sendManifests(lab.client({ username: 'mallory', groups: ['system:authenticated'] }), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n', { id: 5, dryRun: false, cluster: 'KubeLab', namespace: 'default', traces: admin });
    const denied = nobody.flow.requests[0];
    assert.deepEqual(denied.rejected, { stage: 'authorization', plugin: '' });
    assert.deepEqual([denied.user, denied.code, stage(denied, 'authentication').detail], ['mallory', 403, 'mallory']);
    assert.equal(denied.message, 'configmaps "c" is forbidden: User "mallory" cannot get resource "configmaps" in API group "" in the namespace "default"');
  } finally {
    lab.stop();
  }
});

test('a mutating plugin\'s patch is in the flow; text that does not parse sends nothing', async () => {
  const { lab } = await startTestLab(1);
  try {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const { flow } = await sendManifests(lab.client(), `${stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } })}---\n${stringify(pod)}`, { id: 6, dryRun: false, cluster: 'KubeLab', namespace: 'default' });
    assert.deepEqual(flow.requests.map((r) => [r.summary, r.document]), [['configmap/c created', 0], ['pod/p created', 1]]);
    const plugins = stage(flow.requests[1], 'mutating admission').plugins;
    const tolerations = plugins.find((p) => p.name === 'DefaultTolerationSeconds');
    assert.ok(tolerations, plugins.map((p) => p.name).join());
    assert.deepEqual(tolerations.patch.map((op) => `${op.op} ${op.path}`), ['add /spec/tolerations']);

    const bad = await sendManifests(lab.client(), 'kind: [', { id: 7, dryRun: false, cluster: 'KubeLab', namespace: 'default' });
    assert.match(bad.flow.error ?? '', /^error parsing request flow: document 1, line \d+: /);
    assert.deepEqual(bad.flow.requests, []);
  } finally {
    lab.stop();
  }
});
