/** capabilities_baseline (baseline): containers may only add capabilities from the container runtime's default set. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden, joinQuote, sorted } from './helpers';

export const CHECK_CAPABILITIES_BASELINE_ID = 'capabilities_baseline';

const ALLOWED_1_0 = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

const v1Dot0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const caps: string[] = [];
  for (const c of containersOf(spec)) {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !ALLOWED_1_0.has(cap));
    if (extra.length) {
      bad.push(c.name);
      caps.push(...extra);
    }
  }
  return bad.length ? forbidden('non-default capabilities', `${containersPhrase(bad)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add`) : ALLOWED;
};

export const checkCapabilitiesBaseline: Check = { id: CHECK_CAPABILITIES_BASELINE_ID, level: 'baseline', versions: [{ minimumVersion: majorMinor(0), checkPod: v1Dot0 }] };
