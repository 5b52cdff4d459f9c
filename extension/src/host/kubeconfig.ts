/**
 * kubeconfig reads the user's kubeconfig files with @kubernetes/client-node's
 * KubeConfig, the way kubectl does ($KUBECONFIG's files merged, else
 * ~/.kube/config), so every credential form it knows — client certificates,
 * tokens, basic auth, exec and auth-provider plugins, proxies — reaches a
 * cluster the user picks. Nothing here imports `vscode`.
 */
import type * as KubeConfigModule from '@kubernetes/client-node/dist/config.js' with { 'resolution-mode': 'import' };
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js' with { 'resolution-mode': 'import' };

export type { KubeConfig };

/** ContextInfo is one kubeconfig context as the Switch Cluster picker lists it. */
export interface ContextInfo {
  name: string;
  cluster: string;
  /** server is the cluster's URL, when the kubeconfig defines the cluster. */
  server?: string;
  user: string;
  namespace?: string;
  /** current is true for the kubeconfig's current-context. */
  current: boolean;
}

/**
 * loadKubeConfig reads file, or the default kubeconfig when file is not given;
 * with context, that context becomes the current one. It rejects with
 * clientcmd's wording when the context is not defined.
 */
export async function loadKubeConfig(options: { file?: string; context?: string } = {}): Promise<KubeConfig> {
  const { KubeConfig } = await kubeConfigModule();
  const kc = new KubeConfig();
  if (options.file) kc.loadFromFile(options.file);
  // As kubectl merges $KUBECONFIG's files, the first to set current-context wins.
  else kc.loadFromDefault(undefined, true);
  const { context } = options;
  if (context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === context)) throw new Error(`context was not found for specified context: ${context}`);
    kc.setCurrentContext(context);
  }
  return kc;
}

/**
 * contextsOf lists kc's contexts in file order. loadFromDefault invents one
 * context (`loaded-context`, http://localhost:8080) when there is no
 * kubeconfig at all; that placeholder is no cluster of the user's, so it is
 * left out.
 */
export function contextsOf(kc: KubeConfig): ContextInfo[] {
  const contexts = kc.getContexts();
  if (contexts.length === 1 && contexts[0].name === 'loaded-context' && kc.getCluster(contexts[0].cluster)?.server === 'http://localhost:8080') return [];
  const current = kc.getCurrentContext();
  return contexts.map((c) => ({
    name: c.name,
    cluster: c.cluster,
    server: kc.getCluster(c.cluster)?.server,
    user: c.user,
    ...(c.namespace ? { namespace: c.namespace } : {}),
    current: c.name === current,
  }));
}

/**
 * kubeConfigModule loads client-node's KubeConfig module alone: the package's
 * index also pulls in every generated API client, three times the size. The
 * bundle keeps it in a file of its own, loaded here on first use (scripts/build.mjs).
 */
async function kubeConfigModule(): Promise<typeof KubeConfigModule> {
  try {
    return await import('@kubernetes/client-node/dist/config.js');
  } catch (err) {
    // Its HTTP stack (undici) needs a recent Node.js; older VS Code builds run Node 18 or 20.
    throw new Error(`@kubernetes/client-node could not load on Node.js ${process.version} (it needs Node.js 22 or later, as in recent VS Code): ${err instanceof Error ? err.message : String(err)}`);
  }
}
