/**
 * PodRange is the node's pod range as the kubelet's network plugin holds it
 * (kubenet's updatePodCIDR): the bridge takes its first address, pods the rest,
 * handed out in order and given back when their sandbox goes.
 */
export class PodRange {
  private free: string[] = [];
  private range?: string;

  /** cidr is the node's pod range: --pod-cidr, else the Node's spec.podCIDR once set; unset, the network is not ready. */
  get cidr(): string | undefined {
    return this.range;
  }

  /** set takes cidr as the node's range, every pod address in it free. */
  set(cidr: string): void {
    this.range = cidr;
    const base = cidr.split('/')[0].split('.').slice(0, 3).join('.');
    this.free = Array.from({ length: 253 }, (_, i) => `${base}.${i + 2}`);
  }

  /** take hands out the next free pod address, if any is left. */
  take(): string | undefined {
    return this.free.shift();
  }

  /** release gives a pod's address back. */
  release(ip: string): void {
    this.free.push(ip);
  }

  /** bridgeIP is the address the node reaches its pods from: the bridge's, the first of the range (undefined before there is one). */
  bridgeIP(): string | undefined {
    return this.range ? `${this.range.split('/')[0].split('.').slice(0, 3).join('.')}.1` : undefined;
  }
}
