/**
 * runtimeTypes are what the simulated container runtime keeps and hands out,
 * shaped like CRI's: pulled images, pod sandboxes, container instances with
 * the process they run, and the streams and outcome of an exec.
 */
import type { ContainerLog } from './containerLog';
import type { PodFiles } from './containerRoot';
import type { Listener } from './listeners';
import type { ContainerOutput } from './mainProcess';
import type { Output } from './pipe';
import type { ContainerSystem, Interrupt, Reader } from './process';
import type { Tty } from './tty';

export interface PulledImage {
  ref: string;
  imageID: string;
  sizeBytes: number;
}

/**
 * ContainerProcess is what the container runs: the pod spec's command and args
 * over the image's entrypoint and cmd, with the environment and the pod's
 * files the kubelet prepared.
 */
export interface ContainerProcess {
  command?: string[];
  args?: string[];
  /** env is the kubelet's environment for the container (spec env, service links), in order. */
  env?: [string, string][];
  /** files are /etc/hostname, /etc/hosts and /etc/resolv.conf. */
  files?: PodFiles;
  workingDir?: string;
  /** stdin, stdinOnce and tty are the container spec's: PID 1 reads what attached clients send, on a terminal with tty. */
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  /** serviceAccount is the pod's, as whom an in-cluster process (CoreDNS) talks to the API server. */
  serviceAccount?: { namespace: string; name: string };
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
  /** reason and message say why the container ended, as containerd reports it: Completed, Error, StartError. */
  reason?: string;
  message?: string;
  /** restartCount is how many instances of this name ran in the sandbox before this one. */
  restartCount: number;
  /** system is the container as its processes see it, from its start. */
  system?: ContainerSystem;
  /** env is the main process's environment, which exec'd processes inherit. */
  env: Map<string, string>;
  cwd: string;
  /** stopped fires when the container stops, killing what runs in it (SIGKILL). */
  stopped: Interrupt;
  /** term is SIGTERM to the main process. */
  term: Interrupt;
  /** output is where the main process writes, once started: the log and the attached clients. */
  output?: ContainerOutput;
  /** input is the main process's stdin as attached clients write it (with stdin: true); once is stdinOnce. */
  input?: { write(data: Uint8Array): void; end(): void; once: boolean };
  /** tty is the container's terminal (tty: true). */
  tty?: Tty;
  /** exited resolves once the main process has ended. */
  exited: Promise<void>;
  /** ports are the ports the container's servers listen on in the sandbox. */
  ports: number[];
}

export interface Sandbox {
  id: string;
  podUID: string;
  ip: string;
  /** netns is the network namespace's path, as containerd names it. */
  netns: string;
  containers: Map<string, ContainerRecord>;
  /** previous holds each name's last exited instance once a new one replaced it: what `logs --previous` reads. */
  previous: Map<string, ContainerRecord>;
  /** listeners are the servers bound in the pod's network namespace, by port. */
  listeners: Map<number, Listener>;
  /** hostNetwork is set for a pod in the node's network namespace: its IP is the node's, not the pod range's. */
  hostNetwork?: boolean;
}

/** NodeFacts are what a container sees of its node: the CPU count (nginx starts one worker per CPU) and the kernel. */
export interface NodeFacts {
  cpus: number;
  kernelVersion: string;
}

/** ExecIO are an exec'd process's streams; with a TTY, stdin and stdout are the terminal's. */
export interface ExecIO {
  stdin: Reader;
  stdout: Output;
  stderr: Output;
  tty?: Tty;
}

/** ExecResult is how an exec ended: the process's exit code, or the runtime's refusal to start it. */
export type ExecResult = { exitCode: number } | { error: string };
