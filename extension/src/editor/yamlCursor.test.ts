import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cursorAt, documentAt, fieldAt, parseLine } from './yamlCursor';

/** at splits a text with one `‸` marking the cursor into the text and the cursor's line and character. */
function at(marked: string): [string, number, number] {
  const offset = marked.indexOf('‸');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const before = text.slice(0, offset).split('\n');
  return [text, before.length - 1, before[before.length - 1].length];
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports:
            - containerPort: 80
`;

test('parseLine reads dashes, plain and quoted keys, values and comments', () => {
  const cases: [string, Partial<ReturnType<typeof parseLine>>][] = [
    ['  replicas: 3 # three', { indent: 2, dashes: [], contentCol: 2, key: 'replicas', value: '3' }],
    ['    - name: nginx', { indent: 4, dashes: [4], contentCol: 6, key: 'name', value: 'nginx' }],
    ['  - - a', { dashes: [2, 4], contentCol: 6, key: undefined, content: 'a' }],
    ['  image: nginx:1.27', { key: 'image', value: 'nginx:1.27' }],
    ['  "app.kubernetes.io/name": web', { key: 'app.kubernetes.io/name', keyEnd: 26, value: 'web' }],
    ["  'it''s': \"a # b\" # c", { key: "it's", value: '"a # b"' }],
    ['  command: ["sh", "-c"]', { key: 'command', value: '["sh", "-c"]' }],
    ['  - http://example.com', { key: undefined, content: 'http://example.com' }],
    ['  template:', { key: 'template', value: '' }],
    ['  -', { dashes: [2], key: undefined, content: '' }],
    ['   # just a comment', { blank: true }],
    ['', { blank: true }],
  ];
  for (const [line, want] of cases) {
    const got = parseLine(line);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof typeof got], v, `${JSON.stringify(line)} ${k}`);
  }
});

test('documentAt finds the document around a line and its apiVersion and kind', () => {
  const lines = `apiVersion: v1\nkind: Namespace\n---\n# web\napiVersion: "apps/v1"\nkind: Deployment\nspec:\n  kind: nope\n`.split('\n');
  assert.deepEqual(documentAt(lines, 0), { startLine: 0, endLine: 2, apiVersion: 'v1', kind: 'Namespace' });
  assert.deepEqual(documentAt(lines, 6), { startLine: 3, endLine: 9, apiVersion: 'apps/v1', kind: 'Deployment' });
  assert.deepEqual(documentAt(lines, 2), { startLine: 3, endLine: 9, apiVersion: 'apps/v1', kind: 'Deployment' });
});

test('cursorAt gives the field path of the mapping a key is typed in', () => {
  const cases: [string, string[], string, string[]][] = [
    // [marked text, path, prefix, siblings]
    [DEPLOYMENT.replace('  replicas: 3\n', '  replicas: 3\n  re‸\n'), ['spec'], 're', ['replicas', 'selector', 'template']],
    [DEPLOYMENT.replace('      app: web\n', '      app: web\n    ‸\n'), ['spec', 'selector'], '', ['matchLabels']],
    [DEPLOYMENT.replace('          image: nginx:1.27\n', '          image: nginx:1.27\n          imagePu‸\n'), ['spec', 'template', 'spec', 'containers'], 'imagePu', ['name', 'image', 'ports']],
    [DEPLOYMENT.replace('            - containerPort: 80\n', '            - containerPort: 80\n              prot‸\n'), ['spec', 'template', 'spec', 'containers', 'ports'], 'prot', ['containerPort']],
    [`${DEPLOYMENT}‸`, [], '', ['apiVersion', 'kind', 'metadata', 'spec']],
    ['apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    ‸', ['spec', 'containers'], '', ['name']],
    ['apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  -\n    na‸', ['spec', 'containers'], 'na', []],
    ['apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n  ‸\n  volumes: []', ['spec'], '', ['containers', 'volumes']],
    ['apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  ‸\nspec: {}', ['metadata'], '', []],
  ];
  for (const [marked, path, prefix, siblings] of cases) {
    const ctx = cursorAt(...at(marked));
    assert.ok(ctx?.type === 'key', marked);
    assert.deepEqual(ctx.path, path, marked);
    assert.equal(ctx.prefix, prefix, marked);
    assert.deepEqual(ctx.siblings.sort(), siblings.sort(), marked);
    assert.equal(ctx.document.kind, marked.includes('kind: Pod') ? 'Pod' : 'Deployment');
  }
});

test('cursorAt after a dash points at the list, with the item\'s keys as siblings', () => {
  const ctx = cursorAt(...at(DEPLOYMENT.replace('        - name: nginx\n', '        - ‸\n          image: x\n        - name: nginx\n')));
  assert.ok(ctx?.type === 'key');
  assert.deepEqual(ctx.path, ['spec', 'template', 'spec', 'containers']);
  assert.equal(ctx.afterDash, true);
  assert.deepEqual(ctx.siblings, ['image']);
});

test('cursorAt in a value gives the field and the typed part', () => {
  const cases: [string, string[], string, number][] = [
    [DEPLOYMENT.replace('image: nginx:1.27\n', 'image: nginx:1.27\n          imagePullPolicy: If‸\n'), ['spec', 'template', 'spec', 'containers', 'imagePullPolicy'], 'If', 27],
    ['apiVersion: ‸', ['apiVersion'], '', 12],
    ['kind: "Dep‸"', ['kind'], 'Dep', 7],
    ['apiVersion: v1\nkind: Service\nspec:\n  ports:\n  - port: 80\n    protocol: ‸', ['spec', 'ports', 'protocol'], '', 14],
  ];
  for (const [marked, path, prefix, start] of cases) {
    const ctx = cursorAt(...at(marked));
    assert.ok(ctx?.type === 'value', marked);
    assert.deepEqual(ctx.path, path, marked);
    assert.equal(ctx.prefix, prefix, marked);
    assert.equal(ctx.start, start, marked);
  }
});

test('cursorAt offers nothing inside block scalars, comments, markers or right after a colon', () => {
  const cases = [
    'apiVersion: v1\nkind: ConfigMap\ndata:\n  script: |\n    ech‸',
    'apiVersion: v1\nkind: Pod\n# comm‸',
    'apiVersion: v1\nkind: Pod\n--‸-',
    'apiVersion: v1\nkind: Pod\nspec:‸',
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n    b‸',
  ];
  for (const marked of cases) assert.equal(cursorAt(...at(marked)), undefined, marked);
});

test('cursorAt marks a key that already has its colon', () => {
  const ctx = cursorAt(...at('apiVersion: v1\nkind: Pod\nspec:\n  rest‸artPolicy: Never\n'));
  assert.ok(ctx?.type === 'key');
  assert.equal(ctx.hasColon, true);
  assert.equal(ctx.prefix, 'rest');
  assert.deepEqual([ctx.start, ctx.end], [2, 15]);
});

test('fieldAt names the field of a key line, from its key or its value', () => {
  const lines = DEPLOYMENT.split('\n');
  const cases: [number, number, string[] | undefined][] = [
    [5, 4, ['spec', 'replicas']],
    [5, 13, ['spec', 'replicas']],
    [12, 12, ['spec', 'template', 'spec', 'containers', 'name']],
    [13, 12, ['spec', 'template', 'spec', 'containers', 'image']],
    [15, 16, ['spec', 'template', 'spec', 'containers', 'ports', 'containerPort']],
    [8, 7, ['spec', 'selector', 'matchLabels', 'app']],
    [0, 2, ['apiVersion']],
    [5, 1, undefined],
  ];
  for (const [line, character, path] of cases) {
    assert.deepEqual(fieldAt(DEPLOYMENT, line, character)?.path, path, lines[line]);
  }
  assert.deepEqual(fieldAt(DEPLOYMENT, 12, 12), { document: { startLine: 0, endLine: 17, apiVersion: 'apps/v1', kind: 'Deployment' }, path: ['spec', 'template', 'spec', 'containers', 'name'], keyStart: 10, keyEnd: 14 });
});
