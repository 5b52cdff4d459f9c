/**
 * process holds what a simulated process runs with: the container it lives in
 * (ContainerSystem: files, hostname, which tools the image ships), its
 * environment, working directory and standard streams, and the signal that
 * stops it. Programs — the shell, `cat`, `ls` — are async functions of a Proc
 * and their argv that resolve with the exit status.
 */
import type { Clock, Timer } from '../clock';
import type { ContainerNetwork } from '../network/dns/podNetwork';
import type { TcpNetwork } from '../network/clusterNetwork';
import { type ContainerFs, resolvePath } from './containerFs';
import type { Output } from './pipe';
import type { ProcessSignals } from './signals';
import type { Tty } from './tty';

/** Reader is a process's input: a pipe, a file's content, or a terminal. */
export interface Reader {
  read(): Promise<Buffer | null>;
  readLine(): Promise<string | null>;
}

/** Userland is the flavour of the image's tools: busybox applets or GNU coreutils (Debian). */
export type Userland = 'busybox' | 'gnu';

/** ShellDialect is which shell answers: busybox ash, Debian's dash as /bin/sh, or bash. */
export type ShellDialect = 'ash' | 'dash' | 'bash';

/** ProcessEntry is a line of `ps`. */
export interface ProcessEntry {
  pid: number;
  argv: string[];
  /** signals delivers `kill`'s signals to the process, when it can receive them. */
  signals?: ProcessSignals;
}

/** ContainerSystem is the container a process runs in. */
export interface ContainerSystem {
  fs: ContainerFs;
  hostname: string;
  clock: Clock;
  userland: Userland;
  /** programs maps each executable's absolute path to the program it runs (`/bin/sh` → `ash`). */
  programs: Map<string, string>;
  kernelVersion: string;
  /** processes lists what runs in the container now (`ps`). */
  processes(): ProcessEntry[];
  /** spawn registers a new process (with how it receives signals) and returns its PID and a function that removes it again. */
  spawn(argv: string[], signals?: ProcessSignals): { pid: number; exit(): void };
  /** network is the pod network as the container reaches it; none, nothing answers. */
  network?: ContainerNetwork;
  /** tcp opens connections from the pod's IP through the modelled network (wget, curl); none, nothing answers. */
  tcp?: TcpNetwork;
}

/** Interrupt is a process's SIGINT/SIGKILL: waits end early once it fires. */
export class Interrupt {
  private fired = false;
  private readonly listeners = new Set<() => void>();

  /** fire interrupts whatever waits now and anything that checks later. */
  fire(): void {
    if (this.fired) return;
    this.fired = true;
    for (const fn of [...this.listeners]) fn();
    this.listeners.clear();
  }

  get isFired(): boolean {
    return this.fired;
  }

  /** onFire runs fn when the interrupt fires; the result removes it again. */
  onFire(fn: () => void): () => void {
    if (this.fired) {
      fn();
      return () => undefined;
    }
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** child is an interrupt that fires with this one and may also fire alone; release() detaches it once its process is done. */
  child(): Interrupt {
    const c = new Interrupt();
    const off = this.onFire(() => c.fire());
    c.detach = off;
    c.onFire(off);
    return c;
  }

  /** release detaches a child from its parent, so a long-lived parent does not collect its finished children. */
  release(): void {
    this.detach();
  }

  private detach: () => void = () => undefined;
}

/** Proc is one running process's view of the world. */
export interface Proc {
  system: ContainerSystem;
  /** env is the exported environment, in order. */
  env: Map<string, string>;
  cwd: string;
  stdin: Reader;
  stdout: Output;
  stderr: Output;
  /** signal fires when the process is interrupted (^C) or killed. */
  signal: Interrupt;
  /** tty is set when stdin and stdout are a terminal. */
  tty?: Tty;
  /** signals is where the process's other signals (SIGTERM, `kill`) arrive, when something can send it any. */
  signals?: ProcessSignals;
}

/** Program is an executable: it runs with argv (argv[0] its name) and resolves with the exit status. */
export type Program = (proc: Proc, argv: string[]) => Promise<number>;

/** INTERRUPTED_STATUS is the status of a process ended by SIGINT (128 + 2). */
export const INTERRUPTED_STATUS = 130;

/**
 * sleepFor waits ms of the container's clock, or until the process is
 * interrupted; it resolves false when interrupted.
 */
export function sleepFor(proc: Proc, ms: number): Promise<boolean> {
  if (proc.signal.isFired) return Promise.resolve(false);
  return new Promise((resolve) => {
    let timer: Timer | undefined;
    const due = proc.system.clock.now() + ms;
    // Timers longer than a platform timer can hold wait in steps; an infinite sleep waits only for its signal.
    const arm = (): void => {
      const left = due - proc.system.clock.now();
      if (left === Infinity) return;
      timer = proc.system.clock.setTimer(Math.min(left, MAX_TIMER_MS), () => {
        if (proc.system.clock.now() < due) return arm();
        off();
        resolve(true);
      });
    };
    const off = proc.signal.onFire(() => {
      timer?.cancel();
      resolve(false);
    });
    arm();
  });
}

/** MAX_TIMER_MS is the longest delay a timer takes (setTimeout's 2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** lookPath finds a command as execvp does: a name with a slash as given, else along PATH. */
export function lookPath(system: ContainerSystem, env: Map<string, string>, name: string, cwd: string): { path: string; program: string } | undefined {
  if (name.includes('/')) {
    const path = resolvePath(cwd, name);
    const program = system.programs.get(path);
    return program ? { path, program } : undefined;
  }
  for (const dir of (env.get('PATH') ?? '').split(':')) {
    if (!dir) continue;
    const path = `${dir.replace(/\/+$/, '')}/${name}`;
    const program = system.programs.get(path);
    if (program) return { path, program };
  }
  return undefined;
}
