/**
 * compile turns a ValidatingAdmissionPolicy's expressions into programs once
 * per policy revision, in the environment upstream declares for admission
 * (object, oldObject, request, params, namespaceObject, variables, all dyn).
 */
import { compile, newEnvironment, type Program } from '../../../cel/environment';
import type { ValidatingAdmissionPolicy } from './types';

/** Compiled is a policy's programs; any compile error makes the whole policy a configuration error. */
export interface CompiledPolicy {
  variables: { name: string; program: Program }[];
  matchConditions: { name: string; program: Program }[];
  validations: { program: Program; message?: Program }[];
  auditAnnotations: { key: string; program: Program }[];
  /** error is the first compile error, reported as upstream's "failed to configure policy". */
  error?: string;
}

const VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables'];

let environment: ReturnType<typeof newEnvironment> | undefined;

function env() {
  if (!environment) {
    environment = newEnvironment();
    for (const v of VARIABLES) environment.registerVariable(v, 'dyn');
  }
  return environment;
}

/** compilePolicy compiles every expression of p. */
export function compilePolicy(p: ValidatingAdmissionPolicy): CompiledPolicy {
  const out: CompiledPolicy = { variables: [], matchConditions: [], validations: [], auditAnnotations: [] };
  const one = (expression: string, field: string): Program | undefined => {
    const r = compile(env(), expression);
    if (r.error !== undefined) out.error ??= `${field}: Invalid value: ${JSON.stringify(expression)}: compilation failed: ${r.error}`;
    return r.program;
  };
  const spec = p.spec ?? {};
  (spec.variables ?? []).forEach((v, i) => {
    const program = one(v.expression, `spec.variables[${i}].expression`);
    if (program) out.variables.push({ name: v.name, program });
  });
  (spec.matchConditions ?? []).forEach((m, i) => {
    const program = one(m.expression, `spec.matchConditions[${i}].expression`);
    if (program) out.matchConditions.push({ name: m.name, program });
  });
  (spec.validations ?? []).forEach((v, i) => {
    const program = one(v.expression, `spec.validations[${i}].expression`);
    const message = v.messageExpression ? one(v.messageExpression, `spec.validations[${i}].messageExpression`) : undefined;
    if (program) out.validations.push({ program, ...(message ? { message } : {}) });
  });
  (spec.auditAnnotations ?? []).forEach((a, i) => {
    const program = one(a.valueExpression, `spec.auditAnnotations[${i}].valueExpression`);
    if (program) out.auditAnnotations.push({ key: a.key, program });
  });
  return out;
}
