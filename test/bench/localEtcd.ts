// localEtcd starts a throwaway single-member etcd (Debian's /usr/bin/etcd) on free
// loopback ports with a data directory of its own, for benches that measure the lab's
// store beside a real one; stop() kills it and removes the directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** ETCD_BINARY is where Debian's etcd-server package installs etcd. */
export const ETCD_BINARY = '/usr/bin/etcd';

/** LocalEtcd is a running member: its client URL, its version, and how to stop it. */
export interface LocalEtcd {
  endpoint: string;
  version: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** freePort asks the kernel for a loopback port no one listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** etcdVersion reads `etcd --version`'s first line ("etcd Version: 3.4.23"). */
function etcdVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(ETCD_BINARY, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(/etcd Version:\s*(\S+)/.exec(out)?.[1] ?? 'unknown'));
  });
}

/**
 * startLocalEtcd runs one member under parent (a temporary directory when
 * absent) and resolves once it answers /health, or rejects with its last log
 * lines when it exits or stays silent past timeoutMs.
 */
export async function startLocalEtcd(parent = tmpdir(), timeoutMs = 20_000): Promise<LocalEtcd> {
  if (!existsSync(ETCD_BINARY)) throw new Error(`${ETCD_BINARY} is not installed (apt-get install etcd-server)`);
  const version = await etcdVersion();
  const dataDir = mkdtempSync(join(parent, 'kubelab-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child: ChildProcess = spawn(ETCD_BINARY, [
    '--name', 'bench', '--data-dir', dataDir,
    '--listen-client-urls', client, '--advertise-client-urls', client,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `bench=${peer}`, '--initial-cluster-state', 'new',
    '--log-level', 'error',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let logTail = '';
  child.stderr?.on('data', (chunk: Buffer) => (logTail = (logTail + chunk.toString()).slice(-2000)));
  let exited = false;
  const closed = new Promise<void>((resolve) => child.once('close', () => {
    exited = true;
    resolve();
  }));
  const stop = async (): Promise<void> => {
    if (!exited) child.kill('SIGTERM');
    await closed;
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`etcd exited before it was healthy: ${logTail.trim()}`);
    }
    try {
      const res = await fetch(`${client}/health`);
      if (res.ok && ((await res.json()) as { health?: string }).health === 'true') return { endpoint: client, version, dataDir, stop };
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`etcd was not healthy within ${timeoutMs} ms: ${logTail.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
