// Conformance harness: the `kubelab` command as a child process, driven by the real
// kubectl on PATH and by @kubernetes/client-node, the way a learner's terminal would.
//
// Each test file starts one lab (`kubelab up --port 0 --data <tmp> --nodes 3`) and stops
// it with SIGTERM in its last test, so the machine never runs more than one lab at a time.
// kubectl gets the lab's kubeconfig with --kubeconfig and a HOME of its own, so neither
// the user's ~/.kube/config nor a discovery cache from another run can leak in.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** repoRoot is the repository: set by scripts/test.mjs, else found from the working directory. */
export function repoRoot(): string {
  if (process.env.KUBELAB_ROOT) return process.env.KUBELAB_ROOT;
  for (let dir = process.cwd(); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kubelab') return dir;
  }
  throw new Error('run the conformance tests from inside the kubelab repository');
}

/** Exit is how a child process ended and what it printed. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** RunOptions are a command's working directory, environment, standard input and time limit. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** timeoutMs kills the command with SIGKILL; the Exit then has signal SIGKILL. */
  timeoutMs?: number;
}

/** run runs a command to its end and collects its output; it never rejects on a non-zero exit. */
export function run(command: string, args: readonly string[], o: RunOptions = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
  });
}

/** Streaming is a long-running child (get -w, drain, port-forward) read as it prints. */
export class Streaming {
  stdout = '';
  stderr = '';
  private readonly exited: Promise<Exit>;
  private readonly waiters = new Set<() => void>();

  /** group says the child leads a process group of its own, which signals go to as a whole. */
  constructor(private readonly child: ChildProcess, private readonly group = false) {
    child.stdout?.on('data', (d: Buffer) => this.changed(() => (this.stdout += d.toString())));
    child.stderr?.on('data', (d: Buffer) => this.changed(() => (this.stderr += d.toString())));
    this.exited = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => this.changed(() => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr })));
    });
  }

  /** until resolves once check(stdout, stderr) holds, or rejects after timeoutMs saying what it saw. */
  until(check: (stdout: string, stderr: string) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const test = (): void => {
        if (!check(this.stdout, this.stderr)) return;
        this.waiters.delete(test);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(test);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      this.waiters.add(test);
      test();
    });
  }

  /** exit resolves when the child has ended. */
  exit(): Promise<Exit> {
    return this.exited;
  }

  /** stop sends signal (SIGTERM by default) and waits for the end. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (this.group && this.child.pid !== undefined) {
        try {
          process.kill(-this.child.pid, signal);
        } catch {
          // The group is gone already.
        }
      } else this.child.kill(signal);
    }
    return this.exited;
  }

  private changed(update: () => void): void {
    update();
    for (const w of [...this.waiters]) w();
  }
}

/** KubelabOptions choose how the lab is started: dist/cli.js under this Node by default, or another command (npx). */
export interface KubelabOptions {
  nodes?: number;
  /** command and its leading arguments; `up` and the flags follow. */
  command?: readonly string[];
  /** data reuses a data folder (a restart); a fresh temporary one by default. */
  data?: string;
  extraArgs?: readonly string[];
  /** detached starts the lab in a process group of its own and signals the whole group, as a terminal's Ctrl-C does. */
  detached?: boolean;
}

/** READY_TIMEOUT_MS bounds `kubelab up` from start to its ready line. */
const READY_TIMEOUT_MS = 60_000;

/** KubelabProcess is a running `kubelab up` and a kubectl pointed at it. */
export class KubelabProcess {
  private constructor(
    private readonly process: Streaming,
    /** data is the --data folder (PKI, kubeconfig). */
    readonly data: string,
    /** kubeconfig is the path the lab printed after `export KUBECONFIG=`. */
    readonly kubeconfig: string,
    /** home is kubectl's isolated HOME (its ~/.kube/cache lives there). */
    readonly home: string,
    /** readyLine is the line that said the lab is ready. */
    readonly readyLine: string,
  ) {}

  /** up starts `kubelab up --port 0 --data <dir> --nodes N` and resolves once it prints its ready line. */
  static async up(o: KubelabOptions = {}): Promise<KubelabProcess> {
    const root = repoRoot();
    const scratch = mkdtempSync(join(tmpdir(), 'kubelab-conformance-'));
    const data = o.data ?? join(scratch, 'data');
    const home = join(scratch, 'home');
    mkdirSync(home, { recursive: true });
    const command = o.command ?? [process.execPath, join(root, 'dist', 'cli.js')];
    const args = [...command.slice(1), 'up', '--port', '0', '--data', data, '--nodes', String(o.nodes ?? 3), ...(o.extraArgs ?? [])];
    const child = spawn(command[0], args, { cwd: root, env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'], detached: o.detached ?? false });
    const lab = new Streaming(child, o.detached ?? false);
    try {
      await Promise.race([
        lab.until((out) => /^.*\bready\b.*$/m.test(out), '`kubelab up` to print its ready line', READY_TIMEOUT_MS),
        lab.exit().then((e) => {
          throw new Error(`kubelab up exited (${e.code ?? e.signal}) before it was ready\nstdout:\n${e.stdout}\nstderr:\n${e.stderr}`);
        }),
      ]);
    } catch (err) {
      await lab.stop('SIGKILL');
      rmSync(scratch, { recursive: true, force: true });
      throw err;
    }
    const kubeconfig = /^export KUBECONFIG=(.+)$/m.exec(lab.stdout)?.[1];
    if (!kubeconfig) {
      await lab.stop('SIGKILL');
      rmSync(scratch, { recursive: true, force: true });
      throw new Error(`kubelab up printed no \`export KUBECONFIG=\` line:\n${lab.stdout}`);
    }
    return new KubelabProcess(lab, data, kubeconfig, home, /^.*\bready\b.*$/m.exec(lab.stdout)?.[0] ?? '');
  }

  /** output is what the lab printed so far. */
  get output(): { stdout: string; stderr: string } {
    return { stdout: this.process.stdout, stderr: this.process.stderr };
  }

  /** server is the API server's URL from the kubeconfig. */
  get server(): string {
    const url = /^\s*server:\s*(\S+)\s*$/m.exec(readFileSync(this.kubeconfig, 'utf8'))?.[1];
    if (!url) throw new Error(`no server in ${this.kubeconfig}`);
    return url;
  }

  /** env is kubectl's environment: the isolated HOME, no KUBECONFIG, plus extra. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const { KUBECONFIG: _ignored, ...rest } = process.env;
    return { ...rest, HOME: this.home, ...extra };
  }

  /**
   * tokenKubeconfig writes a kubeconfig for the lab's cluster whose user is a bearer
   * token and nothing else, and returns its path. (`kubectl --token` beside the admin
   * kubeconfig would still send the admin's client certificate, which kube-apiserver
   * authenticates first.)
   */
  tokenKubeconfig(user: string, token: string): string {
    const ca = /^\s*certificate-authority-data:\s*(\S+)\s*$/m.exec(readFileSync(this.kubeconfig, 'utf8'))?.[1];
    if (!ca) throw new Error(`no certificate-authority-data in ${this.kubeconfig}`);
    const path = join(dirname(this.home), `${user}.kubeconfig`);
    writeFileSync(path, `apiVersion: v1
kind: Config
clusters:
- name: kubelab
  cluster:
    server: ${this.server}
    certificate-authority-data: ${ca}
users:
- name: ${user}
  user:
    token: ${token}
contexts:
- name: ${user}@kubelab
  context:
    cluster: kubelab
    user: ${user}
current-context: ${user}@kubelab
`, { mode: 0o600 });
    return path;
  }

  /** kubectl runs `kubectl --kubeconfig <lab> args…` to its end; kubeconfig names another file (tokenKubeconfig's). */
  kubectl(args: readonly string[], o: Omit<RunOptions, 'cwd'> & { kubeconfig?: string } = {}): Promise<Exit> {
    return run('kubectl', ['--kubeconfig', o.kubeconfig ?? this.kubeconfig, ...args], { ...o, env: this.env(o.env) });
  }

  /** ok runs kubectl and returns its stdout, failing with its stderr when it exits non-zero. */
  async ok(args: readonly string[], o: Omit<RunOptions, 'cwd'> & { kubeconfig?: string } = {}): Promise<string> {
    const e = await this.kubectl(args, o);
    if (e.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${e.code ?? e.signal}\nstdout:\n${e.stdout}\nstderr:\n${e.stderr}`);
    return e.stdout;
  }

  /** json runs `kubectl … -o json` and parses the answer. */
  async json(args: readonly string[]): Promise<any> {
    return JSON.parse(await this.ok([...args, '-o', 'json']));
  }

  /** spawnKubectl starts a kubectl that keeps running (get -w, drain, port-forward, logs -f). */
  spawnKubectl(args: readonly string[], env: NodeJS.ProcessEnv = {}): Streaming {
    return new Streaming(spawn('kubectl', ['--kubeconfig', this.kubeconfig, ...args], { env: this.env(env), stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** stop sends signal (SIGTERM by default) to the lab and waits for it to exit. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    return this.process.stop(signal);
  }

  /** cleanup kills the lab if a test left it running and removes its temporary folders. */
  async cleanup(): Promise<void> {
    await this.process.stop('SIGKILL');
    rmSync(dirname(this.home), { recursive: true, force: true });
  }
}

/** eventually polls check until it returns a value other than undefined, or fails after timeoutMs with the last reason. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Table is kubectl's human-readable output: the header's column names and each row by column. */
export interface Table {
  headers: string[];
  rows: Record<string, string>[];
}

/**
 * parseTable reads kubectl's table output (tabwriter columns, at least three spaces
 * apart): each column starts where its header starts. A multi-resource `get` prints
 * one table per kind separated by a blank line; parseTable reads the first.
 */
export function parseTable(text: string): Table {
  const lines = text.split('\n');
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '');
  const [header, ...body] = lines.slice(0, end < 0 ? lines.length : end).filter((l) => l.length > 0);
  if (header === undefined) return { headers: [], rows: [] };
  const starts: number[] = [];
  const headers: string[] = [];
  for (const m of header.matchAll(/\S+(?: \S+)*/g)) {
    starts.push(m.index);
    headers.push(m[0]);
  }
  const rows = body.map((line) => Object.fromEntries(headers.map((h, i) => [h, line.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : undefined).trim()])));
  return { headers, rows };
}

/** lines splits output into its non-empty lines. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}
