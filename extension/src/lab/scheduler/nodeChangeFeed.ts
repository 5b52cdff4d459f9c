/**
 * NodeChangeFeed is the order in which the nodes of one snapshot node list
 * changed (a pod placed or removed, the Node updated), as positions in that
 * list. State kept across cycles (PodCountView, TermIndex) re-reads only the
 * nodes changed since it last looked, instead of reading every node's
 * generation each cycle — at thousands of nodes that walk, one cache miss per
 * node, cost more than the counting. Upstream's cache does the same with its
 * list of NodeInfos ordered by generation.
 *
 * The cache records into the feed of the list it built; a new list (nodes came
 * or went) comes with a new feed. Readers find a list's feed with
 * changeFeedOf; a list without one (tests, a snapshot of a fixed list) is read
 * node by node as before.
 */
import type { NodeInfo } from './nodeInfo';

const feeds = new WeakMap<readonly NodeInfo[], NodeChangeFeed>();

/** changeFeedOf is the feed recording changes to list's nodes, if the cache keeps one. */
export function changeFeedOf(list: readonly NodeInfo[]): NodeChangeFeed | undefined {
  return feeds.get(list);
}

export class NodeChangeFeed {
  /** log holds list positions; log[0] is entry number start. */
  private log: number[] = [];
  private start = 0;

  /** positionOf gives a node's position in list (the cache's own index of it). */
  constructor(list: readonly NodeInfo[], private readonly positionOf: (n: NodeInfo) => number | undefined) {
    feeds.set(list, this);
  }

  /** seq counts the changes recorded so far: a reader keeps it to ask for what came after. */
  get seq(): number {
    return this.start + this.log.length;
  }

  /** record notes that n changed; once the log is longer than the list, it starts over and older readers walk the list instead. */
  record(n: NodeInfo, listLength: number): void {
    const at = this.positionOf(n);
    if (at === undefined) return;
    if (this.log.length >= Math.max(listLength, 64)) {
      this.start += this.log.length;
      this.log = [];
    }
    this.log.push(at);
  }

  /** changedSince visits the positions changed after seq (a position may come more than once); false when the log no longer reaches back that far. */
  changedSince(seq: number, visit: (position: number) => void): boolean {
    if (seq < this.start || seq > this.seq) return false;
    for (let i = seq - this.start; i < this.log.length; i++) visit(this.log[i]);
    return true;
  }
}
