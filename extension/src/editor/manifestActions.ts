/**
 * manifestActions are the editor's verbs on manifests — apply, dry-run, diff
 * against the live object, delete — as kubectl performs them, through the lab's
 * API client, with kubectl's output lines (`deployment.apps/web created`,
 * `deployment.apps "web" deleted`, `Error from server (Invalid): …`). The host
 * adds progress, notifications and editors around them.
 */
import { stringify } from 'yaml';
import type { KubeObject, Status } from '../lab/api/types';
import { isStatus } from '../lab/api/types';
import { type ApplyOutcome, type ParseError, type ParsedDocument, ResourceMapper, applyObject, objectRef, parseManifests } from '../lab/client/apply';
import type { KubeClient } from '../lab/client/kubeClient';

/** ManifestSource is one file's (or editor's) text and the name kubectl would print for it. */
export interface ManifestSource {
  name: string;
  text: string;
}

/** ApplyReport is what applying some sources did, as kubectl's lines and counts. */
export interface ApplyReport {
  lines: string[];
  created: number;
  configured: number;
  unchanged: number;
  failed: number;
  /** refused lists the sources not applied at all because a document in them does not parse. */
  refused: { source: string; error: ParseError }[];
}

export interface ApplyOptions {
  dryRun?: boolean;
  /** namespace is where objects that name none go, as kubectl's context namespace; `default` when omitted. */
  namespace?: string;
  /** documentIndex applies only that document of each source (a CodeLens's document). */
  documentIndex?: number;
  /** onProgress is told before each object is sent. */
  onProgress?(message: string, done: number, total: number): void;
}

/** documentsOf is a source's objects, with `kind: List` documents expanded into their items, as kubectl reads them. */
export function documentsOf(source: ManifestSource, documentIndex?: number): { documents: ParsedDocument[]; errors: ParseError[] } {
  const parsed = parseManifests(source.text);
  const pick = <T extends { index: number }>(xs: T[]) => (documentIndex === undefined ? xs : xs.filter((x) => x.index === documentIndex));
  const documents: ParsedDocument[] = [];
  for (const doc of pick(parsed.documents)) {
    const items = (doc.object as { items?: unknown }).items;
    if (/List$/.test(String(doc.object.kind)) && Array.isArray(items)) {
      for (const item of items) if (typeof item === 'object' && item !== null) documents.push({ ...doc, object: { ...(item as KubeObject), metadata: (item as KubeObject).metadata ?? {} } });
    } else {
      documents.push(doc);
    }
  }
  return { documents, errors: pick(parsed.errors) };
}

/** applySources is `kubectl apply -f` over the sources in order: a source that does not parse is refused whole, the others go object by object. */
export async function applySources(client: KubeClient, sources: readonly ManifestSource[], options: ApplyOptions = {}): Promise<ApplyReport> {
  const report: ApplyReport = { lines: [], created: 0, configured: 0, unchanged: 0, failed: 0, refused: [] };
  const plan: { source: ManifestSource; doc: ParsedDocument }[] = [];
  for (const source of sources) {
    const { documents, errors } = documentsOf(source, options.documentIndex);
    if (errors.length) {
      const e = errors[0];
      report.refused.push({ source: source.name, error: e });
      report.lines.push(`error: error parsing ${source.name}: document ${e.index + 1}, line ${e.line}: ${e.message}`);
      continue;
    }
    for (const doc of documents) plan.push({ source, doc });
  }
  const mapper = new ResourceMapper(client);
  const suffix = options.dryRun ? ' (server dry run)' : '';
  for (const [i, { source, doc }] of plan.entries()) {
    options.onProgress?.(`${objectRef(doc.object)} (${source.name})`, i, plan.length);
    const outcome = await applyObject(client, mapper, doc, options.namespace ?? 'default', options.dryRun);
    if ('error' in outcome) {
      report.failed++;
      report.lines.push(errorLine(outcome.error, 'applying', source, doc));
    } else {
      report[outcome.result]++;
      report.lines.push(`${outcome.ref} ${outcome.result}${suffix}`);
    }
  }
  return report;
}

/** errorLine is kubectl's line for a failed request about a document of a source. */
export function errorLine(error: Status | string, verb: string, source: ManifestSource, doc: ParsedDocument): string {
  if (typeof error === 'string') return `error: ${error.replace('from ""', `from "${source.name}"`)}`;
  return `Error from server (${error.reason ?? 'Unknown'}): error when ${verb} "${source.name}" (document ${doc.index + 1}, line ${doc.line}): ${error.message ?? ''}`;
}

/** dryRunDocument sends a document as apply would, with dryRun=All: the server's defaulted, admitted object, or why it refused. */
export function dryRunDocument(client: KubeClient, doc: ParsedDocument, namespace = 'default'): Promise<ApplyOutcome> {
  return applyObject(client, new ResourceMapper(client), doc, namespace, true);
}

/** objectYaml prints an object as `kubectl get -o yaml` does: managedFields left out. */
export function objectYaml(obj: KubeObject | Status): string {
  const copy = structuredClone(obj) as KubeObject;
  if (copy.metadata) delete copy.metadata.managedFields;
  return stringify(copy, { lineWidth: 0 });
}

/** dryRunText is the read-only document a dry-run opens: a comment saying what happened, then the object or the Status. */
export function dryRunText(source: ManifestSource, outcome: ApplyOutcome): string {
  const where = `${source.name}, document ${outcome.document.index + 1}`;
  if ('error' in outcome) {
    const comment = (text: string) => text.split('\n').map((l) => `# ${l}`).join('\n');
    // A kind the server does not serve is refused before any request, so there is no Status to show.
    if (typeof outcome.error === 'string') return `# Dry run of ${outcome.ref} from ${where}: nothing was sent.\n${comment(`error: ${outcome.error}`)}\n`;
    const status = outcome.error;
    return `# Dry run of ${outcome.ref} from ${where}: the server refused it${status.reason ? ` (${status.reason})` : ''}.\n${comment(status.message ?? '')}\n${objectYaml(status)}`;
  }
  return `# Dry run of ${outcome.ref} from ${where}: it would be ${outcome.result}. This is the object the server would store.\n${objectYaml(outcome.object)}`;
}

/** liveObject is the object a document names as it is in the cluster, undefined when it does not exist. */
export async function liveObject(client: KubeClient, obj: KubeObject, namespace = 'default'): Promise<KubeObject | Status | undefined> {
  const resource = await new ResourceMapper(client).resourceFor(String(obj.apiVersion), String(obj.kind));
  if (!resource) return undefined;
  const live = await client.get(resource, resource.namespaced ? obj.metadata.namespace ?? namespace : '', obj.metadata.name ?? '');
  return isStatus(live) && live.code === 404 ? undefined : live;
}

/** deleteDocument is `kubectl delete -f` for one document: kubectl's line, and whether it worked. */
export async function deleteDocument(client: KubeClient, source: ManifestSource, doc: ParsedDocument, namespace = 'default'): Promise<{ line: string; ok: boolean }> {
  const obj = doc.object;
  const resource = await new ResourceMapper(client).resourceFor(String(obj.apiVersion), String(obj.kind));
  if (!resource) return { line: `error: resource mapping not found for name: "${obj.metadata.name ?? ''}" namespace: "${obj.metadata.namespace ?? ''}" from "${source.name}": no matches for kind "${String(obj.kind)}" in version "${String(obj.apiVersion)}"`, ok: false };
  const answer = await client.delete(resource, resource.namespaced ? obj.metadata.namespace ?? namespace : '', obj.metadata.name ?? '', { propagationPolicy: 'Background' });
  if (isStatus(answer) && answer.status === 'Failure') return { line: errorLine(answer, 'deleting', source, doc), ok: false };
  const ref = objectRef(obj);
  return { line: `${ref.slice(0, ref.indexOf('/'))} "${obj.metadata.name ?? ''}" deleted`, ok: true };
}
