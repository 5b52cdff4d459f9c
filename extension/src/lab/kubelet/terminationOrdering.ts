/**
 * terminationOrdering is kuberuntime's terminationOrdering for pods with
 * sidecars: when the pod's containers are killed together, each sidecar
 * (restartable init container) waits for every regular container and every
 * sidecar declared after it to exit before it gets SIGTERM, so sidecars stop
 * last and in reverse order — bounded by its own grace period.
 */
import type { Pod } from '../api/types';
import type { Clock } from '../clock';
import { isSidecar } from './podStatus';
import type { ContainerRecord } from './runtime';

/** WaitForTurn waits for the containers a container must outlive, at most gracePeriod seconds; it resolves with the whole seconds it waited. */
export type WaitForTurn = (gracePeriod: number) => Promise<number>;

/** terminationOrdering gives each running container of pod its wait (undefined: it goes at once). */
export function terminationOrdering(clock: Clock, pod: Pod, running: readonly ContainerRecord[]): (name: string) => WaitForTurn | undefined {
  const inits = pod.spec.initContainers ?? [];
  const sidecarIndex = new Map(inits.map((c, i) => [c.name, i] as const).filter(([name]) => inits.some((c) => c.name === name && isSidecar(c))));
  if (sidecarIndex.size === 0) return () => undefined;
  return (name) => {
    const index = sidecarIndex.get(name);
    if (index === undefined) return undefined;
    const before = running.filter((r) => {
      const other = sidecarIndex.get(r.name);
      return r.name !== name && (other === undefined ? !inits.some((c) => c.name === r.name) : other > index);
    });
    return (gracePeriod) => {
      const start = clock.now();
      let timer: { cancel(): void } | undefined;
      const timeout = new Promise<void>((resolve) => (timer = clock.setTimer(gracePeriod * 1000, resolve)));
      return Promise.race([Promise.all(before.map((r) => r.exited)), timeout]).then(() => {
        timer?.cancel();
        return Math.floor((clock.now() - start) / 1000);
      });
    };
  };
}
