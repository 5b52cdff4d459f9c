/**
 * podIndex keeps the API server's view of which pods are bound to which node,
 * as the Node authorizer's graph is fed by a pod informer upstream. It watches
 * pods through the shared watch cache, so the objects it holds are the frozen
 * ones every watcher already shares.
 */
import type { KubeObject } from '../api/types';
import type { Watch } from '../store/store';
import type { NodeGraph } from './auth/nodeAuthorizer';
import type { ObjectStorage } from './storage';

export class PodIndex implements NodeGraph {
  private readonly byNode = new Map<string, Map<string, KubeObject>>();
  private readonly nodeOf = new Map<string, string>();
  private watch?: Watch;

  constructor(private readonly pods: ObjectStorage) {}

  async start(): Promise<void> {
    const all = await this.pods.list('', { labels: [], fields: [] }, 0);
    for (const p of all.items) this.set(p);
    this.watch = this.pods.watch('', all.revision, { labels: [], fields: [] }, (e) => {
      if (e.type === 'DELETED') this.remove(e.object as KubeObject);
      else if (e.type === 'ADDED' || e.type === 'MODIFIED') this.set(e.object as KubeObject);
    }, () => {
      // Fell behind a compaction: relist.
      this.byNode.clear();
      this.nodeOf.clear();
      void this.start();
    });
  }

  stop(): void {
    this.watch?.cancel();
  }

  podsOnNode(node: string): readonly KubeObject[] {
    return [...(this.byNode.get(node)?.values() ?? [])];
  }

  private set(pod: KubeObject): void {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const before = this.nodeOf.get(key);
    if (before !== undefined && before !== node) this.byNode.get(before)?.delete(key);
    if (!node) {
      this.nodeOf.delete(key);
      return;
    }
    this.nodeOf.set(key, node);
    let pods = this.byNode.get(node);
    if (!pods) this.byNode.set(node, (pods = new Map<string, KubeObject>()));
    pods.set(key, pod);
  }

  private remove(pod: KubeObject): void {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    const node = this.nodeOf.get(key);
    if (node !== undefined) this.byNode.get(node)?.delete(key);
    this.nodeOf.delete(key);
  }
}
