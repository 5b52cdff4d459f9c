/**
 * The JSONPath templates a CRD's printer columns run, against the cases of
 * k8s.io/client-go/util/jsonpath (v0.32.0) jsonpath_test.go (TestJSONInput,
 * TestKubernetes, TestNegativeIndex, TestStep) and parser_test.go (TestFailParser).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findResults, printResult } from './jsonpath';
import { parseJsonPath } from './jsonpathParser';

/** execute is JSONPath.Execute for templates without `range`: each value printed, space-separated. */
function execute(template: string, data: unknown): string {
  const parsed = parseJsonPath(template);
  if ('error' in parsed) return `parse error: ${parsed.error}`;
  const found = findResults(parsed.root, data);
  if ('error' in found) return `error: ${found.error}`;
  return found.results.map((values) => values.map(printResult).join(' ')).join('');
}

const points = [
  { id: 'i1', x: 4, y: -5 }, { id: 'i2', x: -2, y: -5, z: 1 }, { id: 'i3', x: 8, y: 3 }, { id: 'i4', x: -6, y: -1 },
  { id: 'i5', x: 0, y: 2, z: 1 }, { id: 'i6', x: 1, y: 4 },
];

const nodes = {
  kind: 'List',
  items: [
    { kind: 'None', metadata: { name: '127.0.0.1', labels: { 'kubernetes.io/hostname': '127.0.0.1' } }, status: { capacity: { cpu: '4' }, ready: true, addresses: [{ type: 'LegacyHostIP', address: '127.0.0.1' }] } },
    { kind: 'None', metadata: { name: '127.0.0.2', labels: { 'kubernetes.io/hostname': '127.0.0.2' } }, status: { capacity: { cpu: '8' }, ready: false, addresses: [{ type: 'LegacyHostIP', address: '127.0.0.2' }, { type: 'another', address: '127.0.0.3' }] } },
  ],
  users: [{ name: 'myself', user: {} }, { name: 'e2e', user: { username: 'admin', password: 'secret' } }],
};

const pod = { spec: { containers: ['fake0', 'fake1', 'fake2', 'fake3'].map((name) => ({ image: 'radial/busyboxplus:curl', name })) } };

test('jsonpath finds fields, indices, slices, filters and unions as client-go does', () => {
  const cases: [string, unknown, string][] = [
    ['{[?(@.z)].id}', points, 'i2 i5'],
    ['{[0][\'id\']}', points, 'i1'],
    ['{[?(@.x<0)].id}', points, 'i2 i4'],
    ['{[?(@.y>=3)].id}', points, 'i3 i6'],
    ['{.items[*].status.addresses[*].address}', nodes, '127.0.0.1 127.0.0.2 127.0.0.3'],
    ['{.items[*].metadata.name}', nodes, '127.0.0.1 127.0.0.2'],
    ['{.items[*][\'metadata.name\', \'status.capacity\']}', nodes, '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'],
    ['{.users[?(@.name=="e2e")].user.password}', nodes, 'secret'],
    ['{.items[0].metadata.labels.kubernetes\\.io/hostname}', nodes, '127.0.0.1'],
    ['{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', nodes, 'None'],
    ['{.items[?(@..ready==true)].metadata.name}', nodes, '127.0.0.1'],
    ['{.spec.containers[0].name}', pod, 'fake0'],
    ['{.spec.containers[0:0].name}', pod, ''],
    ['{.spec.containers[0:-1].name}', pod, 'fake0 fake1 fake2'],
    ['{.spec.containers[-1].name}', pod, 'fake3'],
    ['{.spec.containers[-1:].name}', pod, 'fake3'],
    ['{.spec.containers[-2].name}', pod, 'fake2'],
    ['{.spec.containers[0:4:2].name}', pod, 'fake0 fake2'],
    ['{.spec.containers[*].name}', pod, 'fake0 fake1 fake2 fake3'],
    ['{.spec.missing.deeper}', pod, ''],
  ];
  for (const [template, data, want] of cases) assert.equal(execute(template, data), want, template);
});

test('jsonpath evaluation errors: out of range, bad steps, mismatched comparisons', () => {
  const cases: [string, unknown, string][] = [
    ['{.spec.containers[-1:0].name}', pod, 'error: starting index 3 is greater than ending index 0'],
    ['{.spec.containers[9].name}', pod, 'error: array index out of bounds: index 9, length 4'],
    ['{.spec.containers[0:2:0].name}', pod, 'error: step must be > 0'],
    ['{[?(@.x=="4")].id}', points, 'error: incompatible types for comparison'],
    ['{[?(@.x==1.5)].id}', points, 'error: incompatible types for comparison'],
    ['{.kind[0]}', nodes, 'error: string is not array or slice'],
    ['{.spec.containers[0].name}{range .x}', pod, 'error: range is not supported here'],
  ];
  for (const [template, data, want] of cases) assert.equal(execute(template, data), want, template);
});

test('jsonpath parse errors carry upstream wording (TestFailParser)', () => {
  const cases: [string, string][] = [
    ['{.hello', 'unclosed action'],
    ['{*}', "unrecognized character in action: U+002A '*'"],
    ['{+12.3.0}', 'cannot parse number +12.3.0'],
    ['{[1}', 'unterminated array'],
    ['{[?(.price]}', 'unterminated filter'],
    ['{........}', 'invalid multiple recursive descent'],
  ];
  for (const [template, want] of cases) assert.deepEqual(parseJsonPath(template), { error: want }, template);
});

test('printResult writes maps and lists as encoding/json does, scalars as fmt.Sprint, null as <no value>', () => {
  const cases: [unknown, string][] = [
    [{ b: 1, a: '<x>' }, '{"a":"\\u003cx\\u003e","b":1}'], [[1, 'two'], '[1,"two"]'], ['text', 'text'], [3, '3'], [1.5, '1.5'],
    [1e6 + 0.5, '1.0000005e+06'], [true, 'true'], [null, '<no value>'],
  ];
  for (const [value, want] of cases) assert.equal(printResult(value), want, String(want));
});
