/**
 * mainProcess decides what a container's PID 1 is, as runc would exec it:
 * an image's own server (nginx, httpd, redis, pause …) that the lab simulates
 * and that runs until it is signalled, a program of the image's userland
 * (its shell, `sleep`, `echo`) run by the simulated shell and coreutils, or
 * nothing runc can exec — containerd's StartError. Unknown images run an
 * opaque long-lived process. ContainerOutput is where PID 1 writes: the
 * container's log, a line at a time, and every attached client, as written.
 */
import type { ContainerLog, LogStream } from './containerLog';
import type { ProgramTable } from './coreutils';
import { catalogued, repository } from './images';
import type { Output } from './pipe';
import { type ContainerSystem, type Program, lookPath } from './process';

/** IMAGE_SERVERS are the programs each known image ships as its server, which the lab simulates. */
const IMAGE_SERVERS: Record<string, string[]> = {
  'registry.k8s.io/pause': ['pause'],
  'docker.io/library/nginx': ['nginx', 'nginx-debug'],
  'docker.io/library/httpd': ['httpd-foreground', 'httpd'],
  'docker.io/hashicorp/http-echo': ['http-echo'],
  'registry.k8s.io/e2e-test-images/agnhost': ['agnhost'],
  'docker.io/library/redis': ['redis-server'],
  'docker.io/library/postgres': ['postgres'],
  'registry.k8s.io/coredns/coredns': ['coredns'],
  'registry.k8s.io/kube-apiserver': ['kube-apiserver'],
  'registry.k8s.io/kube-controller-manager': ['kube-controller-manager'],
  'registry.k8s.io/kube-scheduler': ['kube-scheduler'],
  'registry.k8s.io/etcd': ['etcd'],
};

/**
 * ENTRYPOINT_SCRIPTS are the images' docker-entrypoint.sh: each prepares the
 * server, then execs its arguments, putting the server in front of an
 * argument that is only a flag.
 */
const ENTRYPOINT_SCRIPTS: Record<string, { path: string; server: string }> = {
  'docker.io/library/nginx': { path: '/docker-entrypoint.sh', server: 'nginx' },
  'docker.io/library/redis': { path: 'docker-entrypoint.sh', server: 'redis-server' },
  'docker.io/library/postgres': { path: 'docker-entrypoint.sh', server: 'postgres' },
};

/** MainProcess is what PID 1 runs: a simulated server, a program of the image, or nothing (the runtime's refusal). */
export type MainProcess =
  | { kind: 'server' }
  | { kind: 'program'; program: Program; argv: string[] }
  | { kind: 'startError'; message: string };

/** resolveMainProcess finds what argv starts in a container of the image ref, as the entrypoint script and execvp would. */
export function resolveMainProcess(ref: string, argv: string[], system: ContainerSystem, env: Map<string, string>, cwd: string, programs: ProgramTable): MainProcess {
  const repo = repository(ref);
  const known = catalogued(ref);
  if (!argv.length) return known ? { kind: 'startError', message: runcError('args must not be empty', '') } : { kind: 'server' };
  let run = argv;
  const script = ENTRYPOINT_SCRIPTS[repo];
  if (script && argv[0] === script.path) {
    run = argv.slice(1);
    if (run[0]?.startsWith('-')) run = [script.server, ...run];
    // The script's `exec "$@"` with nothing to exec ends the script, and the container with it.
    if (!run.length) return { kind: 'program', program: () => Promise.resolve(0), argv };
  }
  const name = run[0];
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (IMAGE_SERVERS[repo]?.includes(base)) return { kind: 'server' };
  const found = lookPath(system, env, name, cwd);
  const program = found ? programs[found.program] : undefined;
  if (program) return { kind: 'program', program, argv: run };
  if (!known) return { kind: 'server' };
  if (!name.includes('/')) return { kind: 'startError', message: runcError(`exec: "${name}": executable file not found in $PATH`) };
  return { kind: 'startError', message: runcError(`exec: "${name}": stat ${name}: no such file or directory`) };
}

/** runcError is how containerd words runc's failure to start a container's process. */
function runcError(why: string, stage = 'unable to start container process: '): string {
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: ${stage}${why}: unknown`;
}

/** Attached are one attached client's output streams; with a TTY both are the terminal's. */
export interface Attached {
  stdout?: Output;
  stderr?: Output;
}

/**
 * ContainerOutput is PID 1's stdout and stderr: every write goes to the
 * attached clients as it is, and to the container's log as lines stamped
 * with the time they were completed; flush writes out a last unfinished line.
 */
export class ContainerOutput {
  readonly attached = new Set<Attached>();
  readonly stdout: Output;
  readonly stderr: Output;
  private readonly partial: Record<LogStream, string> = { stdout: '', stderr: '' };

  constructor(private readonly log: ContainerLog, private readonly now: () => number) {
    this.stdout = { write: (data) => this.write('stdout', data) };
    this.stderr = { write: (data) => this.write('stderr', data) };
  }

  /** flush logs what was written after the last newline of each stream. */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.log.append(this.now(), stream, this.partial[stream]);
      this.partial[stream] = '';
    }
  }

  private write(stream: LogStream, data: string | Uint8Array): void {
    if (data.length === 0) return;
    for (const a of this.attached) a[stream]?.write(data);
    const lines = (this.partial[stream] + (typeof data === 'string' ? data : Buffer.from(data).toString())).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.log.append(this.now(), stream, line);
  }
}
