// `npm test` [--unit | --conformance | --store | --e2e]: every test through one `node --test` run, so
// there is one reporter and one final summary, and the exit code is the test runner's.
//
// unit: *.test.ts beside the code. conformance: test/conformance/*.conformance.ts, real
// kubectl and @kubernetes/client-node against `kubelab up` (dist/cli.js, so the bundle is
// built first). store: test/store/*.conformance.ts, the store conformance suite against the
// embedded store and a 3-member Debian etcd cluster on loopback. e2e: the packaged extension
// in code-server. With no flag, all four.
//
// Tests run on the pinned Node 24, not the node on PATH: VS Code's extension host runs
// Node 22+/24, and the code under test must behave as it will there.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generateOpenApi } from './lib/openapi.mjs';
import { ensureCodeServer, ensureDebianPackages, ensureNode24, run } from './lib/toolchain.mjs';

const root = join(import.meta.dirname, '..');
const onlyUnit = process.argv.includes('--unit');
const onlyConformance = process.argv.includes('--conformance');
const onlyStore = process.argv.includes('--store');
const onlyE2e = process.argv.includes('--e2e');
const all = !onlyUnit && !onlyConformance && !onlyStore && !onlyE2e;

/** Recursive file search; fs.globSync only exists from Node 22 and this may run on 20. */
function find(dir, suffix) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)))
    .filter((p) => !p.split('/').includes('node_modules'))
    .sort();
}

const unitFiles = all || onlyUnit ? [...find('extension/src', '.test.ts'), ...find('webview/src', '.test.ts')] : [];
const conformanceFiles = all || onlyConformance ? find('test/conformance', '.conformance.ts') : [];
const storeFiles = all || onlyStore ? find('test/store', '.conformance.ts') : [];
const e2eFiles = all || onlyE2e ? find('test/e2e', '.e2e.ts') : [];

console.log('[kubelab] tests run on Node 24: the VS Code extension host runs Node 22+/24, so tests use the same major');
const node24 = ensureNode24();
// The lab's OpenAPI data is generated from @kubernetes/client-node's models; tsc, lint and the tests import it.
generateOpenApi();

if (unitFiles.length > 0) {
  // Types and lint rules are part of the suite: the lab's isolation rule and
  // no-floating-promises are lint errors (eslint.config.mjs).
  run(node24, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--noEmit'], { cwd: root });
  run(node24, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.'], { cwd: root });
  console.log('[kubelab] typecheck and lint passed');
}

if (conformanceFiles.length > 0) {
  // The conformance tests start `kubelab up` from dist/cli.js and drive it with the kubectl on PATH.
  run(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
  const kubectl = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (kubectl.error || kubectl.status !== 0) {
    console.error('[kubelab] the conformance tests need kubectl 1.32 on PATH (https://kubernetes.io/docs/tasks/tools/)');
    process.exit(1);
  }
  console.log(`[kubelab] conformance tests use kubectl ${JSON.parse(kubectl.stdout).clientVersion.gitVersion}`);
}

if (storeFiles.length > 0) {
  // The store suite runs EtcdStore against real etcd members: Debian's etcd-server.
  ensureDebianPackages(['etcd-server']);
}

if (e2eFiles.length > 0) {
  // The e2e tests install kubelab.vsix into a real VS Code (code-server) driven by Chromium.
  run(process.execPath, [join(root, 'scripts', 'package.mjs')], { cwd: root });
  ensureDebianPackages(['chromium', 'libkrb5-dev']);
  ensureCodeServer();
}

const files = [...unitFiles, ...conformanceFiles, ...storeFiles, ...e2eFiles];
console.log(`[kubelab] ${unitFiles.length} unit test file(s), ${conformanceFiles.length} conformance test file(s), ${storeFiles.length} store test file(s), ${e2eFiles.length} e2e test file(s)`);
if (files.length === 0) {
  console.log('[kubelab] no test files found: nothing to run');
  process.exit(0);
}

const result = spawnSync(node24, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, KUBELAB_ROOT: root },
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
