/**
 * containerLog is a container's output as the runtime keeps it: a bounded
 * buffer of lines, each with its time and stream, like the CRI log file. The
 * kubelet reads it for /containerLogs — once (readLogs), or following new
 * lines until the container exits (followLogs).
 */

/** LogStream is the stream a line was written to. */
export type LogStream = 'stdout' | 'stderr';

/** LogEntry is one line of a container's output, as the CRI log file records it. */
export interface LogEntry {
  time: number;
  stream: LogStream;
  line: string;
}

/** CONTAINER_LOG_MAX_BYTES is the kubelet's containerLogMaxSize (10Mi): past it the oldest lines go, as after a rotation. */
export const CONTAINER_LOG_MAX_BYTES = 10 * 1024 * 1024;

/** ContainerLog is a container's bounded output buffer. */
export class ContainerLog {
  private entries: LogEntry[] = [];
  private first = 0;
  private bytes = 0;
  private closed = false;
  private readonly followers = new Set<Follower>();

  constructor(private readonly maxBytes = CONTAINER_LOG_MAX_BYTES) {}

  /** append records one line (without its newline) written at time to stream, and hands it to followers. */
  append(time: number, stream: LogStream, line: string): void {
    const entry = { time, stream, line };
    this.entries.push(entry);
    this.bytes += Buffer.byteLength(line) + 1;
    while (this.bytes > this.maxBytes && this.first < this.entries.length) {
      this.bytes -= Buffer.byteLength(this.entries[this.first].line) + 1;
      this.first++;
    }
    // Drop the consumed head once it is most of the array, so trimming stays cheap.
    if (this.first > 1024 && this.first * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.first);
      this.first = 0;
    }
    for (const f of [...this.followers]) f.entry(entry);
  }

  /** lines are the buffered entries, oldest first. */
  lines(): readonly LogEntry[] {
    return this.entries.slice(this.first);
  }

  /** follow hands each line appended from now on to f, and tells it when the log closes; the result stops following. */
  follow(f: Follower): () => void {
    if (this.closed) {
      f.close();
      return () => undefined;
    }
    this.followers.add(f);
    return () => this.followers.delete(f);
  }

  /** close marks the end of the container's output: it has exited, and followers are done. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of [...this.followers]) f.close();
    this.followers.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/** Follower receives a log's new lines, then its end. */
export interface Follower {
  entry(e: LogEntry): void;
  close(): void;
}

/** LogOptions are the kubelet's log read options (v1.PodLogOptions less the container); sinceTime is RFC 3339. */
export interface LogOptions {
  timestamps: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
}

/**
 * readLogs is kuberuntime's ReadLogs over a buffer: the last tailLines lines, those
 * not older than since (sinceSeconds before now, or sinceTime if later), each
 * prefixed with its RFC3339Nano time when asked, cut off after limitBytes bytes.
 */
export function readLogs(entries: readonly LogEntry[], o: LogOptions, now: number): string {
  let since = Number.NEGATIVE_INFINITY;
  if (o.sinceSeconds !== undefined) since = now - o.sinceSeconds * 1000;
  if (o.sinceTime !== undefined) since = Math.max(since, Date.parse(o.sinceTime));
  const tail = o.tailLines !== undefined && o.tailLines >= 0 ? entries.slice(Math.max(0, entries.length - o.tailLines)) : entries;
  let remain = o.limitBytes ?? Number.POSITIVE_INFINITY;
  let out = '';
  for (const e of tail) {
    if (e.time < since) continue;
    const line = `${o.timestamps ? `${rfc3339Nano(e.time)} ` : ''}${e.line}\n`;
    const bytes = Buffer.from(line);
    if (bytes.length >= remain) return out + bytes.subarray(0, remain).toString();
    out += line;
    remain -= bytes.length;
  }
  return out;
}

/** rfc3339Nano formats milliseconds as Go's time.RFC3339Nano does in UTC: trailing zeros of the fraction dropped. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0*Z$/, 'Z');
}

/**
 * followLogs is ReadLogs with follow: what readLogs gives now, then each new
 * line as it is written, until the log closes (the container exited) or
 * limitBytes is reached; `end` runs once either way. The result stops it.
 */
export function followLogs(log: ContainerLog, o: LogOptions, now: number, write: (chunk: string) => void, end: () => void): () => void {
  const initial = readLogs(log.lines(), o, now);
  let remain = (o.limitBytes ?? Number.POSITIVE_INFINITY) - Buffer.byteLength(initial);
  if (initial) write(initial);
  let done = false;
  let stop = (): void => undefined;
  const finish = (): void => {
    if (done) return;
    done = true;
    stop();
    end();
  };
  if (remain <= 0) {
    finish();
    return () => undefined;
  }
  stop = log.follow({
    entry: (e) => {
      if (done) return;
      const bytes = Buffer.from(`${o.timestamps ? `${rfc3339Nano(e.time)} ` : ''}${e.line}\n`);
      if (bytes.length >= remain) {
        write(bytes.subarray(0, remain).toString());
        finish();
        return;
      }
      remain -= bytes.length;
      write(bytes.toString());
    },
    close: finish,
  });
  return () => {
    done = true;
    stop();
  };
}
