// Precedence and wording follow staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/matchconditions/matcher.go
// and pkg/admission/plugin/cel/activation.go ("compilation error: …", "expression '…' resulted in error: …").
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { evaluateMatchConditions, type MatchConditionEvaluator } from './matchConditions';
import type { AdmissionRequest } from './types';

/** table answers by expression text. */
function table(answers: Record<string, boolean | { compileError: string } | { evalError: string }>): MatchConditionEvaluator {
  return { evaluate: (expression) => answers[expression] };
}

const vars = { object: null, oldObject: null, request: {} as AdmissionRequest };
const evaluator = table({ yes: true, no: false, bad: { evalError: 'no such key: x' }, broken: { compileError: 'undeclared reference to \'x\'' } });

const cases: { name: string; conditions: string[]; policy?: 'Fail' | 'Ignore'; want: ReturnType<typeof evaluateMatchConditions> }[] = [
  { name: 'all true matches', conditions: ['yes', 'yes'], want: { matches: true } },
  { name: 'a false condition skips, naming it', conditions: ['yes', 'no'], want: { matches: false, failedConditionName: 'c1' } },
  { name: 'false wins over errors', conditions: ['bad', 'no'], want: { matches: false, failedConditionName: 'c1' } },
  { name: 'an error fails closed under Fail', conditions: ['yes', 'bad'], policy: 'Fail', want: { matches: false, error: "expression 'bad' resulted in error: no such key: x" } },
  { name: 'failurePolicy defaults to Fail', conditions: ['broken'], want: { matches: false, error: "compilation error: undeclared reference to 'x'" } },
  { name: 'several errors are aggregated', conditions: ['bad', 'broken'], want: { matches: false, error: "[expression 'bad' resulted in error: no such key: x, compilation error: undeclared reference to 'x']" } },
  { name: 'an error skips the webhook under Ignore', conditions: ['bad'], policy: 'Ignore', want: { matches: false } },
];

for (const c of cases) {
  test(`matchConditions: ${c.name}`, () => {
    const conditions = c.conditions.map((expression, i) => ({ name: `c${i}`, expression }));
    assert.deepEqual(evaluateMatchConditions(conditions, c.policy, evaluator, vars), c.want);
  });
}
