/**
 * KubeClient is the typed REST client every component and the editor use. Calls
 * answer with the object or the API's Status, never by throwing: a rejected
 * request is an expected outcome.
 */
import type { KubeList, KubeObject, Status, WatchEvent } from '../api/types';
import { isStatus } from '../api/types';
import type { ApiRequest } from '../apiserver/apiServer';
import { PODS, type ResourceRef, resourcePath } from './resources';
import type { Transport, WatchHandle } from './transport';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  /** resourceVersionMatch says how a list reads resourceVersion: Exact reads the store as of that revision (410 Gone once compacted). */
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WriteOptions {
  dryRun?: boolean;
  subresource?: string;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
  /** handOver gives the object to the server without a copy: the caller built it for this write and will not touch it again. */
  handOver?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  dryRun?: boolean;
}

/** LogOptions are the PodLogOptions a log read asks for (kubectl logs' flags). */
export interface LogOptions {
  /** container names the container; it may be left out for a pod with one. */
  container?: string;
  /** follow keeps the stream open, sending new lines until the container exits. */
  follow?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
  /** previous reads the last terminated instance of the container. */
  previous?: boolean;
}

export type PatchType = 'application/merge-patch+json' | 'application/json-patch+json' | 'application/strategic-merge-patch+json';

function query(o: Record<string, string | number | boolean | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') out[k] = String(v);
  return out;
}

export class KubeClient {
  constructor(readonly transport: Transport) {}

  private async call<T>(req: ApiRequest): Promise<T | Status> {
    const res = await this.transport.request(req);
    if (isStatus(res.body) && res.body.status === 'Failure') return res.body;
    return res.body as T;
  }

  get<T extends KubeObject>(ref: ResourceRef, namespace: string, name: string): Promise<T | Status> {
    return this.call<T>({ method: 'GET', path: resourcePath(ref, namespace, name) });
  }

  list<T extends KubeObject>(ref: ResourceRef, namespace = '', options: ListOptions = {}): Promise<KubeList<T> | Status> {
    return this.call<KubeList<T>>({ method: 'GET', path: resourcePath(ref, namespace), query: query({ ...options }) });
  }

  create<T extends KubeObject>(ref: ResourceRef, obj: T, options: WriteOptions = {}): Promise<T | Status> {
    const ns = obj.metadata.namespace ?? 'default';
    const name = options.subresource ? obj.metadata.name : undefined;
    return this.call<T>({ method: 'POST', path: resourcePath(ref, ns, name, options.subresource), body: obj, query: query({ dryRun: options.dryRun ? 'All' : undefined, fieldValidation: options.fieldValidation }), ...(options.handOver ? { handOver: true } : {}) });
  }

  /** subresourceCreate posts body to a subresource such as pods/<name>/binding. */
  subresourceCreate(ref: ResourceRef, namespace: string, name: string, subresource: string, body: KubeObject): Promise<Status> {
    return this.call<Status>({ method: 'POST', path: resourcePath(ref, namespace, name, subresource), body });
  }

  update<T extends KubeObject>(ref: ResourceRef, obj: T, options: WriteOptions = {}): Promise<T | Status> {
    return this.call<T>({
      method: 'PUT',
      path: resourcePath(ref, obj.metadata.namespace, obj.metadata.name, options.subresource),
      body: obj,
      query: query({ dryRun: options.dryRun ? 'All' : undefined, fieldValidation: options.fieldValidation }),
    });
  }

  updateStatus<T extends KubeObject>(ref: ResourceRef, obj: T): Promise<T | Status> {
    return this.update(ref, obj, { subresource: 'status' });
  }

  patch<T extends KubeObject>(ref: ResourceRef, namespace: string, name: string, patch: unknown, type: PatchType = 'application/merge-patch+json', options: WriteOptions = {}): Promise<T | Status> {
    return this.call<T>({ method: 'PATCH', path: resourcePath(ref, namespace, name, options.subresource), body: patch, contentType: type, query: query({ dryRun: options.dryRun ? 'All' : undefined }) });
  }

  delete(ref: ResourceRef, namespace: string, name: string, options: DeleteOptions = {}): Promise<KubeObject | Status> {
    const { dryRun, ...body } = options;
    return this.call<KubeObject>({ method: 'DELETE', path: resourcePath(ref, namespace, name), body: { kind: 'DeleteOptions', apiVersion: 'v1', ...body }, query: query({ dryRun: dryRun ? 'All' : undefined }) });
  }

  /** deleteCollection deletes a namespace's objects of a resource (every one of them without selectors). */
  deleteCollection(ref: ResourceRef, namespace: string, options: DeleteOptions = {}, listOptions: ListOptions = {}): Promise<KubeObject | Status> {
    const { dryRun, ...body } = options;
    return this.call<KubeObject>({
      method: 'DELETE', path: resourcePath(ref, namespace), body: { kind: 'DeleteOptions', apiVersion: 'v1', ...body }, query: query({ ...listOptions, dryRun: dryRun ? 'All' : undefined }),
    });
  }

  /** watch streams changes; onEnd tells why the stream ended (a Status for an error such as 410 Gone). */
  watch<T extends KubeObject>(ref: ResourceRef, namespace: string, options: ListOptions, onEvent: (e: WatchEvent<T>) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
    return this.transport.watch(
      { method: 'GET', path: resourcePath(ref, namespace), query: query({ ...options, watch: 'true', allowWatchBookmarks: 'true' }) },
      onEvent as (e: WatchEvent) => void,
      onEnd,
    );
  }

  /**
   * streamLog reads a container's log (pods/<name>/log): the text so far, then
   * with follow each new line as it is written, until the container exits;
   * onEnd gets the Status that refused or ended it, if any, and never runs
   * after cancel(). Without follow the log is read once.
   */
  async streamLog(namespace: string, pod: string, options: LogOptions, onChunk: (chunk: string) => void, onEnd: (error?: Status) => void): Promise<WatchHandle> {
    const req: ApiRequest = {
      method: 'GET',
      path: resourcePath(PODS, namespace, pod, 'log'),
      query: query({
        container: options.container, follow: options.follow || undefined, tailLines: options.tailLines, sinceSeconds: options.sinceSeconds,
        timestamps: options.timestamps || undefined, previous: options.previous || undefined,
      }),
    };
    if (options.follow) return this.transport.stream(req, onChunk, onEnd);
    const res = await this.transport.request(req);
    if (isStatus(res.body) && res.body.status === 'Failure') onEnd(res.body);
    else {
      if (typeof res.body === 'string' && res.body) onChunk(res.body);
      onEnd();
    }
    // The read is over by the time the handle is returned: there is nothing to cancel.
    return { cancel: () => undefined };
  }

  /** raw sends any request, for discovery and paths the typed calls do not cover. */
  raw(req: ApiRequest): Promise<unknown> {
    return this.transport.request(req).then((r) => r.body);
  }
}
