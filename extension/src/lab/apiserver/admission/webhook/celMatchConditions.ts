/**
 * celMatchConditions is the lab's CEL engine behind webhook matchConditions, in
 * the environment upstream gives them: `object`, `oldObject` and `request`,
 * untyped. Each expression compiles once; like upstream's condition filter, only
 * a false result excludes (a non-boolean from a dyn expression does not).
 * The `authorizer` variable is not offered, so expressions using it fail to
 * compile and fall to the webhook's failurePolicy.
 */
import { compile, evaluate, newEnvironment, type CompileResult } from '../../../cel/environment';
import { toCel } from '../../../cel/values';
import type { MatchConditionEvaluator } from './matchConditions';

/** MAX_CACHED bounds the compile cache; configurations churning through more expressions just recompile. */
const MAX_CACHED = 1024;

/** celMatchConditions returns an evaluator with its own compile cache. */
export function celMatchConditions(): MatchConditionEvaluator {
  const env = newEnvironment();
  for (const v of ['object', 'oldObject', 'request']) env.registerVariable(v, 'dyn');
  const compiled = new Map<string, CompileResult>();
  return {
    evaluate(expression, vars) {
      let c = compiled.get(expression);
      if (!c) {
        if (compiled.size >= MAX_CACHED) compiled.clear();
        compiled.set(expression, (c = compile(env, expression)));
      }
      if (c.error !== undefined) return { compileError: `compilation failed: ${c.error}` };
      if (c.program.outputType !== 'bool' && c.program.outputType !== 'dyn') return { compileError: `must evaluate to bool but got ${c.program.outputType}` };
      const r = evaluate(c.program, { object: toCel(vars.object), oldObject: toCel(vars.oldObject), request: toCel(vars.request) });
      if (r.error !== undefined) return { evalError: r.error };
      return r.value !== false;
    },
  };
}
