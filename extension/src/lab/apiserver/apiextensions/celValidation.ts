/**
 * celValidation runs a CRD schema's `x-kubernetes-validations` rules on custom
 * resources, as apiextensions-apiserver's schema/cel Validator does: each rule
 * sees `self` (and `oldSelf` on updates, for correlatable values) typed by the
 * schema, compiles once per CRD version, and a false rule reports its message,
 * its messageExpression's result or `failed rule: <rule>` on its field, with the
 * rule's reason and fieldPath.
 */
import { Optional } from '../../cel/celJs';
import { compile, evaluate, newEnvironment, type Program } from '../../cel/environment';
import { type FieldError, forbidden, invalidValue, required, duplicate } from '../fieldErrors';
import { declareTypes, rootWithMeta, type SchemaTypes, toTyped } from './celTypes';
import { invalidOmitted } from './fieldErrorKinds';
import type { JSONSchemaProps, ValidationRule } from './types';

/** CompiledRule is one rule's program and message program, or why they did not compile. */
export interface CompiledRule {
  rule: ValidationRule;
  program?: Program;
  error?: string;
  messageProgram?: Program;
  messageError?: string;
  usesOldSelf: boolean;
}

/** NodeRules are the compiled rules of one schema node. */
interface NodeRules {
  schema: JSONSchemaProps;
  rules: CompiledRule[];
}

/** CelSchema holds one CRD version's schema and its lazily compiled rules. */
export class CelSchema {
  private readonly source: JSONSchemaProps;
  private readonly root: JSONSchemaProps;
  private readonly types: SchemaTypes = new WeakMap();
  private readonly compiled = new WeakMap<JSONSchemaProps, NodeRules>();
  private readonly env;

  constructor(schema: JSONSchemaProps) {
    this.source = schema;
    this.root = rootWithMeta(schema);
    this.env = newEnvironment();
    declareTypes(this.env, this.root, 'Object', this.types);
  }

  /** rulesOf compiles (once) the rules declared on schema node s. */
  rulesOf(s: JSONSchemaProps): CompiledRule[] {
    const node = s === this.source ? this.root : s;
    let entry = this.compiled.get(node);
    if (!entry) {
      entry = { schema: node, rules: (node['x-kubernetes-validations'] ?? []).map((r) => this.compileRule(node, r)) };
      this.compiled.set(node, entry);
    }
    return entry.rules;
  }

  private compileRule(s: JSONSchemaProps, rule: ValidationRule): CompiledRule {
    const selfType = this.types.get(s) ?? 'dyn';
    const env = this.env.clone();
    env.registerVariable('self', selfType);
    env.registerVariable('oldSelf', rule.optionalOldSelf ? `optional<${selfType}>` : selfType);
    const out: CompiledRule = { rule, usesOldSelf: false };
    const r = compile(env, rule.rule);
    if (r.error !== undefined) out.error = `compilation failed: ${r.error}`;
    else if (r.program.outputType !== 'bool') out.error = 'cel expression must evaluate to a bool';
    else {
      out.program = r.program;
      out.usesOldSelf = r.program.variables.has('oldSelf');
    }
    if (rule.messageExpression?.trim()) {
      const m = compile(env, rule.messageExpression);
      if (m.error !== undefined) out.messageError = `messageExpression compilation failed: ${m.error}`;
      else if (m.program.outputType !== 'string') out.messageError = 'messageExpression must evaluate to a string';
      else out.messageProgram = m.program;
    }
    return out;
  }

  /** validate runs every rule in the schema over obj (and oldObj on update). */
  validate(obj: unknown, oldObj: unknown): FieldError[] {
    const errs: FieldError[] = [];
    this.walk(this.root, '<nil>', '', obj, oldObj, errs);
    return errs;
  }

  private walk(s: JSONSchemaProps, field: string, prefix: string, obj: unknown, oldObj: unknown, errs: FieldError[]): void {
    if (obj === null || obj === undefined || !hasRules(s)) return;
    if (s['x-kubernetes-validations']?.length) this.runRules(s, field, obj, oldObj, errs);
    for (const sub of s.allOf ?? []) this.walk(sub, field, prefix, obj, oldObj, errs);
    if (Array.isArray(obj)) {
      const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
      if (!items) return;
      const olds = correlateList(s, Array.isArray(oldObj) ? oldObj : undefined);
      obj.forEach((v, i) => this.walk(items, `${prefix}[${i}]`, `${prefix}[${i}]`, v, olds(v), errs));
      return;
    }
    if (typeof obj !== 'object') return;
    const old = oldObj !== null && typeof oldObj === 'object' && !Array.isArray(oldObj) ? (oldObj as Record<string, unknown>) : undefined;
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      const prop = s.properties?.[k];
      if (prop) {
        const child = prefix ? `${prefix}.${k}` : k;
        this.walk(prop, child, child, v, old?.[k], errs);
      } else if (typeof s.additionalProperties === 'object') {
        const child = `${prefix}[${k}]`;
        this.walk(s.additionalProperties, child, child, v, old?.[k], errs);
      }
    }
  }

  private runRules(s: JSONSchemaProps, field: string, obj: unknown, oldObj: unknown, errs: FieldError[]): void {
    const type = s.type ?? '';
    const self = toTyped(obj, s);
    const oldSelf = oldObj === undefined || oldObj === null ? undefined : toTyped(oldObj, s);
    for (const c of this.rulesOf(s)) {
      if (c.error !== undefined) {
        errs.push(invalidValue(field, type, `rule compile error: ${c.error}`));
        continue;
      }
      if (!c.program) continue;
      if (c.usesOldSelf && oldSelf === undefined && !c.rule.optionalOldSelf) continue;
      const activation = {
        self,
        oldSelf: c.rule.optionalOldSelf ? (oldSelf === undefined ? Optional.none() : Optional.of(oldSelf)) : oldSelf,
      };
      const result = evaluate(c.program, activation);
      if (result.error !== undefined) {
        const why = result.error === 'no such overload'
          ? `'no such overload': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(c.rule)}`
          : `${result.error} evaluating rule: ${ruleErrorString(c.rule)}`;
        errs.push(invalidValue(field, type, why));
        continue;
      }
      if (result.value === true) continue;
      const at = c.rule.fieldPath ? joinPath(field, normalizeFieldPath(c.rule.fieldPath)) : field;
      errs.push(reasonError(c.rule.reason, at, type === 'object' || type === 'array' ? undefined : obj, this.message(c, activation)));
    }
  }

  /** message is the messageExpression's result when it yields a usable string, else the rule's message or `failed rule: …`. */
  private message(c: CompiledRule, activation: Record<string, unknown>): string {
    if (c.messageProgram) {
      const m = evaluate(c.messageProgram, activation);
      if (typeof m.value === 'string' && m.value.trim() && !m.value.includes('\n') && m.value.trim().length <= 5120) return m.value.trim();
    }
    return c.rule.message ? c.rule.message.trim() : `failed rule: ${ruleErrorString(c.rule)}`;
  }
}

function ruleErrorString(rule: ValidationRule): string {
  return rule.message ? rule.message.trim() : rule.rule.trim();
}

/** reasonError is fieldErrorForReason: the rule's reason picks the error type; object and array values are omitted. */
function reasonError(reason: string | undefined, field: string, value: unknown, detail: string): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return forbidden(field, detail);
    case 'FieldValueRequired':
      return required(field, detail);
    case 'FieldValueDuplicate':
      return duplicate(field, value);
    default:
      return value === undefined ? invalidOmitted(field, detail) : invalidValue(field, value, detail);
  }
}

/** normalizeFieldPath turns a rule's JSON path (`.spec.x`, `['a.b']`) into field-path text (`spec.x`, `[a.b]`). */
export function normalizeFieldPath(path: string): string {
  let out = '';
  const re = /\.([A-Za-z_$][\w$-]*)|\['((?:[^'\\]|\\.)*)'\]/g;
  for (const m of path.matchAll(re)) out += m[1] !== undefined ? (out ? `.${m[1]}` : m[1]) : `[${m[2].replace(/\\(.)/g, '$1')}]`;
  return out;
}

function joinPath(field: string, rel: string): string {
  if (field === '<nil>') return rel;
  return rel.startsWith('[') ? `${field}${rel}` : `${field}.${rel}`;
}

const hasRulesCache = new WeakMap<JSONSchemaProps, boolean>();

/** hasRules reports whether s or anything below it declares rules, so validation skips rule-free subtrees. */
function hasRules(s: JSONSchemaProps): boolean {
  let has = hasRulesCache.get(s);
  if (has === undefined) {
    const items = s.items && !Array.isArray(s.items) ? [s.items] : [];
    const ap = typeof s.additionalProperties === 'object' ? [s.additionalProperties] : [];
    has = (s['x-kubernetes-validations']?.length ?? 0) > 0 || [...Object.values(s.properties ?? {}), ...items, ...ap, ...(s.allOf ?? [])].some(hasRules);
    hasRulesCache.set(s, has);
  }
  return has;
}

/** correlateList finds each new item's old counterpart: by key for x-kubernetes-list-type=map, never otherwise. */
function correlateList(s: JSONSchemaProps, old: readonly unknown[] | undefined): (item: unknown) => unknown {
  const keys = s['x-kubernetes-list-map-keys'];
  if (!old || s['x-kubernetes-list-type'] !== 'map' || !keys?.length) return () => undefined;
  const keyOf = (v: unknown) => JSON.stringify(keys.map((k) => (v as Record<string, unknown> | null)?.[k]));
  const byKey = new Map(old.map((v) => [keyOf(v), v]));
  return (item) => byKey.get(keyOf(item));
}
