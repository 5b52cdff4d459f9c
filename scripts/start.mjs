// `npm start`: try KubeLab in a real VS Code (code-server in the browser) on the
// examples/ workspace, with the packaged extension — the same artefact users install.
//
// The profile lives in the cache rather than a temp dir so settings, layout and open
// editors survive restarts; only the extension is force-reinstalled each time.
import { join } from 'node:path';
import {
  cacheDir,
  ensureCodeServer,
  freePort,
  installExtension,
  run,
  startCodeServer,
} from './lib/toolchain.mjs';

const root = join(import.meta.dirname, '..');
const folder = join(root, 'examples');
const profile = {
  userDataDir: join(cacheDir, 'start-profile', 'user-data'),
  extensionsDir: join(cacheDir, 'start-profile', 'extensions'),
};

run(process.execPath, [join(root, 'scripts', 'package.mjs')], { cwd: root });
ensureCodeServer();
installExtension(join(root, 'kubelab.vsix'), profile);

// PORT wins; otherwise 8080, unless something already holds it.
const port = process.env.PORT ? Number(process.env.PORT) : await portOr8080();
const server = await startCodeServer({ port, folder, ...profile, inheritOutput: true, handleSignals: false });

console.log(`\nKubeLab is running in VS Code at ${server.folderUrl}\n(Ctrl-C to stop)\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n[kubelab] stopping code-server');
    await server.stop();
    process.exit(0);
  });
}
const { code, signal } = await server.exited;
if (!stopping) {
  console.error(`[kubelab] code-server exited unexpectedly (${signal ?? code})`);
  process.exit(1);
}

async function portOr8080() {
  const { createServer } = await import('node:net');
  const free = await new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(8080, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  return free ? 8080 : freePort();
}
