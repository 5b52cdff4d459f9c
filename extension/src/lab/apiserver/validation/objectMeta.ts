/**
 * objectMeta validates metadata as apimachinery's ValidateObjectMeta and
 * ValidateObjectMetaUpdate do, plus core/validation's check that unqualified
 * finalizers are standard ones (every group's validation goes through core's
 * wrappers). It also names each resource's name rule (ValidateNameFunc).
 */
import type { ObjectMeta } from '../../api/types';
import { type FieldError, fieldErrorText, forbidden, invalidValue, required } from '../fieldErrors';
import { type ManagedFieldsEntry, validateManagedFields } from '../fieldmanager/managedFields';
import { arr, byteLength, has, num, obj, str, stringMap, tooLong } from './fields';
import { isDNS1035Label, semanticEqual } from './generic';
import { isQualifiedName, validateLabels } from './labels';
import { isDNS1123Label, isDNS1123Subdomain, isPathSegmentName } from './names';

/**
 * NameValidator is ValidateNameFunc: why a name is not acceptable. prefix is true
 * for a generateName, which may end in '-' since random characters follow.
 */
export type NameValidator = (name: string, prefix?: boolean) => string[];

/** maskTrailingDash lets a generateName end in '-', as upstream's maskTrailingDash does. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

const withPrefix = (check: (s: string) => string[]): NameValidator => (name, prefix) => check(prefix ? maskTrailingDash(name) : name);

/** subdomainName is NameIsDNSSubdomain: pods, nodes, secrets, config maps and most other names. */
export const subdomainName: NameValidator = withPrefix(isDNS1123Subdomain);
/** labelName is NameIsDNSLabel: namespaces. */
export const labelName: NameValidator = withPrefix(isDNS1123Label);
/** dns1035Name is NameIsDNS1035Label: services, whose names become DNS labels and env var prefixes. */
export const dns1035Name: NameValidator = withPrefix(isDNS1035Label);
/** pathSegmentName is path.ValidatePathSegmentName: the only rule for core/v1 events' names. */
export const pathSegmentName: NameValidator = withPrefix(isPathSegmentName);

/** The 256 KiB limit on the sum of annotation keys and values (TotalAnnotationSizeLimitB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** validateAnnotations is ValidateAnnotations: qualified keys (case-insensitive) and the total size. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of stringMap(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalidValue(path, k, m));
    size += byteLength(k) + byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** parseGroupVersion tells whether an apiVersion parses as `<group>/<version>` or `<version>` with a version. */
function validGroupVersion(apiVersion: string): boolean {
  const parts = apiVersion.split('/');
  if (parts.length > 2) return false;
  return parts[parts.length - 1] !== '';
}

/** validateOwnerReferences is ValidateOwnerReferences. */
export function validateOwnerReferences(ownerReferences: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const refs = arr(ownerReferences);
  let firstController = '';
  refs.forEach((raw, i) => {
    const ref = obj(raw);
    const p = `${path}[${i}]`;
    const apiVersion = str(ref.apiVersion);
    if (apiVersion === '') errs.push(required(`${p}.apiVersion`, 'must not be empty'));
    else if (!validGroupVersion(apiVersion)) errs.push(invalidValue(`${p}.apiVersion`, apiVersion, 'must be <group>/<version> or <version>'));
    for (const f of ['kind', 'name', 'uid']) if (str(ref[f]) === '') errs.push(required(`${p}.${f}`, 'must not be empty'));
    if (apiVersion === 'v1' && ref.kind === 'Event') errs.push(invalidValue(p, raw, '/v1, Kind=Event is disallowed from being an owner'));
    if (ref.controller === true) {
      const name = `${str(ref.kind)}/${str(ref.name)}`;
      if (firstController) {
        errs.push(invalidValue(path, ownerReferences, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`));
      } else {
        firstController = name;
      }
    }
  });
  return errs;
}

/** The finalizers a name without a domain may be (core/helper's IsStandardFinalizerName). */
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** validateKubeFinalizerName is core/validation's check that an unqualified finalizer is a standard one. */
export function validateKubeFinalizerName(name: string, path: string): FieldError[] {
  if (!name.includes('/') && !STANDARD_FINALIZERS.has(name)) {
    return [invalidValue(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

/** validateFinalizers is ValidateFinalizers: qualified names, and not both orphan and foregroundDeletion. */
export function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  const names = arr(finalizers).map(str);
  const errs: FieldError[] = [];
  for (const f of names) for (const m of isQualifiedName(f)) errs.push(invalidValue(path, f, m));
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    errs.push(invalidValue(path, names, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

function kubeFinalizerNames(finalizers: unknown): FieldError[] {
  return arr(finalizers).flatMap((f, i) => validateKubeFinalizerName(str(f), `metadata.finalizers[${i}]`));
}

/** managedFields is ValidateManagedFields on metadata.managedFields, which both ValidateObjectMeta and ValidateObjectMetaUpdate run. */
function managedFields(entries: unknown): FieldError[] {
  return validateManagedFields(arr(entries).map((e) => obj(e) as ManagedFieldsEntry), 'metadata.managedFields');
}

/** validateGeneration is ValidateNonnegativeField on metadata.generation. */
function validateGeneration(generation: unknown): FieldError[] {
  return typeof generation === 'number' && generation < 0 ? [invalidValue('metadata.generation', generation, 'must be greater than or equal to 0')] : [];
}

/**
 * validateObjectMeta checks a new object's metadata (name generation already
 * done), as core/validation's ValidateObjectMeta.
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameValidator: NameValidator): FieldError[] {
  const m = obj(meta);
  const errs: FieldError[] = [];
  const generateName = str(m.generateName);
  if (generateName) for (const msg of nameValidator(generateName, true)) errs.push(invalidValue('metadata.generateName', generateName, msg));
  const name = str(m.name);
  if (!name) errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const msg of nameValidator(name, false)) errs.push(invalidValue('metadata.name', name, msg));
  const namespace = str(m.namespace);
  if (namespaced) {
    if (!namespace) errs.push(required('metadata.namespace'));
    else for (const msg of isDNS1123Label(namespace)) errs.push(invalidValue('metadata.namespace', namespace, msg));
  } else if (namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...validateGeneration(m.generation));
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...validateFinalizers(m.finalizers, 'metadata.finalizers'));
  errs.push(...managedFields(m.managedFields));
  errs.push(...kubeFinalizerNames(m.finalizers));
  return errs;
}

/** Go's %#v of a sorted []string, as ValidateNoNewFinalizers prints the extra finalizers. */
function goStringSlice(values: string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/**
 * validateObjectMetaUpdate checks an update's metadata, as core/validation's
 * ValidateObjectMetaUpdate: identity fields are immutable, generation never goes
 * down, and a deleting object takes no new finalizers.
 */
export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined): FieldError[] {
  const m = obj(meta);
  const old = obj(oldMeta);
  const errs: FieldError[] = [];
  if (has(old.deletionTimestamp)) {
    const before = new Set(arr(old.finalizers).map(str));
    const extra = [...new Set(arr(m.finalizers).map(str).filter((f) => !before.has(f)))].sort();
    if (extra.length) errs.push(forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`));
  }
  if (!str(m.resourceVersion)) errs.push(invalidValue('metadata.resourceVersion', str(m.resourceVersion), 'must be specified for an update'));
  errs.push(...validateGeneration(m.generation));
  if (num(m.generation) < num(old.generation)) errs.push(invalidValue('metadata.generation', num(m.generation), 'must not be decremented'));
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp']) {
    if (str(m[f]) !== str(old[f])) errs.push(invalidValue(`metadata.${f}`, str(m[f]), 'field is immutable'));
  }
  // These two are pointers upstream: absent and null are the same nil.
  for (const f of ['deletionTimestamp', 'deletionGracePeriodSeconds']) {
    if (!semanticEqual(m[f], old[f])) errs.push(invalidValue(`metadata.${f}`, m[f] ?? null, 'field is immutable'));
  }
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  errs.push(...managedFields(m.managedFields));
  errs.push(...kubeFinalizerNames(m.finalizers));
  return errs;
}

/**
 * validateCommonFieldsUpdate is what rest.BeforeUpdate checks of every update's
 * metadata (validateCommonFields): ValidateObjectMetaAccessor with path-segment
 * names, then ValidateObjectMetaAccessorUpdate. Both check labels, annotations,
 * owner references and managed fields; each error is reported once.
 */
export function validateCommonFieldsUpdate(meta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined, namespaced: boolean): FieldError[] {
  const seen = new Set<string>();
  return [...validateObjectMeta(meta, namespaced, pathSegmentName), ...validateObjectMetaUpdate(meta, oldMeta)].filter((e) => {
    const text = fieldErrorText(e);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}
