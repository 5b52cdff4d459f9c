import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../api/types';
import { isStatus } from '../api/types';
import type { KubeClient } from '../client/kubeClient';
import { DEPLOYMENTS, NAMESPACES, NODES, PODS, REPLICASETS, SERVICEACCOUNTS, type ResourceRef } from '../client/resources';
import type { ManualClock } from '../clock';
import type { Lab } from '../lab';
import { startTestLab } from '../testLab';
import { describe, DescribeError } from './describe';
import { CONFIGMAPS, CRONJOBS, DAEMONSETS, JOBS, SECRETS, SERVICES, STATEFULSETS } from './refs';

let lab: Lab;
let clock: ManualClock;
let client: KubeClient;

const template = (app: string) => ({
  metadata: { labels: { app } },
  spec: {
    containers: [{
      name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }, { containerPort: 443 }],
      env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }, { name: 'MODE', value: 'fast' }],
      resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
      // nginx's default site answers / (and 404 for anything else), so the probe passes as on a real node.
      readinessProbe: { httpGet: { path: '/', port: 80 } },
      volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
    }],
    volumes: [{ name: 'cache', emptyDir: {} }],
  },
});

async function create(ref: ResourceRef, obj: KubeObject): Promise<void> {
  const res = await client.create(ref, obj);
  assert.ok(!isStatus(res), JSON.stringify(res));
}

before(async () => {
  ({ lab, clock } = await startTestLab(2));
  client = lab.client();
  await create(DEPLOYMENTS, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels: { tier: 'front' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template('web') } });
  await create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
  await create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode: 'fast', motd: 'hello\nworld' }, binaryData: { blob: Buffer.from([1, 2, 3]).toString('base64') } });
  await create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, type: 'Opaque', data: { password: Buffer.from('hunter2').toString('base64'), user: Buffer.from('me').toString('base64') } });
  await create(JOBS, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'default' }, spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo hi'] }] } } } });
  await create(CRONJOBS, { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick', namespace: 'default' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } } });
  await create(STATEFULSETS, { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'default' }, spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db'), volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] } });
  await create(DAEMONSETS, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { ...template('agent'), spec: { ...template('agent').spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } } } });
  await clock.advance(30_000);
});
after(() => lab.stop());

const at = () => describe(client, DEPLOYMENTS, 'Deployment', 'default', 'web', clock.now());

async function webPod(): Promise<KubeObject> {
  const pods = await client.list(PODS, 'default', { labelSelector: 'app=web' });
  assert.ok(!isStatus(pods));
  return pods.items[0];
}

/** lines are the text's lines, for asserting that whole lines appear. */
function has(text: string, ...want: string[]): void {
  const got = text.split('\n');
  for (const line of want) assert.ok(got.includes(line), `missing line ${JSON.stringify(line)} in:\n${text}`);
}

test('a pod prints its node, controller, containers with state, conditions, volumes, QoS and events', async () => {
  const pod = await webPod();
  const text = await describe(client, PODS, 'Pod', 'default', pod.metadata.name ?? '', clock.now());
  assert.match(text, new RegExp(`^Name:             ${pod.metadata.name}\nNamespace:        default\nPriority:         0\nService Account:  default\nNode:             node-\\d/172\\.18\\.0\\.\\d+\nStart Time:       Thu, 01 Jan 2026 00:00:0\\d \\+0000\n`));
  has(text, 'Status:           Running', 'Controlled By:  ReplicaSet/' + (pod.metadata.ownerReferences?.[0].name ?? ''), '    Ports:          80/TCP, 443/TCP', '    Host Ports:     0/TCP, 0/TCP',
    '    State:          Running', '    Ready:          True', '    Restart Count:  0', '    Readiness:  http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3',
    `      POD_NAME:  ${pod.metadata.name} (v1:metadata.name)`, '      POD_IP:     (v1:status.podIP)', '      MODE:      fast', '      /cache from cache (rw)',
    '    Type:       EmptyDir (a temporary directory that shares a pod\'s lifetime)', '    Medium:     ', '    SizeLimit:  <unset>',
    'QoS Class:                   Burstable', '  Type                        Status', '  Ready                       True ');
  assert.match(text, /\nEvents:\n  Type    Reason     Age   From               Message\n  ----    ------     ----  ----               -------\n  Normal  Scheduled  30s   default-scheduler  Successfully assigned default\/web-/);
});

test('a deployment prints its replicas, strategy, pod template, conditions and ReplicaSets', async () => {
  const text = await at();
  has(text, 'Name:                   web', 'CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000', 'Labels:                 tier=front', 'Selector:               app=web',
    'Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable', 'StrategyType:           RollingUpdate', 'RollingUpdateStrategy:  25% max unavailable, 25% max surge',
    'Pod Template:', '  Labels:  app=web', '  Containers:', '   app:', '      POD_NAME:   (v1:metadata.name)', '  Available      True    MinimumReplicasAvailable', 'OldReplicaSets:  <none>');
  assert.match(text, /\nNewReplicaSet:   web-\w+ \(2\/2 replicas created\)\nEvents:\n/);
  assert.match(text, /  Normal  ScalingReplicaSet  30s   deployment-controller  Scaled up replica set web-\w+ from 0 to 2\n$/);
});

test('a replicaset prints its controller and pod counts', async () => {
  const list = await client.list(REPLICASETS, 'default', { labelSelector: 'app=web' });
  assert.ok(!isStatus(list));
  const text = await describe(client, REPLICASETS, 'ReplicaSet', 'default', list.items[0].metadata.name ?? '', clock.now());
  has(text, 'Controlled By:  Deployment/web', 'Replicas:       2 current / 2 desired', 'Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed');
});

test('a node prints its lease, conditions, capacity and the share of each pod', async () => {
  const pod = await webPod();
  const text = await describe(client, NODES, 'Node', '', pod.spec && typeof pod.spec === 'object' ? String((pod.spec as { nodeName?: string }).nodeName) : '', clock.now());
  has(text, 'Roles:              <none>', 'Taints:             <none>', 'Unschedulable:      false', 'Lease:', '  AcquireTime:     <unset>', 'Capacity:', '  cpu:                4', '  memory:             8Gi',
    'Allocated resources:', '  (Total limits may be over 100 percent, i.e., overcommitted.)');
  assert.match(text, /\n  default\s+web-\w+-\w+\s+250m \(6%\)\s+500m \(12%\)\s+64Mi \(0%\)\s+128Mi \(1%\)\s+30s\n/);
  assert.match(text, /\n  Ready            True    Thu, 01 Jan 2026 00:00:10 \+0000   Thu, 01 Jan 2026 00:00:00 \+0000   KubeletReady                 kubelet is posting ready status\n/);
});

test('a service prints its selector, type and ports', async () => {
  const text = await describe(client, SERVICES, 'Service', 'default', 'web', clock.now());
  has(text, 'Selector:                 app=web', 'Type:                     ClusterIP', 'Port:                     http  80/TCP', 'TargetPort:               http/TCP', 'Session Affinity:         None');
});

test('a namespace prints its status, quotas and limit ranges', async () => {
  const text = await describe(client, NAMESPACES, 'Namespace', '', 'default', clock.now());
  assert.equal(text, 'Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n');
});

test('a configmap prints each key and value, binary sizes, then events', async () => {
  const text = await describe(client, CONFIGMAPS, 'ConfigMap', 'default', 'settings', clock.now());
  assert.equal(text, 'Name:         settings\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\nmode:\n----\nfast\n\nmotd:\n----\nhello\nworld\n\n\nBinaryData\n====\nblob: 3 bytes\n\nEvents:  <none>\n');
});

test('a secret prints sizes, never values', async () => {
  const text = await describe(client, SECRETS, 'Secret', 'default', 'creds', clock.now());
  assert.equal(text, 'Name:         creds\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\npassword:  7 bytes\nuser:      2 bytes\n');
});

test('a service account prints its secrets sections in kubectl\'s order', async () => {
  const text = await describe(client, SERVICEACCOUNTS, 'ServiceAccount', 'default', 'default', clock.now());
  has(text, 'Image pull secrets:  <none>', 'Mountable secrets:   <none>', 'Tokens:              <none>', 'Events:              <none>');
});

test('a job and a cronjob print their specs and templates', async () => {
  const job = await describe(client, JOBS, 'Job', 'default', 'once', clock.now());
  has(job, 'Completions:      1', 'Backoff Limit:    2', '    Command:', '      sh', '      -c', '      echo hi');
  assert.match(job, /\nSelector:         batch\.kubernetes\.io\/controller-uid=[0-9a-f-]+\n/);
  const cron = await describe(client, CRONJOBS, 'CronJob', 'default', 'tick', clock.now());
  has(cron, 'Schedule:                      */5 * * * *', 'Concurrency Policy:            Allow', 'Suspend:                       False', 'Starting Deadline Seconds:     <unset>', 'Last Schedule Time:  <unset>', 'Active Jobs:         <none>');
});

test('a statefulset prints its update strategy and volume claims; a daemonset its node counts', async () => {
  const ss = await describe(client, STATEFULSETS, 'StatefulSet', 'default', 'db', clock.now());
  has(ss, 'Replicas:           1 desired | ' + (ss.match(/\| (\d+) total/)?.[1] ?? '?') + ' total', 'Update Strategy:    RollingUpdate', 'Volume Claims:', '  Name:          data', '  StorageClass:  ', '  Capacity:      1Gi', '  Access Modes:  [ReadWriteOnce]');
  const ds = await describe(client, DAEMONSETS, 'DaemonSet', 'default', 'agent', clock.now());
  has(ds, 'Node-Selector:  kubernetes.io/os=linux', 'Number of Nodes Misscheduled: 0', '  Node-Selectors:  kubernetes.io/os=linux');
});

test('any other kind prints through the generic describer', async () => {
  const lease: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true };
  const text = await describe(client, lease, 'Lease', 'kube-node-lease', 'node-1', clock.now());
  assert.match(text, /^Name:         node-1\nNamespace:    kube-node-lease\nLabels:       <none>\nAnnotations:  <none>\nAPI Version:  coordination\.k8s\.io\/v1\nKind:         Lease\nMetadata:\n  Creation Timestamp:  2026-01-01T00:00:00Z\n/);
  has(text, 'Spec:', '  Holder Identity:         node-1', '  Lease Duration Seconds:  40', 'Events:                    <none>');
});

test('a missing object is a DescribeError with the server\'s message', async () => {
  await assert.rejects(describe(client, DEPLOYMENTS, 'Deployment', 'default', 'nope', clock.now()), (err: unknown) => err instanceof DescribeError && err.message === 'deployments.apps "nope" not found' && err.status.code === 404);
});

test('ages follow the now passed in', async () => {
  const later = await describe(client, DEPLOYMENTS, 'Deployment', 'default', 'web', clock.now() + 3_600_000);
  assert.match(later, /  Normal  ScalingReplicaSet  60m   deployment-controller/);
});
