/**
 * flowRequest sends the Request flow panel's manifests as KubeLab: Apply does
 * (`kubectl apply`: create, or merge into the live object), one request per
 * document, and reads back each request's RequestTrace
 * (requesttraces.lab.kubelab.dev) to tell its flow through the API server:
 * who authenticated, what authorized it, each admission plugin's verdict and
 * patch, validation, the key and revision written and the watches told. No
 * `vscode` here, so it is tested in plain Node against a lab.
 */
import type { KubeObject, Status } from '../../lab/api/types';
import { isStatus } from '../../lab/api/types';
import type { ApiRequest, ApiResponse } from '../../lab/apiserver/apiServer';
import { TRACE_GROUP, TRACE_VERSION, type PluginVerdict, type RequestTrace, type Stage } from '../../lab/apiserver/trace';
import { type ApplyOutcome, type ParsedDocument, ResourceMapper, applyObject } from '../../lab/client/apply';
import { KubeClient } from '../../lab/client/kubeClient';
import { documentsOf, errorLine } from '../../editor/manifestActions';
import type { FlowPlugin, FlowRequest, FlowStage, FlowView } from '../../../../webview/src/shared/protocol';

/** SOURCE is what kubectl's lines call the panel's text, as they name a file. */
export const SOURCE = 'request flow';

/** Written is an object a request stored: the root of the reactions the panel follows. */
export interface Written {
  uid: string;
  kind: string;
  namespace: string;
  name: string;
  revision: number;
}

export interface SendResult {
  flow: FlowView;
  /** written are the objects stored (none on a dry run), for the reactions to follow. */
  written: Written[];
}

export interface SendOptions {
  id: number;
  dryRun: boolean;
  cluster: string;
  /** namespace is where objects that name none go (the cluster's default namespace). */
  namespace: string;
  /** traces reads the RequestTraces, when the sender may not (RBAC decides who reads them); the sender by default. */
  traces?: KubeClient;
}

/**
 * sendManifests sends each document of text in order, as `kubectl apply -f`;
 * text that does not parse sends nothing and says why.
 */
export async function sendManifests(client: KubeClient, text: string, options: SendOptions): Promise<SendResult> {
  const flow: FlowView = { id: options.id, dryRun: options.dryRun, cluster: options.cluster, requests: [] };
  const { documents, errors } = documentsOf({ name: SOURCE, text });
  if (errors.length) {
    const e = errors[0];
    flow.error = `error parsing ${SOURCE}: document ${e.index + 1}, line ${e.line}: ${e.message}`;
    return { flow, written: [] };
  }
  if (!documents.length) {
    flow.error = 'no objects passed to apply';
    return { flow, written: [] };
  }
  const written: Written[] = [];
  for (const doc of documents) {
    const { request, object } = await sendDocument(client, doc, options);
    flow.requests.push(request);
    if (object && !options.dryRun && request.revision !== undefined && object.metadata.uid) {
      written.push({ uid: object.metadata.uid, kind: String(object.kind ?? ''), namespace: object.metadata.namespace ?? '', name: object.metadata.name ?? '', revision: request.revision });
    }
  }
  return { flow, written };
}

/** sendDocument applies one document through a client that remembers the answers to its writes, then reads the last write's trace. */
async function sendDocument(client: KubeClient, doc: ParsedDocument, options: SendOptions): Promise<{ request: FlowRequest; object?: KubeObject }> {
  const writes: { req: ApiRequest; res: ApiResponse }[] = [];
  let refused: { req: ApiRequest; res: ApiResponse } | undefined;
  const transport = client.transport;
  const recording = new KubeClient({
    request: async (req) => {
      const res = await transport.request(req);
      if (req.method !== 'GET') writes.push({ req, res });
      // A read apply makes first (the live object) can be refused before any write: its trace tells why.
      else if (res.status >= 400 && res.status !== 404) refused = { req, res };
      return res;
    },
    watch: (req, onEvent, onEnd) => transport.watch(req, onEvent, onEnd),
    stream: (req, onChunk, onEnd) => transport.stream(req, onChunk, onEnd),
  });
  const outcome = await applyObject(recording, new ResourceMapper(recording), doc, options.namespace, options.dryRun);
  const last = writes.at(-1) ?? refused;
  const trace = last?.res.trace ? await readTrace(options.traces ?? client, last.res.trace) : undefined;
  const request = flowRequest(doc, outcome, options.dryRun, last, trace);
  return { request, ...('object' in outcome ? { object: outcome.object } : {}) };
}

/** readTrace reads a RequestTrace by name; undefined when the cluster serves none (not a lab) or it has left the ring. */
export async function readTrace(client: KubeClient, name: string): Promise<RequestTrace | undefined> {
  const res = await client.transport.request({ method: 'GET', path: `/apis/${TRACE_GROUP}/${TRACE_VERSION}/requesttraces/${encodeURIComponent(name)}` });
  return res.status === 200 && !isStatus(res.body) ? (res.body as RequestTrace) : undefined;
}

/** flowRequest is the panel's view of one document's request. */
export function flowRequest(doc: ParsedDocument, outcome: ApplyOutcome, dryRun: boolean, last: { req: ApiRequest; res: ApiResponse } | undefined, trace: RequestTrace | undefined): FlowRequest {
  const failed = 'error' in outcome;
  const error = failed ? outcome.error : undefined;
  const status: Partial<Status> = typeof error === 'object' ? error : {};
  const request: FlowRequest = {
    ref: outcome.ref,
    document: doc.index,
    line: doc.line,
    outcome: failed ? 'failed' : outcome.result,
    summary: failed ? errorLine(outcome.error, 'applying', { name: SOURCE, text: '' }, doc) : `${outcome.ref} ${outcome.result}${dryRun ? ' (server dry run)' : ''}`,
    verb: trace?.spec.verb ?? (last ? verbOf(last.req) : ''),
    path: trace?.spec.path ?? last?.req.path ?? '',
    dryRun,
    user: trace?.spec.user ?? '',
    groups: trace?.spec.groups ?? [],
    code: trace?.status.code ?? last?.res.status ?? 0,
    reason: trace?.status.reason ?? status.reason ?? '',
    message: trace?.status.message ?? status.message ?? (typeof error === 'string' ? error : ''),
    durationMs: trace?.status.durationMs ?? 0,
    trace: trace?.metadata.name ?? '',
    stages: (trace?.status.stages ?? []).map(flowStage),
  };
  if (trace?.status.revision !== undefined) request.revision = trace.status.revision;
  const rejected = request.stages.find((s) => s.result === 'rejected');
  if (rejected) request.rejected = { stage: rejected.name, plugin: rejected.plugins.find((p) => p.verdict === 'denied')?.name ?? '' };
  return request;
}

function verbOf(req: ApiRequest): string {
  switch (req.method) {
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return 'delete';
    default: return 'get';
  }
}

/** flowStage copies a trace's stage into the panel's plain shape. */
export function flowStage(s: Stage): FlowStage {
  const stage: FlowStage = { name: s.name, result: s.result, durationMs: s.durationMs, detail: s.detail ?? '', plugins: (s.plugins ?? []).map(flowPlugin) };
  if (s.rule) {
    stage.rule = { verbs: [...s.rule.verbs], apiGroups: [...(s.rule.apiGroups ?? [])], resources: [...(s.rule.resources ?? [])], resourceNames: [...(s.rule.resourceNames ?? [])], nonResourceURLs: [...(s.rule.nonResourceURLs ?? [])] };
  }
  if (s.key !== undefined) stage.key = s.key;
  if (s.watchers !== undefined) stage.watchers = s.watchers;
  return stage;
}

function flowPlugin(p: PluginVerdict): FlowPlugin {
  return {
    name: p.name,
    phase: p.phase,
    verdict: p.verdict,
    durationMs: p.durationMs,
    message: p.message ?? '',
    patch: (p.patch ?? []).map((op) => ({ ...op })),
    evaluations: (p.evaluations ?? []).map((e) => ({ policy: e.policy, binding: e.binding, expression: e.expression, result: e.result, message: e.message ?? '', actions: [...e.actions] })),
  };
}

