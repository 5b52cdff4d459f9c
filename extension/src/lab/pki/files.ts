/**
 * files writes the PKI and kubeconfig to disk with kubeadm's modes: private
 * keys and kubeconfigs (which embed a key) 0600, certificates 0644. The mode is
 * set on the open file before anything is written, so an existing file with
 * looser permissions never holds a key, even for a moment.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabPki } from './labPki';

/** PRIVATE_MODE is for keys and kubeconfigs; PUBLIC_MODE for certificates. */
export const PRIVATE_MODE = 0o600;
export const PUBLIC_MODE = 0o644;

/** writeFileWithMode creates or truncates path, sets mode, then writes data. */
export async function writeFileWithMode(path: string, data: string, mode: number): Promise<void> {
  const file = await open(path, 'w', mode);
  try {
    await file.chmod(mode);
    await file.writeFile(data);
  } finally {
    await file.close();
  }
}

/** PKI_FILES are kubeadm's file names under its pki directory. */
export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  apiServerCert: 'apiserver.crt',
  apiServerKey: 'apiserver.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
} as const;

/** writePki writes every certificate and key into dir (created 0700 if missing). */
export async function writePki(dir: string, pki: LabPki): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileWithMode(join(dir, PKI_FILES.caCert), pki.ca.certPem, PUBLIC_MODE);
  await writeFileWithMode(join(dir, PKI_FILES.caKey), pki.ca.keyPem, PRIVATE_MODE);
  await writeFileWithMode(join(dir, PKI_FILES.apiServerCert), pki.apiServer.certPem, PUBLIC_MODE);
  await writeFileWithMode(join(dir, PKI_FILES.apiServerKey), pki.apiServer.keyPem, PRIVATE_MODE);
  await writeFileWithMode(join(dir, PKI_FILES.adminCert), pki.admin.certPem, PUBLIC_MODE);
  await writeFileWithMode(join(dir, PKI_FILES.adminKey), pki.admin.keyPem, PRIVATE_MODE);
}

/** writeKubeconfig writes a kubeconfig's text at path, 0600 as kubeadm's admin.conf. */
export function writeKubeconfig(path: string, text: string): Promise<void> {
  return writeFileWithMode(path, text, PRIVATE_MODE);
}

/** readPki reads a PKI writePki left in dir; undefined when any file is missing, so the caller issues a new one. */
export async function readPki(dir: string): Promise<LabPki | undefined> {
  const read = (name: string): Promise<string> => readFile(join(dir, name), 'utf8');
  try {
    return {
      ca: { certPem: await read(PKI_FILES.caCert), keyPem: await read(PKI_FILES.caKey) },
      apiServer: { certPem: await read(PKI_FILES.apiServerCert), keyPem: await read(PKI_FILES.apiServerKey) },
      admin: { certPem: await read(PKI_FILES.adminCert), keyPem: await read(PKI_FILES.adminKey) },
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
