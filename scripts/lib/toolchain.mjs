// Shared helpers for `npm start`, `npm test` and the e2e harness: they fetch the pinned
// tools a run needs (Node 24, code-server, Chromium) and start/stop code-server.
//
// Every ensure* helper is idempotent and prints what it installs, so a fresh machine
// and a warm cache run the same code path. Installs go to a temporary folder that is
// renamed into place only when complete: a killed install never leaves a folder that a
// later run would mistake for a finished one.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

// Pinned so every machine runs the same bits. code-server 4.139 embeds VS Code 1.139
// and requires Node 24 (its postinstall refuses other majors, and its native modules
// are built against the Node it is installed with).
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where downloaded tools live; KUBELAB_CACHE lets CI point it at a cached volume. */
export const cacheDir = process.env.KUBELAB_CACHE || join(homedir(), '.cache', 'kubelab');

const INSTALLED_MARKER = '.kubelab-installed';

function log(message) {
  console.log(`[kubelab] ${message}`);
}

/** Runs a command with inherited output; throws with the command line when it fails. */
export function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with ${result.signal ?? `exit code ${result.status}`}`);
  }
}

function seconds(since) {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------
// Debian packages

let aptUpdated = false;

/**
 * Installs the Debian packages that are missing. Chromium drives the e2e tests and
 * libkrb5-dev is needed to build code-server's `kerberos` native module.
 */
export function ensureDebianPackages(packages) {
  if (spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).status !== 0) {
    log(`dpkg not found: not a Debian system, assuming ${packages.join(', ')} are provided`);
    return;
  }
  const missing = packages.filter((name) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Missing Debian packages: ${missing.join(', ')}. Install them first:\n` +
        `  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  log(`installing Debian packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    run('apt-get', ['update'], { env });
    aptUpdated = true;
  }
  run('apt-get', ['install', '-y', ...missing], { env });
}

// ---------------------------------------------------------------------------------------
// Atomic installs into the cache

/** Removes temporary install folders left by runs that were killed (their pid is gone). */
function removeStaleTemps(finalDir) {
  const parent = dirname(finalDir);
  const prefix = `${finalDir.slice(parent.length + 1)}.tmp-`;
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      alive = false;
    }
    if (!alive) {
      log(`removing interrupted install ${join(parent, name)}`);
      rmSync(join(parent, name), { recursive: true, force: true });
    }
  }
}

/**
 * Installs into `${finalDir}.tmp-<pid>` with `install(tmpDir)`, marks it complete and
 * renames it to `finalDir`. A `finalDir` without the marker (e.g. made by hand, or by an
 * older script) is treated as broken and replaced.
 */
function installAtomically(finalDir, what, install) {
  if (existsSync(join(finalDir, INSTALLED_MARKER))) return false;
  mkdirSync(dirname(finalDir), { recursive: true });
  removeStaleTemps(finalDir);
  const tmp = `${finalDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const started = performance.now();
  log(`installing ${what} into ${finalDir} (first run only)`);
  try {
    install(tmp);
    writeFileSync(join(tmp, INSTALLED_MARKER), `${new Date().toISOString()}\n`);
    if (existsSync(finalDir)) {
      log(`replacing incomplete ${finalDir}`);
      rmSync(finalDir, { recursive: true, force: true });
    }
    renameSync(tmp, finalDir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  log(`installed ${what} in ${seconds(started)}`);
  return true;
}

// ---------------------------------------------------------------------------------------
// Node 24

/** The npm package that ships the official Node binary for this platform. */
function nodePackageName() {
  return `node-${process.platform}-${process.arch}`;
}

/** Folder of the node-<platform>-<arch> package: bin/node plus include/node headers. */
export function node24PackageDir() {
  return join(cacheDir, `node-${NODE_VERSION}`, 'node_modules', nodePackageName());
}

/**
 * Returns the path of a Node 24 binary. VS Code's extension host (and code-server) run
 * Node 24, so tests and vsce run on the same major rather than on whatever node is on PATH.
 */
export function ensureNode24() {
  const finalDir = join(cacheDir, `node-${NODE_VERSION}`);
  installAtomically(finalDir, `Node ${NODE_VERSION} (npm package ${nodePackageName()})`, (tmp) => {
    writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'kubelab-node', private: true }, null, 2));
    // The package has no install scripts: it only carries the binary and headers.
    run('npm', ['install', '--no-audit', '--no-fund', '--no-save', `${nodePackageName()}@${NODE_VERSION}`], { cwd: tmp });
  });
  const node = join(node24PackageDir(), 'bin', 'node');
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (version !== `v${NODE_VERSION}`) {
    throw new Error(`${node} reports ${version || 'nothing'}, expected v${NODE_VERSION}; delete ${finalDir} and retry`);
  }
  return node;
}

/** withoutNpmVariables drops the npm_* variables an enclosing `npm run` exported. */
function withoutNpmVariables(env) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key) || key === 'npm_config_nodedir'));
}

/** Environment in which `node` and native-module builds resolve to Node 24. */
export function node24Env(base = process.env) {
  const binDir = dirname(ensureNode24());
  return {
    ...base,
    PATH: `${binDir}:${base.PATH ?? ''}`,
    // node-gyp builds against these headers instead of downloading them (no internet)
    // and instead of the global npmrc's nodedir=/usr, which holds Node 20's headers.
    npm_config_nodedir: node24PackageDir(),
  };
}

// ---------------------------------------------------------------------------------------
// code-server

export function codeServerDir() {
  return join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
}

/** Returns the path of code-server's entry script (run it with the Node 24 binary). */
export function ensureCodeServer() {
  const node = ensureNode24();
  // kerberos (a VS Code dependency) compiles against libkrb5 during the install.
  ensureDebianPackages(['libkrb5-dev']);
  installAtomically(codeServerDir(), `code-server ${CODE_SERVER_VERSION}`, (tmp) => {
    // A project install (not `npm install -g`) so allowScripts in package.json can let
    // exactly these two packages run their install scripts: npm 11 skips unreviewed ones
    // and code-server's postinstall is what installs VS Code's own node_modules.
    // Name-only entries, because the global npmrc sets omit-lockfile-registry-resolved
    // and pinned `name@version` entries never match without a `resolved` URL.
    const manifest = {
      name: 'kubelab-code-server',
      private: true,
      dependencies: { 'code-server': CODE_SERVER_VERSION },
      allowScripts: { 'code-server': true, argon2: true },
    };
    writeFileSync(join(tmp, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts'], {
      cwd: tmp,
      env: {
        // Under `npm test` the outer npm exports its npm_* settings, among them
        // npm_config_user_agent ("… node/v20 …"), which the inner npm would inherit and
        // code-server's postinstall reads to refuse anything but Node 24.
        ...withoutNpmVariables(node24Env()),
        // The postinstall's nested `npm install` in lib/vscode pins its allowScripts
        // entries (kerberos@2.1.1 …); they only match when lockfiles keep `resolved`.
        npm_config_omit_lockfile_registry_resolved: 'false',
      },
    });
    // A skipped install script does not fail `npm install`, it only warns; it shows up
    // later as a blank workbench or a dead terminal. Load the native modules under
    // Node 24 now so a broken install is never renamed into place.
    const probe = [
      'argon2',
      'code-server/lib/vscode/node_modules/@vscode/spdlog',
      'code-server/lib/vscode/node_modules/node-pty',
      'code-server/lib/vscode/node_modules/kerberos',
    ]
      .map((m) => `require(${JSON.stringify(join(tmp, 'node_modules', m))});`)
      .join('');
    run(node, ['-e', probe], { env: node24Env() });
    // --config: without it even --version writes ~/.config/code-server/config.yaml.
    const probeConfig = join(tmp, 'probe-config.yaml');
    writeFileSync(probeConfig, 'auth: none\n');
    run(node, [join(tmp, 'node_modules', 'code-server', 'out', 'node', 'entry.js'), '--config', probeConfig, '--version'], { env: node24Env() });
  });
  return join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Frees the caller from picking ports: asks the OS for one that is free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

let helpText;
function codeServerSupports(flag) {
  helpText ??=
    spawnSync(ensureNode24(), [ensureCodeServer(), '--config', join(codeServerDir(), 'probe-config.yaml'), '--help'], {
      encoding: 'utf8',
      env: node24Env(),
    }).stdout ?? '';
  return helpText.includes(flag);
}

/**
 * Arguments shared by every code-server invocation. `--config` keeps code-server from
 * creating ~/.config/code-server/config.yaml with a random password.
 */
function profileArgs({ userDataDir, extensionsDir }) {
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const config = join(userDataDir, 'code-server.yaml');
  if (!existsSync(config)) writeFileSync(config, 'auth: none\n');
  return ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

/**
 * Settings that keep the workbench quiet and deterministic: no trust prompt (it would
 * start the workspace in restricted mode, where our extension does not activate), no
 * welcome page, no update or telemetry traffic. Keys the user already set are kept.
 */
function writeDefaultSettings(userDataDir) {
  const file = join(userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  let settings = {};
  if (existsSync(file)) {
    try {
      settings = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return; // JSONC with comments, edited by hand: leave it alone.
    }
  }
  const defaults = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'git.openRepositoryInParentFolders': 'never',
  };
  writeFileSync(file, `${JSON.stringify({ ...defaults, ...settings }, null, 2)}\n`);
}

/** Variables inherited from a surrounding VS Code would make code-server talk to it. */
function cleanEnv() {
  const env = node24Env();
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') delete env[key];
  }
  // code-server lets $PORT override --bind-addr's port; the caller chose the port already.
  delete env.PORT;
  for (const key of ['PASSWORD', 'HASHED_PASSWORD']) {
    delete env[key];
  }
  return env;
}

/** Installs a .vsix into the profile, replacing any installed copy of the same version. */
export function installExtension(vsixPath, { userDataDir, extensionsDir }) {
  if (!existsSync(vsixPath)) throw new Error(`${vsixPath} not found: run \`npm run package\` first`);
  run(ensureNode24(), [ensureCodeServer(), ...profileArgs({ userDataDir, extensionsDir }), '--install-extension', vsixPath, '--force'], {
    env: cleanEnv(),
  });
}

/**
 * Starts code-server on 127.0.0.1 and resolves once it answers /healthz.
 * Output goes to `logFile` (default <userDataDir>/code-server.log) unless `inheritOutput`.
 * `handleSignals: false` for callers that stop it gracefully on Ctrl-C themselves.
 */
export async function startCodeServer({
  port,
  userDataDir,
  extensionsDir,
  folder,
  logFile,
  inheritOutput = false,
  handleSignals = true,
  timeoutMs = 60_000,
  env = {},
}) {
  const node = ensureNode24();
  const entry = ensureCodeServer();
  writeDefaultSettings(userDataDir);
  const args = [
    entry,
    ...profileArgs({ userDataDir, extensionsDir }),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(codeServerSupports('--disable-workspace-trust') ? ['--disable-workspace-trust'] : []),
    ...(codeServerSupports('--disable-getting-started-override') ? ['--disable-getting-started-override'] : []),
    ...(folder ? [folder] : []),
  ];
  logFile ??= join(userDataDir, 'code-server.log');
  const out = inheritOutput ? 'inherit' : openSync(logFile, 'a');
  // Own process group, so stop() also ends the extension host and other children.
  const child = spawn(node, args, { env: { ...cleanEnv(), ...env }, stdio: ['ignore', out, out], detached: true });
  if (typeof out === 'number') closeSync(out);

  let exited = null;
  const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // code-server is in its own process group, so Ctrl-C at the terminal does not reach
  // it: if our process exits or is signalled without calling stop(), kill it ourselves.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onExit = () => killGroup('SIGKILL');
  const onSignal = (signal) => {
    killGroup('SIGKILL');
    unhook();
    // Alone, we must re-raise to die as the signal intended; otherwise others handle it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const unhook = () => {
    process.off('exit', onExit);
    if (handleSignals) for (const s of signals) process.off(s, onSignal);
  };
  process.on('exit', onExit);
  if (handleSignals) for (const s of signals) process.on(s, onSignal);

  const stop = async () => {
    unhook();
    if (exited) return;
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
    await exitedPromise;
    clearTimeout(timer);
    killGroup('SIGKILL'); // stragglers in the group (extension host, pty host)
  };

  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      const tail = inheritOutput ? '' : `\n--- ${logFile} ---\n${readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}`;
      throw new Error(`code-server exited (${exited.signal ?? exited.code}) before it was ready${tail}`);
    }
    try {
      const response = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}healthz within ${timeoutMs / 1000} s (log: ${logFile})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // Slashes left readable: the URL is printed for people to click.
  const folderUrl = folder ? `${url}?folder=${folder.split('/').map(encodeURIComponent).join('/')}` : url;
  return { url, folderUrl, logFile, pid: child.pid, stop, exited: exitedPromise };
}
