/**
 * SimulatedRuntime is the node's container runtime, shaped like CRI: pull an
 * image, run a pod sandbox (which gets the pod's IP), create, start and stop
 * containers. Nothing really runs; time passes on the lab's clock. Each container
 * has a log of what it printed (what its image is known to print at start), kept
 * after it exits for as long as it is the last instance of its name in the pod.
 */
import type { Clock } from '../clock';
import { hexString, type Random } from '../random';
import { digestOf, imageInfo, normalizeImage, repository } from './images';

/** Simulated registry bandwidth: pulls take size / bandwidth. */
export const PULL_BYTES_PER_SECOND = 40_000_000;
/** Sandbox creation and container start take this long. */
const SANDBOX_MS = 300;
const START_MS = 100;

export interface PulledImage {
  ref: string;
  imageID: string;
  sizeBytes: number;
}

/** ContainerProcess is what the container runs: the pod spec's command and args over the image's entrypoint and cmd. */
export interface ContainerProcess {
  command?: string[];
  args?: string[];
}

export interface ContainerRecord {
  id: string;
  name: string;
  image: PulledImage;
  process: ContainerProcess;
  log: ContainerLog;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
}

export interface Sandbox {
  id: string;
  podUID: string;
  ip: string;
  containers: Map<string, ContainerRecord>;
  /** previous holds each name's last exited instance once a new one replaced it: what `logs --previous` reads. */
  previous: Map<string, ContainerRecord>;
}

/** NodeFacts are what a container sees of its node: the CPU count (nginx starts one worker per CPU) and the kernel. */
export interface NodeFacts {
  cpus: number;
  kernelVersion: string;
}

export class SimulatedRuntime {
  private readonly images = new Map<string, PulledImage>();
  private readonly pulls = new Map<string, Promise<PulledImage>>();
  private readonly sandboxes = new Map<string, Sandbox>();

  constructor(private readonly clock: Clock, private readonly random: Random, private readonly allocateIP: () => string | undefined, private readonly releaseIP: (ip: string) => void,
    private readonly node: NodeFacts = { cpus: 1, kernelVersion: '' }) {}

  /** imageStatus returns the image if it is on the node. */
  imageStatus(image: string): PulledImage | undefined {
    return this.images.get(normalizeImage(image));
  }

  /** listImages is what the kubelet reports in node.status.images. */
  listImages(): PulledImage[] {
    return [...this.images.values()];
  }

  /** pullImage downloads an image; concurrent pulls of one image share the download. */
  pullImage(image: string): Promise<PulledImage> {
    const ref = normalizeImage(image);
    const inflight = this.pulls.get(ref);
    if (inflight) return inflight;
    const { sizeBytes } = imageInfo(ref);
    const pulled: PulledImage = { ref, imageID: `${ref.split(':').slice(0, -1).join(':') || ref}@${digestOf(ref)}`, sizeBytes };
    const p = this.sleep(Math.round((sizeBytes / PULL_BYTES_PER_SECOND) * 1000)).then(() => {
      this.images.set(ref, pulled);
      this.pulls.delete(ref);
      return pulled;
    });
    this.pulls.set(ref, p);
    return p;
  }

  /** runPodSandbox creates the pod's network namespace and pause container; undefined when no IP is left. */
  async runPodSandbox(podUID: string): Promise<Sandbox | undefined> {
    const existing = this.sandboxes.get(podUID);
    if (existing) return existing;
    const ip = this.allocateIP();
    if (!ip) return undefined;
    await this.sleep(SANDBOX_MS);
    const sandbox: Sandbox = { id: hexString(this.random, 64), podUID, ip, containers: new Map(), previous: new Map() };
    this.sandboxes.set(podUID, sandbox);
    return sandbox;
  }

  /** createContainer makes a new instance of a container; the one it replaces (a restart) is kept as the previous. */
  createContainer(sandbox: Sandbox, name: string, image: PulledImage, process: ContainerProcess = {}): ContainerRecord {
    const c: ContainerRecord = { id: hexString(this.random, 64), name, image, process, log: new ContainerLog() };
    const replaced = sandbox.containers.get(name);
    if (replaced) sandbox.previous.set(name, replaced);
    sandbox.containers.set(name, c);
    return c;
  }

  /** startContainer starts the process, which prints what its image prints at start. */
  async startContainer(c: ContainerRecord): Promise<void> {
    await this.sleep(START_MS);
    c.startedAt = this.clock.now();
    for (const [stream, line] of startupOutput(c.image.ref, c.process, this.node, c.startedAt)) c.log.append(c.startedAt, stream, line);
  }

  /** containerLog finds a container's log by its ID, current or previous instance, while its sandbox lasts. */
  containerLog(containerID: string): ContainerLog | undefined {
    for (const s of this.sandboxes.values()) {
      for (const c of [...s.containers.values(), ...s.previous.values()]) if (c.id === containerID) return c.log;
    }
    return undefined;
  }

  /** stopContainer sends SIGTERM; the simulated processes exit promptly with 0. */
  async stopContainer(c: ContainerRecord): Promise<void> {
    if (c.finishedAt !== undefined || c.startedAt === undefined) return;
    await this.sleep(START_MS);
    c.finishedAt = this.clock.now();
    c.exitCode = 0;
  }

  removePodSandbox(podUID: string): void {
    const s = this.sandboxes.get(podUID);
    if (!s) return;
    this.releaseIP(s.ip);
    this.sandboxes.delete(podUID);
  }

  sandbox(podUID: string): Sandbox | undefined {
    return this.sandboxes.get(podUID);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimer(ms, resolve));
  }
}

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

  constructor(private readonly maxBytes = CONTAINER_LOG_MAX_BYTES) {}

  /** append records one line (without its newline) written at time to stream. */
  append(time: number, stream: LogStream, line: string): void {
    this.entries.push({ time, stream, line });
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
  }

  /** lines are the buffered entries, oldest first. */
  lines(): readonly LogEntry[] {
    return this.entries.slice(this.first);
  }
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

/** The nginx releases an `X.Y` tag points at. */
const NGINX_RELEASES: Record<string, string> = { '1.25': '1.25.5', '1.26': '1.26.3', '1.27': '1.27.5' };
const NGINX_LATEST = '1.27.5';

/**
 * startupOutput is what a known image prints as its container starts. nginx's
 * docker-entrypoint.sh configures the server when it runs nginx (no command, and no
 * args or args starting with nginx), then nginx's master reports on stderr and
 * starts one worker per CPU.
 */
function startupOutput(ref: string, process: ContainerProcess, node: NodeFacts, now: number): [LogStream, string][] {
  if (repository(ref) !== 'docker.io/library/nginx' || process.command?.length) return [];
  const args = process.args ?? [];
  if (args.length && args[0] !== 'nginx' && args[0] !== 'nginx-debug') return [];
  const name = ref.split('@')[0];
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : '';
  const version = /^\d+\.\d+\.\d+/.exec(tag)?.[0] ?? NGINX_RELEASES[/^\d+\.\d+/.exec(tag)?.[0] ?? ''] ?? NGINX_LATEST;
  const entry = (line: string): [LogStream, string] => ['stdout', `/docker-entrypoint.sh: ${line}`];
  const d = new Date(now).toISOString();
  const notice = (line: string): [LogStream, string] => ['stderr', `${d.slice(0, 10).replaceAll('-', '/')} ${d.slice(11, 19)} [notice] 1#1: ${line}`];
  return [
    entry('/docker-entrypoint.d/ is not empty, will attempt to perform configuration'),
    entry('Looking for shell scripts in /docker-entrypoint.d/'),
    entry('Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh'),
    ['stdout', '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf'],
    ['stdout', '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf'],
    entry('Sourcing /docker-entrypoint.d/15-local-resolvers.envsh'),
    entry('Launching /docker-entrypoint.d/20-envsubst-on-templates.sh'),
    entry('Launching /docker-entrypoint.d/30-tune-worker-processes.sh'),
    entry('Configuration complete; ready for start up'),
    notice('using the "epoll" event method'),
    notice(`nginx/${version}`),
    notice('built by gcc 12.2.0 (Debian 12.2.0-14)'),
    notice(`OS: Linux ${node.kernelVersion}`),
    notice('getrlimit(RLIMIT_NOFILE): 1048576:1048576'),
    notice('start worker processes'),
    ...Array.from({ length: Math.max(1, node.cpus) }, (_, i) => notice(`start worker process ${29 + i}`)),
  ];
}
