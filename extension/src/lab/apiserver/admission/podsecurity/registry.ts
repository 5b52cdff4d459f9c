/**
 * registry resolves which checks run for a level and policy version
 * (pod-security-admission/policy/registry.go): every minor version from v1.0 to
 * the newest any check names gets the latest revision of each check; restricted
 * adds its checks to baseline's minus those it overrides; `latest` and future
 * versions mean the newest. Checks run baseline first, then restricted, each
 * sorted by ID, so messages list violations in a stable order.
 */
import type { ObjectMeta } from '../../../api/types';
import { type LevelVersion, type Version, older } from './api';
import type { Check, VersionedCheck } from './checks';
import type { CheckPodFn, CheckResult, PodSpec } from './helpers';

function lastMinor(check: Check): number {
  return check.versions[check.versions.length - 1].minimumVersion.minor;
}

/** CheckRegistry is policy.Evaluator over a fixed list of checks. */
export class CheckRegistry {
  private readonly baseline = new Map<number, CheckPodFn[]>();
  private readonly restricted = new Map<number, CheckPodFn[]>();
  /** maxVersion is the newest version with its own check set; `latest` means it. */
  readonly maxVersion: Version;

  /** emulationVersion lowers what `latest` means, as an API server emulating an older minor does. */
  constructor(checks: readonly Check[], emulationVersion?: Version) {
    const maxMinor = Math.max(0, ...checks.map(lastMinor));
    const byVersion = { baseline: new Map<number, Map<string, VersionedCheck>>(), restricted: new Map<number, Map<string, VersionedCheck>>() };
    for (const check of checks) {
      const into = byVersion[check.level];
      check.versions.forEach((vc, i) => {
        const until = i + 1 < check.versions.length ? check.versions[i + 1].minimumVersion.minor : maxMinor + 1;
        for (let v = vc.minimumVersion.minor; v < until; v++) {
          if (!into.has(v)) into.set(v, new Map());
          into.get(v)!.set(check.id, vc);
        }
      });
    }
    const ids = (level: Check['level']) => checks.filter((c) => c.level === level).map((c) => c.id).sort();
    const ordered = [...ids('baseline'), ...ids('restricted')];
    const fns = (m: Map<string, VersionedCheck> | undefined) => ordered.filter((id) => m?.has(id)).map((id) => m!.get(id)!.checkPod);
    for (let v = 0; v <= maxMinor; v++) {
      const base = byVersion.baseline.get(v);
      const restricted = new Map(byVersion.restricted.get(v));
      const overridden = new Set([...restricted.values()].flatMap((c) => c.overrideCheckIDs ?? []));
      for (const [id, c] of base ?? []) if (!overridden.has(id)) restricted.set(id, c);
      this.baseline.set(v, fns(base));
      this.restricted.set(v, fns(restricted));
    }
    const max: Version = { minor: maxMinor, latest: false };
    this.maxVersion = emulationVersion && older(emulationVersion, max) ? emulationVersion : max;
  }

  /** evaluatePod runs every check of the level and version against the pod; privileged runs none. */
  evaluatePod(lv: LevelVersion, meta: ObjectMeta, spec: PodSpec): CheckResult[] {
    if (lv.level === 'privileged') return [];
    const version = older(this.maxVersion, lv.version) ? this.maxVersion : lv.version;
    const checks = (lv.level === 'baseline' ? this.baseline : this.restricted).get(version.minor) ?? [];
    return checks.map((check) => check(meta, spec));
  }
}
