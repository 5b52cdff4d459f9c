/** windowsHostProcess (baseline): no Windows HostProcess pods or containers. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden } from './helpers';

const v1Dot0: CheckPodFn = (_meta, spec) => {
  const bad = containersOf(spec).filter((c) => c.securityContext?.windowsOptions?.hostProcess === true).map((c) => c.name);
  const setters = [...(spec.securityContext?.windowsOptions?.hostProcess === true ? ['pod'] : []), ...(bad.length ? [containersPhrase(bad)] : [])];
  return setters.length ? forbidden('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`) : ALLOWED;
};

export const checkWindowsHostProcess: Check = { id: 'windowsHostProcess', level: 'baseline', versions: [{ minimumVersion: majorMinor(0), checkPod: v1Dot0 }] };
