/**
 * toTable answers a GET, LIST or watch event in table form, as kube-apiserver
 * does for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`: the
 * resource's TableConvertor (printers.go for built-ins, the CRD's printer
 * columns for custom resources, rest.NewDefaultTableConvertor otherwise) always
 * printing wide, then the handler's asTable replacing each row's object as
 * includeObject asks (k8s.io/apiserver/pkg/endpoints/handlers/response.go).
 * An autoscaling/v1 Scale (the scale subresource) prints with printScale, or a
 * CRD's scale columns.
 */
import type { KubeList, KubeObject, Status } from '../../api/types';
import type { CustomResourceDefinition } from '../apiextensions/types';
import type { ResourceType } from '../resources';
import { customResourcePrinter, customResourceScalePrinter } from './customResource';
import { parseTime } from './format';
import { builtinPrinter } from './registry';
import { scalePrinter } from './scale';
import { doc } from './swaggerDocs';
import { type IncludeObjectPolicy, type MetaApiVersion, type PartialObjectMetadata, type Table, type TablePrinter, type TableRow, col } from './table';

/** ToTableOptions are TableOptions plus what the handler knows: the time ages are measured to and, for custom resources, their definition. */
export interface ToTableOptions {
  /** now is the lab clock's time in milliseconds. */
  now: number;
  includeObject: IncludeObjectPolicy;
  /** noHeaders drops columnDefinitions (TableOptions.NoHeaders, for internal callers). */
  noHeaders?: boolean;
  /** crd is the definition of a custom resource; its served version's additionalPrinterColumns make the columns. */
  crd?: CustomResourceDefinition;
  /** apiVersion is the negotiated meta.k8s.io version of the Table and its PartialObjectMetadata; v1 unless the client asked for v1beta1. */
  apiVersion?: MetaApiVersion;
}

/** DEFAULT_COLUMNS are rest.NewDefaultTableConvertor's. */
const DEFAULT_COLUMNS = [col('Name', 'string', doc('ObjectMeta.name'), 0, 'name'), col('Created At', 'date', doc('ObjectMeta.creationTimestamp'))];

/** ZERO_RFC3339 is Go's zero time formatted as RFC3339, which the default table prints for an unset timestamp. */
const ZERO_RFC3339 = '0001-01-01T00:00:00Z';

/** formatRFC3339 is Time.UTC().Format(time.RFC3339): whole seconds, `Z`. */
function formatRFC3339(ts: unknown): string {
  const t = parseTime(ts);
  return t === undefined ? ZERO_RFC3339 : `${new Date(t).toISOString().slice(0, 19)}Z`;
}

const DEFAULT_PRINTER: TablePrinter = {
  columns: DEFAULT_COLUMNS,
  print: (obj) => ({ cells: [obj.metadata.name ?? '', formatRFC3339(obj.metadata.creationTimestamp)] }),
};

/** META_KEYS are metav1.ObjectMeta's JSON fields in declaration order; creationTimestamp is the one written even when unset. */
const META_KEYS = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
] as const;

function isEmpty(key: string, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  // omitempty drops zero strings, numbers, maps and lists; deletionGracePeriodSeconds is a pointer, so 0 stays.
  if (v === '' || (v === 0 && key !== 'deletionGracePeriodSeconds')) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

/** asPartialObjectMetadata is meta.AsPartialObjectMetadata with the kind asTable sets. */
export function asPartialObjectMetadata(obj: KubeObject, apiVersion: MetaApiVersion = 'meta.k8s.io/v1'): PartialObjectMetadata {
  const metadata: Record<string, unknown> = {};
  for (const key of META_KEYS) {
    const v = obj.metadata[key];
    if (key === 'creationTimestamp') metadata[key] = typeof v === 'string' ? v : null;
    else if (!isEmpty(key, v)) metadata[key] = v;
  }
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: metadata as PartialObjectMetadata['metadata'] };
}

function rowObject(obj: KubeObject, includeObject: IncludeObjectPolicy, apiVersion: MetaApiVersion): TableRow['object'] {
  switch (includeObject) {
    case 'None': return null;
    case 'Metadata': return asPartialObjectMetadata(obj, apiVersion);
    case 'Object': return obj;
  }
}

function isList(v: KubeObject | KubeList): v is KubeList {
  return Array.isArray((v as { items?: unknown }).items);
}

/** isScale reports whether the answer is a scale subresource's autoscaling/v1 Scale, which has its own columns. */
function isScale(v: KubeObject | KubeList): boolean {
  const first = isList(v) ? v.items[0] : v;
  return first?.apiVersion === 'autoscaling/v1' && first.kind === 'Scale';
}

function printerFor(type: ResourceType, objOrList: KubeObject | KubeList, crd: CustomResourceDefinition | undefined): TablePrinter {
  if (crd) return isScale(objOrList) ? customResourceScalePrinter(crd, type.version) : customResourcePrinter(crd, type.version);
  if (isScale(objOrList)) return scalePrinter;
  return builtinPrinter(type.group, type.resource) ?? DEFAULT_PRINTER;
}

/** unconvertible is ErrorToAPIStatus of a plain Go error: a 500 with no reason (StatusReasonUnknown is ""). */
function unconvertible(message: string): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 };
}

/**
 * toTable converts an object or a list of type to a meta.k8s.io/v1 Table. It
 * returns a Status only where upstream's conversion fails the request (an owner
 * reference whose apiVersion does not parse).
 */
export function toTable(type: ResourceType, objOrList: KubeObject | KubeList, opts: ToTableOptions): Table | Status {
  const printer = printerFor(type, objOrList, opts.crd);
  const apiVersion = opts.apiVersion ?? 'meta.k8s.io/v1';
  const items = isList(objOrList) ? objOrList.items : [objOrList];
  const rows: TableRow[] = [];
  for (const item of items) {
    const printed = printer.print(item, opts.now);
    if ('error' in printed) return unconvertible(printed.error);
    rows.push({ cells: printed.cells, ...(printed.conditions ? { conditions: printed.conditions } : {}), object: rowObject(item, opts.includeObject, apiVersion) });
  }
  const metadata: Table['metadata'] = {};
  if (isList(objOrList)) {
    const { resourceVersion, continue: cont, remainingItemCount } = objOrList.metadata;
    if (resourceVersion) metadata.resourceVersion = resourceVersion;
    if (cont) metadata.continue = cont;
    if (typeof remainingItemCount === 'number') metadata.remainingItemCount = remainingItemCount;
  } else if (objOrList.metadata.resourceVersion) {
    metadata.resourceVersion = objOrList.metadata.resourceVersion;
  }
  return {
    kind: 'Table',
    apiVersion,
    metadata,
    columnDefinitions: opts.noHeaders ? null : printer.columns.map((c) => ({ ...c })),
    // The default convertor appends rows to a nil slice, so an empty list has none at all.
    rows: printer === DEFAULT_PRINTER && rows.length === 0 ? null : rows,
  };
}
