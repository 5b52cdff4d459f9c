import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CounterVec, GaugeVec, HistogramVec, formatFloat, render } from './exposition';

// Go: strconv.FormatFloat(v, 'g', -1, 64), which expfmt's writeFloat uses.
const floats: [number, string][] = [
  [0, '0'], [1, '1'], [-1, '-1'], [42, '42'], [0.005, '0.005'], [0.1, '0.1'], [2.5, '2.5'], [60, '60'],
  [123456, '123456'], [1e6, '1e+06'], [1234567, '1.234567e+06'], [1.7e9, '1.7e+09'], [1795362296.76, '1.79536229676e+09'],
  [0.0001, '0.0001'], [0.00001, '1e-05'], [0.000045, '4.5e-05'], [0.3, '0.3'], [1 / 3, '0.3333333333333333'],
  [-0.25, '-0.25'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'], [2 ** 53, '9.007199254740992e+15'],
];
for (const [v, want] of floats) {
  test(`formatFloat(${v}) is ${want}, as Go prints it`, () => assert.equal(formatFloat(v), want));
}

test('a counter family has HELP with its stability level, TYPE, and children sorted by label values with labels in name order', () => {
  const c = new CounterVec({ name: 'requests_total', help: 'Requests.', stability: 'STABLE', labels: ['verb', 'code'] });
  c.inc(['POST', '201']);
  c.inc(['GET', '200'], 2);
  c.inc(['GET', '404']);
  c.inc(['GET', '200']);
  assert.equal(render([c]), [
    '# HELP requests_total [STABLE] Requests.',
    '# TYPE requests_total counter',
    'requests_total{code="200",verb="GET"} 3',
    'requests_total{code="201",verb="POST"} 1',
    'requests_total{code="404",verb="GET"} 1',
    '',
  ].join('\n'));
});

test('a histogram writes cumulative buckets with le last, then _sum and _count', () => {
  const h = new HistogramVec({ name: 'latency_seconds', help: 'Latency.', stability: 'ALPHA', labels: ['op'] }, [0.005, 0.1, 1]);
  for (const v of [0.001, 0.005, 0.05, 3]) h.observe(['get'], v);
  assert.equal(render([h]), [
    '# HELP latency_seconds [ALPHA] Latency.',
    '# TYPE latency_seconds histogram',
    'latency_seconds_bucket{op="get",le="0.005"} 2',
    'latency_seconds_bucket{op="get",le="0.1"} 3',
    'latency_seconds_bucket{op="get",le="1"} 3',
    'latency_seconds_bucket{op="get",le="+Inf"} 4',
    'latency_seconds_sum{op="get"} 3.056',
    'latency_seconds_count{op="get"} 4',
    '',
  ].join('\n'));
});

test('families come sorted by name; one without children is left out; one without a stability level keeps its help as given', () => {
  const b = new GaugeVec({ name: 'b_gauge', help: 'B.', stability: 'ALPHA', labels: ['x'] });
  const a = new GaugeVec({ name: 'a_gauge', help: 'A.' });
  const empty = new CounterVec({ name: 'aa_total', help: 'Never counted.', stability: 'ALPHA', labels: ['x'] });
  b.set(['1'], -1);
  a.set([], 1712345678.91);
  assert.equal(render([b, empty, a]), '# HELP a_gauge A.\n# TYPE a_gauge gauge\na_gauge 1.71234567891e+09\n# HELP b_gauge [ALPHA] B.\n# TYPE b_gauge gauge\nb_gauge{x="1"} -1\n');
});

test('label values escape backslash, quote and newline; help escapes backslash and newline', () => {
  const g = new GaugeVec({ name: 'g', help: 'a\\b\nc "q"', labels: ['v'] });
  g.set(['C:\\x "y"\nz'], 1);
  assert.equal(render([g]), '# HELP g a\\\\b\\nc "q"\n# TYPE g gauge\ng{v="C:\\\\x \\"y\\"\\nz"} 1\n');
});

test('reset forgets every child, so the family disappears until counted again', () => {
  const c = new CounterVec({ name: 'c_total', help: 'C.', labels: ['x'] });
  c.inc(['a']);
  c.reset();
  assert.equal(render([c]), '');
  assert.equal(c.value(['a']), 0);
});

test('a child is refused the wrong number of label values: a bug, so it throws', () => {
  const c = new CounterVec({ name: 'c_total', help: 'C.', labels: ['x', 'y'] });
  assert.throws(() => c.inc(['a']), /c_total: 1 label values for 2 labels/);
});
