/** privileged (baseline): no privileged containers. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden } from './helpers';

const v1Dot0: CheckPodFn = (_meta, spec) => {
  const bad = containersOf(spec).filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
  return bad.length ? forbidden('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`) : ALLOWED;
};

export const checkPrivileged: Check = { id: 'privileged', level: 'baseline', versions: [{ minimumVersion: majorMinor(0), checkPod: v1Dot0 }] };
