/**
 * LabHost owns the lab's worker thread: it starts it on demand (activation stays
 * cheap), hands out an API client over the channel, and reports state changes.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { HostMessage, LabMessage, LabOptions } from '../lab/channel';
import type { ControlResults, LabControl } from '../lab/labControl';
import type { Cluster } from './cluster';
import { KubeClient } from '../lab/client/kubeClient';
import type { LabState } from '../lab/lab';
import { WorkerTransport } from './workerTransport';

/** Served is where the lab's front door listens and the kubeconfig that reaches it. */
export interface Served {
  url: string;
  kubeconfigPath: string;
}

/** How long stop() waits for the lab to stop before ending its worker. */
const STOP_TIMEOUT_MS = 2000;

export class LabHost implements Cluster, vscode.Disposable {
  readonly name = 'KubeLab';
  readonly isLab = true;
  private worker?: Worker;
  private transport?: WorkerTransport;
  private starting?: Promise<KubeClient>;
  private current: LabState = 'stopped';
  private apiClient?: KubeClient;
  private readonly stateEmitter = new vscode.EventEmitter<LabState>();
  /** onDidChangeState fires with each new state. */
  readonly onDidChangeState = this.stateEmitter.event;
  private servedInfo?: Served;
  private serving?: { promise: Promise<Served>; resolve(s: Served): void; reject(err: Error): void };
  private readonly servedEmitter = new vscode.EventEmitter<Served | undefined>();
  /** onDidServe fires when the front door opens (with its URL and kubeconfig) and when it closes (undefined). */
  readonly onDidServe = this.servedEmitter.event;
  /** controls are the control requests awaiting their answers, by id. */
  private readonly controls = new Map<number, { resolve(result: unknown): void; reject(err: Error): void }>();
  private nextControl = 1;
  private readonly persistedEmitter = new vscode.EventEmitter<{ path: string; error?: string }>();
  /** onDidPersist fires when the lab saved its store at stop (kubelab.persistence), with the error if it could not. */
  readonly onDidPersist = this.persistedEmitter.event;
  private namespace = 'default';
  private readonly namespaceEmitter = new vscode.EventEmitter<string>();
  readonly onDidChangeDefaultNamespace = this.namespaceEmitter.event;

  constructor(private readonly extensionPath: string, private readonly options: () => LabOptions) {}

  /** defaultNamespace is where objects that name none go (KubeLab: Set Namespace), as a kubeconfig context's namespace. */
  get defaultNamespace(): string {
    return this.namespace;
  }

  set defaultNamespace(namespace: string) {
    if (namespace === this.namespace) return;
    this.namespace = namespace;
    this.namespaceEmitter.fire(namespace);
  }

  get state(): LabState {
    return this.current;
  }

  /** client is the running lab's API client, if the lab runs. */
  get client(): KubeClient | undefined {
    return this.current === 'running' ? this.apiClient : undefined;
  }

  /** served is the running front door, if the lab serves one. */
  get served(): Served | undefined {
    return this.servedInfo;
  }

  /** whenServed starts the lab if needed and resolves once its front door listens (rejects if it could not open). */
  async whenServed(): Promise<Served> {
    await this.start();
    if (this.servedInfo) return this.servedInfo;
    if (!this.serving) {
      let settle: Pick<NonNullable<LabHost['serving']>, 'resolve' | 'reject'> | undefined;
      const promise = new Promise<Served>((resolve, reject) => {
        settle = { resolve, reject };
      });
      this.serving = { promise, ...(settle as Pick<NonNullable<LabHost['serving']>, 'resolve' | 'reject'>) };
    }
    return this.serving.promise;
  }

  /** start starts the lab if needed and resolves with its client once it runs. */
  start(): Promise<KubeClient> {
    if (this.current === 'running' && this.apiClient) return Promise.resolve(this.apiClient);
    this.starting ??= this.spawn().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private spawn(): Promise<KubeClient> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(path.join(this.extensionPath, 'dist', 'labWorker.js'));
      const transport = new WorkerTransport(worker);
      this.worker = worker;
      this.transport = transport;
      this.apiClient = new KubeClient(transport);
      this.setState('starting');
      worker.on('message', (m: LabMessage) => {
        if (transport.receive(m)) return;
        if (m.type === 'controlResult') {
          const pending = this.controls.get(m.id);
          this.controls.delete(m.id);
          if (m.error !== undefined) pending?.reject(new Error(m.error));
          else pending?.resolve(m.result);
          return;
        }
        if (m.type === 'persisted') {
          this.persistedEmitter.fire({ path: m.path, ...(m.error ? { error: m.error } : {}) });
          return;
        }
        if (m.type === 'served') {
          if (m.error || !m.url || !m.kubeconfigPath) {
            this.servedError(m.error ?? 'the front door did not open');
            return;
          }
          this.servedInfo = { url: m.url, kubeconfigPath: m.kubeconfigPath };
          this.serving?.resolve(this.servedInfo);
          this.serving = undefined;
          this.servedEmitter.fire(this.servedInfo);
          return;
        }
        if (m.type !== 'state') return;
        if (m.error) {
          void this.stop();
          reject(new Error(m.error));
          return;
        }
        this.setState(m.state);
        if (m.state === 'running' && this.apiClient) resolve(this.apiClient);
      });
      worker.on('error', (err: Error) => {
        transport.fail(`the lab stopped: ${err.message}`);
        this.cleanup();
        reject(err);
      });
      worker.on('exit', () => {
        transport.fail('the lab stopped');
        if (this.worker === worker) this.cleanup();
      });
      worker.postMessage({ type: 'start', options: this.options() });
    });
  }

  /**
   * control asks the running lab to act on itself (nodes, snapshots) and
   * resolves with the op's result; it rejects with the lab's reason when the op
   * changed nothing, or when the lab is not running.
   */
  control<O extends LabControl>(op: O): Promise<ControlResults[O['op']]> {
    const worker = this.worker;
    if (!worker || this.current !== 'running') return Promise.reject(new Error('the lab is not running'));
    const id = this.nextControl++;
    return new Promise((resolve, reject) => {
      this.controls.set(id, { resolve, reject });
      worker.postMessage({ type: 'control', id, op } satisfies HostMessage);
    });
  }

  /** stop stops the components, then ends the worker. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.setState('stopping');
    worker.postMessage({ type: 'stop' });
    // Let the components stop cleanly, but never wait long for a wedged worker.
    await new Promise<void>((resolve) => {
      const onMessage = (m: LabMessage): void => {
        if (m.type === 'state' && m.state === 'stopped') done();
      };
      const done = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        resolve();
      };
      const timer = setTimeout(done, STOP_TIMEOUT_MS);
      worker.on('message', onMessage);
    });
    await worker.terminate();
    this.cleanup();
  }

  private servedError(message: string): void {
    const pending = this.serving;
    this.serving = undefined;
    pending?.reject(new Error(message));
  }

  private cleanup(): void {
    if (this.servedInfo) {
      this.servedInfo = undefined;
      this.servedEmitter.fire(undefined);
    }
    this.servedError('the lab stopped');
    this.transport?.fail('the lab stopped');
    for (const pending of this.controls.values()) pending.reject(new Error('the lab stopped'));
    this.controls.clear();
    this.worker = undefined;
    this.transport = undefined;
    this.apiClient = undefined;
    this.setState('stopped');
  }

  private setState(state: LabState): void {
    if (state === this.current) return;
    this.current = state;
    void vscode.commands.executeCommand('setContext', 'kubelab.state', state);
    this.stateEmitter.fire(state);
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
    this.servedEmitter.dispose();
    this.persistedEmitter.dispose();
    this.namespaceEmitter.dispose();
  }
}
