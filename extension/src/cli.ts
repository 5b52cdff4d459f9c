/**
 * cli is the `kubelab` command: the lab cluster headless, its API served over
 * HTTPS on 127.0.0.1 for kubectl and client libraries. `kubelab up` runs until
 * SIGINT or SIGTERM and then shuts down cleanly, keeping the cluster in its data
 * folder; `kubelab snapshot save|status|restore` work on snapshot files as
 * `etcdctl snapshot` does. Bad flags get the usage and exit code 2, as a Go
 * command's flag parsing does.
 */
import { type KeyObject, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Clock, RealClock, ScaledClock } from './lab/clock';
import { VERSION_INFO } from './lab/apiserver/http/version';
import { Lab } from './lab/lab';
import { PRIVATE_MODE, PUBLIC_MODE, writeFileWithMode } from './lab/pki/files';
import { nodeEntropy } from './lab/pki/nodeEntropy';
import { labPki, serveLab } from './lab/serve';
import { DurableStore } from './lab/store/durableStore';
import { etcdEndpointsError } from './lab/store/etcdStore';
import { loadEncryptionConfig } from './lab/apiserver/encryption/config';
import { inspectSnapshot, snapshotStatus, writeSnapshotFile } from './lab/snapshotFile';
import type { StoreSnapshot } from './lab/store/snapshot';
import { STATUS_FORMATS, type StatusFormat, formatSnapshotStatus } from './lab/store/snapshotStatusPrinter';

const USAGE = `kubelab runs a Kubernetes lab cluster and serves its API on 127.0.0.1.

Usage:
  kubelab up [flags]     run the lab in the foreground until interrupted
  kubelab snapshot save FILE [--data DIR]
                         save the cluster kept in a data folder to a snapshot file
  kubelab snapshot status FILE [-w simple|table|json]
                         print a snapshot's hash, revision, total keys and size
  kubelab snapshot restore FILE --data-dir DIR
                         make a new data folder that holds the snapshot's cluster
  kubelab version        print the client and the served Kubernetes version

Flags of up:
      --nodes N          simulated worker nodes (default 3)
      --control-plane-node
                         add a control-plane node as kubeadm makes one: tainted NoSchedule, running
                         etcd, kube-apiserver, kube-controller-manager and kube-scheduler as static pods
      --port P           HTTPS port on 127.0.0.1; 0 picks a free one (default 6443)
      --data DIR         folder for the cluster, its PKI and kubeconfig (default ~/.kubelab);
                         a restart with the same DIR brings back the same cluster
      --kubeconfig FILE  where to write the kubeconfig (default DIR/kubeconfig)
      --speed S          run lab time S times faster than the wall clock (default 1)
      --seed N           seed of the lab's random choices (default 1)
      --encryption-provider-config FILE
                         an EncryptionConfiguration: the resources it names are encrypted at rest
      --etcd-servers URLS
                         keep the cluster in a real etcd cluster at these comma-separated
                         client URLs (http://127.0.0.1:2379,...) instead of in DIR
  -h, --help             show this help

Flags of snapshot:
      --data DIR         save: the data folder of a stopped lab (default ~/.kubelab)
      --data-dir DIR     restore: the data folder to make; it must not exist or be empty
  -w, --write-out FMT    status: simple, table or json (default simple)
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
  encryptionProviderConfig?: string;
  /** etcdServers are the etcd members to keep the cluster in (kube-apiserver's --etcd-servers); none, the data folder's own store. */
  etcdServers?: string[];
  /** controlPlaneNode adds kubeadm's control-plane node beside the workers. */
  controlPlaneNode?: boolean;
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
      speed: { type: 'string' }, seed: { type: 'string' }, 'encryption-provider-config': { type: 'string' }, 'etcd-servers': { type: 'string' },
      'control-plane-node': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
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
    ...(values['encryption-provider-config'] ? { encryptionProviderConfig: resolve(values['encryption-provider-config']) } : {}),
    ...(values['etcd-servers'] !== undefined ? { etcdServers: etcdServers(values['etcd-servers']) } : {}),
    ...(values['control-plane-node'] ? { controlPlaneNode: true } : {}),
  };
}

/** etcdServers reads --etcd-servers: comma-separated client URLs, as kube-apiserver's flag. */
function etcdServers(value: string): string[] {
  const urls = value.split(',').map((u) => u.trim()).filter((u) => u !== '');
  const bad = etcdEndpointsError(urls);
  if (bad) throw new UsageError(`invalid argument "${value}" for "--etcd-servers" flag: ${bad}`);
  return urls;
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

/** LOCK_FILE holds the pid of the `kubelab up` running on a data folder. */
const LOCK_FILE = 'kubelab.pid';

/** dataFolderOwner is the pid of a live `kubelab up` on data, if any; a pid file a killed lab left behind names no one. */
async function dataFolderOwner(data: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(data, LOCK_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/** lockDataFolder claims data for this process, so no second lab and no `snapshot save` works on it meanwhile; it answers the release. */
async function lockDataFolder(data: string): Promise<() => Promise<void>> {
  const path = join(data, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const owner = await dataFolderOwner(data);
    if (owner !== undefined) throw new Error(`a lab is already running on ${data} (pid ${owner})`);
    await rm(path, { force: true });
  }
}

/** ClusterStore is the cluster a data folder keeps between runs of `kubelab up`. */
interface ClusterStore {
  /** path is the folder that holds it, for messages. */
  path: string;
  /** open opens the folder's durable store (made empty when there is none): `up` runs the lab in it, its leases expiring on the lab's clock. */
  open(clock?: Clock): Promise<DurableStore>;
  /** read is the kept cluster; undefined when the folder holds none yet. */
  read(): Promise<StoreSnapshot | undefined | { error: string }>;
  /** write keeps snapshot as the folder's cluster: `snapshot restore` into a new folder. */
  write(snapshot: StoreSnapshot): Promise<void>;
}

/**
 * clusterStore is how data keeps its cluster: a DurableStore in DIR/store (a
 * write-ahead log and a lowdb checkpoint), so every write the API server
 * acknowledged survives even a killed `kubelab up`.
 */
function clusterStore(data: string): ClusterStore {
  const dir = join(data, 'store');
  const open = (clock?: Clock): Promise<DurableStore> => DurableStore.open({ dir, warn: (m) => process.stderr.write(`${m}\n`), ...(clock ? { memory: { clock } } : {}) });
  return {
    path: dir,
    open,
    read: async () => {
      if (await isEmptyFolder(dir)) return undefined;
      let store: DurableStore;
      try {
        store = await open();
      } catch (err) {
        return { error: err instanceof Error ? err.message : String(err) };
      }
      const snapshot = store.snapshot();
      await store.close();
      return snapshot.revision === 1 && snapshot.kvs.length === 0 ? undefined : snapshot;
    },
    write: async (snapshot) => {
      const store = await open();
      try {
        await store.restore(snapshot);
      } finally {
        await store.close();
      }
    },
  };
}

/**
 * encryptionConfig reads --encryption-provider-config and checks it as
 * kube-apiserver does at start, failing with its words; the lab gets the text.
 */
async function encryptionConfig(path: string): Promise<{ config: string; randomBytes: (n: number) => Uint8Array }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `open ${path}: no such file or directory` : code === 'EACCES' ? `open ${path}: permission denied` : code === 'EISDIR' ? `read ${path}: is a directory` : (err as Error).message;
    throw new Error(`error while parsing file: error while loading file: error reading encryption provider configuration file ${JSON.stringify(path)}: ${why}`);
  }
  const entropy = nodeEntropy();
  const randomBytes = (n: number): Uint8Array => entropy.randomBytes(n);
  const loaded = loadEncryptionConfig(path, text, { randomBytes });
  if ('error' in loaded) throw new Error(loaded.error);
  return { config: text, randomBytes };
}

async function up(o: UpOptions): Promise<number> {
  await mkdir(o.data, { recursive: true, mode: 0o700 });
  const release = await lockDataFolder(o.data);
  try {
    return await runUp(o);
  } finally {
    await release();
  }
}

async function runUp(o: UpOptions): Promise<number> {
  // A bad encryption configuration stops the start before the cluster is read, as kube-apiserver's does.
  const encryption = o.encryptionProviderConfig ? await encryptionConfig(o.encryptionProviderConfig) : undefined;
  // A kubeconfig named outside the data folder gets its folder made, as kind's --kubeconfig does.
  if (o.kubeconfig) await mkdir(dirname(o.kubeconfig), { recursive: true, mode: 0o700 });
  // On a real etcd the cluster is etcd's to keep: the data folder holds only the PKI and kubeconfig.
  const clock = o.speed === 1 ? new RealClock() : new ScaledClock(o.speed);
  if (o.etcdServers) return serveUp(o, clock, encryption, o.etcdServers.join(','));
  const store = clusterStore(o.data);
  const durable = await store.open(clock).catch((err: unknown) => {
    throw new Error(`cannot restore the cluster from ${store.path}: ${err instanceof Error ? err.message : String(err)}`);
  });
  try {
    return await serveUp(o, clock, encryption, store.path, durable);
  } finally {
    await durable.close().catch((err: unknown) => process.stderr.write(`kubelab: ${err instanceof Error ? err.message : String(err)}\n`));
  }
}

/** serveUp runs the lab over the data folder's durable store until a signal stops it. */
async function serveUp(o: UpOptions, clock: Clock, encryption: Awaited<ReturnType<typeof encryptionConfig>> | undefined, storePath: string, durable?: DurableStore): Promise<number> {
  const kept = durable && (await durable.revision()) > 1 ? await durable.status() : undefined;
  // The PKI comes first: the controller manager publishes its CA in every namespace from the start.
  const pki = await labPki(o.data, nodeEntropy(), new RealClock().now());
  // hostPorts: NodePort Services answer on 127.0.0.1 at their node ports, as kind's port mappings.
  const lab = new Lab({ nodes: o.nodes, seed: o.seed, clock, serviceAccountKey: await serviceAccountKey(o.data), rootCA: pki.ca.certPem, ...(o.controlPlaneNode ? { controlPlaneNode: true } : {}), hostPorts: true,
    ...(durable ? { durable } : { store: { backend: 'etcd', endpoints: o.etcdServers ?? [] } }), ...(encryption ? { encryption } : {}) });
  await lab.start();
  if (kept) process.stderr.write(`kubelab: restored the cluster at revision ${kept.revision} (${kept.keys} keys) from ${storePath}\n`);
  const served = await serveLab(lab, { dir: o.data, port: o.port, ...(o.kubeconfig ? { kubeconfigPath: o.kubeconfig } : {}), entropy: nodeEntropy(), now: new RealClock().now(), pki });
  const nodes = lab.kubelets.length;
  process.stdout.write(`export KUBECONFIG=${served.kubeconfigPath}\n`);
  process.stdout.write(`kubelab: the lab is ready: ${nodes} node${nodes === 1 ? '' : 's'}, API server at ${served.url}\n`);
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`kubelab: ${signal}: shutting down\n`);
      // The front door closes first, then the components; every acknowledged write is on disk already, and the store is closed after.
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

/** SnapshotOptions are `kubelab snapshot`'s subcommand, file and flags. */
type SnapshotOptions =
  | { command: 'save'; file: string; data: string }
  | { command: 'status'; file: string; format: StatusFormat }
  | { command: 'restore'; file: string; dataDir: string };

function parseSnapshot(args: string[]): SnapshotOptions {
  const [command, ...rest] = args;
  const flags = {
    save: { data: { type: 'string' } },
    status: { 'write-out': { type: 'string', short: 'w' } },
    restore: { 'data-dir': { type: 'string' } },
  } as const;
  if (command === undefined) throw new UsageError('snapshot needs a command: save, status or restore');
  if (!(command in flags)) throw new UsageError(`unknown command "${command}" for "kubelab snapshot"`);
  const sub = command as keyof typeof flags;
  const { values, positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: { ...flags[sub], help: { type: 'boolean', short: 'h' } } });
  if (values.help) throw new UsageError('');
  // etcdctl's words for a missing or extra file name.
  if (positionals.length !== 1) throw new UsageError(`snapshot ${sub} expects one argument`);
  const file = resolve(positionals[0]);
  const v = values as { data?: string; 'write-out'?: string; 'data-dir'?: string };
  switch (sub) {
    case 'save':
      return { command: sub, file, data: resolve(v.data ?? resolve(homedir(), '.kubelab')) };
    case 'status': {
      const format = v['write-out'] ?? 'simple';
      if (!(STATUS_FORMATS as readonly string[]).includes(format)) throw new UsageError(`invalid argument "${format}" for "-w, --write-out" flag: must be one of ${STATUS_FORMATS.join(', ')}`);
      return { command: sub, file, format: format as StatusFormat };
    }
    case 'restore':
      if (!v['data-dir']) throw new UsageError('required flag(s) "data-dir" not set');
      return { command: sub, file, dataDir: resolve(v['data-dir']) };
  }
}

/** isEmptyFolder tells whether path is missing or an empty folder (etcdutl's test for a restore's --data-dir). */
async function isEmptyFolder(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

async function snapshot(o: SnapshotOptions): Promise<number> {
  switch (o.command) {
    case 'save': {
      // The running lab appends to the store's log: opening it beside the lab could cut off a write in flight.
      const owner = await dataFolderOwner(o.data);
      if (owner !== undefined) throw new Error(`a lab is running on ${o.data} (pid ${owner}): stop it first, then save`);
      const store = clusterStore(o.data);
      const kept = await store.read();
      if (kept === undefined) throw new Error(`${o.data} holds no cluster: \`kubelab up --data ${o.data}\` makes one`);
      if ('error' in kept) throw new Error(`${store.path}: ${kept.error}`);
      await writeSnapshotFile(o.file, kept);
      process.stdout.write(`Snapshot saved at ${o.file}\n`);
      return 0;
    }
    case 'status': {
      const status = await snapshotStatus(o.file);
      if ('error' in status) throw new Error(status.error);
      process.stdout.write(formatSnapshotStatus(status, o.format));
      return 0;
    }
    case 'restore': {
      if (!(await isEmptyFolder(o.dataDir))) throw new Error(`data-dir ${JSON.stringify(o.dataDir)} not empty or could not be read`);
      // The whole file is checked before the folder is made, so a bad snapshot leaves nothing behind.
      let bytes: Uint8Array;
      try {
        bytes = await readFile(o.file);
      } catch (err) {
        throw new Error(err instanceof Error ? err.message : String(err));
      }
      const inspected = inspectSnapshot(bytes);
      if ('error' in inspected) throw new Error(inspected.error);
      const existed = await readdir(o.dataDir).then(() => true, () => false);
      try {
        await mkdir(o.dataDir, { recursive: true, mode: 0o700 });
        await clusterStore(o.dataDir).write(inspected.snapshot);
      } catch (err) {
        if (!existed) await rm(o.dataDir, { recursive: true, force: true });
        throw err;
      }
      const { revision, totalKey } = inspected.status;
      process.stdout.write(`Restored the snapshot at revision ${revision} (${totalKey} keys) into ${o.dataDir}; start it with: kubelab up --data ${o.dataDir}\n`);
      return 0;
    }
  }
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
      case 'snapshot':
        return await snapshot(parseSnapshot(rest));
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
