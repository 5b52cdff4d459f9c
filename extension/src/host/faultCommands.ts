/**
 * faultCommands break the lab on purpose, so a user can watch it react: Fill Node
 * Memory (the kubelet comes under memory pressure, taints its Node and evicts
 * pods), Release Node Memory, Crash Container (restart policy and CrashLoopBackOff
 * take over), Kill Control-Plane Leader (the standby replica takes the Lease
 * once it expires) and Cut Node Off (the node lifecycle controller loses touch
 * with the node and evicts its pods) with Reconnect Node. Node and pod commands
 * also run on the Cluster view's items.
 */
import * as vscode from 'vscode';
import { isStatus, type Pod } from '../lab/api/types';
import { PODS } from '../lab/client/resources';
import type { ControlResults } from '../lab/labControl';
import type { LabHost } from './labHost';
import { isResourceItem } from './resourceItem';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The components with a leader-elected replica set in the lab. */
const COMPONENTS = ['kube-scheduler', 'kube-controller-manager'];

/** registerFaultCommands registers the fault injection commands. */
export function registerFaultCommands(host: LabHost): vscode.Disposable[] {
  const run = (body: (...args: unknown[]) => Promise<unknown>) => (...args: unknown[]) =>
    body(...args).then(() => undefined, (err: unknown) => void vscode.window.showErrorMessage(`KubeLab: ${message(err)}`));
  const info = (text: string): void => void vscode.window.showInformationMessage(`KubeLab: ${text}`);

  return [
    vscode.commands.registerCommand('kubelab.fillNodeMemory', run(async (element?: unknown, amountArg?: unknown) => {
      const name = await pickNode(host, element, 'Node whose memory to fill');
      if (!name) return;
      const amount = typeof amountArg === 'string' ? amountArg : await vscode.window.showInputBox({
        title: `Fill ${name}'s memory`,
        prompt: 'How much memory to take outside any pod (a quantity such as 1Gi); empty leaves 50Mi free, below the 100Mi eviction threshold.',
        placeHolder: 'all but 50Mi',
      });
      if (amount === undefined) return;
      const r = await host.control({ op: 'fillNodeMemory', name, ...(amount.trim() ? { amount: amount.trim() } : {}) });
      info(`${r.filled} of ${r.node}'s memory is taken; ${r.available} is available. Its kubelet checks every 10 s: under 100Mi it reports MemoryPressure and evicts pods.`);
    })),

    vscode.commands.registerCommand('kubelab.releaseNodeMemory', run(async (element?: unknown) => {
      const name = await pickNode(host, element, 'Node whose memory to release');
      if (!name) return;
      const r = await host.control({ op: 'releaseNodeMemory', name });
      info(`${r.released} of ${r.node}'s memory was given back; MemoryPressure clears 5 minutes after the kubelet last saw it.`);
    })),

    vscode.commands.registerCommand('kubelab.crashContainer', run(async (element?: unknown, containerArg?: unknown) => {
      const pod = await pickPod(host, element);
      if (!pod) return;
      const containers = (pod.spec.containers ?? []).map((c) => c.name);
      const container = typeof containerArg === 'string' ? containerArg
        : containers.length <= 1 ? containers[0] : await vscode.window.showQuickPick(containers, { placeHolder: `Container of ${pod.metadata.name ?? ''} to crash` });
      if (!container) return;
      const r = await host.control({ op: 'crashContainer', namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name ?? '', container });
      info(`${r.container} in ${r.pod} exited with code ${r.exitCode}; its restart policy decides what happens next.`);
    })),

    vscode.commands.registerCommand('kubelab.cutNodeOff', run(async (element?: unknown) => {
      const name = await pickNode(host, element, 'Node to cut off the network', (n) => n.kubelet !== 'none' && !n.network, 'every node with a kubelet is cut off already');
      if (!name) return;
      const r = await host.control({ op: 'cutNodeOff', name });
      info(`${r.node} is cut off the network: its kubelet and pods run on, unheard. After 40 s without a heartbeat it goes Unknown and is tainted unreachable; 300 s later (the default toleration) its pods are evicted and their controllers replace them elsewhere.`);
    })),

    vscode.commands.registerCommand('kubelab.reconnectNode', run(async (element?: unknown) => {
      const name = await pickNode(host, element, 'Node to reconnect', (n) => n.network === 'cut off', 'no node is cut off');
      if (!name) return;
      const r = await host.control({ op: 'reconnectNode', name });
      info(`${r.node} is back on the network: its kubelet catches up at its next retry, stops the pods deleted meanwhile and reports Ready.`);
    })),

    vscode.commands.registerCommand('kubelab.killControlPlaneLeader', run(async (componentArg?: unknown) => {
      const component = typeof componentArg === 'string' ? componentArg
        : await vscode.window.showQuickPick(COMPONENTS, { placeHolder: 'Component whose leading replica to kill' });
      if (!component) return;
      const r = await host.control({ op: 'killControlPlaneReplica', component });
      // Its static pod comes back as a new candidate beside any standby replica.
      info(`${r.killed} (${r.component}) was killed without releasing its Lease; ${r.candidates} candidate${r.candidates === 1 ? '' : 's'} campaign${r.candidates === 1 ? 's' : ''} for it, and one leads once the Lease expires (15 s).`);
    })),
  ];
}

/** NodeState is a Node as listNodes tells it. */
type NodeState = ControlResults['listNodes']['nodes'][number];

/** pickNode is the tree's node the command ran on, or one picked from the lab's nodes that fit (those running a kubelet by default). */
async function pickNode(host: LabHost, element: unknown, placeHolder: string, fits = (n: NodeState) => n.kubelet === 'running', none = 'no node runs a kubelet'): Promise<string | undefined> {
  if (isResourceItem(element) && element.kind === 'Node') return element.name;
  if (typeof element === 'string') return element;
  if (host.state !== 'running') throw new Error('the lab is not running');
  const { nodes } = await host.control({ op: 'listNodes' });
  const picks = nodes.filter(fits).map((n) => n.name);
  if (picks.length === 0) throw new Error(none);
  return vscode.window.showQuickPick(picks, { placeHolder });
}

/** pickPod is the tree's pod the command ran on, or one picked from the running pods. */
async function pickPod(host: LabHost, element: unknown): Promise<Pod | undefined> {
  if (host.state !== 'running') throw new Error('the lab is not running');
  const client = host.client;
  if (!client) throw new Error('the lab is not running');
  if (isResourceItem(element) && element.kind === 'Pod') {
    const pod = await client.get<Pod>(PODS, element.namespace, element.name);
    if (isStatus(pod)) throw new Error(pod.message ?? `pod ${element.name} not found`);
    return pod;
  }
  const list = await client.list<Pod>(PODS, '');
  if (isStatus(list)) throw new Error(list.message ?? 'cannot list pods');
  const running = list.items.filter((p) => p.status?.phase === 'Running');
  if (running.length === 0) throw new Error('no pod is running');
  const picked = await vscode.window.showQuickPick(running.map((p) => ({ label: p.metadata.name ?? '', description: `${p.metadata.namespace ?? ''} · ${p.spec.nodeName ?? ''}`, pod: p })), { placeHolder: 'Pod whose container to crash' });
  return picked?.pod;
}
