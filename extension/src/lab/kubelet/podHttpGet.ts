/**
 * podHttpGet sends one HTTP request to a port of a pod through its node's
 * kubelet port-forward, as `kubectl port-forward` and curl do together. Tests
 * use it to make a container's server write its access log.
 */
import type { Lab } from '../lab';
import { Collector, Pipe } from './pipe';

/** podHttpGet resolves with the raw answer, or with the port-forward's refusal. */
export async function podHttpGet(lab: Lab, namespace: string, pod: string, nodeName: string, port: number, target: string): Promise<string> {
  const kubelet = lab.kubelets.find((k) => k.nodeName === nodeName);
  if (!kubelet) return `no kubelet on node ${JSON.stringify(nodeName)}`;
  const session = kubelet.portForward(namespace, pod);
  if ('status' in session) return session.body;
  const input = new Pipe();
  const output = new Collector();
  let closed!: () => void;
  const done = new Promise<void>((resolve) => (closed = resolve));
  const refused = session.forward(port, { input, output, close: () => closed() });
  if (refused !== undefined) return refused;
  input.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl/8.5.0\r\nConnection: close\r\n\r\n`);
  input.end();
  await done;
  return output.text;
}
