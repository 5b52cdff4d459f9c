/**
 * table is the meta.k8s.io/v1 Table that kube-apiserver answers for
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
 * (k8s.io/apimachinery/pkg/apis/meta/v1/types.go), and the printer contract
 * every resource's columns are written against (pkg/printers/tablegenerator.go).
 * Fields are declared in Go's order so JSON.stringify writes them as Go does.
 */
import type { KubeObject, ObjectMeta, Status } from '../../api/types';
import { badRequest } from '../errors';
import { fieldErrorText, invalidValue } from '../fieldErrors';

/** MetaApiVersion is the meta.k8s.io version the client asked for (`v=v1` or `v=v1beta1` in Accept); v1beta1's Table is v1's. */
export type MetaApiVersion = 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';

/** TableColumnDefinition describes one column; every field is always written. */
export interface TableColumnDefinition {
  name: string;
  /** type is an OpenAPI type: string, integer, number, boolean, date. */
  type: string;
  /** format is `name` on the column that holds the object's name. */
  format: string;
  description: string;
  /** priority 0 columns show by default; 1 only with `-o wide`. */
  priority: number;
}

/** Cell is one value of a row: what encoding/json writes for the Go value a printer appended. */
export type Cell = string | number | boolean | null;

/** TableRowCondition is a row's condition; only `Completed` is defined. */
export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** PartialObjectMetadata is an object reduced to its metadata (includeObject=Metadata). */
export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: MetaApiVersion;
  /** metadata is the object's ObjectMeta; creationTimestamp is null when unset, as Go writes a zero metav1.Time. */
  metadata: Omit<ObjectMeta, 'creationTimestamp'> & { creationTimestamp: string | null };
}

/** TableRow is one object's cells and, as includeObject asks, the object. */
export interface TableRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
  /** object is null for includeObject=None, as Go's empty RawExtension marshals. */
  object: KubeObject | PartialObjectMetadata | null;
}

/** Table is meta.k8s.io/v1 Table; columnDefinitions is null under noHeaders, rows null only for an empty default table. */
export interface Table {
  kind: 'Table';
  apiVersion: MetaApiVersion;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[] | null;
}

/** IncludeObjectPolicy is TableOptions.includeObject. */
export type IncludeObjectPolicy = 'None' | 'Metadata' | 'Object';

/** PrintedRow is what a printer returns for one object, or the error that fails the whole request. */
export type PrintedRow = { cells: Cell[]; conditions?: TableRowCondition[] } | { error: string };

/** TablePrinter is one resource's entry in printers.go AddHandlers: its columns and its printX function. */
export interface TablePrinter {
  readonly columns: readonly TableColumnDefinition[];
  /** print returns every cell, wide ones included: the server always prints wide. */
  print(obj: KubeObject, now: number): PrintedRow;
}

/** col builds a column definition; priority 1 marks a wide column. */
export function col(name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}

/**
 * parseIncludeObject reads the `includeObject` query parameter as the handler's
 * ValidateTableOptions does: empty means Metadata; anything else unknown is a 400.
 */
export function parseIncludeObject(value: string | undefined): IncludeObjectPolicy | Status {
  if (value === undefined || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  const err = invalidValue('includeObject', value, "must be 'Metadata', 'Object', 'None', or empty");
  return badRequest(`Unable to convert to Table as requested: ${fieldErrorText(err)}`);
}
