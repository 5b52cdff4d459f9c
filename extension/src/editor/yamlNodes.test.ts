import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldPath, leadingFieldPath, parseFieldPath } from './fieldPath';
import { parseManifestText } from './manifestDocuments';
import { type Placement, rangeForPath } from './yamlNodes';

void test('parses upstream field paths into fields, indexes and keys', () => {
  const cases: [string, ReturnType<typeof parseFieldPath>][] = [
    ['spec.replicas', [{ field: 'spec' }, { field: 'replicas' }]],
    ['spec.template.spec.containers[0].image', [{ field: 'spec' }, { field: 'template' }, { field: 'spec' }, { field: 'containers' }, { bracket: '0' }, { field: 'image' }]],
    ['metadata.labels[app.kubernetes.io/name]', [{ field: 'metadata' }, { field: 'labels' }, { bracket: 'app.kubernetes.io/name' }]],
    ['.spec.foo', [{ field: 'spec' }, { field: 'foo' }]],
    ['', []],
  ];
  for (const [path, want] of cases) {
    assert.deepEqual(parseFieldPath(path), want, path);
    if (path && !path.startsWith('.')) assert.equal(formatFieldPath(want), path);
  }
});

void test('finds the field path a message starts with, and only a path', () => {
  assert.equal(leadingFieldPath('spec.template.spec.containers[0].resources.limits[memory]: fractional byte value "1.5" is invalid'), 'spec.template.spec.containers[0].resources.limits[memory]');
  assert.equal(leadingFieldPath('metadata.name: Invalid value'), 'metadata.name');
  assert.equal(leadingFieldPath('Warning: something'), undefined);
  assert.equal(leadingFieldPath('policy/v1beta1 PodDisruptionBudget is deprecated'), undefined);
});

const DEPLOYMENT = `# a comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  selector:
    matchLabels:
      app: web
  template:
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          imagePullPolicy:
`;

void test('places a diagnostic on the key or value its field path names', () => {
  const doc = parseManifestText(DEPLOYMENT).documents[0];
  const cases: [string, Placement, string][] = [
    ['spec.template.spec.containers[0].image', 'value', 'nginx:1.27'],
    ['spec.template.spec.containers[0].image', 'key', 'image'],
    // A mapping value is marked by its key, not by the whole block.
    ['spec.selector', 'value', 'selector'],
    // A key with no value is marked by the key.
    ['spec.template.spec.containers[0].imagePullPolicy', 'value', 'imagePullPolicy'],
    // Missing fields land on the deepest key that exists: upstream names the parent.
    ['spec.template.metadata.labels', 'key', 'template'],
    ['spec.replicas', 'value', 'spec'],
    // A missing field in a list item lands on the item's first line.
    ['spec.template.spec.containers[0].ports', 'key', 'name: nginx'],
    ['metadata.labels[app]', 'value', 'web'],
    // Nothing of the path exists: the object's kind.
    ['status.phase', 'value', 'Deployment'],
  ];
  for (const [path, placement, want] of cases) {
    const r = rangeForPath(doc.yaml, path, placement, DEPLOYMENT);
    assert.equal(DEPLOYMENT.slice(r.start, r.end), want, `${path} (${placement})`);
  }
});

void test('splits documents, keeps their spans, and reads ignore comments and syntax errors', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# kubelab: ignore\napiVersion: v1\nkind: Pod\n---\nkind: Secret\napiVersion: v1\nmetadata:\n  name: x\n  name: y\n';
  const parsed = parseManifestText(text);
  assert.equal(parsed.kubernetes, true);
  assert.deepEqual(parsed.documents.map((d) => [d.object?.kind, d.ignored, d.errors.map((e) => e.code)]), [['ConfigMap', false, []], ['Pod', true, []], [undefined, false, ['DUPLICATE_KEY']]]);
  const dup = parsed.documents[2].errors[0];
  assert.equal(text.slice(dup.start, dup.end), 'name');
  assert.equal(dup.message, 'Map keys must be unique');
  assert.equal(parseManifestText('services:\n  web:\n    image: nginx\n').kubernetes, false);
});
