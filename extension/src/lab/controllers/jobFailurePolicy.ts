/**
 * jobFailurePolicy matches a failed pod against a Job's podFailurePolicy rules,
 * as upstream's pod_failure_policy.go: the first rule whose onExitCodes or
 * onPodConditions match decides whether the job fails (FailJob), the index
 * fails (FailIndex), the failure is not counted (Ignore) or counted (Count).
 */
import type { Condition, ContainerStatus, Pod } from '../api/types';
import type { Job, PodFailurePolicyRule } from '../apiserver/validation/types/batch';
import { isPodFailed } from './jobPods';

/** PodFailurePolicyAction is a rule's action. */
export type PodFailurePolicyAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

/** PolicyMatch is what a failed pod's match tells the controller. */
export interface PolicyMatch {
  /** failJobMessage is set when a FailJob rule matched. */
  failJobMessage?: string;
  /** countFailed is false when an Ignore rule matched. */
  countFailed: boolean;
  /** action is the matching rule's action, if one matched. */
  action?: PodFailurePolicyAction;
}

/** Pod statuses as the kubelet writes them, with init containers. */
type StatusWithInits = NonNullable<Pod['status']> & { initContainerStatuses?: ContainerStatus[] };

/** matchPodFailurePolicy is matchPodFailurePolicy: the first matching rule's verdict, counted when none matches. */
export function matchPodFailurePolicy(policy: { rules?: PodFailurePolicyRule[] } | null | undefined, pod: Pod): PolicyMatch {
  if (!policy) return { countFailed: true };
  const status: StatusWithInits = pod.status ?? {};
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    if (rule.onExitCodes) {
      const container = matchOnExitCodes(status, rule.onExitCodes);
      if (!container) continue;
      const verdict = verdictFor(rule.action, () => `Container ${container.name} for pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} failed with exit code ${container.state.terminated?.exitCode ?? 0} matching ${rule.action ?? ''} rule at index ${index}`);
      if (verdict) return verdict;
    } else if (rule.onPodConditions) {
      const condition = matchOnPodConditions(status.conditions, rule.onPodConditions);
      if (!condition) continue;
      const verdict = verdictFor(rule.action, () => `Pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} has condition ${condition.type} matching ${rule.action ?? ''} rule at index ${index}`);
      if (verdict) return verdict;
    }
  }
  return { countFailed: true };
}

/** verdictFor turns a matched rule's action into the verdict; an unknown action lets later rules decide. */
function verdictFor(action: string | undefined, failJobMessage: () => string): PolicyMatch | undefined {
  switch (action) {
    case 'Ignore': return { countFailed: false, action };
    case 'FailIndex': return { countFailed: true, action };
    case 'Count': return { countFailed: true, action };
    case 'FailJob': return { failJobMessage: failJobMessage(), countFailed: true, action };
    default: return undefined;
  }
}

/** matchOnExitCodes finds a terminated container (app containers first, then init) whose non-zero exit code satisfies the requirement. */
function matchOnExitCodes(status: StatusWithInits, req: NonNullable<PodFailurePolicyRule['onExitCodes']>): ContainerStatus | undefined {
  return matchingContainer(status.containerStatuses, req) ?? matchingContainer(status.initContainerStatuses, req);
}

function matchingContainer(statuses: readonly ContainerStatus[] | undefined, req: NonNullable<PodFailurePolicyRule['onExitCodes']>): ContainerStatus | undefined {
  return statuses?.find((s) => {
    const code = s.state.terminated?.exitCode;
    if (code === undefined || code === 0) return false;
    if (req.containerName != null && req.containerName !== s.name) return false;
    const values = req.values ?? [];
    if (req.operator === 'In') return values.includes(code);
    if (req.operator === 'NotIn') return !values.includes(code);
    return false;
  });
}

/** matchOnPodConditions finds the first pod condition (in the pod's order) that some pattern matches by type and status. */
function matchOnPodConditions(conditions: readonly Condition[] | undefined, patterns: readonly { type?: string; status?: string }[]): Condition | undefined {
  return conditions?.find((c) => patterns.some((p) => p.type === c.type && p.status === c.status));
}

/** failJobMessage is getFailJobMessage: the message of the first failed pod a FailJob rule matches. */
export function failJobMessage(job: Job, pods: readonly Pod[]): string | undefined {
  if (!job.spec?.podFailurePolicy) return undefined;
  for (const p of pods) {
    if (!isPodFailed(p, job)) continue;
    const m = matchPodFailurePolicy(job.spec.podFailurePolicy, p).failJobMessage;
    if (m) return m;
  }
  return undefined;
}
