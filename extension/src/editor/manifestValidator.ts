/**
 * ManifestValidator is validation as you type, without the editor: it parses a
 * manifest file and sends each Kubernetes document through the API server as a
 * dry run (`dryRun=All`, `fieldValidation=Strict`) — a create, or, when the object
 * exists, a patch carrying the live resourceVersion, as `kubectl apply
 * --dry-run=server` — and places every cause, warning and admission verdict on
 * the YAML node it is about. Nothing is stored.
 */
import type { KubeObject, Status } from '../lab/api/types';
import { isStatus } from '../lab/api/types';
import type { ApiRequest, ApiResponse } from '../lab/apiserver/apiServer';
import { TRACE_GROUP, TRACE_VERSION, type RequestTrace } from '../lab/apiserver/trace';
import { ResourceMapper } from '../lab/client/apply';
import type { KubeClient } from '../lab/client/kubeClient';
import { type ResourceRef, resourcePath } from '../lab/client/resources';
import { type Finding, type Problem, objectFinding, sourceOf } from './findings';
import { imageFindings } from './imageFindings';
import { type ManifestDocument, type ManifestText, parseManifestText, shift } from './manifestDocuments';
import { statusFindings, warningFindings } from './statusFindings';
import { documentAnchor, rangeForPath, resolvePath } from './yamlNodes';
import { parseFieldPath } from './fieldPath';

/** CancelToken tells a validation that a newer edit made its answer useless. */
export interface CancelToken {
  readonly cancelled: boolean;
}

const NEVER: CancelToken = { cancelled: false };

/** What a file defines that its other documents may rely on before it is applied. */
interface FileContext {
  namespaces: Set<string>;
  /** crdKinds are `group/Kind` of the CustomResourceDefinitions in the file. */
  crdKinds: Set<string>;
}

const STRICT_FIELD = /^(?:unknown|duplicate) field "/;
/** MEMO_SIZE bounds the remembered answers (a few files' documents). */
const MEMO_SIZE = 1000;

/** ManifestValidator checks manifest texts against one API server, remembering answers while nothing they depend on changed. */
export class ManifestValidator {
  private readonly mapper: ResourceMapper;
  /** memo keeps each object's findings with the live resourceVersion they were found against ('absent' for a create). */
  private readonly memo = new Map<string, { version: string; findings: Finding[] }>();
  private readonly namespace: () => string;

  /** namespace is where documents without metadata.namespace go, as kubectl's context namespace: a name, or a function read at each check (it may change between checks). */
  constructor(private readonly client: KubeClient, namespace: string | (() => string) = 'default') {
    this.mapper = new ResourceMapper(client);
    this.namespace = typeof namespace === 'function' ? namespace : () => namespace;
  }

  /** validate checks every document of text; undefined when token was cancelled before the answer was complete. */
  async validate(text: string, token: CancelToken = NEVER): Promise<Problem[] | undefined> {
    const parsed = parseManifestText(text);
    if (!parsed.kubernetes) return [];
    const context = fileContext(parsed);
    const checked = await Promise.all(parsed.documents.map(async (doc) => {
      if (doc.ignored) return [];
      if (doc.errors.length || !doc.object) return syntaxProblems(doc);
      const findings = await this.check(doc.object, context, token);
      return findings && placeFindings(doc, [...findings, ...imageFindings(doc.object)]);
    }));
    if (token.cancelled || checked.some((p) => p === undefined)) return undefined;
    return dedupe(checked.flat() as Problem[]);
  }

  /** check dry-runs one object and returns what the server said about it. */
  async check(original: KubeObject, context: FileContext, token: CancelToken = NEVER): Promise<Finding[] | undefined> {
    const obj = structuredClone(original);
    obj.metadata ??= {};
    const apiVersion = String(obj.apiVersion);
    const kind = String(obj.kind);
    const resource = await this.mapper.resourceFor(apiVersion, kind);
    if (token.cancelled) return undefined;
    if (!resource) {
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      if (context.crdKinds.has(`${group}/${kind}`)) return [{ ...objectFinding('information', 'discovery', 'KindDefinedInFile', `${kind} is defined by a CustomResourceDefinition in this file: the API server checks it once the definition is applied`), paths: ['kind'] }];
      return [{ ...objectFinding('error', 'discovery', 'NoKindMatch', `no matches for kind "${kind}" in version "${apiVersion}"`), paths: ['kind'] }];
    }
    const ns = resource.namespaced ? obj.metadata.namespace ?? this.namespace() : '';
    if (resource.namespaced) obj.metadata.namespace = ns;
    else delete obj.metadata.namespace;
    const name = obj.metadata.name;
    // The answer depends on the object, its live version and the cluster's admission inputs (a new validator when those change).
    const key = name ? `${resource.group}/${resource.resource}\n${JSON.stringify(obj)}` : undefined;
    let answer: ApiResponse | undefined;
    let live: ApiResponse | undefined;
    let version = '';
    for (let attempt = 0; attempt < 2 && !answer; attempt++) {
      live = name ? await this.request({ method: 'GET', path: resourcePath(resource, ns, name) }) : undefined;
      if (token.cancelled) return undefined;
      if (live && live.status !== 200 && live.status !== 404) return this.findings(obj, live, token);
      version = live?.status === 200 ? (live.body as KubeObject).metadata.resourceVersion ?? '' : 'absent';
      const remembered = key ? this.memo.get(key) : undefined;
      if (remembered?.version === version) return inFileContext(remembered.findings, ns, context);
      const res = live?.status === 200 ? await this.update(resource, obj, live.body as KubeObject, 'Strict') : await this.create(resource, obj, 'Strict');
      // The object moved on between the read and the patch (a controller wrote its status), or was
      // created meanwhile (an Apply racing the check): read it again.
      const raced = res.status === 409 && ((res.body as Status).reason === 'Conflict' || (live?.status === 404 && (res.body as Status).reason === 'AlreadyExists'));
      if (!raced) answer = res;
    }
    if (!answer || token.cancelled) return undefined;
    const findings = await this.findings(obj, answer, token);
    if (!findings) return undefined;
    const status = answer.body as Status;
    if (answer.status === 400 && /strict decoding error/.test(status.message ?? '')) {
      // Strict decoding stops at the unknown fields; ask again, leniently, for what the rest of the chain says.
      const lenient = live?.status === 200 ? await this.update(resource, obj, live.body as KubeObject, 'Warn') : await this.create(resource, obj, 'Warn');
      if (token.cancelled) return undefined;
      const rest = await this.findings(obj, { ...lenient, warnings: (lenient.warnings ?? []).filter((w) => !STRICT_FIELD.test(w)) }, token);
      if (!rest) return undefined;
      findings.push(...rest);
    }
    if (key && answer.status !== 503) {
      if (this.memo.size >= MEMO_SIZE) this.memo.clear();
      this.memo.set(key, { version, findings });
    }
    return inFileContext(findings, ns, context);
  }

  /** findings reads one answer: the Status's causes with the trace's stage, and the warnings. */
  private async findings(obj: KubeObject, res: ApiResponse, token: CancelToken): Promise<Finding[] | undefined> {
    const out: Finding[] = [];
    if (isStatus(res.body) && res.body.status === 'Failure') {
      // 503: the lab went away mid-check; the next state change revalidates.
      if (res.status === 503) return [];
      const trace = res.trace ? await this.trace(res.trace) : undefined;
      if (token.cancelled) return undefined;
      out.push(...statusFindings(obj, res.body, trace));
    }
    out.push(...warningFindings(obj, res.warnings ?? []));
    return out;
  }

  private create(resource: ResourceRef, obj: KubeObject, fieldValidation: 'Strict' | 'Warn'): Promise<ApiResponse> {
    return this.request({ method: 'POST', path: resourcePath(resource, obj.metadata.namespace), body: obj, query: { dryRun: 'All', fieldValidation } });
  }

  /** update patches the live object as `kubectl apply` does (strategic merge; merge patch for custom resources), pinned to the live resourceVersion. */
  private async update(resource: ResourceRef, obj: KubeObject, live: KubeObject, fieldValidation: 'Strict' | 'Warn'): Promise<ApiResponse> {
    const body = { ...obj, metadata: { ...obj.metadata, resourceVersion: live.metadata.resourceVersion } };
    const path = resourcePath(resource, obj.metadata.namespace, obj.metadata.name);
    const query = { dryRun: 'All', fieldValidation };
    const res = await this.request({ method: 'PATCH', path, body, contentType: 'application/strategic-merge-patch+json', query });
    if (res.status !== 415) return res;
    return this.request({ method: 'PATCH', path, body, contentType: 'application/merge-patch+json', query });
  }

  private async trace(name: string): Promise<RequestTrace | undefined> {
    const res = await this.request({ method: 'GET', path: `/apis/${TRACE_GROUP}/${TRACE_VERSION}/requesttraces/${name}` });
    return res.status === 200 ? (res.body as RequestTrace) : undefined;
  }

  private request(req: ApiRequest): Promise<ApiResponse> {
    return this.client.transport.request(req);
  }
}

/**
 * inFileContext softens what the file itself will fix: a namespace that another
 * of its documents creates is not an error, only a note that the namespace's
 * checks wait for it.
 */
function inFileContext(findings: Finding[], namespace: string, context: FileContext): Finding[] {
  if (!context.namespaces.has(namespace) || !findings.some((f) => f.stage === 'NamespaceLifecycle' && f.code === 'NotFound')) return findings;
  return [{ ...objectFinding('information', 'NamespaceLifecycle', 'NamespaceDefinedInFile', `namespace "${namespace}" is created by this file: the checks that need it run once it exists`), paths: ['metadata.namespace'] }];
}

function fileContext(parsed: ManifestText): FileContext {
  const namespaces = new Set<string>();
  const crdKinds = new Set<string>();
  for (const { object: o } of parsed.documents) {
    if (!o) continue;
    if (o.kind === 'Namespace' && o.apiVersion === 'v1' && o.metadata?.name) namespaces.add(o.metadata.name);
    const spec = o.spec as { group?: unknown; names?: { kind?: unknown } } | undefined;
    if (o.kind === 'CustomResourceDefinition' && typeof spec?.group === 'string' && typeof spec.names?.kind === 'string') crdKinds.add(`${spec.group}/${spec.names.kind}`);
  }
  return { namespaces, crdKinds };
}

/** syntaxProblems are a document's YAML errors, where the parser found them. */
export function syntaxProblems(doc: ManifestDocument): Problem[] {
  return doc.errors.map((e) => ({ start: e.start, end: e.end, severity: 'error', message: e.message, source: sourceOf('YAML'), code: e.code, document: doc.index }));
}

/** OfflineCluster is the cluster a check would go to, as its hint names it: the lab, or a kubeconfig context. */
export interface OfflineCluster {
  name: string;
  isLab: boolean;
}

/**
 * offlineProblems is what can be said with the cluster out of reach: YAML
 * errors, KubeLab's own image check, and a hint on the first object that
 * starting the lab (or connecting to the context) checks it through the API server.
 */
export function offlineProblems(text: string, cluster: OfflineCluster = { name: 'KubeLab', isLab: true }, parsed: ManifestText = parseManifestText(text)): Problem[] {
  if (!parsed.kubernetes) return [];
  const out: Problem[] = [];
  let hinted = false;
  for (const doc of parsed.documents) {
    if (doc.ignored) continue;
    if (doc.errors.length || !doc.object) {
      out.push(...syntaxProblems(doc));
      continue;
    }
    const findings = imageFindings(doc.object);
    if (!hinted) {
      hinted = true;
      findings.push(cluster.isLab
        ? objectFinding('hint', 'lab stopped', 'LabStopped', 'KubeLab is stopped: start the lab to check this manifest through the API server (validation, admission, quota, policies)', { kind: 'startLab' })
        : objectFinding('hint', 'not connected', 'NotConnected', `context "${cluster.name}" is not connected: connect to it (KubeLab: Switch Cluster) to check this manifest through its API server (validation, admission, quota, policies)`, { kind: 'switchCluster' }));
    }
    out.push(...placeFindings(doc, findings));
  }
  return out;
}

/** placeFindings puts each finding on its node in doc. */
export function placeFindings(doc: ManifestDocument, findings: readonly Finding[]): Problem[] {
  return findings.map((f) => {
    const path = f.paths.find((p) => resolvePath(doc.yaml, parseFieldPath(p)).complete) ?? f.paths[0];
    const range = shift(doc, path === undefined ? documentAnchor(doc.yaml, doc.text) : rangeForPath(doc.yaml, path, f.placement, doc.text));
    return { ...range, severity: f.severity, message: f.message, source: sourceOf(f.stage), code: f.code, document: doc.index, ...(f.fix ? { fix: f.fix } : {}) };
  });
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.start}:${p.end}:${p.severity}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
