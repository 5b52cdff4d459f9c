import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeJson, isPrettyPrint, negotiate, notAcceptable, parseAccept } from './negotiation';

/** What `kubectl get` sends (k8s.io/kubectl/pkg/cmd/get/get.go transformRequests). */
const KUBECTL_GET = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const tables = (to: { kind: string; group: string; version: string }): boolean => to.kind === 'Table' && to.group === 'meta.k8s.io';

test('clauses sort by q, then concrete types, then more parameters, keeping the header order on ties (goautoneg)', () => {
  const order = parseAccept('*/*;q=0.5, text/*, application/json, application/json;as=Table;g=meta.k8s.io;v=v1, bad, application/yaml;q=0.9')
    .map((c) => `${c.type}/${c.subType}${c.params.as ? `;as=${c.params.as}` : ''}`);
  assert.deepEqual(order, ['application/json;as=Table', 'application/json', 'text/*', 'application/yaml', '*/*']);
});

const cases: [name: string, accept: string | undefined, canConvert: typeof tables, expected: ReturnType<typeof negotiate>][] = [
  ['no Accept is JSON', undefined, tables, { mediaType: 'application/json', pretty: false }],
  ['kubectl get takes a v1 Table when the endpoint converts', KUBECTL_GET, tables, { mediaType: 'application/json', convert: { kind: 'Table', group: 'meta.k8s.io', version: 'v1' }, pretty: false }],
  ['kubectl get falls back to plain JSON when the endpoint does not convert', KUBECTL_GET, () => false, { mediaType: 'application/json', pretty: false }],
  ['protobuf is answered in JSON', 'application/vnd.kubernetes.protobuf,application/json', tables, { mediaType: 'application/json', pretty: false }],
  ['aggregated discovery falls back to the legacy documents', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json', () => false, { mediaType: 'application/json', pretty: false }],
  ['YAML is served', 'application/yaml', tables, { mediaType: 'application/yaml', pretty: false }],
  ['a pretty=1 clause asks for indentation', 'application/json;pretty=1', tables, { mediaType: 'application/json', pretty: true }],
  ['anything goes with */*', '*/*', tables, { mediaType: 'application/json', pretty: false }],
  ['text/html alone is not acceptable', 'text/html', tables, undefined],
];
for (const [name, accept, canConvert, expected] of cases) test(name, () => assert.deepEqual(negotiate(accept, canConvert), expected));

test('the 406 lists upstream\'s media types (negotiation/errors.go errNotAcceptable)', () => {
  assert.deepEqual(notAcceptable(), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf', reason: 'NotAcceptable', code: 406,
  });
});

test('JSON is encoding/json\'s: a compact line with its newline, or indented without one, HTML characters escaped', () => {
  assert.equal(encodeJson({ a: '<b> & c\u2028' }, false), '{"a":"\\u003cb\\u003e \\u0026 c\\u2028"}\n');
  assert.equal(encodeJson({ a: [1] }, true), '{\n  "a": [\n    1\n  ]\n}');
});

test('?pretty and human user agents get indented output (negotiation.isPrettyPrint)', () => {
  const q = (s: string): URLSearchParams => new URLSearchParams(s);
  assert.equal(isPrettyPrint(q(''), 'curl/8.5.0'), true);
  assert.equal(isPrettyPrint(q(''), 'Mozilla/5.0 (X11)'), true);
  assert.equal(isPrettyPrint(q('pretty=false'), 'curl/8.5.0'), false);
  assert.equal(isPrettyPrint(q('pretty=1'), 'kubectl/v1.32.4'), true);
  assert.equal(isPrettyPrint(q(''), 'kubectl/v1.32.4'), false);
});
