import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { Lab } from '../lab';
import { ResourceMapper, applyObject, objectRef, parseManifests } from './apply';

test('parses every document of a multi-document file with its starting line', () => {
  const { documents, errors } = parseManifests('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n# comment\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n');
  assert.deepEqual(errors, []);
  assert.deepEqual(documents.map((d) => [d.index, d.line, d.object.metadata.name]), [[0, 1, 'a'], [1, 7, 'b']]);
});

const broken: { name: string; text: string; index: number; line: number; message: RegExp }[] = [
  { name: 'a duplicate key in the second document', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n  name: c\n', index: 1, line: 10, message: /^Map keys must be unique/ },
  { name: 'a document without kind', text: 'apiVersion: v1\nmetadata:\n  name: a\n', index: 0, line: 1, message: /^error validating data: \[kind not set\]$/ },
  { name: 'a scalar document', text: 'just text\n', index: 0, line: 1, message: /not a Kubernetes object/ },
];

for (const b of broken) {
  test(`reports ${b.name} with its document and line`, () => {
    const { errors } = parseManifests(b.text);
    assert.ok(errors.length > 0);
    assert.equal(errors[0].index, b.index);
    assert.equal(errors[0].line, b.line);
    assert.match(errors[0].message, b.message);
  });
}

test('objectRef prints kubectl\'s resource/name form', () => {
  assert.equal(objectRef({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }), 'deployment.apps/web');
  assert.equal(objectRef({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }), 'pod/p');
});

test('apply creates, then reports unchanged, then configured', async () => {
  const clock = new ManualClock();
  const lab = new Lab({ nodes: 0, clock });
  await lab.start();
  const client = lab.client();
  const mapper = new ResourceMapper(client);
  const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    tier: a\n';
  const doc = parseManifests(text).documents[0];
  const first = await applyObject(client, mapper, doc);
  assert.ok('result' in first && first.result === 'created');
  const second = await applyObject(client, mapper, doc);
  assert.ok('result' in second && second.result === 'unchanged', JSON.stringify(second));
  const changed = parseManifests(text.replace('tier: a', 'tier: b')).documents[0];
  const third = await applyObject(client, mapper, changed);
  assert.ok('result' in third && third.result === 'configured');
  const unknown = parseManifests('apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n').documents[0];
  const fourth = await applyObject(client, mapper, unknown);
  assert.ok('error' in fourth);
  assert.match(typeof fourth.error === "string" ? fourth.error : "", /no matches for kind "Widget" in version "example.com\/v1"/);
  lab.stop();
});
