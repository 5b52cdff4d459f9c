/**
 * shell is the simulated containers' /bin/sh: busybox ash, Debian's dash, or
 * bash, telling themselves apart by their prompts and error messages. It runs
 * `sh -c '…'`, scripts read from stdin, and interactive sessions on a TTY
 * (prompt, continuation lines, ^C), over the container's files and programs:
 * lists, `&&`/`||`, pipelines, redirections, `if`/`while`/`until`/`for`/`case`,
 * subshells, command substitution, arithmetic, and the usual builtins.
 */
import { resolvePath } from './containerFs';
import type { ProgramTable } from './coreutils';
import { Collector, type Output, Pipe, closedPipe } from './pipe';
import { INTERRUPTED_STATUS, type Interrupt, type Proc, type ShellDialect, lookPath, sleepFor } from './process';
import { type ExpansionHost, expandString, expandWords, matchPattern } from './shellExpand';
import { BUILTINS } from './shellBuiltins';
import { redirect } from './shellRedirect';
import type { AndOr, Command, List, Pipeline } from './shellAst';
import { syntaxMessage } from './shellInput';
import { ShellSyntaxError, parseScript } from './shellParser';
import { ExitSignal, ExpansionError, type Io, LoopSignal } from './shellSignals';
import { EXIT, Traps } from './shellTraps';
import { ProcessSignals } from './signals';

/** Loops yield a millisecond of lab time every this many iterations, so a busy loop cannot starve the lab. */
const ITERATIONS_PER_YIELD = 1000;

/** Job is a background job: its process's PID and its exit status once done. */
export interface Job {
  pid: number;
  done: Promise<number>;
}

/** Shell is one running shell process: its variables, options and position. */
export class Shell implements ExpansionHost {
  vars = new Map<string, string>();
  exported = new Set<string>();
  positionalArgs: string[] = [];
  dollarZero: string;
  status = 0;
  interactive = false;
  lineNo = 1;
  cwdPath: string;
  signal: Interrupt;
  private iterations = 0;
  /** substStatus is the status of the last command substitution, which an assignment-only command ends with. */
  private substStatus = 0;
  private readonly jobs: Job[] = [];
  /** lastJob is the PID of the last background job, `$!`. */
  private lastJob?: number;
  readonly pid: number;
  /** traps are the shell's trap actions; a subshell starts with none but those that ignore a signal. */
  traps = new Traps();

  constructor(readonly proc: Proc, readonly dialect: ShellDialect, private readonly programs: () => ProgramTable, readonly name: string, readonly flags: { errexit: boolean; xtrace: boolean }) {
    for (const [k, v] of proc.env) {
      this.vars.set(k, v);
      this.exported.add(k);
    }
    this.dollarZero = name;
    this.cwdPath = proc.cwd;
    this.signal = proc.signal;
    this.pid = proc.system.processes().at(-1)?.pid ?? 1;
    if (!this.vars.has('PWD')) this.vars.set('PWD', this.cwdPath);
  }

  get fs(): Proc['system']['fs'] {
    return this.proc.system.fs;
  }

  /** runSource runs a whole script (`-c`, a file) and resolves with its exit status. */
  async runSource(source: string): Promise<number> {
    let list: List;
    try {
      list = parseScript(source);
    } catch (err) {
      if (err instanceof ShellSyntaxError) {
        this.proc.stderr.write(syntaxMessage(this, err));
        return 2;
      }
      throw err;
    }
    const io = this.io();
    try {
      this.status = await this.runList(list, io);
    } catch (err) {
      if (err instanceof ExitSignal) this.status = err.status;
      else if (err instanceof LoopSignal) this.status = 0;
      else throw err;
    }
    // Output of background jobs still reaches an exec's streams; a container's PID 1 exiting ends them instead.
    if (this.pid !== 1) await Promise.all(this.jobs.map((j) => j.done));
    return this.exitWith(this.status, io);
  }

  /** exitWith runs the EXIT trap, once, as the shell ends with status; an `exit` in it changes the status. */
  async exitWith(status: number, io: Io = this.io()): Promise<number> {
    const action = this.traps.actions.get(EXIT);
    this.traps.actions.delete(EXIT);
    if (!action) return status;
    this.status = status;
    try {
      await this.evaluate(action, io);
    } catch (err) {
      if (err instanceof ExitSignal) return err.status;
      if (!(err instanceof LoopSignal)) throw err;
    }
    return status;
  }

  /** runTraps runs the actions of the trapped signals that arrived, between commands; $? is kept across them. */
  async runTraps(io: Io): Promise<void> {
    if (!this.traps.hasPending || this.traps.running) return;
    this.traps.running = true;
    try {
      while (this.traps.hasPending) {
        for (const n of this.traps.takePending()) {
          const action = this.traps.actions.get(n);
          if (!action) continue;
          const saved = this.status;
          await this.evaluate(action, io);
          this.status = saved;
        }
      }
    } finally {
      this.traps.running = false;
    }
  }

  /** io are the shell's own standard streams. */
  io(): Io {
    return { stdin: this.proc.stdin, stdout: this.proc.stdout, stderr: this.proc.stderr };
  }

  /** errorPrefix is how each shell starts its own messages: `sh: `, `sh: 1: `, `bash: line 1: `. */
  errorPrefix(): string {
    switch (this.dialect) {
      case 'ash': return `${this.name}: `;
      case 'dash': return `${this.name}: ${this.lineNo}: `;
      case 'bash': return this.interactive ? `${this.name}: ` : `${this.name}: line ${this.lineNo}: `;
    }
  }

  // ExpansionHost

  param(name: string): string | undefined {
    switch (name) {
      case '?': return String(this.status);
      case '$': return String(this.pid);
      case '#': return String(this.positionalArgs.length);
      case '0': return this.dollarZero;
      case '!': return this.lastJob !== undefined ? String(this.lastJob) : '';
      case '-': return `${this.flags.errexit ? 'e' : ''}${this.flags.xtrace ? 'x' : ''}${this.interactive ? 'i' : ''}`;
    }
    if (/^[1-9]$/.test(name)) return this.positionalArgs[Number(name) - 1];
    return this.vars.get(name);
  }

  setVar(name: string, value: string): void {
    this.vars.set(name, value);
  }

  positional(): string[] {
    return this.positionalArgs;
  }

  async substitute(list: List): Promise<string> {
    const out = new Collector();
    const sub = this.clone();
    try {
      this.substStatus = await sub.runList(list, { ...this.io(), stdout: out });
    } catch (err) {
      if (err instanceof ExitSignal) this.substStatus = err.status;
      else if (!(err instanceof LoopSignal)) throw err;
    }
    return out.text;
  }

  fail(message: string): never {
    throw new ExpansionError(message);
  }

  home(): string {
    return this.vars.get('HOME') ?? '/root';
  }

  cwd(): string {
    return this.cwdPath;
  }

  /** clone is a subshell: a copy of the variables that changes nothing in its parent. */
  clone(): Shell {
    const s = new Shell({ ...this.proc, cwd: this.cwdPath, env: this.exportedEnv() }, this.dialect, this.programs, this.name, { ...this.flags });
    s.vars = new Map(this.vars);
    s.exported = new Set(this.exported);
    s.positionalArgs = [...this.positionalArgs];
    s.dollarZero = this.dollarZero;
    s.status = this.status;
    s.interactive = false;
    s.lineNo = this.lineNo;
    s.signal = this.signal;
    // A subshell keeps the signals its parent ignores; the other traps are reset.
    for (const [n, action] of this.traps.actions) if (action === '' && n !== EXIT) s.traps.actions.set(n, '');
    return s;
  }

  exportedEnv(extra: [string, string][] = []): Map<string, string> {
    const env = new Map<string, string>();
    for (const [k, v] of this.vars) if (this.exported.has(k)) env.set(k, v);
    for (const [k, v] of extra) env.set(k, v);
    return env;
  }

  // Execution

  async runList(list: List, io: Io): Promise<number> {
    let status = this.status;
    for (const item of list.items) {
      await this.runTraps(io);
      if (this.signal.isFired) return INTERRUPTED_STATUS;
      if (item.background) {
        this.startJob(item.andOr, io);
        status = 0;
      } else {
        status = await this.runAndOr(item.andOr, io);
      }
      this.status = status;
    }
    await this.runTraps(io);
    return status;
  }

  /**
   * startJob runs an and-or list in the background, in a subshell process of
   * its own: `$!` is its PID, `kill` signals it (SIGTERM ends it with 143),
   * and `wait` collects its status.
   */
  private startJob(andOr: AndOr, io: Io): void {
    const job = this.clone();
    job.signal = this.signal.child();
    let killedBy: number | undefined;
    const signals = new ProcessSignals(false, (n) => {
      killedBy = n;
      job.signal.fire();
    });
    const argv = this.proc.system.processes().find((p) => p.pid === this.pid)?.argv ?? [this.name];
    const entry = this.proc.system.spawn(argv, signals);
    const done = job.runAndOr(andOr, { ...io, stdin: closedPipe() })
      .catch((err: unknown) => (err instanceof ExitSignal ? err.status : 0))
      .then((status) => (killedBy !== undefined ? 128 + killedBy : status))
      .finally(() => {
        entry.exit();
        job.signal.release();
      });
    this.jobs.push({ pid: entry.pid, done });
    this.lastJob = entry.pid;
  }

  /** job is the background job of a PID, while it is known. */
  job(pid: number): Job | undefined {
    return this.jobs.find((j) => j.pid === pid);
  }

  /** jobPid reads a job spec (`%1`, `%%`, `%+`, `%-`) as its PID. */
  jobPid(spec: string): number | undefined {
    const body = spec.slice(1);
    if (body === '%' || body === '+' || body === '') return this.jobs.at(-1)?.pid;
    if (body === '-') return this.jobs.at(-2)?.pid;
    return /^\d+$/.test(body) ? this.jobs[Number(body) - 1]?.pid : undefined;
  }

  private async runAndOr(andOr: AndOr, io: Io): Promise<number> {
    let status = await this.runPipeline(andOr.first, io);
    let checked = andOr.rest.length > 0;
    for (const { op, pipeline } of andOr.rest) {
      this.status = status;
      if ((op === '&&' && status === 0) || (op === '||' && status !== 0)) {
        status = await this.runPipeline(pipeline, io);
        checked = pipeline !== andOr.rest.at(-1)?.pipeline;
      }
    }
    if (this.flags.errexit && status !== 0 && !checked && !andOr.first.negate) throw new ExitSignal(status);
    return status;
  }

  private async runPipeline(p: Pipeline, io: Io): Promise<number> {
    let status: number;
    if (p.commands.length === 1) {
      status = await this.runCommand(p.commands[0], io);
    } else {
      const runs: Promise<number>[] = [];
      const pipes = new Set<Pipe>();
      let input = io.stdin;
      p.commands.forEach((cmd, i) => {
        const last = i === p.commands.length - 1;
        const pipe = last ? undefined : new Pipe();
        if (pipe) pipes.add(pipe);
        const sub = this.clone();
        sub.signal = this.signal.child();
        const output: Output = pipe ? { write: (d) => (pipe.isEnded ? sub.signal.fire() : pipe.write(d)) } : io.stdout;
        const stdin = input;
        runs.push(sub.runCommand(cmd, { stdin, stdout: output, stderr: io.stderr }).catch((err: unknown) => {
          if (err instanceof ExitSignal) return err.status;
          throw err;
        }).finally(() => {
          pipe?.end();
          // The reader is done: what its writer still writes goes nowhere (SIGPIPE).
          if (stdin instanceof Pipe && pipes.has(stdin)) stdin.end();
        }));
        if (pipe) input = pipe;
      });
      const statuses = await Promise.all(runs);
      status = statuses.at(-1) ?? 0;
    }
    return p.negate ? Number(status === 0) : status;
  }

  async runCommand(cmd: Command, io: Io): Promise<number> {
    let redirected: Io;
    try {
      redirected = await redirect(this, cmd.redirects, io);
    } catch (err) {
      if (err instanceof ExpansionError) {
        io.stderr.write(`${this.errorPrefix()}${err.message}\n`);
        return 1;
      }
      throw err;
    }
    switch (cmd.type) {
      case 'simple': return this.runSimple(cmd, redirected);
      case 'group': {
        if (!cmd.subshell) return this.runList(cmd.body, redirected);
        const sub = this.clone();
        try {
          return await sub.runList(cmd.body, redirected);
        } catch (err) {
          if (err instanceof ExitSignal) return err.status;
          throw err;
        }
      }
      case 'if': {
        for (const clause of cmd.clauses) {
          if ((await this.runCondition(clause.cond, redirected)) === 0) return this.runList(clause.body, redirected);
        }
        return cmd.otherwise ? this.runList(cmd.otherwise, redirected) : 0;
      }
      case 'loop': {
        let status = 0;
        for (;;) {
          const cond = await this.runCondition(cmd.cond, redirected);
          if ((cond === 0) === cmd.until) break;
          const next = await this.loopBody(cmd.body, redirected);
          if (next === 'break') break;
          if (typeof next === 'number') status = next;
          if (this.signal.isFired) return INTERRUPTED_STATUS;
        }
        return status;
      }
      case 'for': {
        const items = cmd.items ? await expandWords(this, cmd.items) : this.positionalArgs;
        let status = 0;
        for (const item of items) {
          this.vars.set(cmd.name, item);
          const next = await this.loopBody(cmd.body, redirected);
          if (next === 'break') break;
          if (typeof next === 'number') status = next;
          if (this.signal.isFired) return INTERRUPTED_STATUS;
        }
        return status;
      }
      case 'case': {
        const word = await expandString(this, cmd.word);
        for (const item of cmd.items) {
          for (const pattern of item.patterns) {
            if (matchPattern(await expandString(this, pattern), word)) return this.runList(item.body, redirected);
          }
        }
        return 0;
      }
    }
  }

  /** runCondition runs an `if`/`while` condition, where `set -e` does not apply. */
  private async runCondition(list: List, io: Io): Promise<number> {
    const errexit = this.flags.errexit;
    this.flags.errexit = false;
    try {
      return await this.runList(list, io);
    } finally {
      this.flags.errexit = errexit;
    }
  }

  /** loopBody runs one iteration, turning `break`/`continue` into what the loop does next. */
  private async loopBody(body: List, io: Io): Promise<number | 'break' | 'continue'> {
    if (++this.iterations % ITERATIONS_PER_YIELD === 0) await sleepFor({ ...this.proc, signal: this.signal }, 1);
    try {
      return await this.runList(body, io);
    } catch (err) {
      if (!(err instanceof LoopSignal)) throw err;
      if (err.levels > 1) {
        err.levels--;
        throw err;
      }
      return err.kind;
    }
  }

  private async runSimple(cmd: Extract<Command, { type: 'simple' }>, io: Io): Promise<number> {
    let argv: string[];
    const assigned: [string, string][] = [];
    try {
      this.substStatus = 0;
      for (const a of cmd.assignments) assigned.push([a.name, await expandString(this, a.value)]);
      argv = await expandWords(this, cmd.words);
    } catch (err) {
      if (!(err instanceof ExpansionError)) throw err;
      io.stderr.write(`${this.errorPrefix()}${err.message}\n`);
      if (!this.interactive) throw new ExitSignal(this.dialect === 'bash' ? 1 : 2);
      return 1;
    }
    if (this.flags.xtrace) io.stderr.write(`+ ${[...assigned.map(([k, v]) => `${k}=${v}`), ...argv].join(' ')}\n`);
    if (!argv.length) {
      for (const [k, v] of assigned) this.vars.set(k, v);
      return this.substStatus;
    }
    const builtin = BUILTINS[argv[0]];
    if (builtin) return builtin(this, argv, io);
    return this.runExternal(argv, io, this.exportedEnv(assigned));
  }

  /** runExternal finds argv[0] on PATH and runs it as a child process. */
  async runExternal(argv: string[], io: Io, env: Map<string, string>): Promise<number> {
    const system = this.proc.system;
    const found = lookPath(system, env, argv[0], this.cwdPath);
    const program = found ? this.programs()[found.program] : undefined;
    if (!found || !program) {
      io.stderr.write(`${this.errorPrefix()}${argv[0]}: ${this.dialect === 'bash' ? (argv[0].includes('/') ? 'No such file or directory' : 'command not found') : 'not found'}\n`);
      return 127;
    }
    const signal = this.signal.child();
    let killedBy: number | undefined;
    const signals = new ProcessSignals(false, (n) => {
      killedBy = n;
      signal.fire();
    });
    const child = system.spawn(argv, signals);
    try {
      const status = await program({ system, env, cwd: this.cwdPath, stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, signal, signals, ...(this.proc.tty ? { tty: this.proc.tty } : {}) }, argv);
      return killedBy !== undefined ? 128 + killedBy : status;
    } finally {
      signal.release();
      child.exit();
    }
  }

  changeDirectory(dir: string, io: Io): number {
    const path = resolvePath(this.cwdPath, dir);
    const kind = this.fs.kind(path);
    if (kind !== 'dir') {
      const why = kind === 'file' ? 'Not a directory' : 'No such file or directory';
      io.stderr.write(this.dialect === 'ash' ? `${this.errorPrefix()}cd: can't cd to ${dir}: ${why}\n`
        : this.dialect === 'dash' ? `${this.errorPrefix()}cd: can't cd to ${dir}\n` : `${this.errorPrefix()}cd: ${dir}: ${why}\n`);
      return this.dialect === 'dash' ? 2 : 1;
    }
    this.vars.set('OLDPWD', this.cwdPath);
    this.cwdPath = path;
    this.vars.set('PWD', path);
    return 0;
  }

  /** evaluate runs text as shell input in this shell (`eval`, `.`). */
  async evaluate(source: string, io: Io): Promise<number> {
    try {
      return await this.runList(parseScript(source), io);
    } catch (err) {
      if (err instanceof ShellSyntaxError) {
        io.stderr.write(syntaxMessage(this, err));
        return 2;
      }
      throw err;
    }
  }

  /** waitJobs waits for every background job and forgets them, as `wait` does. */
  waitJobs(): Promise<number[]> {
    const jobs = [...this.jobs];
    return Promise.all(jobs.map((j) => j.done)).then((statuses) => {
      for (const j of jobs) this.forgetJob(j);
      return statuses;
    });
  }

  /** forgetJob drops a job `wait` has collected. */
  forgetJob(job: Job): void {
    const i = this.jobs.indexOf(job);
    if (i >= 0) this.jobs.splice(i, 1);
  }
}
