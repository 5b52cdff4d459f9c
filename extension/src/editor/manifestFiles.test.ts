import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { type EntryKind, type ManifestFs, isManifestFile, manifestFiles } from './manifestFiles';

/** nodeFs walks the real file system, as the host walks VS Code's. */
const nodeFs: ManifestFs<string> = {
  kind: (p) => stat(p).then((s) => (s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other'), () => undefined),
  list: async (dir) => (await readdir(dir, { withFileTypes: true })).map((e): [string, EntryKind] => [e.name, e.isFile() ? 'file' : e.isDirectory() ? 'directory' : 'other']),
  join,
};

test('isManifestFile takes kubectl\'s extensions, in any case', () => {
  const cases: [string, boolean][] = [['web.yaml', true], ['web.yml', true], ['list.json', true], ['WEB.YAML', true], ['notes.txt', false], ['kustomization', false], ['yaml', false]];
  for (const [name, want] of cases) assert.equal(isManifestFile(name), want, name);
});

test('a folder expands recursively, in lexical order, to its YAML and JSON files', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kubelab-manifests-'));
  try {
    const files = ['b.yaml', 'a.yml', 'README.md', 'z/list.json', 'm/deep/svc.yaml', 'm/deep/notes.txt', 'A.yaml', 'm/x.yaml'];
    for (const f of files) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), 'kind: x\n');
    }
    mkdirSync(join(root, 'empty'));
    const found = await manifestFiles(nodeFs, [root]);
    assert.deepEqual(found.map((f) => relative(root, f)), ['A.yaml', 'a.yml', 'b.yaml', 'm/deep/svc.yaml', 'm/x.yaml', 'z/list.json']);
    // A file named directly is taken whatever its name; a missing path adds nothing; order follows the arguments.
    const direct = await manifestFiles(nodeFs, [join(root, 'README.md'), join(root, 'nope'), join(root, 'm')]);
    assert.deepEqual(direct.map((f) => relative(root, f)), ['README.md', 'm/deep/svc.yaml', 'm/x.yaml']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
