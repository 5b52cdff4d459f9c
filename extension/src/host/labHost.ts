/**
 * LabHost owns the lab's worker thread: it starts it on demand (activation stays
 * cheap), hands out an API client over the channel, and reports state changes.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { LabMessage, LabOptions } from '../lab/channel';
import { KubeClient } from '../lab/client/kubeClient';
import type { LabState } from '../lab/lab';
import { WorkerTransport } from './workerTransport';

/** How long stop() waits for the lab to stop before ending its worker. */
const STOP_TIMEOUT_MS = 2000;

export class LabHost implements vscode.Disposable {
  private worker?: Worker;
  private transport?: WorkerTransport;
  private starting?: Promise<KubeClient>;
  private current: LabState = 'stopped';
  private apiClient?: KubeClient;
  private readonly stateEmitter = new vscode.EventEmitter<LabState>();
  /** onDidChangeState fires with each new state. */
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(private readonly extensionPath: string, private readonly options: () => LabOptions) {}

  get state(): LabState {
    return this.current;
  }

  /** client is the running lab's API client, if the lab runs. */
  get client(): KubeClient | undefined {
    return this.current === 'running' ? this.apiClient : undefined;
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
        if (transport.receive(m) || m.type !== 'state') return;
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

  private cleanup(): void {
    this.transport?.fail('the lab stopped');
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
  }
}
