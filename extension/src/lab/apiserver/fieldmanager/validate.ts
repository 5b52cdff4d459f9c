/**
 * validate is TypedValue.Validate (typed/validate.go), which server-side apply runs
 * on the applied configuration before merging it: scalars of the wrong type, fields
 * no schema declares, list items without their keys and duplicate items are
 * errors, printed with upstream's words and paths.
 */
import { goSprint, goTypeName } from '../patch/goFormat';
import { listItemElement } from './helpers';
import { pathElementString, serializePathElement } from './pathElement';
import { type Atom, type ScalarType, handlerKind, isMap } from './typeRef';

/** ValidationError is one problem at a path such as `.spec.replicas`. */
export interface ValidationError {
  path: string;
  message: string;
}

/** validationErrorsText is ValidationErrors.Error(): one error bare, several under "errors:". */
export function validationErrorsText(errs: readonly ValidationError[]): string {
  const text = (e: ValidationError): string => (e.path ? `${e.path}: ${e.message}` : e.message);
  return errs.length === 1 ? text(errs[0]) : ['errors:', ...errs.map((e) => `  ${text(e)}`)].join('\n');
}

/** validate checks value against atom. */
export function validate(value: unknown, atom: Atom, path = ''): ValidationError[] {
  switch (handlerKind(atom, value)) {
    case 'scalar': {
      const message = atom.scalar ? scalarError(atom.scalar, value) : undefined;
      return message ? [{ path, message }] : [];
    }
    case 'list': {
      if (value === null) return [];
      if (!Array.isArray(value)) return [{ path, message: `expected list, got &{${goSprint(value)}}` }];
      const list = atom.list;
      if (!list) return [];
      const errs: ValidationError[] = [];
      const seen = new Set<string>();
      for (let i = 0; i < value.length; i++) {
        let step = `[${i}]`;
        if (!list.atomic) {
          const pe = listItemElement(list, value[i]);
          if (typeof pe === 'string') return [...errs, { path, message: `element ${i}: ${pe}` }];
          step = pathElementString(pe);
          const key = serializePathElement(pe);
          if (seen.has(key)) errs.push({ path, message: `duplicate entries for key ${step}` });
          seen.add(key);
        }
        errs.push(...validate(value[i], list.element, path + step));
      }
      return errs;
    }
    case 'map': {
      if (value === null) return [];
      if (!isMap(value)) return [{ path, message: `expected map, got &{${goSprint(value)}}` }];
      const m = atom.map;
      if (!m) return [];
      const errs: ValidationError[] = [];
      for (const [key, child] of Object.entries(value)) {
        const childType = m.field(key) ?? m.element;
        if (!childType) {
          errs.push({ path: `${path}.${key}`, message: 'field not declared in schema' });
          break;
        }
        errs.push(...validate(child, childType, `${path}.${key}`));
      }
      return errs;
    }
    default:
      return [];
  }
}

function scalarError(t: ScalarType, v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const isNumber = typeof v === 'number';
  switch (t) {
    case 'numeric': return isNumber ? undefined : `expected numeric (int or float), got ${goTypeName(v)}`;
    case 'string': return typeof v === 'string' ? undefined : `expected string, got &value.valueUnstructured{Value:${goSharpV(v)}}`;
    case 'boolean': return typeof v === 'boolean' ? undefined : `expected boolean, got &{${goSprint(v)}}`;
    case 'untyped': return isNumber || typeof v === 'string' || typeof v === 'boolean' ? undefined : `expected any scalar, got &{${goSprint(v)}}`;
  }
}

/** goSharpV is %#v of a decoded JSON value. */
function goSharpV(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  if (isMap(v)) return `map[string]interface {}{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${goSharpV(v[k])}`).join(', ')}}`;
  return goSprint(v);
}
