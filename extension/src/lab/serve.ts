/**
 * serve opens a running lab to real clients: the HTTPS front door on
 * 127.0.0.1 with the cluster's PKI (issued once and kept in the data folder,
 * so a kubeconfig stays valid across restarts), kube-apiserver's health checks
 * and kubectl's tables, and a kubeconfig whose context is `kubelab`. The lab
 * worker calls it for the editor and the `kubelab` command for the headless lab.
 */
import { join } from 'node:path';
import { FrontDoor } from './apiserver/http/server';
import { kubeApiserverChecks } from './apiserver/http/kubeApiserverChecks';
import { tableConvertor } from './apiserver/http/tables';
import type { Lab } from './lab';
import type { Entropy } from './pki/certificates';
import { readPki, writeKubeconfig, writePki } from './pki/files';
import { kubeconfig } from './pki/kubeconfig';
import { type LabPki, createLabPki } from './pki/labPki';

export interface ServeOptions {
  /** dir holds the PKI (`pki/`) and, unless kubeconfigPath says otherwise, the kubeconfig. */
  dir: string;
  /** port to listen on; 0 picks a free one. */
  port?: number;
  kubeconfigPath?: string;
  /** entropy and now issue the PKI the first time: the composition root's, as the lab core has neither. */
  entropy: Entropy;
  now: number;
  /** pki is the PKI labPki already read or issued for dir, so the lab's CA and the front door's are one. */
  pki?: LabPki;
}

export interface Served {
  url: string;
  port: number;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

/**
 * labPki is the cluster's PKI kept in dir's `pki/`, issued and written the
 * first time. It is read before the lab starts, so the controller manager can
 * publish the CA the front door will present (LabConfig.rootCA).
 */
export async function labPki(dir: string, entropy: Entropy, now: number): Promise<LabPki> {
  const pkiDir = join(dir, 'pki');
  const kept = await readPki(pkiDir);
  if (kept) return kept;
  const pki = createLabPki(entropy, now);
  await writePki(pkiDir, pki);
  return pki;
}

/** serveLab starts the front door for lab, which must be running, and writes its kubeconfig. */
export async function serveLab(lab: Lab, o: ServeOptions): Promise<Served> {
  const pki = o.pki ?? await labPki(o.dir, o.entropy, o.now);
  const door = await FrontDoor.start({
    server: lab.server,
    tls: { caPem: pki.ca.certPem, certPem: pki.apiServer.certPem, keyPem: pki.apiServer.keyPem },
    port: o.port ?? 0,
    health: kubeApiserverChecks({ storeRevision: () => lab.store.revision(), cache: lab.server.cache }),
    toTable: tableConvertor(lab.server, lab.config.clock),
    clock: lab.config.clock,
  });
  const kubeconfigPath = o.kubeconfigPath ?? join(o.dir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, kubeconfig({ server: door.url, caPem: pki.ca.certPem, client: pki.admin }));
  return { url: door.url, port: door.port, kubeconfigPath, stop: () => door.stop() };
}
