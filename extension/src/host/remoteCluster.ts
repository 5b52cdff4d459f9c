/**
 * RemoteCluster is a kubeconfig context as a Cluster: connecting reads the
 * kubeconfig afresh (a token refreshed since is picked up), asks the server's
 * /version, and hands out a KubeClient over a RemoteTransport. It is running
 * while the server answers and stopped once a request finds it unreachable.
 */
import * as vscode from 'vscode';
import { isStatus } from '../lab/api/types';
import { KubeClient } from '../lab/client/kubeClient';
import type { LabState } from '../lab/lab';
import type { Cluster } from './cluster';
import { loadKubeConfig } from './kubeconfig';
import { RemoteTransport } from './remoteTransport';

export interface RemoteClusterOptions {
  /** kubeconfig is the file to read; the default kubeconfig ($KUBECONFIG, ~/.kube/config) when not given. */
  kubeconfig?: string;
  userAgent?: string;
}

export class RemoteCluster implements Cluster, vscode.Disposable {
  readonly isLab = false;
  private current: LabState = 'stopped';
  private transport?: RemoteTransport;
  private apiClient?: KubeClient;
  private connecting?: Promise<KubeClient>;
  private info?: { server: string; version: string };
  private namespace = 'default';
  private disposed = false;
  private readonly stateEmitter = new vscode.EventEmitter<LabState>();
  readonly onDidChangeState = this.stateEmitter.event;

  /** name is the context's name in the kubeconfig. */
  constructor(readonly name: string, private readonly options: RemoteClusterOptions = {}) {}

  get state(): LabState {
    return this.current;
  }

  get client(): KubeClient | undefined {
    return this.current === 'running' ? this.apiClient : undefined;
  }

  /** defaultNamespace is the context's namespace, as kubectl takes it for objects that name none; read again at each connect. */
  get defaultNamespace(): string {
    return this.namespace;
  }

  /** server is the API server's URL and gitVersion, once connected. */
  get server(): { server: string; version: string } | undefined {
    return this.info;
  }

  /** start connects if needed and resolves with the client; it rejects with why the server could not be reached. */
  start(): Promise<KubeClient> {
    if (this.current === 'running' && this.apiClient) return Promise.resolve(this.apiClient);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** disconnect ends every request and watch; start connects again. */
  disconnect(): void {
    this.transport?.close();
    this.transport = undefined;
    this.apiClient = undefined;
    this.setState('stopped');
  }

  dispose(): void {
    this.disposed = true;
    this.disconnect();
    this.stateEmitter.dispose();
  }

  private async connect(): Promise<KubeClient> {
    if (this.disposed) throw new Error(`the connection to context "${this.name}" was closed`);
    this.setState('starting');
    let transport: RemoteTransport | undefined;
    try {
      const kc = await loadKubeConfig({ file: this.options.kubeconfig, context: this.name });
      this.namespace = kc.getContextObject(this.name)?.namespace || 'default';
      transport = new RemoteTransport(kc, {
        ...(this.options.userAgent ? { userAgent: this.options.userAgent } : {}),
        onUnreachable: () => {
          if (transport === this.transport) this.disconnect();
        },
      });
    } catch (err) {
      this.setState('stopped');
      throw new Error(`context "${this.name}": ${err instanceof Error ? err.message : String(err)}`);
    }
    const res = await transport.request({ method: 'GET', path: '/version' });
    const gitVersion = (res.body as { gitVersion?: unknown } | undefined)?.gitVersion;
    if (res.status !== 200 || typeof gitVersion !== 'string' || this.disposed) {
      transport.close();
      this.setState('stopped');
      const why = this.disposed ? 'the connection was closed' : isStatus(res.body) ? res.body.message ?? res.body.reason : `GET /version answered ${res.status} without a version`;
      throw new Error(`cannot reach context "${this.name}" at ${transport.server}: ${why}`);
    }
    this.transport = transport;
    this.apiClient = new KubeClient(transport);
    this.info = { server: transport.server, version: gitVersion };
    this.setState('running');
    return this.apiClient;
  }

  private setState(state: LabState): void {
    if (state === this.current) return;
    this.current = state;
    if (!this.disposed) this.stateEmitter.fire(state);
  }
}
