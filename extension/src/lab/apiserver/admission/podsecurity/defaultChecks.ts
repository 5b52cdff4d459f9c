/** defaultChecks is policy.DefaultChecks: every Pod Security Standards control with an assigned policy version. */
import type { Check } from './checks';
import { checkAllowPrivilegeEscalation } from './checkAllowPrivilegeEscalation';
import { checkAppArmorProfile } from './checkAppArmorProfile';
import { checkCapabilitiesBaseline } from './checkCapabilitiesBaseline';
import { checkCapabilitiesRestricted } from './checkCapabilitiesRestricted';
import { checkHostNamespaces } from './checkHostNamespaces';
import { checkHostPathVolumes } from './checkHostPathVolumes';
import { checkHostPorts } from './checkHostPorts';
import { checkHostProbesAndHostLifecycle } from './checkHostProbesAndHostLifecycle';
import { checkPrivileged } from './checkPrivileged';
import { checkProcMount, checkProcMountRestricted } from './checkProcMount';
import { checkRestrictedVolumes } from './checkRestrictedVolumes';
import { checkRunAsNonRoot } from './checkRunAsNonRoot';
import { checkRunAsUser } from './checkRunAsUser';
import { checkSeLinuxOptions } from './checkSeLinuxOptions';
import { checkSeccompProfileBaseline } from './checkSeccompProfileBaseline';
import { checkSeccompProfileRestricted } from './checkSeccompProfileRestricted';
import { checkSysctls } from './checkSysctls';
import { checkWindowsHostProcess } from './checkWindowsHostProcess';

export const DEFAULT_CHECKS: readonly Check[] = [
  checkAllowPrivilegeEscalation,
  checkAppArmorProfile,
  checkCapabilitiesBaseline,
  checkCapabilitiesRestricted,
  checkHostNamespaces,
  checkHostPathVolumes,
  checkHostPorts,
  checkHostProbesAndHostLifecycle,
  checkPrivileged,
  checkProcMount,
  checkProcMountRestricted,
  checkRestrictedVolumes,
  checkRunAsNonRoot,
  checkRunAsUser,
  checkSeLinuxOptions,
  checkSeccompProfileBaseline,
  checkSeccompProfileRestricted,
  checkSysctls,
  checkWindowsHostProcess,
];
