/** hostPorts (baseline): no container may use a hostPort. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden, pluralize, sorted } from './helpers';

const v1Dot0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of containersOf(spec)) {
    const used = (c.ports ?? []).filter((p) => p.hostPort).map((p) => String(p.hostPort));
    if (used.length) {
      bad.push(c.name);
      ports.push(...used);
    }
  }
  if (!bad.length) return ALLOWED;
  // Ports sort as strings, as upstream's string set does ("10000" before "8080").
  const list = sorted(ports);
  return forbidden('hostPort', `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`);
};

export const checkHostPorts: Check = { id: 'hostPorts', level: 'baseline', versions: [{ minimumVersion: majorMinor(0), checkPod: v1Dot0 }] };
