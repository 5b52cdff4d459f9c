/**
 * Strategy is a resource's behaviour in the generic registry, as upstream's
 * rest.RESTCreateStrategy/RESTUpdateStrategy/RESTDeleteStrategy: defaults,
 * validation, what a create or update may touch, and how deletion is graceful.
 */
import type { KubeObject } from '../api/types';
import type { FieldError } from './fieldErrors';
import type { NameValidator } from './validation/objectMeta';

export interface Strategy<T extends KubeObject = KubeObject> {
  /** nameValidator checks metadata.name (DNS subdomain for most resources). */
  nameValidator: NameValidator;
  /** generation: the object counts spec changes in metadata.generation. */
  generation: boolean;
  /** statusSubresource: the main resource ignores status; /status ignores the rest. */
  statusSubresource: boolean;
  /** defaults applies the versioned defaults (SetDefaults_*). */
  defaults?(obj: T): void;
  /** prepareForCreate clears or seeds fields the client may not set on create. */
  prepareForCreate?(obj: T): void;
  /** prepareForUpdate carries over what an update of the main resource may not change (status, immutable parts), as PrepareForUpdate. */
  prepareForUpdate?(obj: T, old: T): void;
  validate?(obj: T): FieldError[];
  validateUpdate?(obj: T, old: T): FieldError[];
  /** validateStatusUpdate checks a write to the status subresource (defaults to validateUpdate). */
  validateStatusUpdate?(obj: T, old: T): FieldError[];
  /** warningsOnCreate/warningsOnUpdate return upstream's deprecation and best-practice warnings. */
  warningsOnCreate?(obj: T): string[];
  warningsOnUpdate?(obj: T, old: T): string[];
  /** gracePeriod returns the seconds a delete waits (undefined or 0: delete now). */
  gracePeriod?(obj: T, requested: number | undefined): number | undefined;
  /** fieldLabels lists the fields `?fieldSelector=` may use beyond metadata.name/namespace. */
  fieldLabels?: readonly string[];
}
