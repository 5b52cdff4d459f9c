/**
 * testing gives printer tests a fixed "now" and objects built from partial
 * JSON, so cases read like upstream's printers_test.go: `ago(5 * MINUTE)` for
 * `time.Now().Add(-3e11)`, `ago(-1900)` for `time.Now().Add(1.9e9)`.
 */
import type { KubeObject } from '../../api/types';
import type { Cell, TablePrinter, TableRowCondition } from './table';

/** NOW is the lab clock's time in every printer test. */
export const NOW = Date.parse('2025-06-01T12:00:00Z');

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** ago is the RFC 3339 timestamp ms before NOW (after it, for negative ms). */
export function ago(ms: number): string {
  return new Date(NOW - ms).toISOString();
}

/** obj builds an object with the given name and creation time (omitted when undefined) plus the rest. */
export function obj(name: string, created: string | undefined, rest: Record<string, unknown> = {}): KubeObject {
  const { metadata, ...fields } = rest;
  return { metadata: { name, ...(created === undefined ? {} : { creationTimestamp: created }), ...(metadata as object | undefined) }, ...fields };
}

/** printed prints obj and returns its cells and conditions, failing on a printer error. */
export function printed(printer: TablePrinter, o: KubeObject): { cells: Cell[]; conditions?: TableRowCondition[] } {
  const row = printer.print(o, NOW);
  if ('error' in row) throw new Error(row.error);
  return row;
}

/** cells prints obj and returns only its cells. */
export function cells(printer: TablePrinter, o: KubeObject): Cell[] {
  return printed(printer, o).cells;
}

/** columnNames lists a printer's column names with their priorities (`IP:1`). */
export function columnNames(printer: TablePrinter): string[] {
  return printer.columns.map((c) => (c.priority ? `${c.name}:${c.priority}` : c.name));
}
