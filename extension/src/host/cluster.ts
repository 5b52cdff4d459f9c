/**
 * Cluster is what the editor's features talk to: the lab (LabHost) or, after
 * KubeLab: Switch Cluster, any kubeconfig context. Tree, apply, describe and the
 * as-you-type dry-run take a Cluster, never the lab directly.
 */
import type * as vscode from 'vscode';
import type { KubeClient } from '../lab/client/kubeClient';
import type { LabState } from '../lab/lab';

export interface Cluster {
  /** name is what the status bar and messages call it: "KubeLab" or a context name. */
  readonly name: string;
  /** isLab is true for the lab itself, whose lab-only commands (nodes, snapshots, panels) apply. */
  readonly isLab: boolean;
  /** state is 'running' while the cluster can be reached. */
  readonly state: LabState;
  /** client is the cluster's API client while it runs. */
  readonly client: KubeClient | undefined;
  /**
   * defaultNamespace is where objects that name no namespace go — Apply,
   * Dry-run, Diff, Delete and the as-you-type dry run alike, as kubectl's
   * context namespace: the lab's KubeLab: Set Namespace choice, a context's
   * `namespace`, else `default`.
   */
  readonly defaultNamespace: string;
  /** onDidChangeDefaultNamespace fires when defaultNamespace changes while the state does not (KubeLab: Set Namespace). */
  readonly onDidChangeDefaultNamespace?: vscode.Event<string>;
  readonly onDidChangeState: vscode.Event<LabState>;
  /** start starts (the lab) or connects (a remote cluster) if needed and resolves with the client. */
  start(): Promise<KubeClient>;
}
