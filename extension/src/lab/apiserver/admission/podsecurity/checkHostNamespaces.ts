/** hostNamespaces (baseline): no hostNetwork, hostPID or hostIPC. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, forbidden } from './helpers';

const v1Dot0: CheckPodFn = (_meta, spec) => {
  const host = [spec.hostNetwork && 'hostNetwork=true', spec.hostPID && 'hostPID=true', spec.hostIPC && 'hostIPC=true'].filter((s): s is string => !!s);
  return host.length ? forbidden('host namespaces', host.join(', ')) : ALLOWED;
};

export const checkHostNamespaces: Check = { id: 'hostNamespaces', level: 'baseline', versions: [{ minimumVersion: majorMinor(0), checkPod: v1Dot0 }] };
