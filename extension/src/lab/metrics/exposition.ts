/**
 * exposition is the Prometheus text format (version 0.0.4) as kube-apiserver's
 * /metrics writes it: component-base's metric kinds (counter, gauge and
 * histogram vectors) whose help carries the stability level (`[STABLE] …`),
 * gathered as client_golang gathers them — families sorted by name, each
 * child's labels sorted by name, children sorted by their label values, a
 * family with no children left out — and written by expfmt's rules: values as
 * Go's strconv.FormatFloat(v, 'g', -1, 64), `le` as the last label of a bucket.
 * Children live in a map keyed by their label values, so recording a sample
 * costs one key and no other allocation.
 */

/** StabilityLevel is component-base's metrics.StabilityLevel. */
export type StabilityLevel = 'INTERNAL' | 'ALPHA' | 'BETA' | 'STABLE';

/** MetricOpts name a metric family and its labels; without a stability level the help is written as given (client_golang's own collectors). */
export interface MetricOpts {
  name: string;
  help: string;
  stability?: StabilityLevel;
  labels?: readonly string[];
}

/** PROMETHEUS_TEXT is the Content-Type of the text format promhttp answers with. */
export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** Family is one metric family: it writes its HELP, TYPE and samples, or nothing when it has no children. */
export interface Family {
  readonly name: string;
  write(out: string[]): void;
}

/** KEY_SEPARATOR joins label values into a child's key; no label value a request produces contains it. */
const KEY_SEPARATOR = '\u0000';

interface ChildEntry<Child> {
  values: readonly string[];
  child: Child;
}

/** ValueTree holds, per label value, the next label's tree, or at the last label the child's entry. */
type ValueTree<Child> = Map<string, ValueTree<Child> | ChildEntry<Child>>;

/** newValue and newHistogram make a child: shared functions, so recording a sample makes no closure. */
const newValue = (): { value: number } => ({ value: 0 });
const newHistogram = (vec: HistogramVec): HistogramChild => ({ counts: new Array<number>(vec.buckets.length + 1).fill(0), sum: 0, count: 0 });

abstract class Vec<Child> implements Family {
  readonly name: string;
  protected readonly children = new Map<string, ChildEntry<Child>>();
  /** byValue finds a child by its label values one level per label: child()'s path, which allocates nothing. */
  private readonly byValue: ValueTree<Child> = new Map();
  private readonly help: string;
  private readonly labels: readonly string[];
  /** order lists the label indexes by label name: the order expfmt writes them in. */
  private readonly order: readonly number[];

  constructor(opts: MetricOpts, private readonly type: 'counter' | 'gauge' | 'histogram') {
    this.name = opts.name;
    this.help = opts.stability ? `[${opts.stability}] ${opts.help}` : opts.help;
    this.labels = opts.labels ?? [];
    this.order = this.labels.map((_, i) => i).sort((a, b) => compare(this.labels[a], this.labels[b]));
  }

  /** reset forgets every child, as a vector's Reset does. */
  reset(): void {
    this.children.clear();
    this.byValue.clear();
  }

  /**
   * child finds the child of values, or makes it with create: through nested
   * maps, one level per label, so that recording a sample joins no key (the
   * joined key is made once, for the child's entry in children).
   */
  protected child(values: readonly string[], create: (vec: this) => Child): Child {
    let level = this.byValue;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = level.get(values[i]) as ValueTree<Child> | undefined;
      if (!next) level.set(values[i], (next = new Map()));
      level = next;
    }
    const leafKey = last < 0 ? '' : values[last];
    let entry = level.get(leafKey) as ChildEntry<Child> | undefined;
    if (!entry) {
      if (values.length !== this.labels.length) throw new Error(`${this.name}: ${values.length} label values for ${this.labels.length} labels`);
      entry = { values: [...values], child: create(this) };
      this.children.set(values.length === 1 ? values[0] : values.join(KEY_SEPARATOR), entry);
      level.set(leafKey, entry);
    }
    return entry.child;
  }

  write(out: string[]): void {
    if (!this.children.size) return;
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}\n`, `# TYPE ${this.name} ${this.type}\n`);
    const sorted = [...this.children.values()].sort((a, b) => {
      for (const i of this.order) {
        const c = compare(a.values[i], b.values[i]);
        if (c) return c;
      }
      return 0;
    });
    for (const { values, child } of sorted) this.writeChild(out, this.order.map((i) => `${this.labels[i]}="${escapeLabel(values[i])}"`), child);
  }

  protected abstract writeChild(out: string[], labels: string[], child: Child): void;
}

/** CounterVec is a counter per combination of label values. */
export class CounterVec extends Vec<{ value: number }> {
  constructor(opts: MetricOpts) {
    super(opts, 'counter');
  }

  inc(values: readonly string[], by = 1): void {
    this.child(values, newValue).value += by;
  }

  /** value reads one child (0 when it was never counted). */
  value(values: readonly string[]): number {
    return this.children.get(values.join(KEY_SEPARATOR))?.child.value ?? 0;
  }

  protected writeChild(out: string[], labels: string[], child: { value: number }): void {
    out.push(sample(this.name, labels, child.value));
  }
}

/** GaugeVec is a gauge per combination of label values. */
export class GaugeVec extends Vec<{ value: number }> {
  constructor(opts: MetricOpts) {
    super(opts, 'gauge');
  }

  set(values: readonly string[], value: number): void {
    this.child(values, newValue).value = value;
  }

  add(values: readonly string[], delta: number): void {
    this.child(values, newValue).value += delta;
  }

  value(values: readonly string[]): number {
    return this.children.get(values.join(KEY_SEPARATOR))?.child.value ?? 0;
  }

  protected writeChild(out: string[], labels: string[], child: { value: number }): void {
    out.push(sample(this.name, labels, child.value));
  }
}

interface HistogramChild {
  /** counts are per bucket, not cumulative; the last one is +Inf's. */
  counts: number[];
  sum: number;
  count: number;
}

/** HistogramVec is a histogram per combination of label values, over fixed upper bounds. */
export class HistogramVec extends Vec<HistogramChild> {
  constructor(opts: MetricOpts, readonly buckets: readonly number[]) {
    super(opts, 'histogram');
  }

  observe(values: readonly string[], v: number): void {
    const h = this.child(values, newHistogram);
    let i = 0;
    while (i < this.buckets.length && v > this.buckets[i]) i++;
    h.counts[i]++;
    h.sum += v;
    h.count++;
  }

  /** count reads how many observations one child has. */
  count(values: readonly string[]): number {
    return this.children.get(values.join(KEY_SEPARATOR))?.child.count ?? 0;
  }

  /** sum reads the total of one child's observations. */
  sum(values: readonly string[]): number {
    return this.children.get(values.join(KEY_SEPARATOR))?.child.sum ?? 0;
  }

  protected writeChild(out: string[], labels: string[], child: HistogramChild): void {
    let cumulative = 0;
    for (let i = 0; i <= this.buckets.length; i++) {
      cumulative += child.counts[i];
      const le = i < this.buckets.length ? formatFloat(this.buckets[i]) : '+Inf';
      out.push(sample(`${this.name}_bucket`, [...labels, `le="${le}"`], cumulative));
    }
    out.push(sample(`${this.name}_sum`, labels, child.sum), sample(`${this.name}_count`, labels, child.count));
  }
}

/** render writes families as one exposition: sorted by name, empty ones left out. */
export function render(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of [...families].sort((a, b) => compare(a.name, b.name))) f.write(out);
  return out.join('');
}

function sample(name: string, labels: readonly string[], value: number): string {
  return `${name}${labels.length ? `{${labels.join(',')}}` : ''} ${formatFloat(value)}\n`;
}

/** compare orders strings bytewise, as Go compares them (label values here are ASCII). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** escapeHelp is expfmt's escaping of HELP text: backslash and newline. */
function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** escapeLabel is expfmt's escaping of label values: backslash, double quote and newline. */
function escapeLabel(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * formatFloat is expfmt's writeFloat: Go's strconv.FormatFloat(v, 'g', -1, 64),
 * the shortest digits that read back as v, in %e form when the exponent is below
 * -4 or at least 6 (`1e+06`, `1.5e-05`), with NaN and ±Inf spelled as Go does.
 */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // toExponential() without digits gives the shortest round-trip digits, as Go's shortest formatting does.
  const [mantissa, exp] = v.toExponential().split('e');
  const e = Number(exp);
  const neg = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (e < -4 || e >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${frac}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}
