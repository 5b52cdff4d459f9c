/**
 * cli is the `kubelab` command: the lab cluster headless, its API served over
 * HTTPS on 127.0.0.1 for kubectl and client libraries. `kubelab up` runs until
 * SIGINT or SIGTERM and then shuts down cleanly; bad flags get the usage and
 * exit code 2, as a Go command's flag parsing does.
 */
import { type KeyObject, createPrivateKey } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RealClock, ScaledClock } from './lab/clock';
import { VERSION_INFO } from './lab/apiserver/http/version';
import { Lab } from './lab/lab';
import { PRIVATE_MODE, PUBLIC_MODE, writeFileWithMode } from './lab/pki/files';
import { nodeEntropy } from './lab/pki/nodeEntropy';
import { labPki, serveLab } from './lab/serve';

const USAGE = `kubelab runs a Kubernetes lab cluster and serves its API on 127.0.0.1.

Usage:
  kubelab up [flags]     run the lab in the foreground until interrupted
  kubelab version        print the client and the served Kubernetes version

Flags of up:
      --nodes N          simulated worker nodes (default 3)
      --port P           HTTPS port on 127.0.0.1; 0 picks a free one (default 6443)
      --data DIR         folder for the cluster's PKI and kubeconfig (default ~/.kubelab)
      --kubeconfig FILE  where to write the kubeconfig (default DIR/kubeconfig)
      --speed S          run lab time S times faster than the wall clock (default 1)
      --seed N           seed of the lab's random choices (default 1)
  -h, --help             show this help
`;

/** UsageError is a bad command line: the usage goes to stderr and the exit code is 2. */
class UsageError extends Error {}

interface UpOptions {
  nodes: number;
  port: number;
  data: string;
  kubeconfig?: string;
  speed: number;
  seed: number;
}

function integer(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`invalid argument "${value}" for "--${flag}" flag: must be an integer from ${min} to ${max}`);
  return n;
}

function parseUp(args: string[]): UpOptions {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      nodes: { type: 'string' }, port: { type: 'string' }, data: { type: 'string' }, kubeconfig: { type: 'string' },
      speed: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new UsageError('');
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  if (!(speed > 0) || !Number.isFinite(speed)) throw new UsageError(`invalid argument "${values.speed}" for "--speed" flag: must be a positive number`);
  return {
    nodes: integer('nodes', values.nodes, 3, 1, 5000),
    port: integer('port', values.port, 6443, 0, 65535),
    data: resolve(values.data ?? resolve(homedir(), '.kubelab')),
    ...(values.kubeconfig ? { kubeconfig: resolve(values.kubeconfig) } : {}),
    speed,
    seed: integer('seed', values.seed, 1, 0, 2 ** 31 - 1),
  };
}

/**
 * serviceAccountKey is the key that signs service account tokens, kept as
 * kubeadm keeps it: pki/sa.key (0600) with its public half in pki/sa.pub,
 * generated at the first start so tokens stay valid across restarts.
 */
async function serviceAccountKey(data: string): Promise<KeyObject> {
  const dir = join(data, 'pki');
  try {
    return createPrivateKey(await readFile(join(dir, 'sa.key'), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKeyPem, publicKeyPem } = nodeEntropy().rsaKeyPair();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileWithMode(join(dir, 'sa.key'), privateKeyPem, PRIVATE_MODE);
  await writeFileWithMode(join(dir, 'sa.pub'), publicKeyPem, PUBLIC_MODE);
  return createPrivateKey(privateKeyPem);
}

async function up(o: UpOptions): Promise<number> {
  await mkdir(o.data, { recursive: true, mode: 0o700 });
  // A kubeconfig named outside the data folder gets its folder made, as kind's --kubeconfig does.
  if (o.kubeconfig) await mkdir(dirname(o.kubeconfig), { recursive: true, mode: 0o700 });
  const clock = o.speed === 1 ? new RealClock() : new ScaledClock(o.speed);
  // The PKI comes first: the controller manager publishes its CA in every namespace from the start.
  const pki = await labPki(o.data, nodeEntropy(), new RealClock().now());
  const lab = new Lab({ nodes: o.nodes, seed: o.seed, clock, serviceAccountKey: await serviceAccountKey(o.data), rootCA: pki.ca.certPem });
  await lab.start();
  const served = await serveLab(lab, { dir: o.data, port: o.port, ...(o.kubeconfig ? { kubeconfigPath: o.kubeconfig } : {}), entropy: nodeEntropy(), now: new RealClock().now(), pki });
  process.stdout.write(`export KUBECONFIG=${served.kubeconfigPath}\n`);
  process.stdout.write(`kubelab: the lab is ready: ${o.nodes} node${o.nodes === 1 ? '' : 's'}, API server at ${served.url}\n`);
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`kubelab: ${signal}: shutting down\n`);
      void served.stop().then(() => {
        lab.stop();
        done(0);
      }, (err: unknown) => {
        process.stderr.write(`kubelab: ${err instanceof Error ? err.message : String(err)}\n`);
        lab.stop();
        done(1);
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/** flagError words a parseArgs complaint as pflag words it (`unknown flag: --bogus`), the wording kubectl's users know. */
function flagError(message: string): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return unknown[1].startsWith('--') ? `unknown flag: ${unknown[1]}` : `unknown shorthand flag: '${unknown[1].slice(1, 2)}' in ${unknown[1]}`;
  const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `flag needs an argument: ${missing[1]}`;
  return message;
}

/** main runs the command line and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'up':
        return await up(parseUp(rest));
      case 'version':
        if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
        process.stdout.write(`kubelab ${VERSION_INFO.gitVersion}\n`);
        return 0;
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE);
        return 0;
      case undefined:
        throw new UsageError('a command is required');
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) process.stderr.write(`Error: ${err.message}\n\n`);
      process.stderr.write(USAGE);
      return 2;
    }
    // parseArgs reports unknown or malformed flags with codes of its own.
    const code = (err as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`Error: ${flagError((err as Error).message)}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`kubelab: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
