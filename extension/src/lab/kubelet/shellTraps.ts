/**
 * shellTraps are the simulated shell's signal handling: `trap` sets what a
 * signal does (an action run between commands, '' to ignore it, `-` to reset
 * it), `kill` sends signals to the container's processes, and `wait` waits
 * for background jobs until a trapped signal interrupts it. As POSIX says, a
 * trapped signal that arrives while a foreground command runs is handled only
 * once that command has finished; `wait` is the way to be interrupted at once.
 */
import type { ProcessEntry, Program, ShellDialect } from './process';
import type { Shell } from './shell';
import type { Io } from './shellSignals';
import { ExitSignal } from './shellSignals';
import { type Disposition, SIGNALS, signalName, signalNumber } from './signals';

/** EXIT is the pseudo-signal 0: the action runs as the shell exits. */
export const EXIT = 0;

/** Traps are one shell's trap actions and the trapped signals waiting to be handled. */
export class Traps {
  /** actions holds each trapped signal's action by number (0 is EXIT); '' ignores the signal. */
  readonly actions = new Map<number, string>();
  private pending: number[] = [];
  private readonly wakers = new Set<(signal: number) => void>();
  /** running is set while actions run, so a signal arriving meanwhile waits for them to finish. */
  running = false;

  /** receive is the shell's signal catcher: a trapped signal is queued for its action, an ignored one dropped, any other left to the default. */
  receive(signal: number): Disposition {
    const action = this.actions.get(signal);
    if (action === undefined) return 'default';
    if (action === '') return 'ignored';
    this.pending.push(signal);
    for (const wake of [...this.wakers]) wake(signal);
    return 'caught';
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** takePending hands over the queued signals, oldest first. */
  takePending(): number[] {
    return this.pending.splice(0);
  }

  /** interruptible waits for p, or resolves with the number of a trapped signal that arrives first. */
  interruptible<T>(p: Promise<T>): Promise<{ value: T } | { signal: number }> {
    return new Promise((resolve) => {
      const wake = (signal: number): void => {
        this.wakers.delete(wake);
        resolve({ signal });
      };
      this.wakers.add(wake);
      void p.then((value) => {
        this.wakers.delete(wake);
        resolve({ value });
      });
    });
  }
}

/** trapBuiltin is `trap`: list the traps, set an action for signals, ignore them (''), or reset them (`-`, or a number first). */
export function trapBuiltin(sh: Shell, argv: string[], io: Io): number {
  let args = argv.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (!args.length) {
    for (const [n, action] of [...sh.traps.actions].sort(([a], [b]) => a - b)) io.stdout.write(`trap -- ${quote(action)} ${trapName(sh, n)}\n`);
    return 0;
  }
  // POSIX: a first operand that is a number, or a lone operand, makes every operand a signal to reset.
  const reset = args[0] === '-' || /^\d+$/.test(args[0]) || args.length === 1;
  const action = reset ? undefined : args[0];
  const specs = args[0] === '-' || !reset ? args.slice(1) : args;
  let status = 0;
  for (const spec of specs) {
    const n = spec.toUpperCase() === 'EXIT' ? EXIT : signalNumber(spec);
    if (n === undefined || (n !== EXIT && !signalName(n))) {
      if (sh.dialect === 'dash') {
        io.stderr.write(`${sh.errorPrefix()}trap: ${spec}: bad trap\n`);
        // dash's trap is a special builtin: its error ends a shell that is not interactive.
        if (!sh.interactive) throw new ExitSignal(2);
        return 2;
      }
      io.stderr.write(`${sh.errorPrefix()}trap: ${spec}: invalid signal specification\n`);
      status = 1;
      continue;
    }
    if (action === undefined) sh.traps.actions.delete(n);
    else sh.traps.actions.set(n, action);
  }
  return status;
}

/** trapName is how `trap` lists a condition: EXIT, else the signal's name, with SIG in bash. */
function trapName(sh: Shell, n: number): string {
  if (n === EXIT) return 'EXIT';
  return `${sh.dialect === 'bash' ? 'SIG' : ''}${signalName(n) ?? String(n)}`;
}

/** quote single-quotes a word as the shells print it back. */
function quote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** KillHost is who runs `kill`: a shell's builtin (its dialect's wording, its jobs) or busybox's applet. */
interface KillHost {
  flavor: ShellDialect | 'applet';
  /** prefix starts the shell's own messages (`sh: line 1: `); name is the shell's or applet's name. */
  prefix: string;
  name: string;
  processes(): ProcessEntry[];
  jobPid(spec: string): number | undefined;
}

/** killBuiltin is the shells' `kill` builtin. */
export function killBuiltin(sh: Shell, argv: string[], io: Io): number {
  return kill({ flavor: sh.dialect, prefix: sh.errorPrefix(), name: sh.name, processes: () => sh.proc.system.processes(), jobPid: (spec) => sh.jobPid(spec) }, argv, io);
}

/** killApplet is busybox's /bin/kill, for `kubectl exec … -- kill 1`. */
export const killApplet: Program = (p, argv) => Promise.resolve(kill({ flavor: 'applet', prefix: 'kill: ', name: 'kill', processes: () => p.system.processes(), jobPid: () => undefined }, argv, p));

/** kill is `kill [-s SIG | -SIG | -n N] pid...` and `kill -l [status]`: signals go to the container's processes, from inside it. */
function kill(sh: KillHost, argv: string[], io: Io): number {
  let args = argv.slice(1);
  if (args[0] === '-l' || args[0] === '-L') return listSignals(sh, args.slice(1), io);
  let signal = SIGNALS.TERM;
  const first = args[0];
  if ((first === '-s' || first === '-n') && args.length > 1) {
    const n = signalNumber(args[1]);
    if (n === undefined) return badSignal(sh, args[1], io);
    signal = n;
    args = args.slice(2);
  } else if (first?.startsWith('-') && first !== '--' && first.length > 1) {
    const n = signalNumber(first.slice(1));
    if (n === undefined) return badSignal(sh, first.slice(1), io);
    signal = n;
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  if (!args.length) {
    io.stderr.write(sh.flavor === 'bash' ? `${sh.prefix}kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n`
      : sh.flavor === 'dash' ? `${sh.prefix}kill: Usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]\n` : 'Usage: kill [-l] [-SIG] PID...\n');
    return sh.flavor === 'bash' ? 2 : 1;
  }
  let status = 0;
  for (const target of args) {
    const pid = target.startsWith('%') ? sh.jobPid(target) : /^\d+$/.test(target) ? Number(target) : undefined;
    if (pid === undefined) {
      io.stderr.write(sh.flavor === 'bash' ? `${sh.prefix}kill: ${target}: arguments must be process or job IDs\n` : sh.flavor === 'applet' ? `${sh.prefix}invalid number '${target}'\n` : `${sh.prefix}kill: invalid number '${target}'\n`);
      status = 1;
      continue;
    }
    const entry = sh.processes().find((p) => p.pid === pid);
    if (!entry) {
      io.stderr.write(sh.flavor === 'bash' ? `${sh.prefix}kill: (${pid}) - No such process\n`
        : sh.flavor === 'dash' ? `${sh.prefix}kill: No such process\n` : `${sh.name}: can't kill pid ${pid}: No such process\n`);
      status = 1;
      continue;
    }
    entry.signals?.send(signal, true);
  }
  return status;
}

function badSignal(sh: KillHost, spec: string, io: Io): number {
  io.stderr.write(sh.flavor === 'bash' ? `${sh.prefix}kill: ${spec}: invalid signal specification\n`
    : sh.flavor === 'dash' ? `${sh.prefix}kill: invalid signal number or name: ${spec}\n` : `${sh.name}: bad signal name '${spec}'\n`);
  return 1;
}

/** listSignals is `kill -l`: every signal's name, or the name of each signal number or exit status given. */
function listSignals(sh: KillHost, specs: string[], io: Io): number {
  if (!specs.length) {
    const names = Object.keys(SIGNALS);
    if (sh.flavor === 'dash') io.stdout.write(`${names.join('\n')}\n`);
    else io.stdout.write(names.map((name) => `${String(SIGNALS[name]).padStart(2)}) ${sh.flavor === 'bash' ? 'SIG' : ''}${name}`).join(sh.flavor === 'bash' ? '\t' : '\n') + '\n');
    return 0;
  }
  let status = 0;
  for (const spec of specs) {
    const n = /^\d+$/.test(spec) ? Number(spec) & 0x7f : undefined;
    const name = n !== undefined ? signalName(n) : signalNumber(spec) !== undefined ? String(signalNumber(spec)) : undefined;
    if (name === undefined) {
      status = 1;
      io.stderr.write(`${sh.prefix}kill: ${spec}: invalid signal specification\n`);
    } else io.stdout.write(`${name}\n`);
  }
  return status;
}

/**
 * waitBuiltin is `wait [pid...]`: with no operand it waits for every job and
 * is 0; with pids, the last one's status, 127 for one that is not a job. A
 * trapped signal ends the wait at once with 128 + its number.
 */
export async function waitBuiltin(sh: Shell, argv: string[], io: Io): Promise<number> {
  const pids = argv.slice(1);
  if (!pids.length) {
    const done = await sh.traps.interruptible(sh.waitJobs());
    return 'signal' in done ? 128 + done.signal : 0;
  }
  let status = 0;
  for (const spec of pids) {
    const pid = spec.startsWith('%') ? sh.jobPid(spec) : Number(spec);
    const job = pid === undefined ? undefined : sh.job(pid);
    if (!job) {
      if (sh.dialect === 'bash') io.stderr.write(`${sh.errorPrefix()}wait: pid ${spec} is not a child of this shell\n`);
      status = 127;
      continue;
    }
    const done = await sh.traps.interruptible(job.done);
    if ('signal' in done) return 128 + done.signal;
    sh.forgetJob(job);
    status = done.value;
  }
  return status;
}
