/**
 * resourceKinds is the catalogue of namespaced kinds the Cluster view lists
 * under a namespace, in the order it lists them: what each is called, its
 * icon, what it owns (a Deployment its ReplicaSets), and which of
 * `kubectl get`'s columns make its one-line description.
 */
import { refKey } from './clusterModel';

/** Cells reads a printed row's cell by kubectl column name ('' when the printer has no such column). */
export type Cells = (column: string) => string;

export interface KindSpec {
  kind: string;
  group: string;
  resource: string;
  /** title is the kind's node label under a namespace. */
  title: string;
  /** icon is a codicon id. */
  icon: string;
  /** owns names (refKey) the resources whose objects this kind's objects control, shown as their children. */
  owns: readonly string[];
  /** describe builds the description from kubectl's columns; none means no description. */
  describe?: (cells: Cells, obj: unknown) => string;
}

const count = (n: string, one: string, many = `${one}s`): string => `${n} ${n === '1' ? one : many}`;
const join = (...parts: string[]): string => parts.filter((p) => p && p !== '<none>').join(' · ');

/** NAMESPACED_KINDS lists the kinds shown under a namespace, workloads first. */
export const NAMESPACED_KINDS: readonly KindSpec[] = [
  { kind: 'Deployment', group: 'apps', resource: 'deployments', title: 'Deployments', icon: 'rocket', owns: ['replicasets.apps'], describe: (c) => `${c('Ready')} ready` },
  { kind: 'ReplicaSet', group: 'apps', resource: 'replicasets', title: 'ReplicaSets', icon: 'copy', owns: ['pods'], describe: (c) => `${c('Ready')}/${c('Desired')} ready` },
  { kind: 'StatefulSet', group: 'apps', resource: 'statefulsets', title: 'StatefulSets', icon: 'database', owns: ['pods'], describe: (c) => `${c('Ready')} ready` },
  { kind: 'DaemonSet', group: 'apps', resource: 'daemonsets', title: 'DaemonSets', icon: 'server-environment', owns: ['pods'], describe: (c) => `${c('Ready')}/${c('Desired')} ready` },
  { kind: 'Job', group: 'batch', resource: 'jobs', title: 'Jobs', icon: 'run', owns: ['pods'], describe: (c) => join(c('Status'), c('Completions')) },
  {
    kind: 'CronJob', group: 'batch', resource: 'cronjobs', title: 'CronJobs', icon: 'watch', owns: ['jobs.batch'],
    describe: (c) => join(c('Schedule'), c('Suspend').toLowerCase() === 'true' ? 'suspended' : '', c('Active') !== '0' ? `${c('Active')} active` : ''),
  },
  { kind: 'Pod', group: '', resource: 'pods', title: 'Pods', icon: 'package', owns: [] },
  { kind: 'Service', group: '', resource: 'services', title: 'Services', icon: 'plug', owns: [], describe: (c) => join(c('Type'), c('Cluster-IP'), c('Port(s)')) },
  { kind: 'Ingress', group: 'networking.k8s.io', resource: 'ingresses', title: 'Ingresses', icon: 'globe', owns: [], describe: (c) => join(c('Class'), c('Hosts')) },
  { kind: 'ConfigMap', group: '', resource: 'configmaps', title: 'ConfigMaps', icon: 'settings', owns: [], describe: (c) => count(c('Data'), 'key') },
  { kind: 'Secret', group: '', resource: 'secrets', title: 'Secrets', icon: 'key', owns: [], describe: (c) => join(c('Type'), count(c('Data'), 'key')) },
  { kind: 'PersistentVolumeClaim', group: '', resource: 'persistentvolumeclaims', title: 'PersistentVolumeClaims', icon: 'save', owns: [], describe: (c) => join(c('Status'), c('Volume'), c('Capacity')) },
  { kind: 'ServiceAccount', group: '', resource: 'serviceaccounts', title: 'ServiceAccounts', icon: 'account', owns: [] },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', resource: 'roles', title: 'Roles', icon: 'law', owns: [] },
  { kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', title: 'RoleBindings', icon: 'link', owns: [], describe: (c) => c('Role') },
  { kind: 'HorizontalPodAutoscaler', group: 'autoscaling', resource: 'horizontalpodautoscalers', title: 'HorizontalPodAutoscalers', icon: 'arrow-both', owns: [], describe: (_c, o) => hpaDescription(o) },
  { kind: 'PodDisruptionBudget', group: 'policy', resource: 'poddisruptionbudgets', title: 'PodDisruptionBudgets', icon: 'shield', owns: [], describe: (c) => `${count(c('Allowed Disruptions'), 'disruption')} allowed` },
  { kind: 'NetworkPolicy', group: 'networking.k8s.io', resource: 'networkpolicies', title: 'NetworkPolicies', icon: 'shield', owns: [], describe: (c) => `pods ${c('Pod-Selector')}` },
  { kind: 'ResourceQuota', group: '', resource: 'resourcequotas', title: 'ResourceQuotas', icon: 'dashboard', owns: [] },
  { kind: 'LimitRange', group: '', resource: 'limitranges', title: 'LimitRanges', icon: 'dashboard', owns: [] },
];

/** CLUSTER_KINDS are the cluster-scoped kinds the view shows (Namespaces, Nodes), described the same way. */
export const CLUSTER_KINDS: readonly KindSpec[] = [
  { kind: 'Namespace', group: '', resource: 'namespaces', title: 'Namespaces', icon: 'symbol-namespace', owns: [], describe: (c) => c('Status') },
  { kind: 'Node', group: '', resource: 'nodes', title: 'Nodes', icon: 'server', owns: [] },
];

const BY_KEY = new Map([...NAMESPACED_KINDS, ...CLUSTER_KINDS].map((k) => [refKey(k), k]));
const BY_KIND = new Map([...NAMESPACED_KINDS, ...CLUSTER_KINDS].map((k) => [k.kind, k]));

/** kindSpec finds a kind by refKey (`deployments.apps`) or by Kind (`Deployment`). */
export function kindSpec(keyOrKind: string): KindSpec | undefined {
  return BY_KEY.get(keyOrKind) ?? BY_KIND.get(keyOrKind);
}

/** hpaDescription is kubectl's REPLICAS / MINPODS / MAXPODS for an autoscaler: `2 replicas (1–5)`. */
function hpaDescription(o: unknown): string {
  const hpa = o as { spec?: { minReplicas?: number; maxReplicas?: number }; status?: { currentReplicas?: number } };
  const current = String(hpa.status?.currentReplicas ?? 0);
  return `${count(current, 'replica')} (${hpa.spec?.minReplicas ?? 1}–${hpa.spec?.maxReplicas ?? '?'})`;
}
