/** capabilities_restricted (restricted): containers must drop ALL and may add only NET_BIND_SERVICE; Windows pods are exempt from v1.25. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { CHECK_CAPABILITIES_BASELINE_ID } from './checkCapabilitiesBaseline';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden, isWindows, joinQuote, sorted } from './helpers';

const v1Dot22: CheckPodFn = (_meta, spec) => {
  const missingDropAll: string[] = [];
  const adding: string[] = [];
  const caps: string[] = [];
  for (const c of containersOf(spec)) {
    const capabilities = c.securityContext?.capabilities;
    if (!capabilities) {
      missingDropAll.push(c.name);
      continue;
    }
    if (!(capabilities.drop ?? []).includes('ALL')) missingDropAll.push(c.name);
    const extra = (capabilities.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (extra.length) {
      adding.push(c.name);
      caps.push(...extra);
    }
  }
  const details: string[] = [];
  if (missingDropAll.length) details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length) details.push(`${containersPhrase(adding)} must not include ${joinQuote(sorted(caps))} in securityContext.capabilities.add`);
  return details.length ? forbidden('unrestricted capabilities', details.join('; ')) : ALLOWED;
};

export const checkCapabilitiesRestricted: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(22), checkPod: v1Dot22, overrideCheckIDs: [CHECK_CAPABILITIES_BASELINE_ID] },
    { minimumVersion: majorMinor(25), checkPod: (meta, spec) => (isWindows(spec) ? ALLOWED : v1Dot22(meta, spec)), overrideCheckIDs: [CHECK_CAPABILITIES_BASELINE_ID] },
  ],
};
