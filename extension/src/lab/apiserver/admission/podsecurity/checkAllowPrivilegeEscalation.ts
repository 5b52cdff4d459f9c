/** allowPrivilegeEscalation (restricted): every container must set securityContext.allowPrivilegeEscalation=false; Windows pods are exempt from v1.25. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden, isWindows } from './helpers';

const v1Dot8: CheckPodFn = (_meta, spec) => {
  const bad = containersOf(spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
  return bad.length ? forbidden('allowPrivilegeEscalation != false', `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`) : ALLOWED;
};

export const checkAllowPrivilegeEscalation: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(8), checkPod: v1Dot8 },
    { minimumVersion: majorMinor(25), checkPod: (meta, spec) => (isWindows(spec) ? ALLOWED : v1Dot8(meta, spec)) },
  ],
};
