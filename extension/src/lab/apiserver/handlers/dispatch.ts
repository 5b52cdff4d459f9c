/**
 * dispatch sends an admitted request to its handler: by subresource first
 * (token, binding, scale, eviction, ephemeral containers, node proxy, log,
 * connect), then by verb.
 */
import type { KubeObject } from '../../api/types';
import { type ApiRequest, type ApiResponse, type HandlerContext, respond } from '../request';
import { createTokenRequest } from '../auth/tokenRequest';
import { badRequest, methodNotSupported, pathNotFound } from '../errors';
import { handleBinding } from './binding';
import { handleConnect } from './connect';
import { handleCreate } from './create';
import { deleteAccepted, handleDelete } from './delete';
import { handleDeleteCollection } from './deleteCollection';
import { handleEphemeralContainers } from './ephemeralContainers';
import { handleEviction } from './eviction';
import { handleLog } from './log';
import { handleNodeProxy } from './nodeProxy';
import { handleGet, handleList } from './read';
import { handleScale } from './scale';
import { handlePatch, handlePut } from './update';
import { handleVirtual, isVirtual } from './virtual';

/** dispatch answers the request ctx admitted. */
export async function dispatch(ctx: HandlerContext, req: ApiRequest): Promise<ApiResponse> {
  const { info, type } = ctx;
  const gr = { group: type.group, resource: info.subresource ? `${type.resource}/${info.subresource}` : type.resource };
  if (isVirtual(type)) return respond(await handleVirtual(ctx, req.body), info.verb === 'create' ? 201 : 200);
  if (info.subresource === 'token' && type.resource === 'serviceaccounts') {
    const issuer = ctx.server.tokenIssuer;
    if (!issuer || info.verb !== 'create') return respond(issuer ? methodNotSupported(gr, info.verb) : pathNotFound());
    return respond(await createTokenRequest(issuer, info.namespace, info.name, req.body), 201);
  }
  if (info.subresource === 'binding') return info.verb === 'create' ? respond(await handleBinding(ctx, req.body)) : respond(methodNotSupported(gr, info.verb));
  if (info.subresource === 'scale') return respond(await handleScale(ctx, req.body, req.contentType ?? ''));
  if (info.subresource === 'eviction') return info.verb === 'create' ? respond(await handleEviction(ctx, req.body)) : respond(methodNotSupported(gr, info.verb));
  if (info.subresource === 'ephemeralcontainers') return respond(await handleEphemeralContainers(ctx, req.body, req.contentType ?? ''));
  if (type.resource === 'nodes' && info.subresource === 'proxy') return handleNodeProxy(ctx, req.method);
  if (info.subresource === 'log') {
    const log = await handleLog(ctx);
    return 'code' in log ? respond(log) : log;
  }
  if (type.resource === 'pods' && (info.subresource === 'exec' || info.subresource === 'attach' || info.subresource === 'portforward')) {
    // Connect requests are served by upgrading the connection (connect()); one that does not upgrade is refused once located.
    const target = await handleConnect(ctx, new URLSearchParams(req.path.includes('?') ? req.path.slice(req.path.indexOf('?') + 1) : ''));
    return respond('code' in target ? target : badRequest('Upgrade request required'));
  }
  switch (info.verb) {
    case 'get': return respond(await handleGet(ctx));
    case 'list': return respond(await handleList(ctx));
    case 'create': return info.subresource ? respond(methodNotSupported(gr, 'create')) : respond(await handleCreate(ctx, req.body), 201);
    case 'update': {
      const updated = await handlePut(ctx, req.body);
      return 'created' in updated ? respond(updated.created as KubeObject, 201) : respond(updated);
    }
    case 'patch': {
      const patched = await handlePatch(ctx, req.body, req.contentType ?? '');
      return 'created' in patched ? respond(patched.created as KubeObject, 201) : respond(patched);
    }
    case 'delete': {
      const deleted = await handleDelete(ctx, req.body);
      return respond(deleted, deleteAccepted(deleted) ? 202 : 200);
    }
    case 'deletecollection': return info.subresource ? respond(methodNotSupported(gr, info.verb)) : respond(await handleDeleteCollection(ctx, req.body));
    case 'watch': return respond(badRequest('watch requests must be made through watch()'));
    default: return respond(methodNotSupported(gr, info.verb));
  }
}
