/**
 * ApiServer is the lab's kube-apiserver: every component and every client reaches
 * the store only through it. A request runs the upstream pipeline — route,
 * decode, default, mutating admission, validation, validating admission,
 * persist — and every answer is an object or an upstream-shaped Status.
 */
import type { Clock } from '../clock';
import type { Random } from '../random';
import type { KubeList, KubeObject, Status, WatchEvent } from '../api/types';
import type { Store } from '../store/store';
import type { Chain, AdmissionContext } from './admission/admission';
import { namespaceLifecycle } from './admission/namespaceLifecycle';
import { discovery } from './discovery';
import { badRequest, gone, internalError, methodNotSupported, pathNotFound } from './errors';
import { handleBinding } from './handlers/binding';
import { handleCreate } from './handlers/create';
import { handleDelete } from './handlers/delete';
import { handleGet, handleList } from './handlers/read';
import { handlePatch, handleUpdate } from './handlers/update';
import { type Query, type RequestInfo, parseRequestInfo, splitPath } from './requestInfo';
import { ResourceTable, type ResourceType, builtinResources } from './resources';
import { parseFilter } from './selectors';
import { ObjectStorage } from './storage';

/** ApiRequest is one REST call, as it arrives over HTTP or the worker channel. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** path may carry its query string; `query` adds to it. */
  path: string;
  query?: Query;
  body?: unknown;
  /** contentType matters for PATCH (merge-patch, json-patch, strategic-merge-patch). */
  contentType?: string;
}

/** ApiResponse is the HTTP status and the JSON body. */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/** WatchSink receives a watch's events until it closes. */
export interface WatchSink {
  event(e: WatchEvent): void;
  close(): void;
}

/** HandlerContext is what each verb handler needs. */
export interface HandlerContext {
  info: RequestInfo;
  query: Query;
  type: ResourceType;
  storage: ObjectStorage;
  clock: Clock;
  random: Random;
  dryRun: boolean;
  admission: Chain;
  admissionContext: AdmissionContext;
  storageFor(group: string, resource: string): ObjectStorage | undefined;
}

export interface ApiServerOptions {
  store: Store;
  clock: Clock;
  random: Random;
}

export class ApiServer {
  readonly resources = new ResourceTable(builtinResources);
  private readonly storages = new Map<ResourceType, ObjectStorage>();
  private readonly admission: Chain = { mutating: [], validating: [namespaceLifecycle] };
  private readonly admissionContext: AdmissionContext;

  constructor(private readonly options: ApiServerOptions) {
    for (const t of this.resources.types) this.storages.set(t, new ObjectStorage(t, options.store));
    this.admissionContext = {
      get: <T extends KubeObject>(group: string, resource: string, namespace: string, name: string) => (this.storageFor(group, resource)?.get(namespace, name) ?? Promise.resolve(undefined)) as Promise<T | undefined>,
    };
  }

  /** storageFor finds the storage of group/resource (any served version). */
  storageFor(group: string, resource: string): ObjectStorage | undefined {
    for (const [t, s] of this.storages) if (t.group === group && t.resource === resource) return s;
    return undefined;
  }

  /** handle answers one non-watch request. It never throws: a bug becomes a 500 Status. */
  async handle(req: ApiRequest): Promise<ApiResponse> {
    try {
      return await this.route(req);
    } catch (err) {
      return respond(internalError(err));
    }
  }

  /** watch starts a watch; an error (bad path, bad selector, expired resourceVersion) comes back as a response instead. */
  async watch(req: ApiRequest, sink: WatchSink): Promise<{ cancel(): void } | ApiResponse> {
    const ctx = this.context(req);
    if ('status' in ctx) return ctx;
    const filter = parseFilter(ctx.type, ctx.query.labelSelector, ctx.query.fieldSelector);
    if ('code' in filter) return respond(filter);
    const namespace = ctx.type.namespaced ? ctx.info.namespace : '';
    const names = ctx.info.name ? { ...filter, fields: [...filter.fields, { field: 'metadata.name', value: ctx.info.name, negate: false }] } : filter;
    const rv = ctx.query.resourceVersion ?? '';
    let from: number;
    if (rv === '' || rv === '0') {
      // Without a resourceVersion a watch starts with the current state as ADDED events.
      const current = await ctx.storage.list(namespace, names, 0);
      for (const obj of current.items) sink.event({ type: 'ADDED', object: obj });
      from = current.revision;
    } else {
      from = Number(rv);
      if (!Number.isInteger(from) || from < 0) return respond(badRequest(`invalid resource version: ${rv}`));
    }
    let closed = false;
    const w = ctx.storage.watch(namespace, from, names, (e) => !closed && sink.event(e), (message) => {
      if (closed) return;
      sink.event({ type: 'ERROR', object: gone(message) });
      closed = true;
      sink.close();
    });
    return {
      cancel: () => {
        if (closed) return;
        closed = true;
        w.cancel();
        sink.close();
      },
    };
  }

  private context(req: ApiRequest): Omit<HandlerContext, never> | ApiResponse {
    const { path, query: pathQuery } = splitPath(req.path);
    const query = { ...pathQuery, ...req.query };
    const info = parseRequestInfo(req.method, path, query);
    const type = info.isResourceRequest ? this.resources.lookup(info.group, info.version, info.resource) : undefined;
    if (!type) return respond(pathNotFound());
    if (info.subresource && !type.subresources.includes(info.subresource)) return respond(pathNotFound());
    const storage = this.storages.get(type) as ObjectStorage;
    const dryRun = query.dryRun === 'All';
    if (query.dryRun !== undefined && !dryRun) return respond(badRequest(`Invalid dry run value: ${query.dryRun}`));
    return {
      info, query, type, storage, dryRun,
      clock: this.options.clock,
      random: this.options.random,
      admission: this.admission,
      admissionContext: this.admissionContext,
      storageFor: (g, r) => this.storageFor(g, r),
    };
  }

  private async route(req: ApiRequest): Promise<ApiResponse> {
    const { path } = splitPath(req.path);
    const found = discovery(this.resources, path);
    if (found !== undefined) return req.method === 'GET' ? { status: 200, body: found } : respond(methodNotSupported({ group: '', resource: path }, req.method));
    const ctx = this.context(req);
    if ('status' in ctx) return ctx;
    const { info, type } = ctx;
    const gr = { group: type.group, resource: info.subresource ? `${type.resource}/${info.subresource}` : type.resource };
    if (info.subresource === 'binding') return info.verb === 'create' ? respond(await handleBinding(ctx, req.body)) : respond(methodNotSupported(gr, info.verb));
    switch (info.verb) {
      case 'get': return respond(await handleGet(ctx));
      case 'list': return respond(await handleList(ctx));
      case 'create': return info.subresource ? respond(methodNotSupported(gr, 'create')) : respond(await handleCreate(ctx, req.body), 201);
      case 'update': return respond(await handleUpdate(ctx, req.body));
      case 'patch': return respond(await handlePatch(ctx, req.body, req.contentType ?? ''));
      case 'delete': return respond(await handleDelete(ctx, req.body));
      case 'watch': return respond(badRequest('watch requests must be made through watch()'));
      default: return respond(methodNotSupported(gr, info.verb));
    }
  }
}

/** respond wraps an object or a Status in a response with the Status's code. */
export function respond(body: KubeObject | Status | KubeList, okStatus = 200): ApiResponse {
  const status = (body as Status).kind === 'Status' && typeof (body as Status).code === 'number' ? (body as Status).code : okStatus;
  return { status, body };
}
