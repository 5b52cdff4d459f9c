/**
 * usageProfile is what a simulated container would use if it ran: the CPU its
 * process wants and the memory it settles at, from the image's known behaviour
 * and the command it runs. An idle nginx wants well under a millicore and a
 * few MiB (one worker per CPU); pause wants nothing; a shell loop without a
 * sleep, `yes`, or `stress --cpu 2` wants whole cores; an image the catalogue
 * does not know uses a small share of what the pod asked for. Limits and the
 * node's other tenants are applied later (nodeUsage).
 *
 * A pod can also say what its containers use, to drive `kubectl top` and the
 * HorizontalPodAutoscaler: the annotations `lab.kubelab.dev/cpu-usage` and
 * `lab.kubelab.dev/memory-usage` hold a quantity every container of the pod
 * uses (`250m`, `128Mi`), or `container=quantity` pairs separated by commas
 * (`web=250m,sidecar=10m`). Put them on a workload's pod template, or change
 * them on a running pod with `kubectl annotate --overwrite` to move its load;
 * a value that is not a quantity is ignored. Limits still cap the CPU and the
 * working set, as for any other demand.
 */
import { milliValue, parseQuantity } from '../api/quantity';
import type { ResourceList } from '../api/types';
import { repository } from '../kubelet/images';

/** CPU_USAGE_ANNOTATION sets the CPU a pod's containers use (see the file comment for its forms). */
export const CPU_USAGE_ANNOTATION = 'lab.kubelab.dev/cpu-usage';
/** MEMORY_USAGE_ANNOTATION sets the working set a pod's containers settle at. */
export const MEMORY_USAGE_ANNOTATION = 'lab.kubelab.dev/memory-usage';
/** ANNOTATED_JITTER is how much an annotated CPU demand varies between intervals: a little, as a real steady load does. */
const ANNOTATED_JITTER = 0.05;

/** UsageProfile is a process's appetite, before limits and contention. */
export interface UsageProfile {
  /** cpuMilli is the CPU it wants on average, in millicores. */
  cpuMilli: number;
  /** cpuJitter is how far one interval's demand strays from the average, as a fraction of it. */
  cpuJitter: number;
  /** memoryBytes is the working set it settles at. */
  memoryBytes: number;
}

/** ProcessArgs are the pod spec's command and args (over the image's entrypoint and cmd). */
export interface ProcessArgs {
  command?: string[];
  args?: string[];
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** PAUSE sleeps forever in a few hundred KiB: its CPU counter does not move. */
const PAUSE: UsageProfile = { cpuMilli: 0, cpuJitter: 0, memoryBytes: 300 * KiB };
/** SHELL_IDLE is a shell or `sleep` waiting: a few hundred KiB, no CPU. */
const SHELL_IDLE: UsageProfile = { cpuMilli: 0, cpuJitter: 0, memoryBytes: 380 * KiB };
const SHELL_MEMORY = 420 * KiB;
/** UNKNOWN_* are what an image the catalogue does not know uses when the pod asks for nothing. */
const UNKNOWN_CPU_MILLI = 2;
const UNKNOWN_MEMORY = 24 * MiB;
/** An unknown image uses these shares of what its container requests. */
const UNKNOWN_CPU_SHARE = 0.04;
const UNKNOWN_MEMORY_SHARE = 0.45;

/** Known images that serve and otherwise idle: average millicores and working set. */
const SERVERS: Record<string, UsageProfile> = {
  'docker.io/library/httpd': { cpuMilli: 0.6, cpuJitter: 0.8, memoryBytes: 7.5 * MiB },
  'docker.io/hashicorp/http-echo': { cpuMilli: 0.1, cpuJitter: 0.9, memoryBytes: 3.4 * MiB },
  'docker.io/library/redis': { cpuMilli: 1.8, cpuJitter: 0.4, memoryBytes: 3.6 * MiB },
  'docker.io/library/postgres': { cpuMilli: 3.5, cpuJitter: 0.5, memoryBytes: 29 * MiB },
};

/** AGNHOST's subcommands: pause sleeps, the servers idle. */
const AGNHOST: Record<string, UsageProfile> = {
  pause: PAUSE,
  netexec: { cpuMilli: 0.8, cpuJitter: 0.7, memoryBytes: 9.5 * MiB },
  'serve-hostname': { cpuMilli: 0.2, cpuJitter: 0.9, memoryBytes: 5.2 * MiB },
};
const AGNHOST_DEFAULT: UsageProfile = { cpuMilli: 0.5, cpuJitter: 0.8, memoryBytes: 8 * MiB };

/** Images whose default command is a shell, so their pod's args are the command line. */
const SHELL_IMAGES = new Set(['docker.io/library/busybox', 'docker.io/library/alpine', 'docker.io/library/ubuntu', 'docker.io/library/debian']);
/** Images whose entrypoint is stress, so args are its flags. */
const STRESS_IMAGES = new Set(['docker.io/polinux/stress', 'docker.io/progrium/stress', 'docker.io/vish/stress']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const WAITERS = new Set(['sleep', 'tail', 'pause', 'true', 'echo', 'cat', 'printenv', 'env', 'ls', 'date', 'hostname']);
/** Commands that spin a CPU for as long as they run. */
const BUSY = /\byes\b|\bdd\s+if=\/dev\/(?:zero|urandom)|\b(?:md5sum|sha1sum|sha256sum|sha512sum|cat|gzip)\s+(?:-\S+\s+)*\/dev\/(?:zero|urandom)/;
const LOOP = /\b(?:while|until|for)\b/;
const SLEEP = /\bsleep\s+([\d.]+)/;

/**
 * usageProfile is the appetite of a container running image (normalized) with
 * process, on a node with nodeCpus CPUs, its resources as the pod spec sets them.
 */
export function usageProfile(image: string, process: ProcessArgs, nodeCpus: number, resources?: { requests?: ResourceList; limits?: ResourceList }): UsageProfile {
  const repo = repository(image);
  const command = process.command ?? [];
  const args = process.args ?? [];
  if (STRESS_IMAGES.has(repo) && !command.length) return stressProfile(args);
  if (command.length || SHELL_IMAGES.has(repo)) {
    const words = command.length ? [...command, ...args] : args.length ? args : ['sh'];
    const known = commandProfile(words);
    if (known) return known;
  }
  if (repo === 'registry.k8s.io/pause') return PAUSE;
  if (repo === 'docker.io/library/nginx') return { cpuMilli: 0.3, cpuJitter: 0.9, memoryBytes: 2.2 * MiB + 0.95 * MiB * Math.max(1, nodeCpus) };
  if (repo === 'registry.k8s.io/e2e-test-images/agnhost') return AGNHOST[args[0] ?? ''] ?? AGNHOST_DEFAULT;
  const server = SERVERS[repo];
  if (server) return server;
  const cpuRequest = milliValue(resources?.requests?.cpu);
  const memoryRequest = parseQuantity(resources?.requests?.memory) ?? 0;
  return {
    cpuMilli: cpuRequest ? Math.max(0.5, cpuRequest * UNKNOWN_CPU_SHARE) : UNKNOWN_CPU_MILLI,
    cpuJitter: 0.5,
    memoryBytes: memoryRequest ? memoryRequest * UNKNOWN_MEMORY_SHARE : UNKNOWN_MEMORY,
  };
}

/**
 * commandProfile reads a command line: stress and its flags; a shell script's
 * loops (without a sleep they spin a core, with one they wake that often);
 * busy commands (`yes`, `dd if=/dev/zero`); waiting ones (`sleep`, `tail -f`).
 * Anything else is the image's business: undefined.
 */
export function commandProfile(words: readonly string[]): UsageProfile | undefined {
  const first = basename(words[0] ?? '');
  if (first === 'stress') return stressProfile(words.slice(1));
  const script = SHELLS.has(first) ? scriptOf(words.slice(1)) : words.join(' ');
  if (/(?:^|[;&|]\s*)stress\s/.test(script)) return stressProfile(script.slice(script.indexOf('stress') + 6).trim().split(/\s+/));
  const sleep = SLEEP.exec(script);
  if (LOOP.test(script)) {
    if (!sleep) return busy(1, SHELL_MEMORY);
    // Each pass forks its commands and sleeps: about half a millicore per wake-up a second.
    return { cpuMilli: 0.2 + 0.5 / Math.max(0.1, Number(sleep[1]) || 1), cpuJitter: 0.6, memoryBytes: SHELL_MEMORY };
  }
  if (BUSY.test(script)) return busy(1, SHELL_MEMORY);
  if (SHELLS.has(first) || WAITERS.has(first)) return SHELL_IDLE;
  return undefined;
}

/** stressProfile reads stress's flags (`--cpu N`, `--vm N --vm-bytes B [--vm-hang S]`) and vish/stress's (`-cpus N`, `-mem-total Q`). */
export function stressProfile(flags: readonly string[]): UsageProfile {
  const opt = (...names: string[]): string | undefined => {
    for (let i = 0; i < flags.length; i++) {
      const [flag, inline] = flags[i].split('=', 2);
      if (names.includes(flag)) return inline ?? flags[i + 1];
    }
    return undefined;
  };
  const count = (...names: string[]): number => Math.max(0, Math.floor(Number(unquote(opt(...names) ?? '0')) || 0));
  const cpus = count('--cpu', '-c', '-cpus');
  const vm = count('--vm', '-m');
  const hang = opt('--vm-hang') !== undefined;
  const vmBytes = vm ? vm * stressBytes(opt('--vm-bytes') ?? '256M') : 0;
  const total = parseQuantity(unquote(opt('-mem-total') ?? '')) ?? 0;
  // A vm worker that does not hang keeps touching its pages: a core of its own.
  return busy(cpus + (vm && !hang ? vm : 0), 800 * KiB + vmBytes + total);
}

function busy(threads: number, memoryBytes: number): UsageProfile {
  return threads ? { cpuMilli: 1000 * threads, cpuJitter: 0.01, memoryBytes } : { ...SHELL_IDLE, memoryBytes };
}

/** stressBytes is stress's size syntax: a number with b, k, m or g, powers of 1024. */
function stressBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([bBkKmMgG]?)$/.exec(unquote(s));
  if (!m) return 256 * MiB;
  const scale = { '': 1, b: 1, k: KiB, m: MiB, g: 1024 * MiB }[m[2].toLowerCase()] ?? 1;
  return Number(m[1]) * scale;
}

/** scriptOf is the script a shell runs: what follows -c, else its arguments. */
function scriptOf(args: readonly string[]): string {
  const c = args.findIndex((a) => /^-\w*c$/.test(a));
  return (c >= 0 ? args.slice(c + 1) : args).join(' ');
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function unquote(s: string): string {
  return s.replace(/^["']|["']$/g, '');
}

/** annotatedProfile is profile with what the pod's usage annotations set for container, if they name it. */
export function annotatedProfile(profile: UsageProfile, annotations: Readonly<Record<string, string>> | undefined, container: string): UsageProfile {
  const cpu = annotatedQuantity(annotations?.[CPU_USAGE_ANNOTATION], container);
  const memory = annotatedQuantity(annotations?.[MEMORY_USAGE_ANNOTATION], container);
  if (cpu === undefined && memory === undefined) return profile;
  return {
    cpuMilli: cpu !== undefined ? cpu * 1000 : profile.cpuMilli,
    cpuJitter: cpu !== undefined ? ANNOTATED_JITTER : profile.cpuJitter,
    memoryBytes: memory ?? profile.memoryBytes,
  };
}

/** annotatedQuantity reads `q` (every container) or `name=q,…` (per container) for container: the quantity in base units, if it is one. */
export function annotatedQuantity(value: string | undefined, container: string): number | undefined {
  if (value === undefined) return undefined;
  let text: string | undefined = value.trim();
  if (text.includes('=')) {
    text = text.split(',').map((pair) => pair.split('=', 2).map((s) => s.trim())).find(([name]) => name === container)?.[1];
  }
  const q = text === undefined ? undefined : parseQuantity(text);
  return q !== undefined && q >= 0 ? q : undefined;
}
