/**
 * autoscaling is the `autoscaling/v2` group: horizontalpodautoscalers, with
 * status, as pkg/registry/autoscaling/horizontalpodautoscaler serves them.
 */
import type { HorizontalPodAutoscaler } from '../../api/autoscaling';
import { defaultHorizontalPodAutoscaler } from '../defaulting/autoscaling';
import { type ResourceType, def } from '../resources';
import { type Strategy, keepSpec } from '../strategy';
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerStatusUpdate, validateHorizontalPodAutoscalerUpdate } from '../validation/autoscaling';
import { subdomainName } from '../validation/objectMeta';

const hpaStrategy: Strategy<HorizontalPodAutoscaler> = {
  // HorizontalPodAutoscalers take a ReplicationController's name rules (a DNS subdomain).
  nameValidator: subdomainName,
  // The HPA strategy keeps no generation: a spec change is seen by the next sync, not through observedGeneration.
  generation: false,
  statusSubresource: true,
  defaults: defaultHorizontalPodAutoscaler,
  prepareForCreate(hpa) {
    // The status's desiredReplicas is not omitempty: a new object shows it as 0.
    hpa.status = { desiredReplicas: 0 };
  },
  prepareForUpdate(hpa, old) {
    if (old.status === undefined) delete hpa.status;
    else hpa.status = old.status;
  },
  prepareForStatusUpdate: keepSpec,
  validate: validateHorizontalPodAutoscaler,
  validateUpdate: validateHorizontalPodAutoscalerUpdate,
  validateStatusUpdate: validateHorizontalPodAutoscalerStatusUpdate,
};

export const autoscalingResources: readonly ResourceType[] = [
  def({
    group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', singularName: 'horizontalpodautoscaler',
    namespaced: true, shortNames: ['hpa'], categories: ['all'], subresources: ['status'], strategy: hpaStrategy,
  }),
];
