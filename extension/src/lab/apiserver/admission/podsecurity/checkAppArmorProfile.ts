/**
 * appArmorProfile (baseline): no pod or container may set an AppArmor profile
 * type other than RuntimeDefault or Localhost, nor a beta container annotation
 * other than `runtime/default` or `localhost/*`.
 */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden, goQuote, joinQuote, pluralize, sorted } from './helpers';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const allowedType = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
const allowedAnnotation = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');

const v1Dot0: CheckPodFn = (meta, spec) => {
  const setters: string[] = [];
  const values = new Set<string>();
  const podType = spec.securityContext?.appArmorProfile?.type;
  if (spec.securityContext?.appArmorProfile && !allowedType(podType)) {
    setters.push('pod');
    values.add(podType ?? '');
  }
  const bad: string[] = [];
  for (const c of containersOf(spec)) {
    const profile = c.securityContext?.appArmorProfile;
    if (profile && !allowedType(profile.type)) {
      bad.push(c.name);
      values.add(profile.type ?? '');
    }
  }
  if (bad.length) setters.push(containersPhrase(bad));
  const list = sorted(values);
  const annotations = Object.entries(meta.annotations ?? {})
    .filter(([k, v]) => k.startsWith(ANNOTATION_PREFIX) && !allowedAnnotation(v))
    .map(([k, v]) => `${k}=${goQuote(v)}`)
    .sort();
  if (annotations.length) {
    list.push(...annotations);
    setters.push(pluralize('annotation', 'annotations', annotations.length));
  }
  if (!setters.length) return ALLOWED;
  return forbidden(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', list.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(list)}`,
  );
};

export const checkAppArmorProfile: Check = { id: 'appArmorProfile', level: 'baseline', versions: [{ minimumVersion: majorMinor(0), checkPod: v1Dot0 }] };
