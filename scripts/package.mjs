// `npm run package`: production build, then kubelab.vsix at the repo root.
// The vsix is what `npm start` and the e2e tests install, so they exercise exactly the
// artefact users get, not the dev build.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode24, run } from './lib/toolchain.mjs';

const root = join(import.meta.dirname, '..');
const vsixPath = join(root, 'kubelab.vsix');

const node24 = ensureNode24();
// A clean dist/: source maps left by a dev build would otherwise ship, because vsce
// applies every `!` pattern in .vscodeignore after the excludes (`!dist/**` beats
// `dist/**/*.map` whatever their order).
rmSync(join(root, 'dist'), { recursive: true, force: true });
run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root });

// vsce 3.9 requires Node >= 22, hence the pinned Node 24 rather than the node on PATH.
// --no-dependencies: esbuild already bundled every runtime dependency into dist/.
// --allow-missing-repository: there is no public repository yet, and without the flag
// vsce stops to ask a question (it would hang in CI). LICENSE exists, so no prompt there.
run(
  node24,
  [
    join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
    'package',
    '--no-dependencies',
    '--allow-missing-repository', '--no-rewrite-relative-links',
    '--out',
    vsixPath,
  ],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
);

console.log(`[kubelab] ${vsixPath}: ${(statSync(vsixPath).size / 1024).toFixed(1)} KiB`);
