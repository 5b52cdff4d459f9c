/**
 * labSettings reads the `kubelab.*` settings that shape the lab when it starts —
 * node size, kube-proxy mode, admission plugins, speed, persistence — into the
 * LabOptions the worker builds the lab from, and names the settings that only
 * apply at the next start.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabOptions } from '../lab/channel';
import type { KubeProxyMode } from '../lab/lab';

/** RESTART_SETTINGS are the settings read when the lab starts: changing one asks for a restart. */
export const RESTART_SETTINGS = ['nodes', 'nodeSize', 'kubeProxyMode', 'admissionPlugins', 'speed', 'persistence', 'apiServerPort', 'storeQuotaBytes', 'store.backend', 'store.etcdEndpoints'] as const;


/** kubelabFolder is the first workspace folder's `.kubelab`, when that folder is on disk. */
export function kubelabFolder(): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder && folder.uri.scheme === 'file' ? vscode.Uri.joinPath(folder.uri, '.kubelab') : undefined;
}

/**
 * persistencePath is the folder the lab's store is kept in between sessions, when
 * kubelab.persistence is on: `store` in the extension's storage folder for this
 * workspace (ExtensionContext.storageUri), which VS Code only gives a workspace.
 */
export function persistencePath(workspaceStorage: string | undefined): string | undefined {
  if (vscode.workspace.getConfiguration('kubelab').get<string>('persistence', 'off') !== 'workspace') return undefined;
  return workspaceStorage ? path.join(workspaceStorage, 'store') : undefined;
}

/** labSettings are the start options the settings choose; the lab refuses bad values with its own message. */
export function labSettings(workspaceStorage: string | undefined): Pick<LabOptions, 'speed' | 'nodeSize' | 'kubeProxyMode' | 'admissionPlugins' | 'persistence' | 'storeQuotaBytes' | 'store'> {
  const config = vscode.workspace.getConfiguration('kubelab');
  const size = config.get<{ cpu?: string | number; memory?: string | number; pods?: string | number }>('nodeSize');
  const mode = config.get<string>('kubeProxyMode', 'iptables');
  const plugins = config.get<{ enable?: unknown; disable?: unknown }>('admissionPlugins', {});
  const names = (x: unknown): string[] | undefined => (Array.isArray(x) ? x.map(String) : undefined);
  const enable = names(plugins.enable);
  const disable = names(plugins.disable);
  const speed = config.get<number>('speed', 1);
  // On a real etcd the cluster is etcd's to keep: the lab keeps no store of its own to persist.
  const etcd = config.get<string>('store.backend', 'embedded') === 'etcd';
  const persisted = etcd ? undefined : persistencePath(workspaceStorage);
  const quota = config.get<number>('storeQuotaBytes');
  const endpoints = config.get<unknown>('store.etcdEndpoints', []);
  return {
    speed: typeof speed === 'number' && speed > 0 ? speed : 1,
    ...(size ? { nodeSize: { cpu: String(size.cpu ?? '4'), memory: String(size.memory ?? '8Gi'), pods: String(size.pods ?? '110') } } : {}),
    // Any other mode goes through for the lab to refuse with kube-proxy's message.
    ...(mode ? { kubeProxyMode: mode as KubeProxyMode } : {}),
    ...(enable?.length || disable?.length ? { admissionPlugins: { ...(enable?.length ? { enable } : {}), ...(disable?.length ? { disable } : {}) } } : {}),
    ...(persisted ? { persistence: { path: persisted } } : {}),
    // A bad quota goes through for the lab to refuse with its own message.
    ...(typeof quota === 'number' ? { storeQuotaBytes: quota } : {}),
    // Bad endpoints go through for the lab to refuse with its own message.
    ...(etcd ? { store: { backend: 'etcd' as const, endpoints: Array.isArray(endpoints) ? endpoints.map(String) : [] } } : {}),
  };
}
