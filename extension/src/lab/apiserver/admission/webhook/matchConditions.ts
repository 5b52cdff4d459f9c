/**
 * matchConditions combines a webhook's CEL match conditions as upstream's
 * matchconditions.Matcher does: any false condition skips the webhook; errors
 * with no false condition fail the request under failurePolicy Fail and skip
 * the webhook under Ignore. The CEL engine itself is injected.
 */
import type { KubeObject } from '../../../api/types';
import type { AdmissionRequest, FailurePolicyType, MatchCondition } from './types';

/** MatchConditionVariables are the CEL variables a match condition sees. */
export interface MatchConditionVariables {
  object: KubeObject | null;
  oldObject: KubeObject | null;
  request: AdmissionRequest;
}

/** MatchConditionEvaluator runs one expression; it returns its boolean value, or why it failed to compile or to evaluate. */
export interface MatchConditionEvaluator {
  evaluate(expression: string, vars: MatchConditionVariables): boolean | { compileError: string } | { evalError: string };
}

/** MatchResult: the webhook is called only when matches is true; error rejects the request. */
export type MatchResult = { matches: true } | { matches: false; failedConditionName?: string } | { matches: false; error: string };

/** evaluateMatchConditions evaluates every condition, then applies upstream's precedence: false, then errors, then match. */
export function evaluateMatchConditions(
  conditions: readonly MatchCondition[],
  failurePolicy: FailurePolicyType | undefined,
  evaluator: MatchConditionEvaluator,
  vars: MatchConditionVariables,
): MatchResult {
  const errors: string[] = [];
  let failed: string | undefined;
  for (const c of conditions) {
    const r = evaluator.evaluate(c.expression, vars);
    if (r === false) {
      failed ??= c.name;
    } else if (r !== true) {
      errors.push('compileError' in r ? `compilation error: ${r.compileError}` : `expression '${c.expression}' resulted in error: ${r.evalError}`);
    }
  }
  if (failed !== undefined) return { matches: false, failedConditionName: failed };
  if (errors.length > 0) {
    if ((failurePolicy ?? 'Fail') === 'Ignore') return { matches: false };
    return { matches: false, error: errors.length === 1 ? errors[0] : `[${errors.join(', ')}]` };
  }
  return { matches: true };
}
