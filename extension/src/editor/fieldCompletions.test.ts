import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CustomResourceDefinition } from '../lab/apiserver/apiextensions/types';
import { CrdSchemas } from './crdSchemas';
import { builtinKinds, completeAt, snippetFor } from './fieldCompletions';
import { hoverMarkdown } from './fieldHover';
import { nodeAt, schemaFor } from './schemaAt';
import { cursorAt, fieldAt } from './yamlCursor';

const SERVED = [
  { apiVersion: 'v1', kind: 'Pod' }, { apiVersion: 'v1', kind: 'Service' }, { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' }, { apiVersion: 'batch/v1', kind: 'Job' },
];

/** complete runs completion where `‸` marks the cursor. */
function complete(marked: string, crds?: CrdSchemas) {
  const offset = marked.indexOf('‸');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const before = text.slice(0, offset).split('\n');
  const ctx = cursorAt(text, before.length - 1, before[before.length - 1].length);
  return ctx ? completeAt(ctx, { served: SERVED, ...(crds ? { crds } : {}) }) : [];
}

const DEPLOYMENT_SPEC = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  ‸\n';

test('property names come with type, required marker, description and a snippet', () => {
  const items = complete(DEPLOYMENT_SPEC);
  const labels = items.map((i) => i.label);
  assert.ok(labels.includes('replicas'));
  assert.ok(!labels.includes('selector'), 'keys already written are not offered');
  const replicas = items.find((i) => i.label === 'replicas')!;
  assert.equal(replicas.detail, 'integer');
  assert.equal(replicas.insert, 'replicas: $0');
  assert.match(replicas.documentation!, /^Number of desired pods\..*\n\nDefault: `1`$/s);
  const template = items.find((i) => i.label === 'template')!;
  assert.equal(template.detail, 'PodTemplateSpec (required)');
  assert.equal(template.insert, 'template:\n\t$0');
  assert.ok(template.sortText < replicas.sortText, 'required fields sort first');
});

test('snippets write the nested block a field needs', () => {
  const pod = schemaFor('v1', 'Pod')!;
  const cases: [string[], string][] = [
    [['spec', 'containers'], 'containers:\n\t- name: $1\n\t  $0'],
    [['spec', 'nodeSelector'], 'nodeSelector:\n\t$0'],
    [['spec', 'containers', 'args'], 'args:\n\t- $0'],
    [['spec', 'containers', 'imagePullPolicy'], 'imagePullPolicy: '],
    [['spec', 'hostNetwork'], 'hostNetwork: '],
    [['spec', 'containers', 'env', 'valueFrom', 'fieldRef'], 'fieldRef:\n\tfieldPath: $1\n\t$0'],
  ];
  for (const [path, snippet] of cases) assert.equal(snippetFor(path[path.length - 1], nodeAt(pod, path)!), snippet, path.join('.'));
});

test('enum and boolean fields retrigger completion for their values', () => {
  const items = complete('apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    ‸');
  assert.equal(items.find((i) => i.label === 'imagePullPolicy')?.retrigger, true);
  assert.equal(items.find((i) => i.label === 'stdin')?.retrigger, true);
  assert.equal(items.find((i) => i.label === 'image')?.retrigger, false);
  assert.ok(!items.some((i) => i.label === 'name'));
});

test('values: enums, booleans, and quoted when YAML would read them otherwise', () => {
  const cases: [string, string[]][] = [
    ['apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    imagePullPolicy: ‸', ['Always', 'IfNotPresent', 'Never']],
    ['apiVersion: v1\nkind: Pod\nspec:\n  restartPolicy: ‸', ['Always', 'Never', 'OnFailure']],
    ['apiVersion: v1\nkind: Service\nspec:\n  type: ‸', ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']],
    ['apiVersion: v1\nkind: Service\nspec:\n  ports:\n  - port: 80\n    protocol: ‸', ['SCTP', 'TCP', 'UDP']],
    ['apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: ‸', ['true', 'false']],
    ['apiVersion: v1\nkind: PersistentVolumeClaim\nspec:\n  accessModes:\n  - ‸', ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod']],
    ['apiVersion: v1\nkind: Pod\nspec:\n  replicas: ‸', []],
  ];
  for (const [marked, labels] of cases) assert.deepEqual(complete(marked).map((i) => i.label), labels, marked);
  const hostPath = complete('apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n  - name: a\n    hostPath:\n      type: ‸');
  assert.deepEqual(hostPath.slice(0, 2).map((i) => [i.label, i.insert]), [['""', '""'], ['BlockDevice', 'BlockDevice']]);
});

test('apiVersion and kind values come from what the cluster serves', () => {
  assert.deepEqual(complete('apiVersion: ‸').map((i) => i.label), ['v1', 'apps/v1', 'batch/v1']);
  assert.deepEqual(complete('apiVersion: ‸\nkind: Deployment').map((i) => i.label), ['apps/v1']);
  assert.deepEqual(complete('apiVersion: apps/v1\nkind: ‸').map((i) => i.label), ['Deployment', 'StatefulSet']);
  assert.match(complete('apiVersion: apps/v1\nkind: ‸')[0].documentation!, /^Deployment enables declarative updates/);
  assert.deepEqual(complete('‸').map((i) => [i.label, i.insert, i.retrigger]), [['apiVersion', 'apiVersion: ', true], ['kind', 'kind: ', true]]);
  const builtins = builtinKinds();
  assert.ok(builtins.some((k) => k.apiVersion === 'apps/v1' && k.kind === 'Deployment'));
  assert.ok(!builtins.some((k) => k.kind === 'Scale' || k.kind === 'Binding' || /alpha|beta/.test(k.apiVersion)));
});

test('top-level keys leave out status', () => {
  const labels = complete('apiVersion: v1\nkind: ConfigMap\n‸').map((i) => i.label);
  assert.deepEqual(labels.sort(), ['binaryData', 'data', 'immutable', 'metadata']);
});

test('custom resources complete from their CRD', () => {
  const crds = new CrdSchemas();
  crds.set({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', required: ['size'], properties: { size: { type: 'string', enum: ['S', 'M', 'L'], description: 'How big.' } } } } } } }],
    },
  } satisfies CustomResourceDefinition);
  assert.deepEqual(complete('apiVersion: example.com/v1\nkind: Widget\n‸', crds).map((i) => i.label), ['metadata', 'spec']);
  const size = complete('apiVersion: example.com/v1\nkind: Widget\nspec:\n  ‸', crds)[0];
  assert.deepEqual([size.label, size.detail, size.documentation], ['size', 'string (required)', 'How big.']);
  assert.deepEqual(complete('apiVersion: example.com/v1\nkind: Widget\nspec:\n  size: ‸', crds).map((i) => i.label), ['S', 'M', 'L']);
});

test('hover shows the path, type, description, values and default', () => {
  const text = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: a\n        imagePullPolicy: Never\n  selector:\n    matchLabels:\n      app: web\n';
  const hover = (line: number, character: number) => hoverMarkdown(fieldAt(text, line, character)!);
  assert.equal(hover(3, 3), '**replicas** `integer`\n\n`Deployment.spec.replicas` (apps/v1)\n\nNumber of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.\n\nDefault: `1`');
  const pull = hover(8, 10)!;
  assert.match(pull, /^\*\*imagePullPolicy\*\* `string`\n\n`Deployment\.spec\.template\.spec\.containers\.imagePullPolicy` \(apps\/v1\)\n\nImage pull policy\./);
  assert.match(pull, /\n\nValues: `Always` · `IfNotPresent` · `Never`\n\nDefault: `IfNotPresent` when the image's tag is not `latest`; `Always` for `:latest` or no tag$/);
  assert.match(hover(7, 8)!, /^\*\*name\*\* `string` · \*\*required\*\*/);
  assert.match(hover(11, 6)!, /^\*\*app\*\* `string` — a key of `Deployment\.spec\.selector\.matchLabels` `map\[string\]string`\n\nmatchLabels is a map/);
  assert.equal(hoverMarkdown(fieldAt('apiVersion: v1\nkind: Nope\nspec: {}', 2, 1)!), undefined);
});
