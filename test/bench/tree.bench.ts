// Tree benchmarks, run by `npm run bench` (scripts/bench.mjs) on Node 24 with tsx.
// stdout carries one JSON object per line; progress goes to stderr.
//
// host.tree.10kpods.ms  one full refresh of the Cluster view with 10,000 pods on 100 nodes
//                       (50 Deployments → 50 ReplicaSets → 200 pods each, in 4 namespaces):
//                       the root and every expanded row asked for its children, and
//                       getTreeItem on every row, as the fake VS Code renders a visible view.
//                       value/p95: the refreshes after the first; first: the first one,
//                       which computes every row from nothing; allPodsChanged: a refresh
//                       after every pod was updated (each pod row computed again).
//                       Each refresh first compares the rows VS Code was handed with what they
//                       would show now (the editor skips a redraw that changes no row); the fake
//                       view renders regardless, so the figure is that check plus a full redraw.
//
// The ClusterModel's real informers list the objects from an in-memory API that serves
// fixed lists and never sends watch events, so the figure is the tree's cost alone.
import { performance } from 'node:perf_hooks';
import type { KubeObject, Node, Pod, WatchEvent } from '../../extension/src/lab/api/types';
import type { ApiRequest, ApiResponse } from '../../extension/src/lab/apiserver/apiServer';
import { KubeClient } from '../../extension/src/lab/client/kubeClient';
import type { Transport, WatchHandle } from '../../extension/src/lab/client/transport';
import { ClusterModel } from '../../extension/src/host/clusterModel';
import { createFakeVscode, installFakeVscode } from './fakeVscode';
import { emit, log, percentile, round } from './report';

const PODS = 10_000;
const NODES = 100;
const DEPLOYMENTS = 50;
const NAMESPACES = ['default', 'shop', 'search', 'billing'];
const RUNS = 21;
const TARGET_MS = 100;

const T0 = '2026-01-01T00:00:00Z';

/** cluster builds the objects: nodes, deployments with one ReplicaSet each, and their pods spread over the nodes. */
function cluster(): Map<string, KubeObject[]> {
  const lists = new Map<string, KubeObject[]>();
  lists.set('/api/v1/namespaces', [...NAMESPACES, 'kube-system'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: `ns-${name}`, resourceVersion: '1', creationTimestamp: T0 }, status: { phase: 'Active' } })));
  const nodes: Node[] = [];
  for (let i = 1; i <= NODES; i++) {
    nodes.push({
      apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}`, uid: `node-${i}`, resourceVersion: '1', creationTimestamp: T0, labels: { 'kubernetes.io/hostname': `node-${i}` } },
      spec: { podCIDR: `10.244.${i}.0/24`, ...(i % 25 === 0 ? { unschedulable: true } : {}) },
      status: { conditions: [{ type: 'Ready', status: i % 50 === 7 ? 'False' : 'True' }], allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
    });
  }
  lists.set('/api/v1/nodes', nodes);
  const deployments: KubeObject[] = [];
  const replicaSets: KubeObject[] = [];
  const pods: Pod[] = [];
  const perDeployment = PODS / DEPLOYMENTS;
  for (let d = 0; d < DEPLOYMENTS; d++) {
    const namespace = NAMESPACES[d % NAMESPACES.length];
    const name = `app-${d}`;
    const rsName = `${name}-7d9f8c6b5`;
    const labels = { app: name };
    const template = { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'sidecar', image: 'busybox:1.36' }] } };
    deployments.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, uid: `d-${d}`, resourceVersion: '1', creationTimestamp: T0 }, spec: { replicas: perDeployment, selector: { matchLabels: labels }, template }, status: { replicas: perDeployment, readyReplicas: perDeployment - 3, updatedReplicas: perDeployment, availableReplicas: perDeployment - 3 } });
    replicaSets.push({
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: rsName, namespace, uid: `rs-${d}`, resourceVersion: '1', creationTimestamp: T0, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: `d-${d}`, controller: true }] },
      spec: { replicas: perDeployment, selector: { matchLabels: labels }, template }, status: { replicas: perDeployment, readyReplicas: perDeployment - 3 },
    });
    for (let p = 0; p < perDeployment; p++) {
      const n = d * perDeployment + p;
      pods.push(pod(namespace, `${rsName}-${suffix(n)}`, `rs-${d}`, rsName, `node-${(n % NODES) + 1}`, n));
    }
  }
  lists.set('/apis/apps/v1/deployments', deployments);
  lists.set('/apis/apps/v1/replicasets', replicaSets);
  lists.set('/api/v1/pods', pods);
  return lists;
}

/** suffix is a pod name's random-looking five characters, fixed per index. */
function suffix(n: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let x = (n * 2654435761) >>> 0, i = 0; i < 5; i++, x = Math.floor(x / alphabet.length)) s += alphabet[x % alphabet.length];
  return s;
}

/** pod is a Running pod of two containers; a few crash-loop, wait to start or restart, as in a busy cluster. */
function pod(namespace: string, name: string, rsUid: string, rsName: string, nodeName: string, n: number): Pod {
  const crashing = n % 97 === 0;
  const creating = n % 89 === 0;
  const restarts = n % 13 === 0 ? 2 : 0;
  const running = { running: { startedAt: T0 } };
  const web = crashing
    ? { name: 'web', image: 'nginx:1.27', imageID: '', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: T0 } } }
    : creating
      ? { name: 'web', image: 'nginx:1.27', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} }
      : { name: 'web', image: 'nginx:1.27', imageID: 'docker.io/library/nginx@sha256:1', ready: true, restartCount: restarts, state: running, lastState: restarts ? { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: T0 } } : {} };
  const sidecar = { name: 'sidecar', image: 'busybox:1.36', imageID: 'docker.io/library/busybox@sha256:2', ready: !creating, restartCount: 0, state: creating ? { waiting: { reason: 'ContainerCreating' } } : running, lastState: {} };
  const ready = web.ready && sidecar.ready;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, uid: `pod-${n}`, resourceVersion: '1', creationTimestamp: T0, labels: { app: rsName.slice(0, rsName.lastIndexOf('-')) }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUid, controller: true }] },
    spec: { nodeName, containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'sidecar', image: 'busybox:1.36' }] },
    status: {
      phase: creating ? 'Pending' : 'Running', podIP: `10.244.${(n % NODES) + 1}.${(n % 250) + 2}`, startTime: T0,
      conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [web, sidecar],
    },
  };
}

/** fixedApi answers lists from fixed objects; its watches stay quiet until the bench sends events down them. */
function fixedApi(lists: Map<string, KubeObject[]>): Transport & { send(path: string, e: WatchEvent): void } {
  const quiet: WatchHandle = { cancel: () => undefined };
  const watchers = new Map<string, (e: WatchEvent) => void>();
  return {
    request(req: ApiRequest): Promise<ApiResponse> {
      const items = lists.get(req.path) ?? [];
      return Promise.resolve({ status: 200, body: { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items } } as ApiResponse);
    },
    watch(req: ApiRequest, onEvent: (e: WatchEvent) => void): Promise<WatchHandle> {
      watchers.set(req.path, onEvent);
      return Promise.resolve(quiet);
    },
    stream(): Promise<WatchHandle> {
      return Promise.resolve(quiet);
    },
    send(path: string, e: WatchEvent): void {
      watchers.get(path)?.(e);
    },
  };
}

async function main(): Promise<void> {
  const fake = createFakeVscode();
  fake.renderTree = false;
  installFakeVscode(fake);
  const { ClusterTree } = await import('../../extension/src/host/clusterTree.js');

  const api = fixedApi(cluster());
  const model = new ClusterModel(new KubeClient(api));
  await model.start();
  if (model.pods.list().length !== PODS || model.nodes.list().length !== NODES) throw new Error(`the model holds ${model.pods.list().length} pods on ${model.nodes.list().length} nodes`);
  const tree = new ClusterTree();
  const view = (fake.api.window as { createTreeView(id: string, o: object): { render(): Promise<void>; items: number; dispose(): void } }).createTreeView('kubelab.cluster', { treeDataProvider: tree });
  tree.setModel(model, 'running');

  // Wall time is what the editor waits; CPU time says the same on a quiet machine and less on a busy one.
  const times: number[] = [];
  const cpu: number[] = [];
  let items = 0;
  for (let run = 0; run < RUNS; run++) {
    const before = view.items;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    tree.refresh();
    await view.render();
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    items = view.items - before;
  }
  // Every pod changes (a status update each, as the kubelets' heartbeat of a busy cluster would send): no row is known.
  const changedTimes: number[] = [];
  for (let run = 0; run < 5; run++) {
    for (const p of model.pods.list()) api.send('/api/v1/pods', { type: 'MODIFIED', object: { ...p, metadata: { ...p.metadata, resourceVersion: String(run + 2) } } });
    const start = performance.now();
    tree.refresh();
    await view.render();
    changedTimes.push(performance.now() - start);
  }
  // A row for each pod under its ReplicaSet, plus the headings, Deployments, ReplicaSets and nodes.
  if (items < PODS + DEPLOYMENTS * 2 + NODES) throw new Error(`a refresh drew only ${items} rows`);
  // The first refresh computes every row (and runs cold code); later ones reuse the rows of lists whose members did not change.
  const later = times.slice(1);
  log(`first refresh ${round(times[0])} ms (${round(cpu[0])} ms CPU), later refreshes median ${round(percentile(later, 50))} ms (${round(percentile(cpu.slice(1), 50))} ms CPU)`);
  emit({
    bench: 'host.tree.10kpods.ms',
    value: round(percentile(later, 50)),
    unit: 'ms',
    p95: round(percentile(later, 95)),
    min: round(Math.min(...later)),
    cpuMedian: round(percentile(cpu.slice(1), 50)),
    first: round(times[0]),
    firstCpu: round(cpu[0]),
    allPodsChanged: round(percentile(changedTimes, 50)),
    runs: RUNS,
    rows: items,
    pods: PODS,
    nodes: NODES,
    deployments: DEPLOYMENTS,
    namespaces: NAMESPACES.length,
    target: TARGET_MS,
  });
  view.dispose();
  tree.dispose();
  model.stop();
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
