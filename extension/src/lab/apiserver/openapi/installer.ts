/**
 * installer lists the routes kube-apiserver's APIInstaller registers for one
 * built-in group version (apiserver/pkg/endpoints/installer.go): for each storage
 * path, sorted, the actions its verbs allow — list, create, deletecollection and
 * the deprecated watch list at the collection path; get, replace, patch, delete
 * and watch at the item path; connect for exec, attach, portforward and proxy;
 * list and watch across namespaces — each with upstream's operation name,
 * description, query parameters, media types and responses. The group version's
 * discovery route (`GET /apis/<group>/<version>/`) comes first.
 */
import { SUBRESOURCES, type SubresourceInfo, subresourceKind } from '../discovery';
import type { ResourceType } from '../resources';
import { modelForKind } from '../../openapi/schema';
import { definitionName, queryParameters } from './definitions';
import type { Param, Route } from './routes';

/** MEDIA_TYPES are what the built-in serializers produce; STREAM_MEDIA_TYPES add their watch framings. */
export const MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'] as const;
const STREAM_MEDIA_TYPES = ['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'] as const;
const ALL_MEDIA_TYPES = [...MEDIA_TYPES, ...STREAM_MEDIA_TYPES];
/** PATCH_TYPES are the patch content types a built-in resource accepts. */
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** PRETTY is the parameter every non-connect route carries. */
export const PRETTY: Param = { name: 'pretty', in: 'query', type: 'string', description: "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget)." };
/** NAMESPACE_PARAM is a namespaced path's {namespace}. */
export const NAMESPACE_PARAM: Param = { name: 'namespace', in: 'path', type: 'string', required: true, description: 'object name and auth scope, such as for teams and projects' };

/** META names the metav1 definitions routes read and write. */
export const META = {
  status: 'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
  deleteOptions: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  watchEvent: 'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
  patch: 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
  apiResourceList: 'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList',
};

/** Kinds whose delete answers the deleted object (their registries' ReturnDeletedObject) rather than a Status. */
const RETURNS_DELETED = new Set(['/PersistentVolume', '/PersistentVolumeClaim', '/Pod', '/PodTemplate', '/Service', '/ServiceAccount',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment']);

/** optionParams turns an options struct's fields into query parameters (AddObjectParams), leaving out excluded names. */
export function optionParams(options: string, ...excluded: string[]): Param[] {
  return queryParameters(options).filter((p) => !excluded.includes(p.name)).map((p) => ({ name: p.name, in: 'query', type: p.type, description: p.description }));
}

/** kindDefinition is the definition a group/version/kind's object is, or a synthetic name when no model describes it. */
export function kindDefinition(group: string, version: string, kind: string): string {
  const model = modelForKind(group, version, kind);
  return (model && definitionName(model)) ?? syntheticDefinitionName(group, version, kind);
}

/** listDefinition is the definition of a kind's list. */
export function listDefinition(group: string, version: string, kind: string): string {
  const model = modelForKind(group, version, kind);
  return (model && definitionName(`${model}List`)) ?? syntheticDefinitionName(group, version, `${kind}List`);
}

/** syntheticDefinitionName names a type the models do not know as the DefinitionNamer would: its group reversed. */
export function syntheticDefinitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

function article(noun: string): string {
  if (!noun.endsWith('ss') && noun.endsWith('s')) return ' ';
  return /^[aeiou]/i.test(noun) ? ' an ' : ' a ';
}

function title(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** Storage is one registered storage path with what its REST storage implements. */
interface Storage {
  resource: string;
  subresource: string;
  namespaced: boolean;
  /** parentKind names operations and documents them; kind is the storage's own (reqScope.Kind). */
  parentKind: string;
  gvk: { group: string; version: string; kind: string };
  object: string;
  list?: string;
  verbs: Set<string>;
  info?: SubresourceInfo;
  returnsDeleted: boolean;
}

function storages(types: readonly ResourceType[]): Storage[] {
  const out: Storage[] = [];
  for (const t of types) {
    const object = kindDefinition(t.group, t.version, t.kind);
    out.push({
      resource: t.resource, subresource: '', namespaced: t.namespaced, parentKind: t.kind, gvk: { group: t.group, version: t.version, kind: t.kind },
      object, ...(t.verbs.includes('list') ? { list: listDefinition(t.group, t.version, t.kind) } : {}), verbs: new Set(t.verbs),
      returnsDeleted: RETURNS_DELETED.has(`${t.group}/${t.kind}`),
    });
    for (const sub of t.subresources) {
      const info = SUBRESOURCES[sub];
      if (!info) continue;
      const kind = subresourceKind(info, t.kind);
      const gv = info.groupVersion ?? { group: t.group, version: t.version };
      out.push({
        resource: t.resource, subresource: sub, namespaced: t.namespaced, parentKind: t.kind, gvk: { ...gv, kind },
        object: kindDefinition(gv.group, gv.version, kind), verbs: new Set(info.verbs), info, returnsDeleted: false,
      });
    }
  }
  const path = (s: Storage): string => (s.subresource ? `${s.resource}/${s.subresource}` : s.resource);
  return out.sort((a, b) => (path(a) < path(b) ? -1 : path(a) > path(b) ? 1 : 0));
}

/** groupVersionRoutes are the routes of one built-in group version, its discovery route first. */
export function groupVersionRoutes(group: string, version: string, types: readonly ResourceType[]): Route[] {
  const root = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const routes: Route[] = [{
    path: `${root}/`, method: 'get', description: 'get available resources', operation: 'getAPIResources', params: [],
    consumes: MEDIA_TYPES, produces: MEDIA_TYPES, responses: [], writes: META.apiResourceList, extensions: {},
  }];
  for (const s of storages(types)) routes.push(...storageRoutes(root, s));
  return routes;
}

/** storageRoutes is registerResourceHandlers for one storage. */
function storageRoutes(root: string, s: Storage): Route[] {
  const { info } = s;
  const isSub = s.subresource !== '';
  const lister = s.verbs.has('list') && !info;
  const watcher = s.verbs.has('watch') && !info;
  const creater = s.verbs.has('create') && !info?.connect;
  const getter = s.verbs.has('get') && !info?.connect;
  const connect = info?.connect;
  const nameParam: Param = { name: 'name', in: 'path', type: 'string', required: true, description: `name of the ${s.gvk.kind}` };
  const base = s.namespaced ? `namespaces/{namespace}/${s.resource}` : s.resource;
  const baseParams = s.namespaced ? [NAMESPACE_PARAM] : [];
  let itemPath = `${base}/{name}`;
  const nameParams = [...baseParams, nameParam];
  let resourcePath = base;
  let resourceParams = baseParams;
  if (isSub) {
    itemPath += `/${s.subresource}`;
    resourcePath = itemPath;
    resourceParams = nameParams;
  }
  type Action = { verb: string; path: string; params: Param[]; allNamespaces?: boolean };
  const actions: Action[] = [];
  const add = (cond: boolean, a: Action): void => { if (cond) actions.push(a); };
  add(lister, { verb: 'LIST', path: resourcePath, params: resourceParams });
  add(creater && !info?.namedCreate, { verb: 'POST', path: resourcePath, params: resourceParams });
  add(creater && Boolean(info?.namedCreate), { verb: 'POST', path: itemPath, params: nameParams });
  add(s.verbs.has('deletecollection') && !info, { verb: 'DELETECOLLECTION', path: resourcePath, params: resourceParams });
  add(watcher && lister, { verb: 'WATCHLIST', path: `watch/${resourcePath}`, params: resourceParams });
  add(getter, { verb: 'GET', path: itemPath, params: nameParams });
  add(s.verbs.has('update'), { verb: 'PUT', path: itemPath, params: nameParams });
  add(s.verbs.has('patch'), { verb: 'PATCH', path: itemPath, params: nameParams });
  add(s.verbs.has('delete') && !info, { verb: 'DELETE', path: itemPath, params: nameParams });
  add(watcher, { verb: 'WATCH', path: `watch/${itemPath}`, params: nameParams });
  add(Boolean(connect), { verb: 'CONNECT', path: itemPath, params: nameParams });
  add(Boolean(connect?.subpath), { verb: 'CONNECT', path: `${itemPath}/{path:*}`, params: [...nameParams, { name: 'path', in: 'path', type: 'string', required: true, description: 'path to the resource' }] });
  if (s.namespaced && !isSub) {
    add(lister, { verb: 'LIST', path: s.resource, params: [], allNamespaces: true });
    add(watcher && lister, { verb: 'WATCHLIST', path: `watch/${s.resource}`, params: [], allNamespaces: true });
  }

  const kind = s.parentKind;
  const sub = title(s.subresource);
  const produced = info?.produces?.object ?? s.object;
  const getMedia = [...(info?.produces?.mimeTypes ?? []), ...MEDIA_TYPES];
  const out: Route[] = [];
  for (const a of actions) {
    const namespaced = a.allNamespaces ? '' : s.namespaced ? 'Namespaced' : '';
    const suffix = `${a.path.endsWith('/{path:*}') ? 'WithPath' : ''}${a.allNamespaces ? 'ForAllNamespaces' : ''}`;
    const opName = (verb: string, extra = ''): string => `${verb}${namespaced}${kind}${sub}${extra}${suffix}`;
    const extensions = { 'x-kubernetes-action': a.verb.toLowerCase(), 'x-kubernetes-group-version-kind': s.gvk };
    const path = `${root}/${a.path}`;
    const route = (r: Omit<Route, 'path' | 'extensions' | 'consumes'> & { consumes?: readonly string[] }): Route => ({ path, extensions, consumes: ['*/*'], ...r });
    switch (a.verb) {
      case 'GET':
        out.push(route({
          method: 'get', description: isSub ? `read ${s.subresource} of the specified ${kind}` : `read the specified ${kind}`, operation: opName('read'),
          params: [PRETTY, ...(info?.getOptions ? optionParams(info.getOptions) : []), ...a.params], produces: getMedia, responses: [{ code: 200, message: 'OK', model: produced }],
        }));
        break;
      case 'LIST': {
        const what = isSub ? `${s.subresource} of objects of kind ${kind}` : `objects of kind ${kind}`;
        out.push(route({
          method: 'get', description: watcher ? `list or watch ${what}` : `list ${what}`, operation: opName('list'),
          params: [PRETTY, ...optionParams('ListOptions'), ...a.params], produces: ALL_MEDIA_TYPES, responses: [{ code: 200, message: 'OK', model: s.list ?? s.object }],
        }));
        break;
      }
      case 'PUT':
        out.push(route({
          method: 'put', description: isSub ? `replace ${s.subresource} of the specified ${kind}` : `replace the specified ${kind}`, operation: opName('replace'),
          params: [PRETTY, ...optionParams('UpdateOptions'), ...a.params], body: { model: s.object, required: true }, produces: MEDIA_TYPES,
          responses: [{ code: 200, message: 'OK', model: produced }, { code: 201, message: 'Created', model: produced }],
        }));
        break;
      case 'PATCH':
        out.push(route({
          method: 'patch', description: isSub ? `partially update ${s.subresource} of the specified ${kind}` : `partially update the specified ${kind}`, operation: opName('patch'),
          params: [PRETTY, ...optionParams('PatchOptions'), ...a.params], body: { model: META.patch, required: true }, consumes: PATCH_TYPES, produces: MEDIA_TYPES,
          responses: [{ code: 200, message: 'OK', model: produced }, { code: 201, message: 'Created', model: produced }],
        }));
        break;
      case 'POST':
        out.push(route({
          method: 'post', description: isSub ? `create ${s.subresource} of${article(kind)}${kind}` : `create${article(kind)}${kind}`, operation: opName('create'),
          params: [PRETTY, ...optionParams('CreateOptions'), ...a.params], body: { model: s.object, required: true }, produces: MEDIA_TYPES,
          responses: [{ code: 200, message: 'OK', model: produced }, { code: 201, message: 'Created', model: produced }, { code: 202, message: 'Accepted', model: produced }],
        }));
        break;
      case 'DELETE': {
        const answer = s.returnsDeleted ? produced : META.status;
        out.push(route({
          method: 'delete', description: `delete${article(kind)}${kind}`, operation: opName('delete'),
          params: [PRETTY, ...optionParams('DeleteOptions'), ...a.params], body: { model: META.deleteOptions, required: false }, produces: MEDIA_TYPES,
          responses: [{ code: 200, message: 'OK', model: answer }, { code: 202, message: 'Accepted', model: answer }],
        }));
        break;
      }
      case 'DELETECOLLECTION':
        out.push(route({
          method: 'delete', description: `delete collection of ${kind}`, operation: opName('deletecollection'),
          params: [PRETTY, ...optionParams('DeleteOptions'), ...optionParams('ListOptions', 'watch', 'allowWatchBookmarks'), ...a.params],
          body: { model: META.deleteOptions, required: false }, produces: MEDIA_TYPES, responses: [{ code: 200, message: 'OK', model: META.status }],
        }));
        break;
      case 'WATCH':
        out.push(route({
          method: 'get', operation: opName('watch'), produces: ALL_MEDIA_TYPES, params: [PRETTY, ...optionParams('ListOptions'), ...a.params],
          description: `watch changes to an object of kind ${kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`,
          responses: [{ code: 200, message: 'OK', model: META.watchEvent }],
        }));
        break;
      case 'WATCHLIST':
        out.push(route({
          method: 'get', operation: opName('watch', 'List'), produces: ALL_MEDIA_TYPES, params: [PRETTY, ...optionParams('ListOptions'), ...a.params],
          description: `watch individual changes to a list of ${kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
          responses: [{ code: 200, message: 'OK', model: META.watchEvent }],
        }));
        break;
      case 'CONNECT':
        for (const method of connect?.methods ?? []) {
          out.push({
            path, extensions, method: method.toLowerCase() as Route['method'], description: `connect ${method} requests to ${s.subresource} of ${kind}`,
            operation: `connect${title(method.toLowerCase())}${namespaced}${kind}${sub}${suffix}`,
            params: [...optionParams(connect?.options || `${s.parentKind}ProxyOptions`), ...a.params], consumes: ['*/*'], produces: ['*/*'], responses: [], writes: 'string',
          });
        }
        break;
      default:
        break;
    }
  }
  return out;
}
