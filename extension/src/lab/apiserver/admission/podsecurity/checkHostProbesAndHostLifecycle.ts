/** hostProbesAndHostLifecycle (baseline, from v1.34): probes and lifecycle handlers may not name a host. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, type HostHandler, containersPhrase, containersOf, forbidden, joinQuote, pluralize, sorted } from './helpers';

function hosts(h: HostHandler | undefined): string[] {
  return [h?.httpGet?.host, h?.tcpSocket?.host].filter((x): x is string => !!x);
}

const v1Dot34: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const named: string[] = [];
  for (const c of containersOf(spec)) {
    const found = [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop].flatMap(hosts);
    if (found.length) {
      bad.push(c.name);
      named.push(...found);
    }
  }
  if (!bad.length) return ALLOWED;
  const containers = sorted(bad);
  const list = sorted(named);
  return forbidden('probe or lifecycle host', `${containersPhrase(containers)} ${pluralize('uses', 'use', containers.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', list.length)} ${joinQuote(list)}`);
};

export const checkHostProbesAndHostLifecycle: Check = { id: 'hostProbesAndHostLifecycle', level: 'baseline', versions: [{ minimumVersion: majorMinor(34), checkPod: v1Dot34 }] };
