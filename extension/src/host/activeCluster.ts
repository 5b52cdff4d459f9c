/**
 * ActiveCluster is the Cluster the editor's features use: the lab, or the
 * kubeconfig context picked with KubeLab: Switch Cluster. It passes on the
 * active cluster's state changes only, and a switch looks to its listeners
 * like the old cluster stopping and the new one arriving, so each of them
 * drops what it built on the old client and builds again on the new one.
 */
import * as vscode from 'vscode';
import type { KubeClient } from '../lab/client/kubeClient';
import type { LabState } from '../lab/lab';
import type { Cluster } from './cluster';
import { RemoteCluster } from './remoteCluster';

/** ConnectContext makes the Cluster for a kubeconfig context. */
export type ConnectContext = (context: string) => RemoteCluster;

export class ActiveCluster implements Cluster, vscode.Disposable {
  private current: Cluster;
  private remote?: { cluster: RemoteCluster; subscription: vscode.Disposable };
  private readonly stateEmitter = new vscode.EventEmitter<LabState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly labSubscription: vscode.Disposable;
  private readonly namespaceEmitter = new vscode.EventEmitter<string>();
  readonly onDidChangeDefaultNamespace = this.namespaceEmitter.event;
  private readonly labNamespaceSubscription: vscode.Disposable | undefined;

  /** lab is the lab itself, active or not. */
  constructor(readonly lab: Cluster, private readonly connect: ConnectContext = (context) => new RemoteCluster(context)) {
    this.current = lab;
    this.labSubscription = lab.onDidChangeState((state) => {
      if (this.current === lab) this.stateEmitter.fire(state);
    });
    this.labNamespaceSubscription = lab.onDidChangeDefaultNamespace?.((namespace) => {
      if (this.current === lab) this.namespaceEmitter.fire(namespace);
    });
  }

  get name(): string {
    return this.current.name;
  }

  get isLab(): boolean {
    return this.current.isLab;
  }

  get state(): LabState {
    return this.current.state;
  }

  get client(): KubeClient | undefined {
    return this.current.client;
  }

  /** defaultNamespace is the active cluster's: the lab's Set Namespace choice, or the context's namespace. */
  get defaultNamespace(): string {
    return this.current.defaultNamespace;
  }

  /** context is the active kubeconfig context's name; undefined while the lab is active. */
  get context(): string | undefined {
    return this.remote?.cluster.name;
  }

  /** active is the cluster itself, for what only one kind offers (the lab's commands, a remote server's URL). */
  get active(): Cluster {
    return this.current;
  }

  start(): Promise<KubeClient> {
    return this.current.start();
  }

  /**
   * select makes context the active cluster (undefined: the lab) without
   * connecting: the next start() does, as the lab starts lazily too.
   */
  select(context: string | undefined): void {
    if (context === this.context) return;
    const previousState = this.current.state;
    const old = this.remote;
    if (context === undefined) {
      this.remote = undefined;
      this.current = this.lab;
    } else {
      const cluster = this.connect(context);
      const subscription = cluster.onDidChangeState((state) => {
        if (this.current === cluster) this.stateEmitter.fire(state);
      });
      this.remote = { cluster, subscription };
      this.current = cluster;
    }
    old?.subscription.dispose();
    old?.cluster.dispose();
    if (previousState !== 'stopped') this.stateEmitter.fire('stopped');
    if (this.current.state !== 'stopped' || previousState === 'stopped') this.stateEmitter.fire(this.current.state);
  }

  /**
   * switchTo selects context (undefined: the lab) and, for a context, connects;
   * it rejects with why the server could not be reached, the context staying
   * active (stopped), as `kubectl config use-context` switches either way.
   */
  async switchTo(context: string | undefined): Promise<void> {
    this.select(context);
    if (this.remote) await this.remote.cluster.start();
  }

  dispose(): void {
    this.labSubscription.dispose();
    this.labNamespaceSubscription?.dispose();
    this.namespaceEmitter.dispose();
    this.remote?.subscription.dispose();
    this.remote?.cluster.dispose();
    this.remote = undefined;
    this.stateEmitter.dispose();
  }
}
