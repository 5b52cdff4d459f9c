import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBody, decodeFailure, summarizeData, unsupportedMediaType } from './body';

const bytes = (s: string): Buffer => Buffer.from(s);

test('JSON and YAML bodies decode; YAML 1.1 reads yes as true and keeps timestamps as strings (sigs.k8s.io/yaml)', () => {
  assert.deepEqual(decodeBody(bytes('{"a":1}'), 'application/json; charset=utf-8', true), { body: { a: 1 } });
  assert.deepEqual(decodeBody(bytes('{"a":1}'), undefined, true), { body: { a: 1 } });
  assert.deepEqual(decodeBody(bytes('a: yes\nt: 2024-01-01T00:00:00Z\n---\nb: 2\n'), 'application/yaml', true), { body: { a: true, t: '2024-01-01T00:00:00Z' } });
});

test('a malformed JSON body is transformDecodeError\'s 400, naming the kind and summarizing the body (endpoints/handlers/rest.go)', () => {
  const raw = bytes('{"metadata": {"name": x}}');
  const decoded = decodeBody(raw, 'application/json', true);
  assert.deepEqual(decoded, { decodeError: 'couldn\'t get version/kind; json parse error: invalid character \'x\' looking for beginning of value' });
  assert.deepEqual(decodeFailure('create', 'Namespace', decoded.decodeError, raw), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', code: 400,
    message: 'the object provided is unrecognized (must be of type Namespace): couldn\'t get version/kind; json parse error: invalid character \'x\' looking for beginning of value ({"metadata": {"name": x}})',
  });
});

test('an empty body is no body where it is optional, and unexpected end of input where an object is required', () => {
  assert.deepEqual(decodeBody(Buffer.alloc(0), 'application/json', false), { body: undefined });
  assert.deepEqual(decodeBody(Buffer.alloc(0), undefined, true), { decodeError: 'couldn\'t get version/kind; json parse error: unexpected end of JSON input' });
});

test('summarizeData shows a body starting with { as text and anything else as hex, cut at 30 bytes', () => {
  assert.equal(summarizeData(Buffer.alloc(0), 30), '<empty>');
  assert.equal(summarizeData(bytes('{"kind":"Namespace","apiVersion":"v1"}'), 30), '{"kind":"Namespace","apiVersio ...');
  assert.equal(summarizeData(bytes('[1]'), 30), '5b315d');
});

test('unknown body types are a 415 listing the decodable types', () => {
  assert.deepEqual(decodeBody(bytes('x'), 'text/plain', true), { unsupported: unsupportedMediaType() });
  assert.equal(unsupportedMediaType().message, 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
});

test('malformed YAML is go-yaml\'s conversion error', () => {
  const decoded = decodeBody(bytes('a: [1'), 'application/yaml', true);
  assert.ok('decodeError' in decoded && decoded.decodeError.startsWith('error converting YAML to JSON: yaml: line 1: '), JSON.stringify(decoded));
});
