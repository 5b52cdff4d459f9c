/**
 * Test support for the HTTPS front door: an in-process lab served over TLS on a
 * free loopback port with freshly issued PKI and an admin kubeconfig in a
 * temporary directory — what kubectl and client libraries need to reach it.
 * Tests only; nothing in the lab imports it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../clock';
import { RealClock } from '../../clock';
import { Lab } from '../../lab';
import { writeKubeconfig, writePki } from '../../pki/files';
import { kubeconfig } from '../../pki/kubeconfig';
import { type LabPki, createLabPki } from '../../pki/labPki';
import { nodeEntropy } from '../../pki/nodeEntropy';
import { FrontDoor, type FrontDoorOptions } from './server';

/** kubectlMissing is false when kubectl is on PATH, else the reason to skip tests that need it. */
export const kubectlMissing: false | string = ((): false | string => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'kubectl is not installed';
  }
})();

export interface ServedTestLab {
  lab: Lab;
  door: FrontDoor;
  pki: LabPki;
  /** dir is the temporary directory: kubectl's HOME, the PKI under pki/, the kubeconfig. */
  dir: string;
  /** kubeconfig is the admin's kubeconfig for the door. */
  kubeconfig: string;
  /** kubectlEnv is kubectl's environment: HOME in dir, no KUBECONFIG, so no cache or config leaks in or out. */
  kubectlEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface ServeTestLabOptions {
  nodes?: number;
  seed?: number;
  clock?: Clock;
  /** door adds front-door options (health checks, tables) beside the server and TLS. */
  door?: (lab: Lab) => Partial<FrontDoorOptions>;
  /** writePki also writes the PKI files under dir/pki. */
  writePki?: boolean;
  /** dns false leaves the DNS add-on out, for tests that count every pod. */
  dns?: boolean;
}

/** serveTestLab starts a lab and its front door; call stop() in after(). */
export async function serveTestLab(o: ServeTestLabOptions = {}): Promise<ServedTestLab> {
  const lab = new Lab({ nodes: o.nodes ?? 1, clock: o.clock ?? new RealClock(), seed: o.seed ?? 11, ...(o.dns === false ? { dns: false } : {}) });
  await lab.start();
  const pki = createLabPki(nodeEntropy(), new RealClock().now());
  const door = await FrontDoor.start({
    server: lab.server,
    tls: { caPem: pki.ca.certPem, certPem: pki.apiServer.certPem, keyPem: pki.apiServer.keyPem },
    ...o.door?.(lab),
  });
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-door-'));
  if (o.writePki) await writePki(join(dir, 'pki'), pki);
  const config = join(dir, 'config');
  await writeKubeconfig(config, kubeconfig({ server: door.url, caPem: pki.ca.certPem, client: pki.admin }));
  return {
    lab, door, pki, dir, kubeconfig: config,
    kubectlEnv: (extra = {}) => ({ ...process.env, HOME: dir, KUBECONFIG: '', ...extra }),
    async stop() {
      await door.stop();
      lab.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
