/**
 * api holds Pod Security Admission's levels, versions, namespace labels and
 * policy resolution (k8s.io/pod-security-admission/api): a namespace's
 * `pod-security.kubernetes.io/<mode>[-version]` labels choose, per mode, a
 * level and a policy version; unset labels fall back to the configured defaults.
 */
import { type FieldError, invalidValue } from '../../fieldErrors';

/** Level is a Pod Security Standard, from least to most strict in LEVELS. */
export type Level = 'privileged' | 'baseline' | 'restricted';
export const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];

export const ENFORCE_LEVEL_LABEL = 'pod-security.kubernetes.io/enforce';
export const ENFORCE_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';
export const AUDIT_LEVEL_LABEL = 'pod-security.kubernetes.io/audit';
export const AUDIT_VERSION_LABEL = 'pod-security.kubernetes.io/audit-version';
export const WARN_LEVEL_LABEL = 'pod-security.kubernetes.io/warn';
export const WARN_VERSION_LABEL = 'pod-security.kubernetes.io/warn-version';

/** Audit annotations carry this prefix on the audit event (AuditAnnotationPrefix). */
export const AUDIT_ANNOTATION_PREFIX = 'pod-security.kubernetes.io/';
export const ENFORCED_POLICY_ANNOTATION = 'enforce-policy';
export const AUDIT_VIOLATIONS_ANNOTATION = 'audit-violations';
export const EXEMPTION_REASON_ANNOTATION = 'exempt';

/** Version is a policy version: `v1.<minor>` or latest, which is newer than every other. */
export interface Version {
  minor: number;
  latest: boolean;
}

/** LATEST is the `latest` policy version. */
export const LATEST: Version = { minor: 0, latest: true };

/** majorMinor is MajorMinorVersion(1, minor); only major 1 exists. */
export function majorMinor(minor: number): Version {
  return { minor, latest: false };
}

/** versionString is Version.String(): `latest` or `v1.25`. */
export function versionString(v: Version): string {
  return v.latest ? 'latest' : `v1.${v.minor}`;
}

/** older is Version.Older: latest is never older, and everything else is older than latest. */
export function older(v: Version, other: Version): boolean {
  if (v.latest) return false;
  if (other.latest) return true;
  return v.minor < other.minor;
}

/** LevelVersion is a level at a policy version, printed `restricted:latest`. */
export interface LevelVersion {
  level: Level;
  version: Version;
}

/** levelVersionString is LevelVersion.String(): `restricted:latest`. */
export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${versionString(lv.version)}`;
}

/** sameLevelVersion compares level and version, as Go compares LevelVersion values. */
export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && a.version.latest === b.version.latest && a.version.minor === b.version.minor;
}

/** Policy is what a namespace asks for, per mode. */
export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

/** DEFAULT_POLICY is kube-apiserver's default PodSecurityConfiguration: privileged:latest everywhere. */
export const DEFAULT_POLICY: Policy = {
  enforce: { level: 'privileged', version: LATEST },
  audit: { level: 'privileged', version: LATEST },
  warn: { level: 'privileged', version: LATEST },
};

/** parseLevel is ParseLevel: an unknown level reads as restricted, with an error. */
export function parseLevel(level: string): [Level, string | undefined] {
  return (LEVELS as readonly string[]).includes(level) ? [level as Level, undefined] : ['restricted', `must be one of ${LEVELS.join(', ')}`];
}

const VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;

/** parseVersion is ParseVersion: `latest` or `v1.x`; anything else reads as latest, with an error. */
export function parseVersion(version: string): [Version, string | undefined] {
  if (version === 'latest') return [LATEST, undefined];
  const m = VERSION.exec(version);
  return m ? [majorMinor(Number(m[1])), undefined] : [LATEST, 'must be "latest" or "v1.x"'];
}

/** compareLevels is CompareLevels: -1, 0 or 1 by strictness. */
export function compareLevels(a: Level, b: Level): number {
  return Math.sign(LEVELS.indexOf(a) - LEVELS.indexOf(b));
}

/**
 * policyToEvaluate is PolicyToEvaluate: the namespace labels over the defaults,
 * with an Invalid error per bad label. A bad enforce level fails closed
 * (restricted); a bad audit or warn level fails open (privileged).
 */
export function policyToEvaluate(labels: Record<string, string> | undefined, defaults: Policy = DEFAULT_POLICY): [Policy, FieldError[]] {
  const p: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errs: FieldError[] = [];
  if (!labels) return [p, errs];
  const record = (label: string, value: string, err: string | undefined) => err !== undefined && errs.push(invalidValue(`metadata.labels[${label}]`, value, err));
  const modes: [keyof Policy, string, string, boolean][] = [
    ['enforce', ENFORCE_LEVEL_LABEL, ENFORCE_VERSION_LABEL, false],
    ['audit', AUDIT_LEVEL_LABEL, AUDIT_VERSION_LABEL, true],
    ['warn', WARN_LEVEL_LABEL, WARN_VERSION_LABEL, true],
  ];
  for (const [mode, levelLabel, versionLabel, failOpen] of modes) {
    const level = labels[levelLabel];
    if (level !== undefined) {
      const [parsed, err] = parseLevel(level);
      p[mode].level = err !== undefined && failOpen ? 'privileged' : parsed;
      record(levelLabel, level, err);
    }
    const version = labels[versionLabel];
    if (version !== undefined) {
      const [parsed, err] = parseVersion(version);
      p[mode].version = parsed;
      record(versionLabel, version, err);
    }
  }
  return [p, errs];
}
