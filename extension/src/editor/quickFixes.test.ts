import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distance, suggestFields } from './fieldSuggestions';
import type { FixHint } from './findings';
import { parseManifestText } from './manifestDocuments';
import { quickFixes } from './quickFixes';
import type { TextEdit } from './yamlEdits';

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** fixed lists each fix's title and the text it leaves. */
function fixed(text: string, fix: FixHint): [string, string][] {
  const doc = parseManifestText(text).documents[0];
  return quickFixes(doc, fix).map((f) => [f.title, applyEdits(text, f.edits)]);
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const DEPLOYMENT = lines(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  replicaz: 3',
  '  selector:',
  '    matchLabels:',
  '      app: web',
  '      tier: front',
  '  template:',
  '    metadata:',
  '      labels:',
  '        app: web2',
  '    spec:',
  '      containers:',
  '        - name: nginx',
  '          imagex: nginx',
  '          resources:',
  '            requests:',
  '              cpu: 200m',
  '        - name: side',
  '          image:',
);

void test('suggests the schema\'s closest property names for an unknown field', () => {
  assert.deepEqual(suggestFields('apps/v1', 'Deployment', 'spec.replicaz'), ['replicas']);
  assert.deepEqual(suggestFields('apps/v1', 'Deployment', 'spec.template.spec.containers[0].imagex'), ['image']);
  assert.deepEqual(suggestFields('v1', 'Pod', 'spec.containers[0].imagepullpolicy'), ['imagePullPolicy']);
  assert.deepEqual(suggestFields('v1', 'Pod', 'spec.zzzzzzzzzz'), []);
  assert.deepEqual(suggestFields('example.com/v1', 'Widget', 'spec.foo'), []);
  assert.equal(distance('replicaz', 'replicas'), 1);
  assert.equal(distance('imgae', 'image'), 1);
});

void test('renames an unknown field to the closest property, or removes it', () => {
  const fixes = fixed(DEPLOYMENT, { kind: 'unknownField', path: 'spec.template.spec.containers[0].imagex' });
  assert.deepEqual(fixes.map(([title]) => title), ['Did you mean "image"? Change "imagex" to "image"', 'Remove the unknown field "imagex"']);
  assert.match(fixes[0][1], /^ {10}image: nginx$/m);
  assert.doesNotMatch(fixes[1][1], /imagex/);
  assert.match(fixes[1][1], /- name: nginx\n {10}resources:/);
});

void test('makes a selector and its pod template\'s labels agree, either way', () => {
  const [copy, match] = fixed(DEPLOYMENT, { kind: 'selectorMismatch' });
  assert.equal(copy[0], 'Copy the selector\'s labels to the pod template');
  assert.match(copy[1], /\n {6}labels:\n {8}app: web\n {8}tier: front\n {4}spec:/);
  assert.equal(match[0], 'Make the selector match the pod template\'s labels');
  assert.match(match[1], /\n {4}matchLabels:\n {6}app: web2\n {2}template:/);
  const flow = lines('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: w}', 'spec:', '  selector:', '    matchLabels: {app: w}', '  template:', '    metadata:', '      labels: {tier: x}');
  // A flow mapping can take a label but cannot lose one cleanly: only the copy is offered.
  assert.deepEqual(fixed(flow, { kind: 'selectorMismatch' }).map(([t, out]) => [t, out.split('\n')[8]]), [['Copy the selector\'s labels to the pod template', '      labels: {tier: x, app: w}']]);
});

void test('adds a missing required field as a skeleton', () => {
  const cases: [string, string, string, RegExp][] = [
    ['a missing key in a list item', DEPLOYMENT, 'spec.template.spec.containers[0].image', /cpu: 200m\n {10}image: nginx:1\.27\n {8}- name: side/],
    ['a key without a value', DEPLOYMENT, 'spec.template.spec.containers[1].image', /- name: side\n {10}image: nginx:1\.27\n$/],
    ['a list of containers', lines('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', '  restartPolicy: Always'), 'spec.containers', /restartPolicy: Always\n {2}containers:\n {4}- name: app\n {6}image: nginx:1\.27\n$/],
    ['a service port', lines('apiVersion: v1', 'kind: Service', 'metadata:', '  name: s', 'spec:', '  ports:', '  - name: http'), 'spec.ports[0].port', /- name: http\n {4}port: 80\n$/],
    ['a field from the schema', lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  labels: {}'), 'metadata.name', /^metadata:\n {2}labels: \{\}\n {2}name: my-configmap\n$/m],
  ];
  for (const [name, text, path, want] of cases) {
    const fixes = fixed(text, { kind: 'required', path });
    assert.equal(fixes.length, 1, name);
    assert.match(fixes[0][1], want, name);
  }
});

void test('adds a selector from the template\'s labels, nesting inserts that end at one place in order', () => {
  const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: nginx';
  const [[title, out]] = fixed(text, { kind: 'required', path: 'spec.selector' });
  assert.equal(title, 'Add spec.selector matching the pod template\'s labels');
  assert.equal(out, `${text}\n    metadata:\n      labels:\n        app: web\n  selector:\n    matchLabels:\n      app: web`);
  const parsed = parseManifestText(out).documents[0].object as unknown as { spec: { selector: unknown; template: { metadata: unknown } } };
  assert.deepEqual(parsed.spec.selector, { matchLabels: { app: 'web' } });
  assert.deepEqual(parsed.spec.template.metadata, { labels: { app: 'web' } });
});

void test('adds the resource requests and limits a quota or policy requires, next to what the container has', () => {
  const fix: FixHint = { kind: 'resources', containers: ['spec.template.spec.containers[0]', 'spec.template.spec.containers[1]'], need: ['requests.cpu', 'limits.cpu', 'limits.memory'] };
  const [[first, withLimits], [second, sideLimits]] = fixed(DEPLOYMENT, fix);
  assert.equal(first, 'Add requests.cpu, limits.cpu, limits.memory to container "nginx"');
  // The existing request stays, and the new limit matches it rather than undercutting it.
  assert.match(withLimits, / {12}requests:\n {14}cpu: 200m\n {12}limits:\n {14}cpu: 200m\n {14}memory: 256Mi\n {8}- name: side/);
  assert.equal(second, 'Add requests.cpu, limits.cpu, limits.memory to container "side"');
  assert.match(sideLimits, /image:\n {10}resources:\n {12}requests:\n {14}cpu: 100m\n {12}limits:\n {14}cpu: 500m\n {14}memory: 256Mi\n$/);
  const bounded = fixed(DEPLOYMENT, { kind: 'resources', containers: ['spec.template.spec.containers[1]'], need: ['limits.cpu'], values: { 'limits.cpu': '1' } });
  assert.match(bounded[0][1], /limits:\n {14}cpu: 1\n$/);
});

void test('pins an image, and offers to start the lab', () => {
  const text = lines('apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec:', '  containers:', '  - {name: a, image: "nginx:latest"}');
  assert.deepEqual(fixed(text, { kind: 'imageTag', path: 'spec.containers[0].image', image: 'nginx:1.27' }), [['Pin the image to nginx:1.27', text.replace('"nginx:latest"', 'nginx:1.27')]]);
  const doc = parseManifestText(text).documents[0];
  assert.deepEqual(quickFixes(doc, { kind: 'startLab' }), [{ title: 'Start KubeLab', edits: [], command: 'kubelab.start', preferred: true }]);
  assert.deepEqual(quickFixes(doc, { kind: 'switchCluster' }), [{ title: 'Switch Cluster…', edits: [], command: 'kubelab.switchCluster', preferred: true }], 'a context out of reach is connected by picking it again');
});
