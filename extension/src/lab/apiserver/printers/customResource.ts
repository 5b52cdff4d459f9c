/**
 * customResource is apiextensions-apiserver's table convertor for custom
 * resources (pkg/registry/customresource/tableconvertor): a NAME column, then
 * one column per additionalPrinterColumns entry of the served version, each
 * evaluated as a JSONPath over the object. A version without columns gets
 * `Age` (serveDefaultColumnsIfEmpty in pkg/apiserver/customresource_handler.go).
 */
import type { KubeObject } from '../../api/types';
import type { CustomResourceDefinition } from '../apiextensions/types';
import { humanDuration } from './duration';
import { findResults, printResult, resultValue } from './jsonpath';
import { type ListNode, parseJsonPath } from './jsonpathParser';
import { doc } from './swaggerDocs';
import { type Cell, type TableColumnDefinition, type TablePrinter, col } from './table';

interface PrinterColumn {
  name?: string;
  type?: string;
  format?: string;
  jsonPath?: string;
  description?: string;
  priority?: number;
}

const DEFAULT_COLUMNS: PrinterColumn[] = [{ name: 'Age', type: 'date', description: doc('ObjectMeta.creationTimestamp'), jsonPath: '.metadata.creationTimestamp' }];

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([.,]\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/** parseRFC3339 is metav1.Time.UnmarshalQueryParameter: '' and "null" are the zero time (undefined), a bad value is null. */
export function parseRFC3339(s: string): number | undefined | null {
  if (s === '' || s === 'null') return undefined;
  const m = RFC3339.exec(s);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return null;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return null;
  return Date.parse(s.replace(',', '.'));
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** cellForJSONValue is the convertor's: a found value as the column's type, or null when it is not of that type. */
function cellForJSONValue(type: string, value: unknown, now: number): Cell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer': return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number': return typeof value === 'number' ? value : null;
    case 'boolean': return typeof value === 'boolean' ? value : null;
    case 'string': return typeof value === 'string' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = parseRFC3339(value);
      if (t === null) return '<invalid>';
      return t === undefined ? '<unknown>' : humanDuration(now - t);
    }
    default: return null;
  }
}

/** columnCell evaluates one column: null when the path finds nothing or fails, text for string columns. */
function columnCell(path: ListNode, type: string, obj: KubeObject, now: number): Cell {
  const found = findResults(path, obj);
  if ('error' in found || found.results.length === 0 || found.results[0].length === 0) return null;
  const value = resultValue(found.results[0][0]);
  return type === 'string' ? printResult(value) : cellForJSONValue(type, value, now);
}

/**
 * tableConvertor is tableconvertor.New: NAME, then the given columns. As
 * upstream, a column whose JSONPath does not parse ends the list: the table
 * keeps the columns before it.
 */
function tableConvertor(printerColumns: readonly PrinterColumn[]): TablePrinter {
  const columns: TableColumnDefinition[] = [col('Name', 'string', doc('ObjectMeta.name'), 0, 'name')];
  const paths: { path: ListNode; type: string }[] = [];
  for (const c of printerColumns) {
    const parsed = parseJsonPath(`{${c.jsonPath ?? ''}}`);
    if ('error' in parsed) break;
    const jsonPath = c.jsonPath ?? '';
    columns.push({ name: c.name ?? '', type: c.type ?? '', format: c.format ?? '', description: c.description || `Custom resource definition column (in JSONPath format): ${jsonPath}`, priority: c.priority ?? 0 });
    paths.push({ path: parsed.root, type: c.type ?? '' });
  }
  return {
    columns,
    print: (obj, now) => ({ cells: [obj.metadata.name ?? '', ...paths.map(({ path, type }) => columnCell(path, type, obj, now))] }),
  };
}

/** customResourcePrinter is the table convertor of a CRD's served version: its additionalPrinterColumns, or Age. */
export function customResourcePrinter(crd: CustomResourceDefinition, version: string): TablePrinter {
  const declared = crd.spec.versions.find((v) => v.name === version)?.additionalPrinterColumns ?? [];
  return tableConvertor(declared.length > 0 ? declared : DEFAULT_COLUMNS);
}

/**
 * customResourceScalePrinter is the convertor of a custom resource's scale
 * subresource (getScaleColumnsForVersion in pkg/apiserver/helpers.go): DESIRED
 * and AVAILABLE read the autoscaling/v1 Scale, whatever paths the CRD maps.
 */
export function customResourceScalePrinter(crd: CustomResourceDefinition, version: string): TablePrinter {
  const scale = crd.spec.versions.find((v) => v.name === version)?.subresources?.scale;
  const columns: PrinterColumn[] = [];
  if (scale?.specReplicasPath) columns.push({ name: 'Desired', type: 'integer', description: 'Number of desired replicas', jsonPath: '.spec.replicas' });
  if (scale?.statusReplicasPath) columns.push({ name: 'Available', type: 'integer', description: 'Number of actual replicas', jsonPath: '.status.replicas' });
  return tableConvertor([...columns, ...DEFAULT_COLUMNS]);
}
