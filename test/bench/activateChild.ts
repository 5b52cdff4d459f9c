// One cold activation of the packaged extension, in its own process: host.bench.ts runs
// this file many times with plain Node 24 (built-in type stripping, no tsx, so nothing
// hooks require() while dist/extension.js loads) and reads one JSON line from stdout.
//
// Usage: node test/bench/activateChild.ts <repo root> [--start-after]
// --start-after runs `kubelab.start` once measured: a positive control showing that the
// Worker counter does see the lab's worker when something asks for the lab.
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

type FakeModule = typeof import('./fakeVscode');

interface Extension {
  activate(context: unknown): void;
  deactivate?(): void;
}

async function main(): Promise<void> {
  const root = process.argv[2];
  if (!root) throw new Error('usage: activateChild.ts <repo root>');
  // A variable specifier: Node needs the .ts extension, TypeScript must not see it.
  const fakeSpecifier = './fakeVscode.ts';
  const { createFakeVscode, installFakeVscode } = (await import(fakeSpecifier)) as FakeModule;
  const fake = createFakeVscode();
  installFakeVscode(fake);

  const require = createRequire(join(root, 'package.json'));
  // Count Worker constructions: the bundle reads `Worker` off this same module object
  // when it constructs one, so replacing the export catches every `new Worker`.
  const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads') & { Worker: unknown };
  const OriginalWorker = workerThreads.Worker;
  let workersCreated = 0;
  workerThreads.Worker = class CountingWorker extends OriginalWorker {
    constructor(...args: ConstructorParameters<typeof OriginalWorker>) {
      workersCreated++;
      super(...args);
    }
  };

  const subscriptions: { dispose(): unknown }[] = [];
  const context = {
    subscriptions,
    extensionPath: root,
    extensionUri: { fsPath: root, scheme: 'file', path: root },
    asAbsolutePath: (p: string) => join(root, p),
    globalState: { get: () => undefined, update: () => Promise.resolve(), keys: () => [] },
    workspaceState: { get: () => undefined, update: () => Promise.resolve(), keys: () => [] },
    extensionMode: 1,
    globalStorageUri: { fsPath: join(root, '.bench-storage'), scheme: 'file', path: join(root, '.bench-storage') },
    environmentVariableCollection: { persistent: true, description: '', replace() {}, append() {}, prepend() {}, get: () => undefined, delete() {}, clear() {}, forEach() {} },
  };
  const modulesBefore = Object.keys((Module as unknown as { _cache: object })._cache).length;

  const t0 = performance.now();
  const extension = require(join(root, 'dist', 'extension.js')) as Extension;
  const t1 = performance.now();
  extension.activate(context);
  const t2 = performance.now();

  // Let promises started by activate settle, so late errors and workers are counted too.
  await new Promise((resolve) => setImmediate(resolve));
  const workersAfterActivate = workersCreated;
  let workersAfterStart: number | undefined;
  if (process.argv.includes('--start-after')) {
    await fake.commands.get('kubelab.start')?.();
    workersAfterStart = workersCreated;
  }
  const result = {
    requireMs: t1 - t0,
    activateMs: t2 - t1,
    totalMs: t2 - t0,
    workersCreated: workersAfterActivate,
    workersAfterStart,
    modulesLoaded: Object.keys((Module as unknown as { _cache: object })._cache).length - modulesBefore,
    commands: [...fake.commands.keys()].sort(),
    treeViews: fake.views.map((v) => v.id),
    statusBar: fake.statusBarItems.map((i) => i.text),
    errors: fake.messages.filter((m) => m.level === 'error').map((m) => m.text),
    subscriptions: subscriptions.length,
  };
  for (const d of subscriptions.splice(0)) d.dispose();
  extension.deactivate?.();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
