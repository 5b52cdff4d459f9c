// `npm run bench` [file.bench.ts ...]: builds dist/, then runs every test/bench/*.bench.ts
// (or the files given) on the pinned Node 24 with tsx, one process per file.
//
// stdout is machine-readable: one JSON object per line, {"bench", "value", "unit", ...},
// and nothing else. Build output, tool installs and diagnostics all go to stderr.
// Exit code is non-zero when a bench file fails, times out or prints a malformed line.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
// The scheduler's file runs several scheduler_perf workloads on 5,000 nodes, each with its own lab.
const FILE_TIMEOUT_MS = 300_000;

const log = (message) => process.stderr.write(`[kubelab] ${message}\n`);

/**
 * ensureNode24() logs with console.log and lets npm inherit stdout on a first install;
 * run it in a child whose stdout is our stderr, and take the path back over fd 3.
 */
function node24Path() {
  const toolchain = pathToFileURL(join(root, 'scripts', 'lib', 'toolchain.mjs')).href;
  const code = `import { ensureNode24 } from ${JSON.stringify(toolchain)}; import { writeSync } from 'node:fs'; writeSync(3, ensureNode24());`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, stdio: ['ignore', 2, 2, 'pipe'], encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`could not get Node 24 (exit ${r.status ?? r.signal})`);
  return r.output[3].trim();
}

function benchFiles() {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  if (args.length) return args.map((a) => relative(root, resolve(a)));
  const dir = join(root, 'test', 'bench');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort().map((f) => join('test', 'bench', f));
}

/** Runs one bench file; forwards its valid result lines to stdout. Resolves with an error message or undefined. */
function runFile(node, file) {
  return new Promise((done) => {
    // --expose-gc lets a bench collect the garbage of one phase before it times the next, as Go's testing runs runtime.GC() before each benchmark.
    log(`$ node --expose-gc --import tsx ${file}`);
    const child = spawn(node, ['--expose-gc', '--import', 'tsx', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, KUBELAB_ROOT: root },
    });
    let results = 0;
    let problem;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.trim()) return;
      let parsed;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      const valid = parsed && typeof parsed === 'object' && typeof parsed.bench === 'string' && typeof parsed.value === 'number' && Number.isFinite(parsed.value) && typeof parsed.unit === 'string';
      if (!valid) {
        problem ??= `${file} printed a line that is not a bench result`;
        log(`${file}: not a bench result: ${line}`);
        return;
      }
      results++;
      process.stdout.write(`${JSON.stringify(parsed)}\n`);
    });
    const timer = setTimeout(() => {
      problem = `${file} did not finish within ${FILE_TIMEOUT_MS / 1000} s`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!problem && code !== 0) problem = `${file} failed with ${signal ?? `exit code ${code}`}`;
      if (!problem && results === 0) problem = `${file} reported no results`;
      done(problem);
    });
  });
}

const node = node24Path();
const build = spawnSync(node, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: ['ignore', 2, 2] });
if (build.error) throw build.error;
if (build.status !== 0) {
  log(`build failed (exit ${build.status ?? build.signal})`);
  process.exit(1);
}

const files = benchFiles();
if (files.length === 0) {
  log('no bench files (test/bench/*.bench.ts) found');
  process.exit(1);
}
const failures = [];
for (const file of files) {
  const problem = await runFile(node, file);
  if (problem) failures.push(problem);
}
for (const f of failures) log(`FAILED: ${f}`);
process.exit(failures.length ? 1 : 0);
