/**
 * LiveYamlFs is the `kubelab:` file system behind **KubeLab: Edit Live YAML**:
 * `kubelab:/<namespace or _cluster>/<resource>.<group>/<name>.yaml` reads the
 * live object as YAML (managedFields left out), and saving sends it back as an
 * update (PUT) that carries the resourceVersion the document was read at, so a
 * change made meanwhile by someone else is the API server's Conflict — the save
 * error VS Code shows, the document left dirty — as with `kubectl edit`.
 *
 * A file's mtime moves only when this provider says the file changed (after a
 * save, to show the server's answer): the object's status changes all the time,
 * and VS Code would take every change for a conflicting edit on disk.
 */
import * as vscode from 'vscode';
import { parseAllDocuments } from 'yaml';
import { objectYaml } from '../editor/manifestActions';
import { type KubeObject, isStatus } from '../lab/api/types';
import { preferredResources, serverResources } from '../lab/client/discovery';
import type { KubeClient } from '../lab/client/kubeClient';
import { type ResourceRef, resourcePath } from '../lab/client/resources';
import type { Cluster } from './cluster';
import type { ResourceItem } from './resourceItem';

/** LIVE_SCHEME is the URI scheme of live objects. */
export const LIVE_SCHEME = 'kubelab';
/** CLUSTER_SCOPE stands for "no namespace" in a path; no namespace can be called that (namespaces are DNS labels). */
export const CLUSTER_SCOPE = '_cluster';

/** LivePath is what a `kubelab:` path names. */
export interface LivePath {
  namespace: string;
  resource: string;
  group: string;
  name: string;
}

/** livePath is the path of an object's document: `/default/deployments.apps/web.yaml`, `/_cluster/nodes/node-1.yaml`. */
export function livePath(p: LivePath): string {
  return `/${p.namespace || CLUSTER_SCOPE}/${p.resource}${p.group ? `.${p.group}` : ''}/${p.name}.yaml`;
}

/** parseLivePath reads a path back; undefined for anything that is not an object's document (a folder). */
export function parseLivePath(path: string): LivePath | undefined {
  const m = /^\/([^/]+)\/([^/.]+)(?:\.([^/]+))?\/([^/]+)\.yaml$/.exec(path);
  if (!m) return undefined;
  return { namespace: m[1] === CLUSTER_SCOPE ? '' : m[1], resource: m[2], group: m[3] ?? '', name: m[4] };
}

/** liveUri is the document URI of a tree item's object. */
export function liveUri(item: ResourceItem): vscode.Uri {
  return vscode.Uri.from({ scheme: LIVE_SCHEME, path: livePath({ namespace: item.namespace, resource: item.ref.resource, group: item.ref.group, name: item.name }) });
}

interface Entry {
  mtime: number;
  size: number;
  /** resourceVersion is the version last read or written. */
  resourceVersion: string;
  /** saved maps a version this editor replaced by saving to the version its save made. */
  saved: Map<string, string>;
}

export class LiveYamlFs implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly entries = new Map<string, Entry>();
  private readonly refs = new Map<string, ResourceRef>();
  private discovered?: { client: KubeClient; refs: Promise<ResourceRef[]> };
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly closing = vscode.workspace.onDidCloseTextDocument((d) => {
    if (d.uri.scheme === LIVE_SCHEME) this.entries.delete(d.uri.path);
  });

  /** refreshDelayMs is how long after a save the document is reloaded with the server's answer. */
  constructor(private readonly cluster: Cluster, private readonly refreshDelayMs = 250) {}

  /** remember notes a resource's version, so a path naming it needs no discovery. */
  remember(ref: ResourceRef): void {
    this.refs.set(`${ref.resource}.${ref.group}`, ref);
  }

  watch(): vscode.Disposable {
    // Changes are reported by this provider itself, after its own saves.
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    if (!parseLivePath(uri.path)) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    const entry = this.entries.get(uri.path) ?? (await this.read(uri)).entry;
    return { type: vscode.FileType.File, ctime: entry.mtime, mtime: entry.mtime, size: entry.size };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return (await this.read(uri)).bytes;
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array, _options?: { readonly create: boolean; readonly overwrite: boolean }): Promise<void> {
    const { client, ref, path } = await this.target(uri);
    const obj = parseObject(new TextDecoder().decode(content));
    const entry = this.entries.get(uri.path);
    obj.metadata ??= {};
    // The version the document was read at is the precondition; one its own earlier save replaced stands for that save.
    let version = obj.metadata.resourceVersion ?? entry?.resourceVersion;
    for (let seen = 0; version && entry?.saved.has(version) && seen < 100; seen++) version = entry.saved.get(version);
    if (version) obj.metadata.resourceVersion = version;
    const answer = await client.raw({ method: 'PUT', path: resourcePath(ref, path.namespace, path.name), body: obj });
    if (isStatus(answer)) throw new vscode.FileSystemError(answer.message ?? `the update of ${path.name} failed`);
    const written = answer as KubeObject;
    const next: Entry = entry ?? { mtime: Date.now(), size: 0, resourceVersion: '', saved: new Map() };
    if (version && written.metadata.resourceVersion) next.saved.set(version, written.metadata.resourceVersion);
    next.resourceVersion = written.metadata.resourceVersion ?? '';
    next.size = content.byteLength;
    this.entries.set(uri.path, next);
    this.refreshLater(uri);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('KubeLab: live objects are edited, not created, here');
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions('KubeLab: delete objects with KubeLab: Delete');
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions('KubeLab: an object cannot be renamed');
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.closing.dispose();
    this.changed.dispose();
  }

  /** read gets the live object as YAML and records the version read; the mtime of a known file stays. */
  private async read(uri: vscode.Uri): Promise<{ entry: Entry; bytes: Uint8Array }> {
    const { client, ref, path } = await this.target(uri);
    const live = await client.get(ref, path.namespace, path.name);
    if (isStatus(live)) throw live.code === 404 ? vscode.FileSystemError.FileNotFound(uri) : vscode.FileSystemError.Unavailable(live.message ?? String(live.code));
    const bytes = new TextEncoder().encode(objectYaml(live));
    const entry = this.entries.get(uri.path) ?? { mtime: Date.now(), size: bytes.byteLength, resourceVersion: '', saved: new Map<string, string>() };
    entry.resourceVersion = live.metadata.resourceVersion ?? '';
    this.entries.set(uri.path, entry);
    return { entry, bytes };
  }

  /** refreshLater reloads a saved document with what the server stored, unless it has been edited again since. */
  private refreshLater(uri: vscode.Uri): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const entry = this.entries.get(uri.path);
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (!entry || doc?.isDirty) return;
      entry.mtime = Math.max(Date.now(), entry.mtime + 1);
      this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    }, this.refreshDelayMs);
    this.timers.add(timer);
  }

  private async target(uri: vscode.Uri): Promise<{ client: KubeClient; ref: ResourceRef; path: LivePath }> {
    const path = parseLivePath(uri.path);
    if (!path) throw vscode.FileSystemError.FileIsADirectory(uri);
    const client = this.cluster.client;
    if (!client) throw vscode.FileSystemError.Unavailable(`${this.cluster.name} is not running`);
    const ref = this.refs.get(`${path.resource}.${path.group}`) ?? (await this.discover(client)).find((r) => r.resource === path.resource && r.group === path.group);
    if (!ref) throw vscode.FileSystemError.FileNotFound(`the server doesn't have a resource type "${path.resource}${path.group ? `.${path.group}` : ''}"`);
    return { client, ref, path };
  }

  private discover(client: KubeClient): Promise<ResourceRef[]> {
    if (this.discovered?.client !== client) this.discovered = { client, refs: serverResources(client).then((found) => preferredResources(found)) };
    return this.discovered.refs;
  }
}

/** parseObject reads the saved text: exactly one YAML document holding an object, or the error VS Code shows for the save. */
function parseObject(text: string): KubeObject {
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null || d.errors.length);
  const errors = docs.flatMap((d) => d.errors);
  if (errors.length) throw new vscode.FileSystemError(`error parsing YAML: ${errors[0].message.split('\n')[0].replace(/:$/, '')}`);
  if (docs.length !== 1) throw new vscode.FileSystemError(`the edited file must hold exactly one object, not ${docs.length}`);
  const value: unknown = docs[0].toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new vscode.FileSystemError('the edited file must hold a Kubernetes object');
  return value as KubeObject;
}
