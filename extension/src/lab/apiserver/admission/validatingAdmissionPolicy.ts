/**
 * ValidatingAdmissionPolicy evaluates the cluster's ValidatingAdmissionPolicies
 * through their bindings, as k8s.io/apiserver's policy/validating dispatcher:
 * a policy applies when its matchConstraints, a binding's matchResources and
 * every matchCondition match; each param the binding selects is checked against
 * every validation; a failure is denied, warned or audited as the binding's
 * validationActions say; expression and configuration errors follow the
 * policy's failurePolicy. The first denial answers
 * `<resource> "<name>" is forbidden: ValidatingAdmissionPolicy '<p>' with binding '<b>' denied request: <message>`
 * with the validation's reason (Invalid, 422, by default).
 */
import type { KubeObject, Status } from '../../api/types';
import { selectorMatches } from '../../api/labels';
import { evaluate } from '../../cel/environment';
import { toCel } from '../../cel/values';
import { forbidden } from '../errors';
import type { ResourceType } from '../resources';
import type { AdmissionContext, AdmissionPlugin, Attributes, PolicyEvaluation } from './admission';
import { type CompiledPolicy, compilePolicy } from './policy/compile';
import { matchesResources } from './policy/matching';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from './policy/types';

const GROUP = 'admissionregistration.k8s.io';
/** VALIDATION_FAILURE_ANNOTATION is the audit annotation key of Audit-action failures. */
export const VALIDATION_FAILURE_ANNOTATION = 'validation.policy.admission.k8s.io/validation_failure';
const REASON_CODES: Record<string, number> = { Forbidden: 403, Unauthorized: 401, RequestEntityTooLarge: 413, Invalid: 422 };

/** KindResolver maps a paramKind (apiVersion, kind) to its served resource type. */
export type KindResolver = (apiVersion: string, kind: string) => ResourceType | undefined;

interface Denial {
  policy: string;
  binding?: string;
  message: string;
  reason?: string;
}

/** newValidatingAdmissionPolicy builds the plugin; resolveKind finds paramKind's resource. */
export function newValidatingAdmissionPolicy(resolveKind: KindResolver): AdmissionPlugin {
  const compiled = new Map<string, { revision: string; policy: CompiledPolicy }>();
  const compiledFor = (p: ValidatingAdmissionPolicy): CompiledPolicy => {
    const key = p.metadata.uid ?? p.metadata.name ?? '';
    const revision = `${p.metadata.resourceVersion ?? ''}/${p.metadata.generation ?? ''}`;
    const hit = compiled.get(key);
    if (hit?.revision === revision) return hit.policy;
    const policy = compilePolicy(p);
    compiled.set(key, { revision, policy });
    return policy;
  };

  return {
    name: 'ValidatingAdmissionPolicy',
    async validate(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> {
      const policies = ctx.cache.list(GROUP, 'validatingadmissionpolicies') as ValidatingAdmissionPolicy[];
      if (policies.length === 0) return undefined;
      const bindings = ctx.cache.list(GROUP, 'validatingadmissionpolicybindings') as ValidatingAdmissionPolicyBinding[];
      const isNamespace = a.type.group === '' && a.type.resource === 'namespaces';
      const namespace = a.namespace && !isNamespace ? ctx.cache.get('', 'namespaces', '', a.namespace) : undefined;
      let inputs: Record<string, unknown> | undefined;
      const denials: Denial[] = [];
      const failures: { message: string; policy: string; binding: string; expressionIndex: number; validationActions: string[] }[] = [];

      for (const policy of policies) {
        const name = policy.metadata.name ?? '';
        const failClosed = (policy.spec.failurePolicy ?? 'Fail') === 'Fail';
        const configError = (message: string, binding?: string) => {
          if (failClosed) denials.push({ policy: name, ...(binding !== undefined ? { binding } : {}), message });
        };
        if (!matchesResources(policy.spec.matchConstraints, a, namespace)) continue;
        const program = compiledFor(policy);
        if (program.error) {
          configError(`failed to configure policy: ${program.error}`);
          continue;
        }
        const annotations = new Map<string, string[]>();
        for (const binding of bindings) {
          if (binding.spec?.policyName !== name) continue;
          const bindingName = binding.metadata.name ?? '';
          if (binding.spec.matchResources && !matchesResources(binding.spec.matchResources, a, namespace)) continue;
          const params = await collectParams(policy, binding, a, ctx, resolveKind);
          if (typeof params === 'string') {
            configError(`failed to configure binding: ${params}`, bindingName);
            continue;
          }
          inputs ??= requestInputs(a, namespace);
          for (const param of params) {
            const activation: Record<string, unknown> = { ...inputs, params: param === null ? null : toCel(param) };
            activation.variables = evaluateVariables(program, activation);
            const matched = matchConditions(program, activation);
            if (matched === false) continue;
            if (typeof matched === 'string') {
              configError(matched, bindingName);
              continue;
            }
            program.validations.forEach((v, i) => {
              const spec = policy.spec.validations?.[i];
              const r = evaluate(v.program, activation);
              const evaluation: PolicyEvaluation = { policy: name, binding: bindingName, expression: v.program.expression, result: 'error', actions: binding.spec.validationActions ?? [] };
              (a.evaluations ??= []).push(evaluation);
              let message: string;
              let reason = spec?.reason;
              if (r.error !== undefined || typeof r.value !== 'boolean') {
                evaluation.message = r.error !== undefined ? `expression '${v.program.expression}' resulted in error: ${r.error}` : `expression '${v.program.expression}' resulted in a non-bool value`;
                if (!failClosed) return;
                message = evaluation.message;
                reason = undefined;
              } else if (r.value) {
                evaluation.result = 'true';
                return;
              } else {
                message = failureMessage(v.message, spec?.message, v.program.expression, activation);
                evaluation.result = 'false';
                evaluation.message = message;
              }
              for (const action of binding.spec.validationActions ?? []) {
                if (action === 'Deny') denials.push({ policy: name, binding: bindingName, message, ...(reason ? { reason } : {}) });
                else if (action === 'Warn') a.warnings.push(`Validation failed for ValidatingAdmissionPolicy '${name}' with binding '${bindingName}': ${message}`);
                else if (action === 'Audit') failures.push({ message, policy: name, binding: bindingName, expressionIndex: i, validationActions: binding.spec.validationActions });
              }
            });
            for (const ann of program.auditAnnotations) {
              const r = evaluate(ann.program, activation);
              if (r.error !== undefined) {
                configError(`valueExpression '${ann.program.expression}' resulted in error: ${r.error}`, bindingName);
              } else if (typeof r.value === 'string' && r.value !== '') {
                const values = annotations.get(ann.key) ?? [];
                if (!values.includes(r.value)) annotations.set(ann.key, [...values, r.value.slice(0, 10 * 1024)]);
              }
            }
          }
        }
        for (const [key, values] of annotations) a.auditAnnotations[`${name}/${key}`] = values.join(', ');
      }

      if (failures.length) a.auditAnnotations[VALIDATION_FAILURE_ANNOTATION] = JSON.stringify(failures.slice(0, 50));
      return denials.length ? denialStatus(a, denials[0]) : undefined;
    },
  };
}

/** requestInputs are the CEL variables every expression of this request sees. */
function requestInputs(a: Attributes, namespace: KubeObject | undefined): Record<string, unknown> {
  const gvk = { group: a.type.group, version: a.type.version, kind: a.type.kind };
  const gvr = { group: a.type.group, version: a.type.version, resource: a.type.resource };
  return {
    object: a.object ? toCel(a.object) : null,
    oldObject: a.oldObject ? toCel(a.oldObject) : null,
    namespaceObject: namespace ? toCel({ apiVersion: 'v1', kind: 'Namespace', metadata: namespace.metadata, spec: namespace.spec ?? {}, status: namespace.status ?? {} }) : null,
    request: toCel({
      kind: gvk, resource: gvr, subResource: a.subresource, requestKind: gvk, requestResource: gvr, requestSubResource: a.subresource,
      name: a.name, namespace: a.namespace, operation: a.operation,
      userInfo: { username: a.userInfo.username, uid: a.userInfo.uid ?? '', groups: a.userInfo.groups, extra: a.userInfo.extra ?? {} },
      dryRun: a.dryRun, options: a.options ?? null,
    }),
  };
}

/** evaluateVariables computes the policy's variables in order, each seeing the ones before it; one that fails is left out. */
function evaluateVariables(p: CompiledPolicy, activation: Record<string, unknown>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const v of p.variables) {
    const r = evaluate(v.program, { ...activation, variables });
    if (r.error === undefined) variables[v.name] = r.value;
  }
  return variables;
}

/** matchConditions is true when all conditions hold, false when one is false, or the error of one that failed. */
function matchConditions(p: CompiledPolicy, activation: Record<string, unknown>): boolean | string {
  let error: string | undefined;
  for (const m of p.matchConditions) {
    const r = evaluate(m.program, activation);
    if (r.value === false) return false;
    if (r.error !== undefined) error ??= `failed to evaluate matchCondition ${m.name}: ${r.error}`;
  }
  return error ?? true;
}

/** failureMessage is the messageExpression's string, else the message, else `failed expression: <expression>`. */
function failureMessage(messageProgram: CompiledPolicy['validations'][number]['message'], message: string | undefined, expression: string, activation: Record<string, unknown>): string {
  if (messageProgram) {
    const r = evaluate(messageProgram, activation);
    if (typeof r.value === 'string') {
      const m = r.value.trim();
      if (m && m.length <= 5120 && !m.includes('\n')) return m;
    }
  }
  if (message?.trim()) return message.trim();
  return `failed expression: ${expression.trim()}`;
}

/** collectParams returns the params a binding selects ([null] without paramKind or paramRef), or why it cannot. */
async function collectParams(policy: ValidatingAdmissionPolicy, binding: ValidatingAdmissionPolicyBinding, a: Attributes, ctx: AdmissionContext, resolveKind: KindResolver): Promise<(KubeObject | null)[] | string> {
  const kind = policy.spec.paramKind;
  const ref = binding.spec.paramRef;
  if (!kind || !ref) return [null];
  const type = resolveKind(kind.apiVersion, kind.kind);
  if (!type) return `paramKind kind \`${kind.apiVersion}, Kind=${kind.kind}\` not known`;
  let namespace = '';
  if (type.namespaced) {
    namespace = ref.namespace || a.namespace;
    if (!namespace) return 'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources';
  } else if (ref.namespace) {
    return 'paramRef.namespace must not be provided for a cluster-scoped `paramKind`';
  }
  let params: KubeObject[];
  if (ref.name) {
    if (ref.selector) return 'paramRef.name and paramRef.selector are mutually exclusive';
    const found = await ctx.get(type.group, type.resource, namespace, ref.name);
    params = found ? [found] : [];
  } else if (ref.selector) {
    params = ctx.cache.list(type.group, type.resource, namespace || undefined).filter((o) => selectorMatches(ref.selector, o.metadata.labels ?? {}));
  } else {
    return 'one of name or selector must be provided';
  }
  if (params.length === 0 && ref.parameterNotFoundAction === 'Deny') return 'no params found for policy binding with `Deny` parameterNotFoundAction';
  return params;
}

/** denialStatus is admission.NewForbidden with the decision's reason and code and the message as a cause. */
function denialStatus(a: Attributes, d: Denial): Status {
  const message = d.binding !== undefined
    ? `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`
    : `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.message}`;
  const name = a.name || (a.object?.metadata?.name ?? '') || (a.object?.metadata?.generateName ?? '');
  const status = forbidden({ group: a.type.group, resource: a.type.resource }, name, message);
  const reason = d.reason || 'Invalid';
  return { ...status, reason, code: REASON_CODES[reason] ?? 422, details: { ...status.details, causes: [{ message }] } };
}
