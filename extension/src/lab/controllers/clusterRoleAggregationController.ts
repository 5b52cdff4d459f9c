/**
 * ClusterRoleAggregationController fills in the rules of every ClusterRole
 * that has an aggregationRule with the rules of the ClusterRoles its selectors
 * match, as upstream's pkg/controller/clusterroleaggregation: `admin`, `edit`
 * and `view` grow when a CRD's installer labels a role
 * `rbac.authorization.k8s.io/aggregate-to-edit: "true"`.
 */
import type { Clock } from '../clock';
import { selectorMatches } from '../api/labels';
import { isStatus } from '../api/types';
import type { PolicyRule, Role } from '../apiserver/auth/rbacTypes';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import type { ResourceRef } from '../client/resources';
import { WorkQueue } from '../client/workQueue';

/** CLUSTERROLES is the resource the controller watches and writes. */
export const CLUSTERROLES: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false };

const RULE_FIELDS = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/** ruleEqual is equality.Semantic.DeepEqual on rules: a missing list equals an empty one. */
function ruleEqual(a: PolicyRule, b: PolicyRule): boolean {
  return RULE_FIELDS.every((f) => {
    const x = a[f] ?? [];
    const y = b[f] ?? [];
    return x.length === y.length && x.every((v, i) => v === y[i]);
  });
}

function rulesEqual(a: readonly PolicyRule[], b: readonly PolicyRule[]): boolean {
  return a.length === b.length && a.every((r, i) => ruleEqual(r, b[i]));
}

/**
 * aggregatedRules is syncClusterRole's computation: for each selector in
 * order, the matching roles by name (the aggregate itself excluded), each rule
 * once. It returns undefined for a role without an aggregationRule.
 */
export function aggregatedRules(role: Role, all: readonly Role[]): PolicyRule[] | undefined {
  if (!role.aggregationRule) return undefined;
  const rules: PolicyRule[] = [];
  const byName = [...all].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  for (const selector of role.aggregationRule.clusterRoleSelectors ?? []) {
    for (const other of byName) {
      if (other.metadata.name === role.metadata.name || !selectorMatches(selector, other.metadata.labels)) continue;
      for (const r of other.rules ?? []) if (!rules.some((x) => ruleEqual(x, r))) rules.push(r);
    }
  }
  return rules;
}

/** ClusterRoleAggregationController keeps every aggregated ClusterRole's rules current. */
export class ClusterRoleAggregationController {
  private readonly queue: WorkQueue;
  private readonly roles: Informer<Role>;

  constructor(private readonly client: KubeClient, clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.roles = factory.informer<Role>(CLUSTERROLES);
    // Any change may alter any aggregate, and there are few cluster roles: requeue every aggregate, as upstream does.
    const enqueue = (): void => {
      for (const r of this.roles.list()) if (r.aggregationRule) this.queue.add(r.metadata.name ?? '');
    };
    this.roles.addEventHandler({ onAdd: enqueue, onUpdate: enqueue, onDelete: enqueue });
  }

  run(workers = 1): void {
    this.queue.run((key) => this.sync(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  private async sync(name: string): Promise<void> {
    const role = this.roles.get(name);
    const rules = role ? aggregatedRules(role, this.roles.list()) : undefined;
    if (!role || !rules || rulesEqual(rules, role.rules ?? [])) {
      this.queue.forget(name);
      return;
    }
    // Upstream applies with force; updating from the informer's copy is its fallback, and a conflict just retries.
    const r = await this.client.update<Role>(CLUSTERROLES, { ...role, rules });
    if (isStatus(r)) this.queue.addRateLimited(name);
    else this.queue.forget(name);
  }
}
