/**
 * namespaceConditions turns what a namespace's deletion ran into into the
 * namespace's status conditions, as upstream's
 * pkg/controller/namespace/deletion/status_condition_utils.go: each condition
 * type the deleter maintains is True with the failure, or False with its "ok"
 * reason and message.
 */
import { timestamp } from '../api/meta';

/** NamespaceCondition is core/v1 NamespaceCondition. */
export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** NAMESPACE_DELETION_DISCOVERY_FAILURE is set while discovery of the resources to delete fails. */
export const NAMESPACE_DELETION_DISCOVERY_FAILURE = 'NamespaceDeletionDiscoveryFailure';
/** NAMESPACE_DELETION_GV_PARSING_FAILURE is set while a discovered group version does not parse. */
export const NAMESPACE_DELETION_GV_PARSING_FAILURE = 'NamespaceDeletionGroupVersionParsingFailure';
/** NAMESPACE_DELETION_CONTENT_FAILURE is set while deleting some resource's content fails. */
export const NAMESPACE_DELETION_CONTENT_FAILURE = 'NamespaceDeletionContentFailure';
/** NAMESPACE_CONTENT_REMAINING is set while content remains in the namespace. */
export const NAMESPACE_CONTENT_REMAINING = 'NamespaceContentRemaining';
/** NAMESPACE_FINALIZERS_REMAINING is set while content in the namespace has finalizers. */
export const NAMESPACE_FINALIZERS_REMAINING = 'NamespaceFinalizersRemaining';

/** CONDITION_TYPES are the condition types the deleter maintains, in upstream's order. */
const CONDITION_TYPES = [
  NAMESPACE_DELETION_DISCOVERY_FAILURE, NAMESPACE_DELETION_GV_PARSING_FAILURE, NAMESPACE_DELETION_CONTENT_FAILURE, NAMESPACE_CONTENT_REMAINING, NAMESPACE_FINALIZERS_REMAINING,
];

/** OK_REASONS and OK_MESSAGES are upstream's okReasons and okMessages, for a condition that is not failing. */
const OK_REASONS: Record<string, string> = {
  [NAMESPACE_DELETION_DISCOVERY_FAILURE]: 'ResourcesDiscovered',
  [NAMESPACE_DELETION_GV_PARSING_FAILURE]: 'ParsedGroupVersions',
  [NAMESPACE_DELETION_CONTENT_FAILURE]: 'ContentDeleted',
  [NAMESPACE_CONTENT_REMAINING]: 'ContentRemoved',
  [NAMESPACE_FINALIZERS_REMAINING]: 'ContentHasNoFinalizers',
};
const OK_MESSAGES: Record<string, string> = {
  [NAMESPACE_DELETION_DISCOVERY_FAILURE]: 'All resources successfully discovered',
  [NAMESPACE_DELETION_GV_PARSING_FAILURE]: 'All legacy kube types successfully parsed',
  [NAMESPACE_DELETION_CONTENT_FAILURE]: 'All content successfully deleted, may be waiting on finalization',
  [NAMESPACE_CONTENT_REMAINING]: 'All content successfully removed',
  [NAMESPACE_FINALIZERS_REMAINING]: 'All content-preserving finalizers finished',
};

/** ContentTotals are what remains after a deletion pass: instances per resource (`resource.group`) and per finalizer. */
export interface ContentTotals {
  remainingByResource: Map<string, number>;
  remainingByFinalizer: Map<string, number>;
}

/** NamespaceConditionUpdater collects a deletion pass's failures and writes them as conditions. */
export class NamespaceConditionUpdater {
  private readonly newConditions: NamespaceCondition[] = [];
  private readonly deleteContentErrors: string[] = [];

  constructor(private readonly now: number) {}

  /** processDiscoverResourcesErr records that discovery failed, wholly or for some groups. */
  processDiscoverResourcesErr(message: string, failedGroups: number): void {
    const msg = failedGroups > 0 ? `Discovery failed for some groups, ${failedGroups} failing: ${message}` : message;
    this.newConditions.push(this.condition(NAMESPACE_DELETION_DISCOVERY_FAILURE, 'DiscoveryFailed', msg));
  }

  /** processDeleteContentErr records that deleting one resource's content failed. */
  processDeleteContentErr(message: string): void {
    this.deleteContentErrors.push(message);
  }

  /** processContentTotals records what remains, per resource and per finalizer. */
  processContentTotals(totals: ContentTotals): void {
    const resources = [...totals.remainingByResource].filter(([, n]) => n > 0).map(([r, n]) => `${r} has ${n} resource instances`).sort();
    if (totals.remainingByResource.size > 0) {
      this.newConditions.push(this.condition(NAMESPACE_CONTENT_REMAINING, 'SomeResourcesRemain', `Some resources are remaining: ${resources.join(', ')}`));
    }
    const finalizers = [...totals.remainingByFinalizer].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort();
    if (totals.remainingByFinalizer.size > 0) {
      this.newConditions.push(this.condition(NAMESPACE_FINALIZERS_REMAINING, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`));
    }
  }

  /** update puts the conditions into status (every maintained type, failing or ok) and says whether anything changed. */
  update(status: { conditions?: NamespaceCondition[] }): boolean {
    if (!this.newConditions.some((c) => c.type === NAMESPACE_DELETION_CONTENT_FAILURE) && this.deleteContentErrors.length > 0) {
      const msgs = [...this.deleteContentErrors].sort();
      this.newConditions.push(this.condition(NAMESPACE_DELETION_CONTENT_FAILURE, 'ContentDeletionFailed', `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}`));
    }
    let changed = false;
    const conditions = status.conditions ?? [];
    for (const type of CONDITION_TYPES) {
      const next = this.newConditions.find((c) => c.type === type) ?? { type, status: 'False', lastTransitionTime: timestamp(this.now), reason: OK_REASONS[type], message: OK_MESSAGES[type] };
      const old = conditions.find((c) => c.type === type);
      if (!old) {
        conditions.push(next);
        changed = true;
      } else if (old.status !== next.status || old.message !== next.message || old.reason !== next.reason) {
        if (old.status !== next.status) old.lastTransitionTime = timestamp(this.now);
        Object.assign(old, { status: next.status, reason: next.reason, message: next.message });
        changed = true;
      }
    }
    status.conditions = conditions;
    return changed;
  }

  private condition(type: string, reason: string, message: string): NamespaceCondition {
    return { type, status: 'True', lastTransitionTime: timestamp(this.now), reason, message };
  }
}
