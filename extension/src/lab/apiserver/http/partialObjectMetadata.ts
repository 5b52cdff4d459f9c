/**
 * partialObjectMetadata converts an answer to what a client asking for
 * `as=PartialObjectMetadata;g=meta.k8s.io;v=v1` (or PartialObjectMetadataList, or
 * v1beta1) gets, as apiserver's handlers/response.go does for the metadata client
 * (the garbage collector's and the namespace controller's informers): each
 * object's metadata alone, lists keeping their resourceVersion, continue and
 * remaining count. Asking for one where the answer is the other is 406.
 */
import type { KubeList, KubeObject, Status } from '../../api/types';
import { isCustomResource } from '../discovery';
import type { ResourceTable } from '../resources';
import type { TableConvertOptions, TableConvertor } from './response';

/** isPartialObjectMetadata tells the conversions this module answers. */
export function isPartialObjectMetadata(to: { kind: string; group: string; version: string }): boolean {
  return to.group === 'meta.k8s.io' && (to.version === 'v1' || to.version === 'v1beta1') && (to.kind === 'PartialObjectMetadata' || to.kind === 'PartialObjectMetadataList');
}

function notAcceptable(message: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'NotAcceptable', code: 406 };
}

function isList(body: KubeObject | KubeList): body is KubeList {
  return Array.isArray((body as KubeList).items);
}

/** goType is the %T upstream's message prints: the internal type the registry decoded (unstructured for custom resources). */
function goType(table: ResourceTable, endpoint: TableConvertOptions['endpoint'], list: boolean): string {
  const t = table.lookup(endpoint.group, endpoint.version, endpoint.resource);
  if (!t || isCustomResource(t)) return list ? '*unstructured.UnstructuredList' : '*unstructured.Unstructured';
  // events.k8s.io serves the core group's internal Event.
  const pkg = t.group === '' || t.group === 'events.k8s.io' ? 'core' : t.group.split('.')[0];
  return `*${pkg}.${t.kind}${list ? 'List' : ''}`;
}

/** partialObjectMetadataConvertor converts answers to the requested kind; it plugs into the response's conversion as a Table convertor does. */
export function partialObjectMetadataConvertor(table: ResourceTable, kind: 'PartialObjectMetadata' | 'PartialObjectMetadataList'): TableConvertor {
  return (body, options) => {
    const apiVersion = `meta.k8s.io/${options.version}`;
    const partial = (obj: KubeObject): KubeObject => ({ kind: 'PartialObjectMetadata', apiVersion, metadata: obj.metadata });
    if (kind === 'PartialObjectMetadata') {
      if (isList(body)) return notAcceptable(`you requested PartialObjectMetadata, but the requested object is a list (${goType(table, options.endpoint, true)})`);
      return partial(body);
    }
    if (!isList(body)) return notAcceptable(`you requested PartialObjectMetadataList, but the requested object is not a list (${goType(table, options.endpoint, false)})`);
    const { resourceVersion, continue: next, remainingItemCount } = body.metadata ?? {};
    return {
      kind: 'PartialObjectMetadataList', apiVersion,
      metadata: { ...(resourceVersion ? { resourceVersion } : {}), ...(next ? { continue: next } : {}), ...(remainingItemCount !== undefined ? { remainingItemCount } : {}) },
      // A list with no items has a nil slice, which encoding/json writes as null.
      items: body.items.length ? body.items.map(partial) : null,
    };
  };
}
