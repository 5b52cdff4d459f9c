/**
 * StreamingServer is the kubelet's exec, attach, port-forward and log-follow
 * endpoints (pkg/kubelet/server/server.go, and the CRI streaming server behind
 * them): it finds the pod and the running container, refusing as the kubelet
 * words it, and runs the session against the simulated runtime — an exec'd
 * program with pipes or a terminal, the container's output for attach, a
 * connection to a port in the pod's network namespace.
 * Attach joins the container's main process: its output as it writes it,
 * and its stdin when the container has one.
 */
import type { Pod } from '../api/types';
import type { Clock } from '../clock';
import { followLogs } from './containerLog';
import type { Attached } from './mainProcess';
import { Pipe } from './pipe';
import { Interrupt, type Reader } from './process';
import type { ContainerRecord, SimulatedRuntime } from './runtime';
import type { FollowLogOptions, KubeletAnswer, KubeletStreaming, LogSink, PortForwardSession, RemoteCommandOptions, SessionIO, StreamSession } from './streaming';
import { Tty } from './tty';

/** STREAM_OPTIONS_REQUIRED is remotecommand NewOptions' refusal of a request with no streams. */
const STREAM_OPTIONS_REQUIRED = 'you must specify at least 1 of stdin, stdout, stderr';

/** The first ephemeral port port-forwarded connections appear to come from. */
const FIRST_EPHEMERAL_PORT = 40_000;

export class StreamingServer implements KubeletStreaming {
  private nextPort = FIRST_EPHEMERAL_PORT;

  constructor(private readonly pod: (namespace: string, name: string) => Pod | undefined, private readonly runtime: SimulatedRuntime, private readonly clock: Clock,
    private readonly logs: (pod: Pod, container: string, options: FollowLogOptions) => KubeletAnswer | ContainerRecord) {}

  exec(namespace: string, name: string, container: string, command: string[], options: RemoteCommandOptions): KubeletAnswer | StreamSession {
    const found = this.running(namespace, name, container, options);
    if ('status' in found) return found;
    return {
      tty: options.tty,
      run: async (io) => {
        const { stdin, tty, stop } = this.terminal(io, options.tty);
        const stdout = tty ? tty.output : io.stdout;
        const interrupt = new Interrupt();
        io.signal.addEventListener('abort', () => interrupt.fire());
        try {
          const result = await this.runtime.exec(found, command, { stdin, stdout: stdout ?? discard, stderr: (tty ? tty.output : io.stderr) ?? discard, ...(tty ? { tty } : {}) }, interrupt);
          return 'error' in result ? { error: `error executing command in container: ${result.error}` } : result;
        } finally {
          stop();
        }
      },
    };
  }

  attach(namespace: string, name: string, container: string, options: RemoteCommandOptions): KubeletAnswer | StreamSession {
    const found = this.running(namespace, name, container, options);
    if ('status' in found) return found;
    const pod = this.pod(namespace, name);
    const spec = [...(pod?.spec.containers ?? []), ...(pod?.spec.initContainers ?? [])].find((c) => c.name === container);
    // The kubelet attaches with a TTY only to a container that has one.
    const tty = options.tty && spec?.tty === true;
    return {
      tty,
      run: async (io) => {
        // A container with a terminal writes both streams to it; the client reads them as one.
        const attached: Attached = found.tty ? { ...(io.stdout ? { stdout: io.stdout, stderr: io.stdout } : {}) } : { ...(io.stdout ? { stdout: io.stdout } : {}), ...(io.stderr ? { stderr: io.stderr } : {}) };
        found.output?.attached.add(attached);
        if (tty && found.tty && io.onResize) io.onResize((columns, rows) => found.tty?.resize(columns, rows));
        if (io.stdin) void this.forwardInput(io.stdin, found, io.signal);
        const aborted = new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve()));
        await Promise.race([found.exited, aborted]);
        found.output?.attached.delete(attached);
        return { exitCode: 0 };
      },
    };
  }

  /**
   * forwardInput hands what the client types to the main process's stdin
   * while the session lasts; with stdinOnce the process's stdin closes when
   * the client's does. A container without stdin gets nothing.
   */
  private async forwardInput(stdin: Pipe, c: ContainerRecord, signal: AbortSignal): Promise<void> {
    const input = c.input;
    for (let chunk = await stdin.read(); chunk !== null; chunk = await stdin.read()) {
      if (input && !signal.aborted && c.finishedAt === undefined) input.write(chunk);
    }
    if (input?.once) input.end();
  }

  portForward(namespace: string, name: string): KubeletAnswer | PortForwardSession {
    const pod = this.pod(namespace, name);
    if (!pod) return { status: 404, body: 'pod does not exist' };
    const uid = pod.metadata.uid ?? '';
    return {
      forward: (port, stream) => {
        const sandbox = this.runtime.sandbox(uid);
        const err = this.runtime.portForward(uid, port, { input: stream.input, output: stream.output, close: () => stream.close(), remote: `127.0.0.1:${this.nextPort++}` });
        // With CRI the pod is the sandbox's ID and the uid is empty (the runtime's streaming server words it).
        return err === undefined ? undefined : `error forwarding port ${port} to pod ${sandbox?.id ?? uid}, uid : ${err}`;
      },
    };
  }

  followContainerLogs(namespace: string, name: string, container: string, options: FollowLogOptions, sink: LogSink): KubeletAnswer | { cancel(): void } {
    const pod = this.pod(namespace, name);
    if (!pod) return { status: 404, body: `pod "${name}" does not exist` };
    const found = this.logs(pod, container, options);
    if ('status' in found) return found;
    const cancel = followLogs(found.log, options, this.clock.now(), (chunk) => sink.write(chunk), () => sink.end());
    return { cancel };
  }

  /** running finds the running container an exec or attach is for (GetExec's findContainer), or the kubelet's refusal. */
  private running(namespace: string, name: string, container: string, options: RemoteCommandOptions): KubeletAnswer | ContainerRecord {
    if (!options.stdin && !options.stdout && !(options.stderr && !options.tty)) return { status: 400, body: STREAM_OPTIONS_REQUIRED };
    const pod = this.pod(namespace, name);
    if (!pod) return { status: 404, body: 'pod does not exist' };
    const record = this.runtime.sandbox(pod.metadata.uid ?? '')?.containers.get(container);
    if (!record || record.startedAt === undefined || record.finishedAt !== undefined) return { status: 500, body: `container not found (${JSON.stringify(container)})` };
    return record;
  }

  /** terminal gives an exec its stdin: the client's pipe, or a TTY fed from it. */
  private terminal(io: SessionIO, tty: boolean): { stdin: Reader; tty?: Tty; stop: () => void } {
    const input = io.stdin ?? closedInput();
    if (!tty) return { stdin: input, stop: () => undefined };
    const terminal = new Tty(io.stdout ?? discard);
    io.onResize?.((columns, rows) => terminal.resize(columns, rows));
    let stopped = false;
    void (async () => {
      for (let chunk = await input.read(); chunk && !stopped; chunk = await input.read()) terminal.input(chunk);
      terminal.end();
    })();
    return { stdin: terminal, tty: terminal, stop: () => void (stopped = true) };
  }
}

const discard = { write: (): void => undefined };

function closedInput(): Pipe {
  const p = new Pipe();
  p.end();
  return p;
}
