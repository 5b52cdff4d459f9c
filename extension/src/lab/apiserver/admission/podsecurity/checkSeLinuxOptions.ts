/** seLinuxOptions (baseline): only container SELinux types (plus container_engine_t from v1.31), and no custom user or role. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, type SecurityContext, containersOf, containersPhrase, forbidden, joinQuote, pluralize, sorted } from './helpers';

const TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const TYPES_1_31 = [...TYPES_1_0, 'container_engine_t'];

function seLinuxOptions(allowedTypes: readonly string[]): CheckPodFn {
  return (_meta, spec) => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (opts: NonNullable<SecurityContext['seLinuxOptions']>) => {
      let ok = true;
      if (!allowedTypes.includes(opts.type ?? '')) {
        ok = false;
        badTypes.push(opts.type ?? '');
      }
      if (opts.user) {
        ok = false;
        setUser = true;
      }
      if (opts.role) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const setters: string[] = [];
    const podOpts = spec.securityContext?.seLinuxOptions;
    if (podOpts && !valid(podOpts)) setters.push('pod');
    const bad = containersOf(spec).filter((c) => c.securityContext?.seLinuxOptions && !valid(c.securityContext.seLinuxOptions)).map((c) => c.name);
    if (bad.length) setters.push(containersPhrase(bad));
    if (!setters.length) return ALLOWED;
    const types = sorted(badTypes);
    const data = [
      ...(types.length ? [`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`] : []),
      ...(setUser ? ['user may not be set'] : []),
      ...(setRole ? ['role may not be set'] : []),
    ];
    return forbidden('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`);
  };
}

export const checkSeLinuxOptions: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(0), checkPod: seLinuxOptions(TYPES_1_0) },
    { minimumVersion: majorMinor(31), checkPod: seLinuxOptions(TYPES_1_31) },
  ],
};
