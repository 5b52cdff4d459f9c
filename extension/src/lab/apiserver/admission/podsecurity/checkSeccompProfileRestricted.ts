/** seccompProfile_restricted (restricted, from v1.19): the pod or every container must set seccompProfile.type to RuntimeDefault or Localhost; Windows pods are exempt from v1.25. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { CHECK_SECCOMP_BASELINE_ID, validSeccomp } from './checkSeccompProfileBaseline';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden, isWindows, joinQuote, sorted } from './helpers';

const v1Dot19: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const values: string[] = [];
  let podSet = false;
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile) {
    if (validSeccomp(podProfile.type)) podSet = true;
    else {
      setters.push('pod');
      values.push(podProfile.type ?? '');
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containersOf(spec)) {
    const p = c.securityContext?.seccompProfile;
    if (p) {
      if (!validSeccomp(p.type)) {
        explicit.push(c.name);
        values.push(p.type ?? '');
      }
    } else if (!podSet) implicit.push(c.name);
  }
  if (explicit.length) setters.push(containersPhrase(explicit));
  if (setters.length) return forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(values))}`);
  if (implicit.length) return forbidden('seccompProfile', `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  return ALLOWED;
};

export const checkSeccompProfileRestricted: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(19), checkPod: v1Dot19, overrideCheckIDs: [CHECK_SECCOMP_BASELINE_ID] },
    { minimumVersion: majorMinor(25), checkPod: (meta, spec) => (isWindows(spec) ? ALLOWED : v1Dot19(meta, spec)), overrideCheckIDs: [CHECK_SECCOMP_BASELINE_ID] },
  ],
};
