/**
 * statusFindings reads the API server's answer to a dry run — its Status, its
 * Warning headers and, from the lab, the RequestTrace of the request — into
 * findings: one per cause, per unknown field, per PodSecurity check, each named
 * for the stage or admission plugin that decided.
 */
import type { KubeObject, Status, StatusCause } from '../lab/api/types';
import type { RequestTrace } from '../lab/apiserver/trace';
import { limitRangeFindings, podSecurityFindings, policyFindings, quotaFindings } from './admissionFindings';
import { leadingFieldPath } from './fieldPath';
import { type Finding, type FixHint, objectFinding } from './findings';
import type { Placement } from './yamlNodes';

/** VAP and webhook names in upstream's messages. */
const POLICY_NAME = /ValidatingAdmissionPolicy '([^']+)'/;
const WEBHOOK_NAME = /admission webhook "([^"]+)"/;

/**
 * rejectingStage names who refused the request: the trace's rejected stage and,
 * for admission, its plugin (with the policy or webhook the message names); without
 * a trace (a real cluster), what the message's wording says.
 */
export function rejectingStage(status: Status, trace?: RequestTrace): string {
  const message = status.message ?? '';
  const stage = trace?.status.stages.find((s) => s.result === 'rejected');
  switch (stage?.name) {
    case 'authentication':
    case 'impersonation':
    case 'authorization':
      return stage.name;
    case 'decode':
      return 'field validation';
    case 'validation':
      return 'validation';
    case 'mutating admission':
    case 'validating admission':
      return pluginStage(stage.detail ?? '', message);
    default:
      return inferStage(status);
  }
}

function pluginStage(plugin: string, message: string): string {
  if (plugin === 'ValidatingAdmissionPolicy') return withName(plugin, POLICY_NAME.exec(message)?.[1]);
  if (plugin === 'ValidatingAdmissionWebhook' || plugin === 'MutatingAdmissionWebhook') return withName(plugin, WEBHOOK_NAME.exec(message)?.[1]);
  return plugin || inferStageFromMessage(message) || 'admission';
}

function withName(stage: string, name: string | undefined): string {
  return name ? `${stage} ${name}` : stage;
}

/** inferStage reads the stage from upstream's wording, for answers that come without a trace. */
function inferStage(status: Status): string {
  const fromMessage = inferStageFromMessage(status.message ?? '');
  if (fromMessage) return fromMessage;
  if (status.reason === 'Invalid') return 'validation';
  if (status.code === 403) return 'authorization';
  return 'API server';
}

function inferStageFromMessage(message: string): string | undefined {
  if (/violates PodSecurity/.test(message)) return 'PodSecurity';
  const policy = POLICY_NAME.exec(message);
  if (policy) return `ValidatingAdmissionPolicy ${policy[1]}`;
  const webhook = WEBHOOK_NAME.exec(message);
  if (webhook) return `admission webhook ${webhook[1]}`;
  if (/exceeded quota|failed quota|quota usage is negative|status unknown for quota/.test(message)) return 'ResourceQuota';
  if (/usage per (?:Container|Pod|PersistentVolumeClaim)|limit to request ratio/.test(message)) return 'LimitRanger';
  if (/strict decoding error|cannot unmarshal|cannot be handled as a/.test(message)) return 'field validation';
  if (/^namespaces "[^"]*" not found$|because it is being terminated/.test(message)) return 'NamespaceLifecycle';
  if (/ cannot \w+ resource /.test(message)) return 'authorization';
  return undefined;
}

/** UNKNOWN_OR_DUPLICATE matches the strict decoder's `unknown field "spec.foo"` and `duplicate field "spec.foo"`. */
const UNKNOWN_OR_DUPLICATE = /(unknown|duplicate) field "([^"]+)"/g;

/** statusFindings turns a failed dry run into findings about obj. */
export function statusFindings(obj: KubeObject, status: Status, trace?: RequestTrace): Finding[] {
  const stage = rejectingStage(status, trace);
  const message = status.message ?? status.reason ?? 'the request failed';
  const admission = stage === 'PodSecurity' ? podSecurityFindings(obj, message, 'error')
    : stage === 'ResourceQuota' ? quotaFindings(obj, message)
    : stage === 'LimitRanger' ? limitRangeFindings(obj, message)
    : stage.startsWith('ValidatingAdmissionPolicy') ? policyFindings(obj, message, stage, 'error')
    : undefined;
  // An admission plugin's answer is coded by the Status's reason, as a cause is by its own.
  if (admission) return admission.map((f) => ({ ...f, code: status.reason ?? f.code }));
  if (stage === 'NamespaceLifecycle') return [{ severity: 'error', stage, code: status.reason ?? 'NotFound', message, paths: ['metadata.namespace'], placement: 'value' }];
  if (stage === 'field validation') return decodeFindings(obj, message);
  const causes = (status.details?.causes ?? []).filter((c) => c.field);
  if (causes.length) return causes.map((c) => causeFinding(c, stage));
  return [objectFinding('error', stage, status.reason ?? 'Failure', message)];
}

/** causeFinding is one field error of a 422: `spec.selector: Required value` on spec.selector (its parent's key while it is missing). */
export function causeFinding(cause: StatusCause, stage: string): Finding {
  const field = cause.field ?? '';
  const reason = cause.reason ?? 'FieldValueInvalid';
  const message = `${field}: ${cause.message ?? reason}`;
  let fix: FixHint | undefined;
  if (reason === 'FieldValueRequired') fix = { kind: 'required', path: field };
  else if (/`selector` does not match template `labels`/.test(message)) fix = { kind: 'selectorMismatch' };
  return { severity: 'error', stage, code: reason, message, paths: [field], placement: placementFor(reason), ...(fix ? { fix } : {}) };
}

function placementFor(reason: string): Placement {
  return reason === 'FieldValueRequired' || reason === 'FieldValueForbidden' ? 'key' : 'value';
}

/**
 * decodeFindings reads the decoder's 400: each unknown or duplicate field of a
 * strict decoding error on its key, or a value of the wrong type on its value.
 */
function decodeFindings(obj: KubeObject, message: string): Finding[] {
  const fields = [...message.matchAll(UNKNOWN_OR_DUPLICATE)];
  if (fields.length) return fields.map((m) => fieldFinding(m[1] as 'unknown' | 'duplicate', m[2], 'error'));
  const typeError = /cannot unmarshal .+ into Go struct field \w+\.(\S+) of type/.exec(message);
  if (typeError) return [{ severity: 'error', stage: 'field validation', code: 'FieldValueTypeInvalid', message, paths: [concretePath(obj, typeError[1])], placement: 'value' }];
  return [objectFinding('error', 'field validation', 'BadRequest', message)];
}

function fieldFinding(which: 'unknown' | 'duplicate', path: string, severity: 'error' | 'warning'): Finding {
  const fix: FixHint | undefined = which === 'unknown' ? { kind: 'unknownField', path } : undefined;
  return { severity, stage: 'field validation', code: which === 'unknown' ? 'FieldUnknown' : 'FieldDuplicate', message: `${which} field "${path}"`, paths: [path], placement: 'key', ...(fix ? { fix } : {}) };
}

/**
 * concretePath puts list indexes back into encoding/json's field stack
 * (`spec.template.spec.containers.ports.containerPort`), taking at each list the
 * first item that has the rest of the path.
 */
export function concretePath(obj: unknown, stack: string): string {
  const names = stack.split('.');
  const walk = (v: unknown, i: number): string | undefined => {
    if (i === names.length) return '';
    if (Array.isArray(v)) {
      for (const [j, item] of v.entries()) {
        const rest = walk(item, i);
        if (rest !== undefined) return `[${j}]${rest}`;
      }
      return undefined;
    }
    if (typeof v !== 'object' || v === null || !(names[i] in v)) return undefined;
    const rest = walk((v as Record<string, unknown>)[names[i]], i + 1);
    return rest === undefined ? undefined : `.${names[i]}${rest}`;
  };
  return (walk(obj, 0) ?? `.${stack}`).slice(1);
}

/**
 * warningFindings places the response's Warning headers: unknown fields
 * (fieldValidation=Warn), PodSecurity's warn level, ValidatingAdmissionPolicy Warn
 * actions, and warnings that start with a field path.
 */
export function warningFindings(obj: KubeObject, warnings: readonly string[]): Finding[] {
  const out: Finding[] = [];
  for (const w of warnings) {
    const field = /^(unknown|duplicate) field "([^"]+)"$/.exec(w);
    if (field) {
      out.push(fieldFinding(field[1] as 'unknown' | 'duplicate', field[2], 'warning'));
      continue;
    }
    if (/would violate PodSecurity/.test(w)) {
      out.push(...podSecurityFindings(obj, w, 'warning'));
      continue;
    }
    const policy = /^Validation failed for ValidatingAdmissionPolicy '([^']+)'/.exec(w);
    if (policy) {
      out.push(...policyFindings(obj, w, `ValidatingAdmissionPolicy ${policy[1]}`, 'warning'));
      continue;
    }
    const path = leadingFieldPath(w);
    if (path) {
      out.push({ severity: 'warning', stage: 'validation', code: 'Warning', message: w, paths: [path], placement: 'value' });
      continue;
    }
    const deprecated = /deprecated|unavailable in v\d/.test(w);
    out.push({ severity: 'warning', stage: deprecated ? 'deprecation' : 'API server', code: 'Warning', message: w, paths: deprecated ? ['apiVersion'] : [], placement: 'value' });
  }
  return out;
}
