/**
 * describe is KubeLab: Describe, from the Cluster view's context menu on any
 * object (or from the palette, picking a resource type, then an object): a
 * read-only document with `kubectl describe`'s text for the object, built by
 * the lab core's describer over the current cluster's client. Each document
 * is a `kubelab-describe:` uri naming the object, so asking again for the same
 * object re-reads it into the same document.
 */
import * as vscode from 'vscode';
import type { ResourceRef } from '../lab/client/resources';
import { describe, DescribeError } from '../lab/describe/describe';
import type { Cluster } from './cluster';
import type { ResourceItem } from './resourceItem';
import { resourceTarget } from './resourcePick';

/** DESCRIBE_SCHEME is the scheme of describe documents. */
export const DESCRIBE_SCHEME = 'kubelab-describe';

/** CLUSTER_SCOPE stands in the uri for the namespace of a cluster-scoped object. */
const CLUSTER_SCOPE = '_';

/** describeUri is `kubelab-describe:/<namespace>/<Kind>/<name>.describe?<resource>`, the resource carried in the query. */
export function describeUri(item: ResourceItem): vscode.Uri {
  const ns = item.ref.namespaced && item.namespace ? item.namespace : CLUSTER_SCOPE;
  const query = new URLSearchParams({ group: item.ref.group, version: item.ref.version, resource: item.ref.resource, namespaced: String(item.ref.namespaced) });
  return vscode.Uri.from({ scheme: DESCRIBE_SCHEME, path: `/${encodeURIComponent(ns)}/${encodeURIComponent(item.kind)}/${encodeURIComponent(item.name)}.describe`, query: query.toString() });
}

/** itemOfUri reads the object a describe uri names back; undefined for a uri not made by describeUri. */
export function itemOfUri(uri: vscode.Uri): ResourceItem | undefined {
  const m = /^\/([^/]+)\/([^/]+)\/([^/]+)\.describe$/.exec(uri.path);
  if (!m) return undefined;
  const q = new URLSearchParams(uri.query);
  const resource = q.get('resource');
  if (!resource) return undefined;
  const ref: ResourceRef = { group: q.get('group') ?? '', version: q.get('version') ?? 'v1', resource, namespaced: q.get('namespaced') === 'true' };
  const ns = decodeURIComponent(m[1]);
  return { ref, kind: decodeURIComponent(m[2]), namespace: ns === CLUSTER_SCOPE ? '' : ns, name: decodeURIComponent(m[3]) };
}

/** localZone is this machine's UTC offset at an instant, as kubectl prints times in the local zone. */
function localZone(ms: number): number {
  return -new Date(ms).getTimezoneOffset();
}

/** errorText is what kubectl prints for a describe the server refused: `Error from server (NotFound): …`. */
function errorText(err: DescribeError): string {
  return `Error from server (${err.status.reason ?? 'Unknown'}): ${err.message}\n`;
}

/** DescribeProvider renders describe documents from the cluster's current state each time VS Code asks. */
class DescribeProvider implements vscode.TextDocumentContentProvider {
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;

  constructor(private readonly cluster: Cluster) {}

  /** text describes the object, rejecting when it cannot be read. */
  async text(item: ResourceItem): Promise<string> {
    const client = this.cluster.client ?? (await this.cluster.start());
    // The lab core keeps no clock: ages are measured from the editor's clock, as kubectl's own.
    const now = Date.now();
    return describe(client, item.ref, item.kind, item.namespace, item.name, now, localZone);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const item = itemOfUri(uri);
    if (!item) return `KubeLab cannot describe ${uri.toString()}\n`;
    try {
      return await this.text(item);
    } catch (err) {
      // A re-read after the object is gone shows what kubectl would say instead of stale text.
      if (err instanceof DescribeError) return errorText(err);
      throw err;
    }
  }

  refresh(uri: vscode.Uri): void {
    this.changes.fire(uri);
  }

  dispose(): void {
    this.changes.dispose();
  }
}

/** registerDescribe registers the kubelab.describe command and the document provider behind it. */
export function registerDescribe(cluster: Cluster): vscode.Disposable[] {
  const provider = new DescribeProvider(cluster);
  const showError = (err: unknown): void => void vscode.window.showErrorMessage(`KubeLab: ${err instanceof Error ? err.message : String(err)}`);
  const run = async (arg?: unknown): Promise<void> => {
    const item = await resourceTarget(arg, () => cluster.start(), { verb: 'get' }, 'Describe');
    if (!item) return;
    // Read once first, so a refusal is a message rather than a document holding an error.
    await provider.text(item);
    const uri = describeUri(item);
    provider.refresh(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  };
  return [
    provider,
    vscode.workspace.registerTextDocumentContentProvider(DESCRIBE_SCHEME, provider),
    vscode.commands.registerCommand('kubelab.describe', (arg?: unknown) => run(arg).catch(showError)),
  ];
}
