/**
 * apps is the `apps/v1` group: deployments, replicasets, statefulsets and
 * daemonsets (each with status; all but daemonsets with scale) and
 * controllerrevisions, as pkg/registry/apps/* serves them.
 */
import type { Deployment, KubeObject, ReplicaSet } from '../../api/types';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from '../defaulting/apps';
import { type ResourceType, def } from '../resources';
import { type Strategy, keepSpec } from '../strategy';
import {
  validateControllerRevision, validateControllerRevisionUpdate, validateDaemonSet, validateDaemonSetStatusUpdate, validateDaemonSetUpdate,
  validateDeployment, validateDeploymentStatusUpdate, validateDeploymentUpdate, validateReplicaSet, validateReplicaSetStatusUpdate,
  validateReplicaSetUpdate, validateStatefulSet, validateStatefulSetStatusUpdate, validateStatefulSetUpdate,
} from '../validation/apps';
import { semanticEqual } from '../validation/generic';
import { labelName, subdomainName } from '../validation/objectMeta';
import type { ControllerRevision, DaemonSet, StatefulSet } from '../validation/types/apps';

/** keepStatus is the PrepareForUpdate every workload shares: the main resource may not write status. */
function keepStatus<T extends KubeObject>(obj: T, old: T): void {
  (obj as KubeObject).status = old.status;
}

/** The scale subresource of the replicated workloads reads spec.replicas and status.replicas; its selector is spec.selector, formatted as a string. */
const REPLICAS_SCALE = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' };
/** The versions each kind's managedFields may name, as its ScaleREST's replicas path mappings list them. */
const SPEC_REPLICAS = '.spec.replicas';
const DEPLOYMENT_SCALE = { ...REPLICAS_SCALE, replicasPaths: { 'apps/v1beta1': SPEC_REPLICAS, 'apps/v1beta2': SPEC_REPLICAS, 'apps/v1': SPEC_REPLICAS } };
const REPLICASET_SCALE = { ...REPLICAS_SCALE, replicasPaths: { 'apps/v1beta2': SPEC_REPLICAS, 'apps/v1': SPEC_REPLICAS } };
const STATEFULSET_SCALE = DEPLOYMENT_SCALE;

const deploymentStrategy: Strategy<Deployment> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultDeployment,
  prepareForCreate(d) {
    d.status = {};
  },
  prepareForUpdate(d, old) {
    keepStatus(d, old);
    // Annotations are copied to the deployment's replica sets, so changing them counts a generation too.
    if (!semanticEqual(d.metadata.annotations ?? {}, old.metadata.annotations ?? {})) d.metadata.generation = (old.metadata.generation ?? 0) + 1;
  },
  prepareForStatusUpdate(d, old) {
    keepSpec(d, old);
    if (old.metadata.labels === undefined) delete d.metadata.labels;
    else d.metadata.labels = structuredClone(old.metadata.labels);
  },
  statusResetFields: [['spec'], ['metadata', 'labels']],
  validate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
  validateStatusUpdate: validateDeploymentStatusUpdate,
};

const replicaSetStrategy: Strategy<ReplicaSet> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultReplicaSet,
  prepareForCreate(rs) {
    rs.status = { replicas: 0 };
  },
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,
  validate: validateReplicaSet,
  validateUpdate: validateReplicaSetUpdate,
  validateStatusUpdate: validateReplicaSetStatusUpdate,
  fieldLabels: ['status.replicas'],
};

const statefulSetStrategy: Strategy<StatefulSet> = {
  // StatefulSet names become pod hostnames, so they must be DNS labels (ValidateStatefulSetName).
  nameValidator: labelName,
  generation: true,
  statusSubresource: true,
  defaults: defaultStatefulSet,
  prepareForCreate(ss) {
    ss.status = { replicas: 0, availableReplicas: 0 };
  },
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  validateStatusUpdate: validateStatefulSetStatusUpdate,
};

/**
 * TEMPLATE_GENERATION is where apps/v1 keeps the internal spec.templateGeneration
 * of a DaemonSet (the v1 type has no such field; conversion moves it to this annotation).
 */
const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

const daemonSetStrategy: Strategy<DaemonSet> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultDaemonSet,
  prepareForCreate(ds) {
    ds.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    const generation = Number(ds.metadata.annotations?.[TEMPLATE_GENERATION] ?? 0);
    if (!(generation >= 1)) ds.metadata.annotations = { ...ds.metadata.annotations, [TEMPLATE_GENERATION]: '1' };
  },
  prepareForUpdate(ds, old) {
    keepStatus(ds, old);
    // A template change counts a new template generation, as daemonSetStrategy.PrepareForUpdate does.
    if (!semanticEqual(ds.spec?.template, old.spec?.template)) {
      const previous = Number(old.metadata.annotations?.[TEMPLATE_GENERATION] ?? 0) || 0;
      ds.metadata.annotations = { ...ds.metadata.annotations, [TEMPLATE_GENERATION]: String(previous + 1) };
    }
  },
  prepareForStatusUpdate: keepSpec,
  validate: validateDaemonSet,
  validateUpdate: validateDaemonSetUpdate,
  validateStatusUpdate: validateDaemonSetStatusUpdate,
};

const controllerRevisionStrategy: Strategy<ControllerRevision> = {
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  validate: validateControllerRevision,
  validateUpdate: validateControllerRevisionUpdate,
};

export const appsResources: readonly ResourceType[] = [
  def({ group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', singularName: 'deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'], scale: DEPLOYMENT_SCALE, strategy: deploymentStrategy }),
  def({ group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', singularName: 'replicaset', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'], scale: REPLICASET_SCALE, strategy: replicaSetStrategy }),
  def({ group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', singularName: 'statefulset', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'], scale: STATEFULSET_SCALE, strategy: statefulSetStrategy }),
  def({ group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', singularName: 'daemonset', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: ['status'], strategy: daemonSetStrategy }),
  def({ group: 'apps', version: 'v1', resource: 'controllerrevisions', kind: 'ControllerRevision', singularName: 'controllerrevision', namespaced: true, subresources: [], strategy: controllerRevisionStrategy }),
];
