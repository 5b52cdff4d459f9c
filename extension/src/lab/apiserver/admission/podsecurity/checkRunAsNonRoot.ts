/** runAsNonRoot (restricted): the pod, or every container, must set runAsNonRoot=true, and none may set false; from v1.35 user-namespaced pods are exempt. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden, relaxForUserNamespace } from './helpers';

const v1Dot0: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const podValue = spec.securityContext?.runAsNonRoot;
  if (podValue === false) setters.push('pod');
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containersOf(spec)) {
    const v = c.securityContext?.runAsNonRoot;
    if (v === false) explicit.push(c.name);
    else if (v === undefined && podValue !== true) implicit.push(c.name);
  }
  if (explicit.length) setters.push(containersPhrase(explicit));
  if (setters.length) return forbidden('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`);
  if (implicit.length) return forbidden('runAsNonRoot != true', `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`);
  return ALLOWED;
};

export const checkRunAsNonRoot: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(0), checkPod: v1Dot0 },
    { minimumVersion: majorMinor(35), checkPod: (meta, spec) => (relaxForUserNamespace(spec) ? ALLOWED : v1Dot0(meta, spec)) },
  ],
};
