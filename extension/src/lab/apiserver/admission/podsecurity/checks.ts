/**
 * checks defines a Pod Security check and how results aggregate into the
 * message users see (pod-security-admission/policy/checks.go):
 * `host ports (8080, 9090), privileged, non-default capabilities (...)`.
 */
import type { Level, Version } from './api';
import type { CheckPodFn, CheckResult } from './helpers';

/** VersionedCheck is one revision of a check, in force from minimumVersion. */
export interface VersionedCheck {
  minimumVersion: Version;
  checkPod: CheckPodFn;
  /** overrideCheckIDs are baseline checks this restricted check replaces. */
  overrideCheckIDs?: readonly string[];
}

/** Check is one control of the Pod Security Standards. */
export interface Check {
  id: string;
  level: Exclude<Level, 'privileged'>;
  versions: readonly VersionedCheck[];
}

/** AggregateCheckResult collects the forbidden results of several checks. */
export interface AggregateCheckResult {
  allowed: boolean;
  forbiddenReasons: string[];
  forbiddenDetails: string[];
}

/** UNKNOWN_FORBIDDEN_REASON stands in for a check that forbids without saying why. */
export const UNKNOWN_FORBIDDEN_REASON = 'unknown forbidden reason';

/** aggregateCheckResults is AggregateCheckResults: the reasons and details of every check that forbade the pod, in check order. */
export function aggregateCheckResults(results: readonly CheckResult[]): AggregateCheckResult {
  const forbiddenReasons: string[] = [];
  const forbiddenDetails: string[] = [];
  for (const r of results) {
    if (r.allowed) continue;
    forbiddenReasons.push(r.forbiddenReason || UNKNOWN_FORBIDDEN_REASON);
    forbiddenDetails.push(r.forbiddenDetail ?? '');
  }
  return { allowed: forbiddenReasons.length === 0, forbiddenReasons, forbiddenDetails };
}

/** forbiddenReason joins the reasons: `host ports, privileged`. */
export function forbiddenReason(a: AggregateCheckResult): string {
  return a.forbiddenReasons.join(', ');
}

/** forbiddenDetail joins the reasons with their details in parentheses: `host ports (8080), privileged`. */
export function forbiddenDetail(a: AggregateCheckResult): string {
  return a.forbiddenReasons.map((r, i) => (a.forbiddenDetails[i] ? `${r} (${a.forbiddenDetails[i]})` : r)).join(', ');
}
