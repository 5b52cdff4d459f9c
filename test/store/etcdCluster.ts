// etcdCluster runs a throwaway etcd cluster of Debian's /usr/bin/etcd on loopback for the
// store tests: each member with its own client and peer ports and its own data directory
// under one temporary folder. Members stop and start one at a time, so a test can take
// the cluster below quorum and back; close() stops them all and removes the folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** ETCD_BINARY is where Debian's etcd-server package installs etcd. */
export const ETCD_BINARY = '/usr/bin/etcd';

/** EtcdMember is one member: its name, URLs, data directory and process while it runs. */
export interface EtcdMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  process?: ChildProcess;
  log: string;
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class EtcdCluster {
  private constructor(readonly root: string, readonly members: EtcdMember[], readonly flags: readonly string[]) {}

  /** endpoints are every member's client URL, as kube-apiserver's --etcd-servers. */
  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  /**
   * start launches size members as one new cluster and resolves once every one
   * of them answers /health (which needs a leader), or rejects with their logs.
   * flags are more of etcd's flags for every member (`--quota-backend-bytes`, ...).
   */
  static async start(size = 3, timeoutMs = 30_000, flags: readonly string[] = []): Promise<EtcdCluster> {
    if (!existsSync(ETCD_BINARY)) throw new Error(`${ETCD_BINARY} is not installed (apt-get install etcd-server)`);
    const root = mkdtempSync(join(tmpdir(), 'kubelab-etcd-cluster-'));
    const members: EtcdMember[] = [];
    for (let i = 0; i < size; i++) {
      const [client, peer] = [await freePort(), await freePort()];
      members.push({ name: `m${i}`, clientUrl: `http://127.0.0.1:${client}`, peerUrl: `http://127.0.0.1:${peer}`, dataDir: join(root, `m${i}`), log: '' });
    }
    const cluster = new EtcdCluster(root, members, flags);
    for (let i = 0; i < size; i++) cluster.launch(i);
    try {
      await Promise.all(members.map((_, i) => cluster.waitHealthy(i, timeoutMs)));
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return cluster;
  }

  /** launch runs member i (new cluster on first start, its own data directory after). */
  private launch(i: number): void {
    const m = this.members[i];
    const initialCluster = this.members.map((x) => `${x.name}=${x.peerUrl}`).join(',');
    const child = spawn(ETCD_BINARY, [
      '--name', m.name, '--data-dir', m.dataDir,
      '--listen-client-urls', m.clientUrl, '--advertise-client-urls', m.clientUrl,
      '--listen-peer-urls', m.peerUrl, '--initial-advertise-peer-urls', m.peerUrl,
      '--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', `kubelab-${this.root}`,
      // A short election keeps the tests that stop members quick; etcd's defaults are 100 and 1000.
      '--heartbeat-interval', '50', '--election-timeout', '500',
      '--log-level', 'warn',
      ...this.flags,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    m.process = child;
    child.stderr?.on('data', (chunk: Buffer) => (m.log = (m.log + chunk.toString()).slice(-4000)));
    child.once('close', () => {
      if (m.process === child) m.process = undefined;
    });
  }

  /** waitHealthy polls member i's /health until it reports true. */
  async waitHealthy(i: number, timeoutMs = 30_000): Promise<void> {
    const m = this.members[i];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!m.process) throw new Error(`etcd member ${m.name} exited before it was healthy: ${m.log.trim()}`);
      try {
        const res = await fetch(`${m.clientUrl}/health`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok && ((await res.json()) as { health?: string }).health === 'true') return;
      } catch {
        // Not listening yet, or no leader yet.
      }
      if (Date.now() > deadline) throw new Error(`etcd member ${m.name} was not healthy within ${timeoutMs} ms: ${m.log.trim()}`);
      await sleep(100);
    }
  }

  /** stopMember kills member i (SIGKILL: a crash, not a graceful leave) and waits for it to exit. */
  async stopMember(i: number): Promise<void> {
    const child = this.members[i].process;
    if (!child) return;
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.kill('SIGKILL');
    await closed;
  }

  /** startMember restarts a stopped member i from its data directory and waits until it is healthy. */
  async startMember(i: number, timeoutMs = 30_000): Promise<void> {
    if (this.members[i].process) return;
    this.launch(i);
    await this.waitHealthy(i, timeoutMs);
  }

  /** close stops every member and removes the cluster's folder. */
  async close(): Promise<void> {
    await Promise.all(this.members.map((_, i) => this.stopMember(i)));
    rmSync(this.root, { recursive: true, force: true });
  }
}
