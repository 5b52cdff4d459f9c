/**
 * snapshotStatusPrinter prints a snapshot's status as etcdctl 3.5's
 * `snapshot status -w simple|table|json` does: the hash in hex, the revision,
 * the keys and the size in go-humanize's SI words (`2.1 MB`), as one
 * comma-separated line, an olekukonko/tablewriter table, or etcd's JSON.
 */
import type { SnapshotStatus } from './snapshot';

/** STATUS_FORMATS are the -w/--write-out values `snapshot status` takes. */
export const STATUS_FORMATS = ['simple', 'table', 'json'] as const;
export type StatusFormat = (typeof STATUS_FORMATS)[number];

const SI_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** goRound0 rounds as Go's %.0f does: to nearest, exact halves to even. */
function goRound0(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** humanizeBytes is go-humanize's Bytes (v1.0.0, which etcd 3.5 uses): 82854982 → "83 MB", 2113536 → "2.1 MB", 9 → "9 B". */
export function humanizeBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  return val < 10 ? `${val.toFixed(1)} ${SI_UNITS[e]}` : `${goRound0(val)} ${SI_UNITS[e]}`;
}

/** statusRow is etcdctl's makeDBStatusTable: its header and its one row. */
function statusRow(s: SnapshotStatus): { header: string[]; row: string[] } {
  return {
    header: ['hash', 'revision', 'total keys', 'total size'],
    // Go's %x: no leading zeros.
    row: [s.hash.toString(16), String(s.revision), String(s.totalKey), humanizeBytes(s.totalSize)],
  };
}

/**
 * table draws rows as tablewriter's defaults and etcdctl's ALIGN_RIGHT do:
 * borders of + - |, the header upper-cased and centred (the odd space on the
 * right), each cell right-aligned with one space of padding either side.
 */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
  const centre = (s: string, w: number): string => {
    const left = Math.floor((w - s.length) / 2);
    return ' '.repeat(left) + s + ' '.repeat(w - s.length - left);
  };
  const line = (cells: string[]): string => `|${cells.map((c) => ` ${c} `).join('|')}|\n`;
  return rule
    + line(header.map((h, i) => centre(h.toUpperCase(), widths[i])))
    + rule
    + rows.map((r) => line(r.map((c, i) => c.padStart(widths[i])))).join('')
    + rule;
}

/** formatSnapshotStatus is the text `etcdctl snapshot status -w format` prints for s, with its final newline. */
export function formatSnapshotStatus(s: SnapshotStatus, format: StatusFormat): string {
  switch (format) {
    case 'simple':
      return `${statusRow(s).row.join(', ')}\n`;
    case 'table': {
      const { header, row } = statusRow(s);
      return table(header, [row]);
    }
    case 'json':
      return `${JSON.stringify({ hash: s.hash, revision: s.revision, totalKey: s.totalKey, totalSize: s.totalSize })}\n`;
  }
}
