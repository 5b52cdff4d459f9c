/** runAsUser (restricted, from v1.23): neither the pod nor a container may set runAsUser=0; from v1.35 user-namespaced pods are exempt. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden, relaxForUserNamespace } from './helpers';

const v1Dot23: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  if (spec.securityContext?.runAsUser === 0) setters.push('pod');
  const bad = containersOf(spec).filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
  if (bad.length) setters.push(containersPhrase(bad));
  return setters.length ? forbidden('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`) : ALLOWED;
};

export const checkRunAsUser: Check = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(23), checkPod: v1Dot23 },
    { minimumVersion: majorMinor(35), checkPod: (meta, spec) => (relaxForUserNamespace(spec) ? ALLOWED : v1Dot23(meta, spec)) },
  ],
};
