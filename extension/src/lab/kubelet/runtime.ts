/**
 * SimulatedRuntime is the node's container runtime, shaped like CRI: pull an
 * image, run a pod sandbox (which gets the pod's IP and network namespace),
 * create, start and stop containers, exec in them, and forward ports into the
 * sandbox. Time passes on the lab's clock. A started container has a
 * filesystem and programs (its image's shell and tools, run by the simulated
 * shell), servers listening on its ports (nginx, http-echo …), and a log of
 * what it printed, kept after it exits for as long as it is the last instance
 * of its name in the pod. Its main process runs until it exits on its own or
 * is stopped: SIGTERM, which only the images' servers heed (a shell or `sleep`
 * as PID 1 has no handler), then SIGKILL after the grace period (exit 137).
 */
import type { Clock } from '../clock';
import { hexString, type Random } from '../random';
import { containerRoot } from './containerRoot';
import { ContainerLog, type LogStream } from './containerLog';
import { controlPlaneStartup } from './controlPlaneLogs';
import { type ProgramTable, coreutils } from './coreutils';
import { digestOf, imageInfo, normalizeImage, processArgv } from './images';
import { type Connection, type Listener, type ServerContext, listenersFor } from './listeners';
import type { Output } from './pipe';
import { ContainerOutput, resolveMainProcess } from './mainProcess';
import { Pipe, closedPipe } from './pipe';
import { type ContainerSystem, Interrupt, type ProcessEntry, type Reader, lookPath } from './process';
import type { ContainerProcess, ContainerRecord, ExecIO, ExecResult, NodeFacts, PulledImage, Sandbox } from './runtimeTypes';
import { shellProgram } from './shellProgram';
import { ProcessSignals, SIGNALS, SIGTERM } from './signals';
import { startupOutput } from './startupOutput';
import { Tty } from './tty';
import type { PodNetwork } from '../network/dns/podNetwork';
import type { TcpNetwork } from '../network/clusterNetwork';

export type { ContainerProcess, ContainerRecord, ExecIO, ExecResult, NodeFacts, PulledImage, Sandbox } from './runtimeTypes';

/** Simulated registry bandwidth: pulls take size / bandwidth. */
export const PULL_BYTES_PER_SECOND = 40_000_000;
/** Sandbox creation and container start take this long. */
const SANDBOX_MS = 300;
const START_MS = 100;
/** The first PID an exec'd process gets; PID 1 is the container's main process. */
const FIRST_EXEC_PID = 7;
/** DEFAULT_GRACE_MS is terminationGracePeriodSeconds' default. */
const DEFAULT_GRACE_MS = 30_000;
/** KILLED_STATUS is the exit status of a process ended by SIGKILL (128 + 9). */
export const KILLED_STATUS = 137;
/** START_ERROR_STATUS is the exit code containerd reports for a container whose process could not start. */
export const START_ERROR_STATUS = 128;

export class SimulatedRuntime {
  /** onContainerExit hears of each main process that ends on its own or is stopped (the PLEG's ContainerDied). */
  onContainerExit: (c: ContainerRecord, sandbox: Sandbox) => void = () => undefined;
  private readonly exitSignals = new Map<ContainerRecord, () => void>();
  private readonly images = new Map<string, PulledImage>();
  private readonly pulls = new Map<string, Promise<PulledImage>>();
  private readonly sandboxes = new Map<string, Sandbox>();
  /** byIP finds a sandbox by its pod IP, as the node's routes do. */
  private readonly byIP = new Map<string, Sandbox>();
  /** programs are the executables every image's files may name: the shells and the tools. */
  readonly programs: ProgramTable;
  /** network is the cluster network the sandboxes are plugged into; none, containers reach nothing. */
  network?: PodNetwork;
  /** traffic carries the sandboxes' TCP connections through the modelled network; none, containers connect nowhere. */
  traffic?: { attach(podIP: string): TcpNetwork };

  constructor(private readonly clock: Clock, private readonly random: Random, private readonly allocateIP: () => string | undefined, private readonly releaseIP: (ip: string) => void,
    private readonly node: NodeFacts = { cpus: 1, kernelVersion: '' }) {
    const table: ProgramTable = { ...coreutils(() => table) };
    table.ash = shellProgram('ash', () => table);
    table.dash = shellProgram('dash', () => table);
    table.bash = shellProgram('bash', () => table);
    this.programs = table;
  }

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

  /**
   * runPodSandbox creates the pod's network namespace and pause container;
   * undefined when no IP is left. A hostNetwork pod (hostIP given) shares the
   * node's namespace and address instead.
   */
  async runPodSandbox(podUID: string, hostIP?: string): Promise<Sandbox | undefined> {
    const existing = this.sandboxes.get(podUID);
    if (existing) return existing;
    const ip = hostIP ?? this.allocateIP();
    if (!ip) return undefined;
    await this.sleep(SANDBOX_MS);
    const id = hexString(this.random, 64);
    // containerd names the namespace cni-<uuid>; derive it from the sandbox ID so no random draw is spent.
    const netns = `/var/run/netns/cni-${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-a${id.slice(17, 20)}-${id.slice(20, 32)}`;
    const sandbox: Sandbox = { id, podUID, ip, netns, containers: new Map(), previous: new Map(), listeners: new Map(), ...(hostIP ? { hostNetwork: true } : {}) };
    this.sandboxes.set(podUID, sandbox);
    if (!hostIP) this.byIP.set(ip, sandbox);
    return sandbox;
  }

  /** createContainer makes a new instance of a container; the one it replaces (a restart) is kept as the previous. */
  createContainer(sandbox: Sandbox, name: string, image: PulledImage, process: ContainerProcess = {}): ContainerRecord {
    const replaced = sandbox.containers.get(name);
    let exited!: () => void;
    const c: ContainerRecord = {
      id: hexString(this.random, 64), name, image, process, log: new ContainerLog(), env: new Map(), cwd: '/', stopped: new Interrupt(), term: new Interrupt(), ports: [],
      restartCount: replaced ? replaced.restartCount + 1 : 0, exited: new Promise((resolve) => (exited = resolve)),
    };
    this.exitSignals.set(c, exited);
    if (replaced) sandbox.previous.set(name, replaced);
    sandbox.containers.set(name, c);
    return c;
  }

  /**
   * startContainer starts the container's main process (resolveMainProcess):
   * an image's server prints what it prints at start and binds its ports; a
   * program of the image runs with its output going to the log. A process
   * runc cannot start is the error the result carries, and the container is
   * then exited with 128 (StartError).
   */
  async startContainer(c: ContainerRecord): Promise<string | undefined> {
    await this.sleep(START_MS);
    c.startedAt = this.clock.now();
    const ref = c.image.ref;
    const info = imageInfo(ref);
    const argv = processArgv(info, c.process.command, c.process.args);
    const sandbox = this.sandboxOf(c);
    const files = c.process.files ?? { hostname: c.name, hosts: '', resolvConf: '' };
    const root = containerRoot(ref, info, files, argv, this.node.kernelVersion);
    for (const [k, v] of info.env) c.env.set(k, v);
    c.env.set('HOSTNAME', files.hostname);
    for (const [k, v] of c.process.env ?? []) c.env.set(k, v);
    if (!c.env.has('HOME')) c.env.set('HOME', '/root');
    c.cwd = c.process.workingDir || info.workingDir || '/';
    const processes: ProcessEntry[] = [{ pid: 1, argv }];
    let nextPid = FIRST_EXEC_PID;
    const system: ContainerSystem = {
      fs: root.fs, hostname: files.hostname, clock: this.clock, userland: root.userland, programs: root.programs, kernelVersion: this.node.kernelVersion,
      processes: () => [...processes],
      spawn: (argv, signals) => {
        const entry: ProcessEntry = { pid: nextPid++, argv, ...(signals ? { signals } : {}) };
        processes.push(entry);
        return { pid: entry.pid, exit: () => void processes.splice(processes.indexOf(entry), 1) };
      },
    };
    if (this.network && sandbox) system.network = this.network.attach(sandbox.ip);
    if (this.traffic && sandbox) system.tcp = this.traffic.attach(sandbox.ip);
    c.system = system;
    const main = resolveMainProcess(ref, argv, system, c.env, c.cwd, this.programs);
    if (main.kind === 'startError') {
      // containerd never started the process: its status shows the zero time as the start.
      c.startedAt = 0;
      this.finish(c, START_ERROR_STATUS, 'StartError', main.message);
      return main.message;
    }
    const output = new ContainerOutput(c.log, () => this.clock.now());
    c.output = output;
    if (main.kind === 'program') {
      const io = this.mainInput(c, output);
      // PID 1 dies only of a signal it has no handler for that may kill an init: SIGKILL from outside; a shell's trap may catch the others.
      let killedBy: number | undefined;
      const signals = new ProcessSignals(true, (n) => {
        killedBy = n;
        c.stopped.fire();
      });
      processes[0].signals = signals;
      c.term.onFire(() => signals.send(SIGTERM));
      const proc = { system, env: new Map(c.env), cwd: c.cwd, stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, signal: c.stopped, signals, ...(c.tty ? { tty: c.tty } : {}) };
      void main.program(proc, main.argv).then((status) => this.finish(c, killedBy !== undefined ? 128 + killedBy : c.stopped.isFired ? KILLED_STATUS : status));
      return undefined;
    }
    for (const [stream, line] of [...startupOutput(ref, argv, this.node, c.startedAt), ...controlPlaneStartup(ref, argv, c.startedAt)]) c.log.append(c.startedAt, stream, line);
    const log = (stream: LogStream, line: string): void => output[stream].write(`${line}\n`);
    const ctx: ServerContext = {
      clock: this.clock, fs: root.fs, hostname: files.hostname, log,
      ...(system.tcp ? { tcp: system.tcp } : {}), ...(system.network ? { network: system.network } : {}),
      exit: (status) => this.finish(c, status),
    };
    // Servers the lab runs outside the kubelet (CoreDNS) start in the sandbox too, and stop with the container.
    const served = sandbox && this.network?.serve({ ref, argv, podIP: sandbox.ip, serviceAccount: c.process.serviceAccount ?? { namespace: 'default', name: 'default' }, ctx });
    if (served) c.stopped.onFire(() => served.stop());
    for (const l of [...listenersFor(ref, argv, ctx), ...(served?.listeners ?? [])]) {
      if (!sandbox || sandbox.listeners.has(l.port)) continue;
      sandbox.listeners.set(l.port, l);
      c.ports.push(l.port);
    }
    // The images' servers shut down cleanly on SIGTERM, SIGINT and SIGQUIT, whoever sends it.
    const signals = new ProcessSignals(true, () => this.kill(c));
    signals.catch((n) => {
      if (n !== SIGTERM && n !== SIGNALS.INT && n !== SIGNALS.QUIT) return 'default';
      this.finish(c, 0);
      return 'caught';
    });
    processes[0].signals = signals;
    c.term.onFire(() => signals.send(SIGTERM));
    return undefined;
  }

  /**
   * mainInput gives PID 1 its standard streams: with tty a terminal whose
   * screen is the container's output, with stdin a pipe attached clients
   * write to, else /dev/null.
   */
  private mainInput(c: ContainerRecord, output: ContainerOutput): { stdin: Reader; stdout: Output; stderr: Output } {
    const once = c.process.stdinOnce === true;
    if (c.process.tty) {
      const tty = new Tty(output.stdout);
      c.tty = tty;
      if (c.process.stdin) c.input = { write: (data) => tty.input(data), end: () => tty.end(), once };
      return { stdin: tty, stdout: tty.output, stderr: tty.output };
    }
    if (!c.process.stdin) return { stdin: closedPipe(), stdout: output.stdout, stderr: output.stderr };
    const pipe = new Pipe();
    c.input = { write: (data) => pipe.write(data), end: () => pipe.end(), once };
    return { stdin: pipe, stdout: output.stdout, stderr: output.stderr };
  }

  /** finish records how the main process ended, tears down what ran in the container, and tells the kubelet. */
  private finish(c: ContainerRecord, exitCode: number, reason?: string, message?: string): void {
    if (c.finishedAt !== undefined) return;
    c.output?.flush();
    c.finishedAt = this.clock.now();
    c.exitCode = exitCode;
    c.reason = reason ?? (exitCode === 0 ? 'Completed' : 'Error');
    if (message !== undefined) c.message = message;
    const sandbox = this.sandboxOf(c);
    this.tearDown(c);
    this.exitSignals.get(c)?.();
    this.exitSignals.delete(c);
    if (sandbox) this.onContainerExit(c, sandbox);
  }

  /** containerLog finds a container's log by its ID, current or previous instance, while its sandbox lasts. */
  containerLog(containerID: string): ContainerLog | undefined {
    return this.container(containerID)?.log;
  }

  /** container finds a container by its ID, current or previous instance, while its sandbox lasts. */
  container(containerID: string): ContainerRecord | undefined {
    for (const s of this.sandboxes.values()) {
      for (const c of [...s.containers.values(), ...s.previous.values()]) if (c.id === containerID) return c;
    }
    return undefined;
  }

  /**
   * stopContainer sends the main process SIGTERM and, if it is still running
   * after gracePeriodMs, SIGKILL (exit 137); it resolves once the container
   * has exited.
   */
  async stopContainer(c: ContainerRecord, gracePeriodMs = DEFAULT_GRACE_MS): Promise<void> {
    if (c.finishedAt !== undefined || c.startedAt === undefined) return;
    c.term.fire();
    if (c.finishedAt !== undefined) return;
    const kill = this.clock.setTimer(gracePeriodMs, () => this.kill(c));
    await c.exited;
    kill.cancel();
  }

  /** kill sends SIGKILL: the container exits with 137 at once, whatever its process was waiting for. */
  kill(c: ContainerRecord): void {
    c.stopped.fire();
    this.finish(c, KILLED_STATUS);
  }

  /** crash ends the main process with exitCode as if it died on its own (fault injection): what runs in the container goes with it. */
  crash(c: ContainerRecord, exitCode: number): void {
    if (c.finishedAt !== undefined || c.startedAt === undefined) return;
    c.stopped.fire();
    this.finish(c, exitCode);
  }

  /** oomKill is the kernel's OOM killer ending a container that passed its memory limit: SIGKILL, which containerd reports as OOMKilled. */
  oomKill(c: ContainerRecord): void {
    if (c.finishedAt !== undefined || c.startedAt === undefined) return;
    this.finish(c, KILLED_STATUS, 'OOMKilled');
  }

  /**
   * exec runs argv in a running container, as CRI Exec with runc: the program
   * is looked up on the container's PATH, and one the image does not have is
   * runc's "executable file not found" refusal, wrapped as containerd words it.
   */
  async exec(c: ContainerRecord, argv: string[], io: ExecIO, signal: Interrupt): Promise<ExecResult> {
    const system = c.system;
    const execID = hexString(this.random, 64);
    const refuse = (why: string): ExecResult => ({
      error: `failed to exec in container: failed to start exec "${execID}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0] ?? ''}": ${why}: unknown`,
    });
    if (!system || c.finishedAt !== undefined) return { error: `failed to exec in container: container is in CONTAINER_EXITED state` };
    const env = new Map(c.env);
    if (io.tty) env.set('TERM', 'xterm');
    const name = argv[0] ?? '';
    const found = lookPath(system, env, name, c.cwd);
    const program = found ? this.programs[found.program] : undefined;
    if (!found || !program) {
      if (!name.includes('/')) return refuse('executable file not found in $PATH');
      const kind = system.fs.kind(name.startsWith('/') ? name : `${c.cwd}/${name}`);
      return refuse(kind === 'dir' ? 'is a directory' : kind === 'file' ? 'permission denied' : `stat ${name}: no such file or directory`);
    }
    const kill = c.stopped.child();
    let killedBy: number | undefined;
    const signals = new ProcessSignals(false, (n) => {
      killedBy = n;
      kill.fire();
    });
    const process = system.spawn(argv, signals);
    const off = signal.onFire(() => kill.fire());
    try {
      const exitCode = await program({ system, env, cwd: c.cwd, stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, signal: kill, signals, ...(io.tty ? { tty: io.tty } : {}) }, argv);
      return { exitCode: killedBy !== undefined ? 128 + killedBy : exitCode };
    } finally {
      off();
      kill.release();
      process.exit();
    }
  }

  /**
   * portForward connects a stream to a port in a pod's network namespace, as
   * containerd's PortForward dials localhost inside it; nothing listening is
   * its error, worded as containerd wraps the dial's "connection refused".
   */
  portForward(podUID: string, port: number, conn: Connection): string | undefined {
    const sandbox = this.sandboxes.get(podUID);
    if (!sandbox) return `failed to find sandbox for pod "${podUID}"`;
    const listener = sandbox.listeners.get(port);
    if (!listener) {
      return `failed to execute portforward in network namespace "${sandbox.netns}": failed to connect to localhost:${port} inside namespace "${sandbox.id}", `
        + `IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
    }
    listener.accept(conn);
    return undefined;
  }

  /** listenerAt is the server listening on port in the sandbox of the pod IP ip, as a connection from the node reaches it. */
  listenerAt(ip: string, port: number): Listener | undefined {
    return this.byIP.get(ip)?.listeners.get(port);
  }

  /** hasPodIP tells whether a sandbox on this node has the IP. */
  hasPodIP(ip: string): boolean {
    return this.byIP.has(ip);
  }

  removePodSandbox(podUID: string): void {
    const s = this.sandboxes.get(podUID);
    if (!s) return;
    this.sandboxes.delete(podUID);
    if (!s.hostNetwork) this.byIP.delete(s.ip);
    for (const c of s.containers.values()) {
      if (c.finishedAt === undefined && c.startedAt !== undefined) this.kill(c);
      else this.tearDown(c);
    }
    if (!s.hostNetwork) this.releaseIP(s.ip);
  }

  /** podSandboxes lists the node's pod sandboxes (ListPodSandbox). */
  podSandboxes(): Sandbox[] {
    return [...this.sandboxes.values()];
  }

  sandbox(podUID: string): Sandbox | undefined {
    return this.sandboxes.get(podUID);
  }

  /** tearDown ends what a container had running: its processes, its ports, its log's followers. */
  private tearDown(c: ContainerRecord): void {
    c.stopped.fire();
    c.log.close();
    c.input?.end();
    const sandbox = this.sandboxOf(c);
    for (const port of c.ports) if (sandbox?.listeners.get(port)) sandbox.listeners.delete(port);
    c.ports = [];
  }

  /** sandboxOf finds the sandbox a container instance belongs to, current or previous. */
  private sandboxOf(c: ContainerRecord): Sandbox | undefined {
    return [...this.sandboxes.values()].find((s) => s.containers.get(c.name) === c || s.previous.get(c.name) === c);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimer(ms, resolve));
  }
}
