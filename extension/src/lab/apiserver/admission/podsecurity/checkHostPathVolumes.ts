/** hostPathVolumes (baseline): no hostPath volumes. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, forbidden, joinQuote, pluralize } from './helpers';

export const CHECK_HOST_PATH_VOLUMES_ID = 'hostPathVolumes';

const v1Dot0: CheckPodFn = (_meta, spec) => {
  const bad = (spec.volumes ?? []).filter((v) => v.hostPath != null).map((v) => v.name);
  return bad.length ? forbidden('hostPath volumes', `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}`) : ALLOWED;
};

export const checkHostPathVolumes: Check = { id: CHECK_HOST_PATH_VOLUMES_ID, level: 'baseline', versions: [{ minimumVersion: majorMinor(0), checkPod: v1Dot0 }] };
