/**
 * seccompProfile_baseline (baseline): seccomp may not be Unconfined — through the
 * alpha annotations before v1.19, through securityContext.seccompProfile from v1.19.
 */
import { majorMinor } from './api';
import type { Check } from './checks';
import { ALLOWED, type CheckPodFn, containersOf, containersPhrase, forbidden, goQuote, joinQuote, pluralize, sorted } from './helpers';

export const CHECK_SECCOMP_BASELINE_ID = 'seccompProfile_baseline';
const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** validSeccomp: RuntimeDefault or Localhost. */
export const validSeccomp = (t: string | undefined) => t === 'Localhost' || t === 'RuntimeDefault';
const validAnnotation = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');

const v1Dot0: CheckPodFn = (meta, spec) => {
  const bad: string[] = [];
  const annotations = meta.annotations ?? {};
  const podValue = annotations[POD_ANNOTATION];
  if (podValue !== undefined && !validAnnotation(podValue)) bad.push(`${POD_ANNOTATION}=${goQuote(podValue)}`);
  for (const c of containersOf(spec)) {
    const key = CONTAINER_ANNOTATION_PREFIX + c.name;
    const v = annotations[key];
    if (v !== undefined && !validAnnotation(v)) bad.push(`${key}=${goQuote(v)}`);
  }
  const list = sorted(bad);
  return list.length ? forbidden('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`) : ALLOWED;
};

const v1Dot19: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const values: string[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile && !validSeccomp(podProfile.type)) {
    setters.push('pod');
    values.push(podProfile.type ?? '');
  }
  const bad: string[] = [];
  for (const c of containersOf(spec)) {
    const p = c.securityContext?.seccompProfile;
    if (p && !validSeccomp(p.type)) {
      bad.push(c.name);
      values.push(p.type ?? '');
    }
  }
  if (bad.length) setters.push(containersPhrase(bad));
  return setters.length ? forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(values))}`) : ALLOWED;
};

export const checkSeccompProfileBaseline: Check = {
  id: CHECK_SECCOMP_BASELINE_ID,
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(0), checkPod: v1Dot0 },
    { minimumVersion: majorMinor(19), checkPod: v1Dot19 },
  ],
};
