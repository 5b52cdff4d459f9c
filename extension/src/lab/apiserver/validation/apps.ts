/** apps validates apps/v1 workloads with the messages of pkg/apis/apps/validation. */
import type { Deployment, LabelSelector, PodTemplateSpec, ReplicaSet } from '../../api/types';
import { selectorMatches } from '../../api/labels';
import { type FieldError, invalidValue, required } from '../fieldErrors';
import { validatePodSpec } from './core';

function validateSelectorAndTemplate(selector: LabelSelector | undefined, template: PodTemplateSpec | undefined, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!selector) {
    errs.push(required('spec.selector'));
  } else if (!selector.matchLabels && !selector.matchExpressions?.length) {
    errs.push(invalidValue('spec.selector', selector, `empty selector is invalid for ${kind}`));
  }
  if (!template) {
    errs.push(required('spec.template'));
    return errs;
  }
  const labels = template.metadata?.labels ?? {};
  if (selector && (selector.matchLabels || selector.matchExpressions?.length) && !selectorMatches(selector, labels)) {
    errs.push(invalidValue('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  if (template.spec?.restartPolicy !== undefined && template.spec.restartPolicy !== 'Always') {
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', value: template.spec.restartPolicy, supported: ['Always'] });
  }
  return errs;
}

function validateReplicas(replicas: number | undefined): FieldError[] {
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
    return [invalidValue('spec.replicas', replicas, 'must be greater than or equal to 0')];
  }
  return [];
}

/** validateDeployment checks a Deployment. */
export function validateDeployment(d: Deployment): FieldError[] {
  if (!d.spec) return [required('spec')];
  return [...validateReplicas(d.spec.replicas), ...validateSelectorAndTemplate(d.spec.selector, d.spec.template, 'deployment')];
}

/** validateReplicaSet checks a ReplicaSet. */
export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  if (!rs.spec) return [required('spec')];
  return [...validateReplicas(rs.spec.replicas), ...validateSelectorAndTemplate(rs.spec.selector, rs.spec.template, 'replicaset')];
}

/** validateSelectorImmutable reports a changed selector, which apps/v1 forbids. */
export function validateSelectorImmutable(selector: LabelSelector | undefined, old: LabelSelector | undefined): FieldError[] {
  if (JSON.stringify(selector) !== JSON.stringify(old)) {
    return [invalidValue('spec.selector', selector, 'field is immutable')];
  }
  return [];
}
