import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ManualClock } from '../lab/clock';
import { Lab } from '../lab/lab';
import { applySources, deleteDocument, documentsOf, dryRunDocument, dryRunText, liveObject, objectYaml } from './manifestActions';

const NAMESPACE = { name: 'ns.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n' };
const CONFIG = { name: 'app/config.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: team\ndata:\n  mode: fast\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: team\n' };
const BROKEN = { name: 'app/broken.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n' };
const LIST = { name: 'list.json', text: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-list' } }] }) };

async function startLab() {
  const lab = new Lab({ nodes: 0, clock: new ManualClock() });
  await lab.start();
  return lab;
}

test('documentsOf expands Lists and picks one document by index', () => {
  assert.deepEqual(documentsOf(LIST).documents.map((d) => d.object.metadata.name), ['from-list']);
  assert.deepEqual(documentsOf(CONFIG, 1).documents.map((d) => d.object.metadata.name), ['other']);
  assert.deepEqual(documentsOf(BROKEN, 0).errors.map((e) => e.line), [5]);
});

test('applySources applies every source in order with kubectl\'s lines, refusing a file that does not parse', async () => {
  const lab = await startLab();
  try {
    const client = lab.client();
    const progress: string[] = [];
    const first = await applySources(client, [NAMESPACE, CONFIG, BROKEN, LIST], { onProgress: (m, done, total) => progress.push(`${done}/${total} ${m}`) });
    assert.deepEqual(first.lines, [
      'error: error parsing app/broken.yaml: document 1, line 5: Map keys must be unique at line 5, column 3:',
      'namespace/team created',
      'configmap/settings created',
      'configmap/other created',
      'configmap/from-list created',
    ]);
    assert.deepEqual([first.created, first.configured, first.unchanged, first.failed, first.refused.length], [4, 0, 0, 0, 1]);
    assert.deepEqual(progress, ['0/4 namespace/team (ns.yaml)', '1/4 configmap/settings (app/config.yaml)', '2/4 configmap/other (app/config.yaml)', '3/4 configmap/from-list (list.json)']);

    const changed = { ...CONFIG, text: CONFIG.text.replace('mode: fast', 'mode: slow') };
    const second = await applySources(client, [NAMESPACE, changed]);
    assert.deepEqual(second.lines, ['namespace/team unchanged', 'configmap/settings configured', 'configmap/other unchanged']);

    const dry = await applySources(client, [{ name: 'x.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\n' }], { dryRun: true });
    assert.deepEqual(dry.lines, ['configmap/dry created (server dry run)']);
    assert.equal(await liveObject(client, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } }), undefined, 'a dry run stores nothing');

    const only = await applySources(client, [{ name: 'two.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n' }], { documentIndex: 1 });
    assert.deepEqual(only.lines, ['configmap/two created']);

    const failures = await applySources(client, [
      { name: 'w.yaml', text: 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n' },
      { name: 'bad.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n' },
    ]);
    assert.equal(failures.failed, 2);
    assert.equal(failures.lines[0], 'error: resource mapping not found for name: "w" namespace: "" from "w.yaml": no matches for kind "Widget" in version "example.com/v1"\nensure CRDs are installed first');
    assert.match(failures.lines[1], /^Error from server \(Invalid\): error when applying "bad\.yaml" \(document 1, line 1\): ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": /);
  } finally {
    lab.stop();
  }
});

test('dry-run shows the defaulted object or the refusal; live objects come without managedFields', async () => {
  const lab = await startLab();
  try {
    const client = lab.client();
    const pod = documentsOf({ name: 'pod.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n' }).documents[0];
    const outcome = await dryRunDocument(client, pod);
    const text = dryRunText({ name: 'pod.yaml', text: '' }, outcome);
    assert.match(text, /^# Dry run of pod\/web from pod\.yaml, document 1: it would be created\. This is the object the server would store\.\n/);
    const shown = parse(text) as { spec: { containers: { imagePullPolicy: string }[]; restartPolicy: string }; metadata: Record<string, unknown> };
    assert.equal(shown.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(shown.spec.restartPolicy, 'Always');
    assert.equal(shown.metadata.managedFields, undefined);

    const invalid = documentsOf({ name: 'bad.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers: []\n' }).documents[0];
    const refused = dryRunText({ name: 'bad.yaml', text: '' }, await dryRunDocument(client, invalid));
    assert.match(refused, /^# Dry run of pod\/bad from bad\.yaml, document 1: the server refused it \(Invalid\)\.\n# Pod "bad" is invalid: spec\.containers: Required value\n/);
    assert.match(refused, /\nkind: Status\n/);

    await applySources(client, [{ name: 'pod.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n' }]);
    const live = await liveObject(client, pod.object);
    assert.ok(live && !('code' in live));
    assert.ok(live.metadata.managedFields, 'the server keeps managedFields');
    assert.doesNotMatch(objectYaml(live), /managedFields/);
  } finally {
    lab.stop();
  }
});

test('deleteDocument prints kubectl delete\'s lines', async () => {
  const lab = await startLab();
  try {
    const client = lab.client();
    const source = { name: 'cm.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n' };
    await applySources(client, [source]);
    const doc = documentsOf(source).documents[0];
    assert.deepEqual(await deleteDocument(client, source, doc), { line: 'configmap "gone" deleted', ok: true });
    assert.deepEqual(await deleteDocument(client, source, doc), { line: 'Error from server (NotFound): error when deleting "cm.yaml" (document 1, line 1): configmaps "gone" not found', ok: false });
  } finally {
    lab.stop();
  }
});

test('objects that name no namespace go to the chosen one for apply, dry-run, diff and delete; the ones that do keep theirs', async () => {
  const lab = await startLab();
  try {
    const client = lab.client();
    await applySources(client, [NAMESPACE]);
    const source = { name: 'cm.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: here\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pinned\n  namespace: default\n' };
    const report = await applySources(client, [source], { namespace: 'team' });
    assert.deepEqual(report.lines, ['configmap/here created', 'configmap/pinned created']);
    const [here, pinned] = documentsOf(source).documents;
    const live = await liveObject(client, here.object, 'team');
    assert.equal((live as { metadata?: { namespace?: string } } | undefined)?.metadata?.namespace, 'team');
    assert.equal(await liveObject(client, here.object), undefined, 'not in default');
    const dry = await dryRunDocument(client, here, 'team');
    assert.ok(!('error' in dry) && dry.result === 'unchanged');
    assert.deepEqual(await deleteDocument(client, source, here, 'team'), { line: 'configmap "here" deleted', ok: true });
    assert.deepEqual(await deleteDocument(client, source, pinned, 'team'), { line: 'configmap "pinned" deleted', ok: true });
  } finally {
    lab.stop();
  }
});
