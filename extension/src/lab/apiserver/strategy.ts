/**
 * Strategy is a resource's behaviour in the generic registry, as upstream's
 * rest.RESTCreateStrategy/RESTUpdateStrategy/RESTDeleteStrategy: defaults,
 * validation, what a create or update may touch, and how deletion is graceful.
 */
import { copyStored } from './jsonCopy';
import type { KubeObject } from '../api/types';
import type { Decoded, FieldValidation } from '../openapi/decode';
import type { FieldError } from './fieldErrors';
import type { NameValidator } from './validation/objectMeta';
import type { Random } from '../random';
import type { ObjectStorage } from './storage';

export interface Strategy<T extends KubeObject = KubeObject> {
  /** nameValidator checks metadata.name (DNS subdomain for most resources). */
  nameValidator: NameValidator;
  /** generation: the object counts spec changes in metadata.generation. */
  generation: boolean;
  /** statusSubresource: the main resource ignores status; /status ignores the rest. */
  statusSubresource: boolean;
  /** decode is the decoder of kinds without a built-in OpenAPI model (a CRD's schema-coercing decoder). */
  decode?(body: T, fieldValidation: FieldValidation): Decoded;
  /** defaults applies the versioned defaults (SetDefaults_*). */
  defaults?(obj: T): void;
  /** prepareForCreate clears or seeds fields the client may not set on create. */
  prepareForCreate?(obj: T): void;
  /** prepareForUpdate carries over what an update of the main resource may not change (status, immutable parts), as PrepareForUpdate. */
  prepareForUpdate?(obj: T, old: T): void;
  /**
   * prepareForStatusUpdate is the status strategy's PrepareForUpdate: obj is the
   * client's whole object and the hook puts back what /status may not change (spec,
   * and for some types labels, owner references or all metadata). Without it only
   * status changes, as the custom resource status strategy has it.
   */
  prepareForStatusUpdate?(obj: T, old: T): void;
  /** statusResetFields are the status strategy's GetResetFields, which no manager owns through /status (default: spec). */
  statusResetFields?: readonly (readonly string[])[];
  /** allowCreateOnUpdate: a PUT to a name that does not exist creates the object (201), as AllowCreateOnUpdate; otherwise it is a 404. */
  allowCreateOnUpdate?: boolean;
  /** allowUnconditionalUpdate false makes an update without metadata.resourceVersion a 422, as AllowUnconditionalUpdate (default true). */
  allowUnconditionalUpdate?: boolean;
  /**
   * allocate is the store's BeginCreate/BeginUpdate for what a write takes from a
   * shared pool (a Service's cluster IPs and node ports): it runs after validation
   * of the main resource, and answers field errors or a finish to call once the write is done.
   */
  allocate?(obj: T, old: T | undefined, ctx: AllocationContext): Promise<FieldError[] | (() => void)>;
  validate?(obj: T): FieldError[];
  validateUpdate?(obj: T, old: T): FieldError[];
  /** validateStatusUpdate checks a write to the status subresource (defaults to validateUpdate). */
  validateStatusUpdate?(obj: T, old: T): FieldError[];
  /** warningsOnCreate/warningsOnUpdate return upstream's deprecation and best-practice warnings. */
  warningsOnCreate?(obj: T): string[];
  warningsOnUpdate?(obj: T, old: T): string[];
  /**
   * gracePeriod makes deletion graceful, as RESTGracefulDeleteStrategy.CheckGracefulDelete:
   * the seconds a delete waits given the requested period (0: mark the object, then remove it).
   */
  gracePeriod?(obj: T, requested: number | undefined): number;
  /** returnDeletedObject: a DELETE answers with the object rather than a Success Status (the store's ReturnDeletedObject). */
  returnDeletedObject?: boolean;
  /** orphanDependents is DefaultGarbageCollectionPolicy OrphanDependents: a delete without a policy orphans dependents. */
  orphanDependents?: boolean;
  /**
   * subresourceStrategies govern updates through subresources that have a store of
   * their own with another update strategy, as upstream's namespaces/finalize.
   */
  subresourceStrategies?: Readonly<Record<string, SubresourceStrategy<T>>>;
  /**
   * shouldDeleteDuringUpdate is a condition the store adds to ShouldDeleteDuringUpdate:
   * an update that leaves no finalizers removes the object only if it also holds
   * (a namespace waits for its spec.finalizers too).
   */
  shouldDeleteDuringUpdate?(obj: T): boolean;
  /** fieldLabels lists the fields `?fieldSelector=` may use beyond metadata.name/namespace. */
  fieldLabels?: readonly string[];
  /** selectableFields computes field label values that are not plain paths in the object (upstream's ToSelectableFields: defaults, renamed fields). */
  selectableFields?(obj: T): Record<string, string>;
  /** fieldLabelAliases are labels the version's conversion renames (pods' `spec.host` is `spec.nodeName`). */
  fieldLabelAliases?: Readonly<Record<string, string>>;
}

/** AllocationContext is what an allocation reads: the type's storage, the lab's Random, and whether the write is a dry run. */
export interface AllocationContext {
  storage: ObjectStorage;
  random: Random;
  dryRun: boolean;
}

/** SubresourceStrategy is the update strategy of a subresource's own store (namespaceFinalizeStrategy). */
export interface SubresourceStrategy<T extends KubeObject = KubeObject> {
  /** prepareForUpdate puts back what the subresource may not change. */
  prepareForUpdate(obj: T, old: T): void;
  validateUpdate(obj: T, old: T): FieldError[];
  /** resetFields are the fields no manager owns through the subresource (GetResetFields). */
  resetFields: readonly (readonly string[])[];
}

/** keepSpec is the PrepareForUpdate most status strategies share: /status may not change spec. */
export function keepSpec(obj: KubeObject, old: KubeObject): void {
  if (old.spec === undefined) delete obj.spec;
  else obj.spec = copyStored(old.spec);
}

/**
 * resetObjectMetaForStatus is metav1.ResetObjectMetaForStatus: the metadata a
 * status write may not change (deletion timestamp, generation, labels,
 * annotations, finalizers, owner references) stays as stored.
 */
export function resetObjectMetaForStatus(obj: KubeObject, old: KubeObject): void {
  for (const f of ['deletionTimestamp', 'generation', 'selfLink', 'labels', 'annotations', 'finalizers', 'ownerReferences']) {
    if (old.metadata[f] === undefined) delete obj.metadata[f];
    else obj.metadata[f] = copyStored(old.metadata[f]);
  }
}
