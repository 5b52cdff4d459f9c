// report holds what every bench file prints with: one JSON result per line on stdout,
// progress on stderr, and the rounding and percentiles the figures use.

/** BenchResult is one line of `npm run bench`'s output. */
export interface BenchResult {
  bench: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

/** emit prints one result line on stdout. */
export const emit = (r: BenchResult): void => void process.stdout.write(`${JSON.stringify(r)}\n`);

/** log prints progress on stderr, which the bench runner passes through. */
export const log = (m: string): void => void process.stderr.write(`[bench] ${m}\n`);

/** round keeps digits decimals (two by default). */
export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** percentile is the nearest-rank percentile p (0–100) of values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
