/**
 * kubeletDial is the API server's dial of a node's kubelet (port 10250 on the
 * node's address), the first step of every call it makes there: logs, exec,
 * attach, port-forward, the node proxy, the metrics scrape. A kubelet the lab
 * runs answers. A node whose kubelet is not running refuses the connection. A
 * node cut off the network answers nothing at all, so the dial runs out its
 * timeout, whatever the kubelet's state: the packets never get there.
 */
import type { KubeletConnection } from './handlers/log';

/** NodeNetwork tells which nodes are cut off the network (the lab's NodePartition). */
export interface NodeNetwork {
  isCutOff(node: string): boolean;
}

/** CONNECTION_REFUSED is Go's net.OpError text for a dial nobody listens for: a node up, its kubelet not. */
export const CONNECTION_REFUSED = 'connect: connection refused';
/** DIAL_TIMEOUT is Go's net.OpError text for a dial that gets no answer before the dialer's timeout (30 s for the kubelet client). */
export const DIAL_TIMEOUT = 'i/o timeout';

/** KubeletDial is a dialled kubelet, or the dial's error: the words after `dial tcp <host>: `. */
export type KubeletDial = { kubelet: KubeletConnection } | { error: typeof CONNECTION_REFUSED | typeof DIAL_TIMEOUT };

/** dialKubelet dials node's kubelet over the server's kubelet connections and the node network. */
export function dialKubelet(server: { kubelets: ReadonlyMap<string, KubeletConnection>; nodeNetwork?: NodeNetwork }, node: string): KubeletDial {
  if (server.nodeNetwork?.isCutOff(node)) return { error: DIAL_TIMEOUT };
  const kubelet = server.kubelets.get(node);
  return kubelet ? { kubelet } : { error: CONNECTION_REFUSED };
}
