/**
 * streaming is the kubelet's streaming server as the API server sees it: the
 * sessions behind /exec, /attach and /portForward once a request has been
 * accepted, independent of the wire protocol (WebSocket channels, SPDY
 * streams) the API server's front door speaks to the client. A refusal comes
 * first, before any upgrade, as the kubelet's plain-text HTTP error.
 */
import type { Output, Pipe } from './pipe';

/** KubeletAnswer is a kubelet's plain HTTP answer: a status code and a text body (a log, or an error). */
export interface KubeletAnswer {
  status: number;
  body: string;
}

/** RemoteCommandOptions are an exec's or attach's streams, as the kubelet's NewOptions reads them. */
export interface RemoteCommandOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** SessionIO are the client's streams for a session. */
export interface SessionIO {
  /** stdin is what the client types or pipes; it ends when the client closes its stdin. */
  stdin?: Pipe;
  stdout?: Output;
  stderr?: Output;
  /** onResize registers the handler of the client's terminal size changes. */
  onResize?: (handler: (columns: number, rows: number) => void) => void;
  /** signal aborts the session when the client goes away. */
  signal: AbortSignal;
}

/**
 * SessionOutcome is how an exec or attach ended: an exit code (0 is success),
 * or the internal error the kubelet reports (`error executing command in
 * container: …`).
 */
export type SessionOutcome = { exitCode: number } | { error: string };

/** StreamSession is an accepted exec or attach, ready to run with the client's streams. */
export interface StreamSession {
  /** tty says whether the session has a terminal (attach keeps it only when the container has one). */
  tty: boolean;
  run(io: SessionIO): Promise<SessionOutcome>;
}

/** ForwardStream is one port-forward connection's data stream. */
export interface ForwardStream {
  /** input carries the client's bytes to the pod. */
  input: Pipe;
  /** output carries the pod's bytes to the client. */
  output: Output;
  /** close ends the pod's side of the stream. */
  close(): void;
}

/** PortForwardSession is an accepted port-forward: each client connection is forwarded on its own. */
export interface PortForwardSession {
  /** forward connects a stream to a port of the pod; a failure is the message for the client's error stream. */
  forward(port: number, stream: ForwardStream): string | undefined;
}

/** KubeletStreaming are the kubelet's endpoints the API server proxies streams to. */
export interface KubeletStreaming {
  /** exec is GET/POST /exec/<namespace>/<pod>/<container>. */
  exec(namespace: string, pod: string, container: string, command: string[], options: RemoteCommandOptions): KubeletAnswer | StreamSession;
  /** attach is GET/POST /attach/<namespace>/<pod>/<container>. */
  attach(namespace: string, pod: string, container: string, options: RemoteCommandOptions): KubeletAnswer | StreamSession;
  /** portForward is GET/POST /portForward/<namespace>/<pod>. */
  portForward(namespace: string, pod: string): KubeletAnswer | PortForwardSession;
  /**
   * followContainerLogs is /containerLogs with follow=true: the log so far,
   * then each new line, until the container exits; the result stops it.
   */
  followContainerLogs(namespace: string, pod: string, container: string, options: FollowLogOptions, sink: LogSink): KubeletAnswer | { cancel(): void };
}

/** FollowLogOptions are the log options of a follow request (v1.PodLogOptions less the container). */
export interface FollowLogOptions {
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
}

/** LogSink receives a followed log's text as it comes, then its end. */
export interface LogSink {
  write(chunk: string): void;
  end(): void;
}
