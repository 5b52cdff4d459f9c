/**
 * registry maps each built-in resource to its printer, as each upstream
 * registry's TableConvertor wires printers.go's handlers. Resources upstream
 * leaves to rest.NewDefaultTableConvertor (roles, cluster roles, limit ranges,
 * CustomResourceDefinitions) are absent and get the default NAME / CREATED AT
 * table.
 */
import { controllerRevisionPrinter, daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './apps';
import { validatingAdmissionPolicyBindingPrinter, validatingAdmissionPolicyPrinter, webhookConfigurationPrinter } from './admissionregistration';
import { horizontalPodAutoscalerPrinter } from './autoscaling';
import { cronJobPrinter, jobPrinter } from './batch';
import { leasePrinter } from './coordination';
import {
  componentStatusPrinter, configMapPrinter, endpointsPrinter, namespacePrinter, nodePrinter, podTemplatePrinter, replicationControllerPrinter,
  resourceQuotaPrinter, secretPrinter, serviceAccountPrinter, servicePrinter,
} from './core';
import { endpointSlicePrinter } from './discovery';
import { coreEventPrinter, eventsV1EventPrinter } from './event';
import { ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from './networking';
import { podPrinter } from './pod';
import { podDisruptionBudgetPrinter } from './policy';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac';
import { priorityClassPrinter } from './scheduling';
import {
  csiDriverPrinter, csiNodePrinter, persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter, volumeAttachmentPrinter,
} from './storage';
import { packetTracePrinter } from '../../network/packetTrace';
import type { TablePrinter } from './table';

/** BUILTIN_PRINTERS is keyed `group/resource` (`/pods`, `apps/deployments`). */
const BUILTIN_PRINTERS: ReadonlyMap<string, TablePrinter> = new Map([
  ['/componentstatuses', componentStatusPrinter],
  ['/configmaps', configMapPrinter],
  ['/endpoints', endpointsPrinter],
  ['/events', coreEventPrinter],
  ['/namespaces', namespacePrinter],
  ['/nodes', nodePrinter],
  ['/persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['/persistentvolumes', persistentVolumePrinter],
  ['/pods', podPrinter],
  ['/podtemplates', podTemplatePrinter],
  ['/replicationcontrollers', replicationControllerPrinter],
  ['/resourcequotas', resourceQuotaPrinter],
  ['/secrets', secretPrinter],
  ['/serviceaccounts', serviceAccountPrinter],
  ['/services', servicePrinter],
  ['apps/controllerrevisions', controllerRevisionPrinter],
  ['apps/daemonsets', daemonSetPrinter],
  ['apps/deployments', deploymentPrinter],
  ['apps/replicasets', replicaSetPrinter],
  ['apps/statefulsets', statefulSetPrinter],
  ['autoscaling/horizontalpodautoscalers', horizontalPodAutoscalerPrinter],
  ['batch/cronjobs', cronJobPrinter],
  ['batch/jobs', jobPrinter],
  ['coordination.k8s.io/leases', leasePrinter],
  ['discovery.k8s.io/endpointslices', endpointSlicePrinter],
  ['events.k8s.io/events', eventsV1EventPrinter],
  ['rbac.authorization.k8s.io/rolebindings', roleBindingPrinter],
  ['rbac.authorization.k8s.io/clusterrolebindings', clusterRoleBindingPrinter],
  ['admissionregistration.k8s.io/mutatingwebhookconfigurations', webhookConfigurationPrinter],
  ['admissionregistration.k8s.io/validatingwebhookconfigurations', webhookConfigurationPrinter],
  ['admissionregistration.k8s.io/validatingadmissionpolicies', validatingAdmissionPolicyPrinter],
  ['admissionregistration.k8s.io/validatingadmissionpolicybindings', validatingAdmissionPolicyBindingPrinter],
  ['scheduling.k8s.io/priorityclasses', priorityClassPrinter],
  ['storage.k8s.io/storageclasses', storageClassPrinter],
  ['storage.k8s.io/csidrivers', csiDriverPrinter],
  ['storage.k8s.io/csinodes', csiNodePrinter],
  ['storage.k8s.io/volumeattachments', volumeAttachmentPrinter],
  ['policy/poddisruptionbudgets', podDisruptionBudgetPrinter],
  ['networking.k8s.io/networkpolicies', networkPolicyPrinter],
  ['networking.k8s.io/ingresses', ingressPrinter],
  ['networking.k8s.io/ingressclasses', ingressClassPrinter],
  ['lab.kubelab.dev/packettraces', packetTracePrinter],
]);

/** builtinPrinter returns the printer upstream registers for a built-in resource, or undefined for the default table. */
export function builtinPrinter(group: string, resource: string): TablePrinter | undefined {
  return BUILTIN_PRINTERS.get(`${group}/${resource}`);
}
