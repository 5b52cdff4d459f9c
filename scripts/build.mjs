// Bundles the extension host code, the lab worker and each webview panel with esbuild.
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { generateOpenApi } from './lib/openapi.mjs';
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';

/**
 * Node bundles: the extension (loaded by VS Code), the lab worker and the headless CLI;
 * and @kubernetes/client-node's KubeConfig on its own, which the extension requires the
 * first time it reads a kubeconfig (KubeLab: Switch Cluster): inlined, its 1.3 MB would
 * be parsed at every activation, for a feature most sessions never use.
 */
const KUBECONFIG_MODULE = '@kubernetes/client-node/dist/config.js';
const nodeEntries = {
  extension: 'extension/src/extension.ts',
  labWorker: 'extension/src/lab/worker.ts',
  cli: 'extension/src/cli.ts',
  kubeConfig: `node_modules/${KUBECONFIG_MODULE}`,
  etcd: 'extension/src/lab/store/etcdDriver.ts',
};

/** splitKubeConfig turns `await import(KUBECONFIG_MODULE)` into `require('./kubeConfig.js')`, resolved beside the bundle at run time. */
const splitKubeConfig = {
  name: 'split-kubeconfig',
  setup(build) {
    build.onResolve({ filter: /^@kubernetes\/client-node\/dist\/config\.js$/ }, (args) => (args.kind === 'dynamic-import' ? { path: KUBECONFIG_MODULE, namespace: 'split-kubeconfig' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'split-kubeconfig' }, () => ({ contents: "module.exports = require('./kubeConfig.js');", loader: 'js' }));
    build.onResolve({ filter: /^\.\/kubeConfig\.js$/ }, (args) => (args.namespace === 'split-kubeconfig' ? { path: './kubeConfig.js', external: true } : undefined));
  },
};

/**
 * splitEtcd does the same for the etcd3 client and gRPC (dist/etcd.js), which only a lab
 * on a real etcd loads: EtcdStore's `await import('./etcdDriver.js')` becomes
 * `require('./etcd.js')`. etcd3 reads its .proto files from beside its own code, so the
 * bundle reads them from dist/etcd3-proto, where the build copies them.
 */
const ETCD3_PROTO = join(root, 'node_modules', 'etcd3', 'proto');
const splitEtcd = {
  name: 'split-etcd',
  setup(build) {
    build.onResolve({ filter: /^\.\/etcdDriver(\.js)?$/ }, (args) => (args.kind === 'dynamic-import' ? { path: 'etcdDriver', namespace: 'split-etcd' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'split-etcd' }, () => ({ contents: "module.exports = require('./etcd.js');", loader: 'js' }));
    build.onResolve({ filter: /^\.\/etcd\.js$/ }, (args) => (args.namespace === 'split-etcd' ? { path: './etcd.js', external: true } : undefined));
    build.onLoad({ filter: /etcd3[\\/]lib[\\/]connection-pool\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const from = '`${__dirname}/../proto/rpc.proto`';
      if (!source.includes(from)) throw new Error(`etcd3 no longer loads ${from}: update scripts/build.mjs`);
      return { contents: source.replace(from, '`${__dirname}/etcd3-proto/rpc.proto`'), loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const nodeOptions = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  plugins: [splitKubeConfig, splitEtcd],
  outdir: 'dist',
  entryPoints: Object.fromEntries(Object.entries(nodeEntries).filter(([, p]) => existsSync(join(root, p)))),
};

/** One browser bundle per panel folder under webview/src that has a main.ts. */
const webviewDir = join(root, 'webview/src');
const panels = existsSync(webviewDir)
  ? readdirSync(webviewDir).filter((d) => existsSync(join(webviewDir, d, 'main.ts')))
  : [];
const webOptions = {
  ...common,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  outdir: 'dist/webview',
  plugins: [monacoCodicons()],
  entryPoints: {
    ...Object.fromEntries(panels.map((p) => [p, `webview/src/${p}/main.ts`])),
    ...monacoWorkers(),
  },
};

/**
 * monacoWorkers are the Request flow panel's editor workers: Monaco's editor
 * worker and monaco-yaml's YAML language worker, bundled beside the panels (the
 * panel's CSP lets it start workers from there).
 */
function monacoWorkers() {
  const workers = { 'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js', 'yaml.worker': 'monaco-yaml/yaml.worker.js' };
  return panels.includes('flow') ? workers : {};
}

/**
 * monacoCodicons drops the @font-face of Monaco's codicon.css: the panels
 * already load @vscode/codicons' stylesheet, whose font has every glyph Monaco
 * draws at the same code points and more, and a second, older `codicon` face
 * declared after it would take its place for the whole page.
 */
function monacoCodicons() {
  return {
    name: 'monaco-codicons',
    setup(build) {
      build.onLoad({ filter: /monaco-editor[\\/]esm[\\/]vs[\\/]base[\\/]browser[\\/]ui[\\/]codicons[\\/]codicon[\\/]codicon\.css$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const fontFace = /@font-face\s*{[^}]*url\(\.\/codicon\.ttf\)[^}]*}/;
        if (!fontFace.test(source)) throw new Error(`Monaco's codicon.css no longer declares its font as expected: update scripts/build.mjs`);
        return { contents: source.replace(fontFace, ''), loader: 'css' };
      });
    },
  };
}

// The lab's OpenAPI data is generated from @kubernetes/client-node's models before bundling.
generateOpenApi();
cpSync(ETCD3_PROTO, join(root, 'dist', 'etcd3-proto'), { recursive: true });
// The panels' icon font: codicons' stylesheet and font beside the panel bundles, the only place their CSP loads from.
if (panels.length) {
  for (const file of ['codicon.css', 'codicon.ttf']) cpSync(join(root, 'node_modules', '@vscode', 'codicons', 'dist', file), join(root, 'dist', 'webview', 'codicons', file));
}
const builds = [nodeOptions, ...(panels.length ? [webOptions] : [])];
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  console.log(`esbuild: built ${Object.keys(nodeOptions.entryPoints).join(', ')}${panels.length ? `, webview/${panels.join(', webview/')}` : ''}`);
}
