/**
 * kubeconfig renders a client configuration (clientcmd's v1 Config) that
 * reaches the lab's front door with a client certificate, with every name —
 * cluster, user and context — `kubelab`, as kubectl itself writes the file.
 */
import { stringify } from 'yaml';
import type { KeyPair } from './certificates';

/** KUBECONFIG_NAME names the cluster, the user and the context. */
export const KUBECONFIG_NAME = 'kubelab';

/** KubeconfigOptions are what the file points at and authenticates with. */
export interface KubeconfigOptions {
  /** server is the API server's URL, `https://127.0.0.1:<port>`. */
  server: string;
  caPem: string;
  client: KeyPair;
  name?: string;
}

/** kubeconfig returns the YAML text of the configuration, certificates inline as base64 `*-data`. */
export function kubeconfig(options: KubeconfigOptions): string {
  const name = options.name ?? KUBECONFIG_NAME;
  const b64 = (pem: string): string => Buffer.from(pem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': b64(options.caPem), server: options.server }, name }],
    contexts: [{ context: { cluster: name, user: name }, name }],
    'current-context': name,
    kind: 'Config',
    preferences: {},
    users: [{ name, user: { 'client-certificate-data': b64(options.client.certPem), 'client-key-data': b64(options.client.keyPem) } }],
  }, { indentSeq: false, lineWidth: 0 });
}
