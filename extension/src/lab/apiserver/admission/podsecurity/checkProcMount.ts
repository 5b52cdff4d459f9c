/**
 * procMount (baseline) and procMount_restricted (restricted): /proc must keep its
 * default masks. From v1.35 baseline lets a pod in its own user namespace
 * (hostUsers: false) unmask it, and restricted takes over the unconditional check.
 */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden, joinQuote, relaxForUserNamespace, sorted } from './helpers';

const v1Dot0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of containersOf(spec)) {
    const pm = c.securityContext?.procMount;
    if (pm !== undefined && pm !== 'Default') {
      bad.push(c.name);
      types.push(pm);
    }
  }
  return bad.length ? forbidden('procMount', `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sorted(types))}`) : ALLOWED;
};

export const checkProcMount: Check = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(0), checkPod: v1Dot0 },
    { minimumVersion: majorMinor(35), checkPod: (meta, spec) => (relaxForUserNamespace(spec) ? ALLOWED : v1Dot0(meta, spec)) },
  ],
};

export const checkProcMountRestricted: Check = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minimumVersion: majorMinor(35), checkPod: v1Dot0, overrideCheckIDs: ['procMount'] }],
};
