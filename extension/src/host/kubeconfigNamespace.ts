/**
 * kubeconfigNamespace sets the namespace of a kubeconfig's current context, as
 * `kubectl config set-context --current --namespace=<ns>` does, so kubectl in
 * the lab's terminals follows KubeLab: Set Namespace. The rest of the file is
 * left as it was.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isSeq, parseDocument } from 'yaml';
import { writeKubeconfig } from '../lab/pki/files';

/** withContextNamespace is text with the current context's namespace set, or why it cannot be. */
export function withContextNamespace(text: string, namespace: string): string | { error: string } {
  const doc = parseDocument(text);
  if (doc.errors.length) return { error: `the kubeconfig does not parse: ${doc.errors[0].message}` };
  const current = doc.get('current-context');
  if (typeof current !== 'string' || current === '') return { error: 'current-context is not set' };
  const contexts = doc.get('contexts');
  if (!isSeq(contexts)) return { error: `no context exists with the name: "${current}"` };
  const entry = contexts.items.find((c) => isMap(c) && c.get('name') === current);
  if (!isMap(entry)) return { error: `no context exists with the name: "${current}"` };
  const context = entry.get('context');
  if (isMap(context)) context.set('namespace', namespace);
  else entry.set('context', doc.createNode({ namespace }));
  return doc.toString({ indentSeq: false, lineWidth: 0 });
}

/** setKubeconfigNamespace rewrites the kubeconfig at path with its current context's namespace set (kept private to its owner, 0600). */
export async function setKubeconfigNamespace(path: string, namespace: string): Promise<void> {
  const next = withContextNamespace(await readFile(path, 'utf8'), namespace);
  if (typeof next !== 'string') throw new Error(`${path}: ${next.error}`);
  await writeKubeconfig(path, next);
}
