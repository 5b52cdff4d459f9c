/**
 * SortedKeys is a set of keys kept in order, so a range scan finds its start by
 * binary search and reads on in order, as etcd's B-tree index serves ranges.
 * Keys live in chunks of bounded size: an insert or delete moves at most one
 * chunk's entries, never the whole keyspace.
 */

/** A chunk splits in two past this many keys. */
const MAX_CHUNK = 512;

export class SortedKeys {
  /** chunks are non-empty, each sorted, and every key of a chunk sorts before the next chunk's first. */
  private readonly chunks: string[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** add inserts key; false if it was already there. */
  add(key: string): boolean {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.count++;
      return true;
    }
    const c = Math.min(this.chunkFor(key), this.chunks.length - 1);
    const chunk = this.chunks[c];
    const i = lowerBound(chunk, key);
    if (chunk[i] === key) return false;
    chunk.splice(i, 0, key);
    this.count++;
    if (chunk.length > MAX_CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(chunk.length >> 1));
    return true;
  }

  /** delete removes key; false if it was not there. */
  delete(key: string): boolean {
    const c = this.chunkFor(key);
    const chunk = this.chunks[c] as string[] | undefined;
    if (!chunk) return false;
    const i = lowerBound(chunk, key);
    if (chunk[i] !== key) return false;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
    return true;
  }

  clear(): void {
    this.chunks.length = 0;
    this.count = 0;
  }

  /** from yields every key >= start, in order; the set must not change while it is read. */
  *from(start: string): Generator<string, void, undefined> {
    const chunks = this.chunks;
    let c = this.chunkFor(start);
    if (c >= chunks.length) return;
    for (let i = lowerBound(chunks[c], start); c < chunks.length; c++, i = 0) {
      const chunk = chunks[c];
      for (; i < chunk.length; i++) yield chunk[i];
    }
  }

  /** chunkFor is the first chunk whose last key is >= key (chunks.length if none is). */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid];
      if (chunk[chunk.length - 1] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** lowerBound is the index of the first entry of sorted that is >= key. */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
