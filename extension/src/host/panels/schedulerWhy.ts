/**
 * whyPending answers the Scheduler panel's question "why is this pod
 * pending?" in one plain sentence, from the pod's latest SchedulingDecision:
 * the FitError's histogram (how many nodes each reason ruled out) turned into
 * words, with the pod's request beside a resource it is short of. A pod that
 * was scheduled gets where and why instead. No `vscode` here.
 */
import { podRequests } from '../../lab/api/pods';
import { formatQuantity, newMilliQuantity, newQuantity } from '../../lab/api/quantity';
import type { Pod } from '../../lab/api/types';
import type { SchedulingDecision } from '../../lab/scheduler/decision';

/** Phrase is what a reason says about the nodes it ruled out, for one node and for several. */
interface Phrase {
  one: string;
  many: string;
}

const RESOURCE_NAMES: Record<string, string> = { cpu: 'CPU', memory: 'memory', 'ephemeral-storage': 'ephemeral storage' };

/** FIXED are the upstream reasons with their own words (the plugins' exported ERR_REASON constants). */
const FIXED: Record<string, Phrase> = {
  'Too many pods': { one: 'is full (it runs as many pods as it allows)', many: 'are full (they run as many pods as they allow)' },
  'node(s) were unschedulable': { one: 'is cordoned', many: 'are cordoned' },
  "node(s) didn't match Pod's node affinity/selector": { one: "does not match the pod's node selector or affinity", many: "do not match the pod's node selector or affinity" },
  "node(s) didn't match scheduler-enforced node affinity": { one: "is outside the profile's node affinity", many: "are outside the profile's node affinity" },
  "node(s) didn't match the requested node name": { one: 'is not the node the pod names in spec.nodeName', many: 'are not the node the pod names in spec.nodeName' },
  "node(s) didn't have free ports for the requested pod ports": { one: 'already uses a host port the pod asks for', many: 'already use a host port the pod asks for' },
  "node(s) didn't match pod topology spread constraints": { one: "would break the pod's topology spread constraints", many: "would break the pod's topology spread constraints" },
  "node(s) didn't match pod topology spread constraints (missing required label)": { one: "lacks a label the pod's topology spread constraints need", many: "lack a label the pod's topology spread constraints need" },
  "node(s) didn't match pod affinity rules": { one: "does not satisfy the pod's affinity rules", many: "do not satisfy the pod's affinity rules" },
  "node(s) didn't match pod anti-affinity rules": { one: "runs a pod the pod's anti-affinity rules keep away from", many: "run a pod the pod's anti-affinity rules keep away from" },
  "node(s) didn't satisfy existing pods anti-affinity rules": { one: 'runs a pod whose anti-affinity rules keep this one away', many: 'run pods whose anti-affinity rules keep this one away' },
  'pod affinity terms conflict': { one: "cannot satisfy the pod's conflicting affinity terms", many: "cannot satisfy the pod's conflicting affinity terms" },
  'node(s) had volume node affinity conflict': { one: "cannot reach the pod's volumes (volume node affinity)", many: "cannot reach the pod's volumes (volume node affinity)" },
  "node(s) didn't find available persistent volumes to bind": { one: "has no PersistentVolume free for the pod's claims", many: "have no PersistentVolume free for the pod's claims" },
  'node(s) had no available volume zone': { one: "is in another zone than the pod's volumes", many: "are in another zone than the pod's volumes" },
  'node(s) had no available disk': { one: 'already uses a disk the pod needs', many: 'already use a disk the pod needs' },
  'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)': { one: "is out because the pod's claims are bound to missing volumes", many: "are out because the pod's claims are bound to missing volumes" },
  'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode': { one: 'runs a pod that holds the ReadWriteOncePod claim', many: 'run a pod that holds the ReadWriteOncePod claim' },
};

/** POD_LEVEL reasons are about the pod, not the nodes: they read the same however many nodes they cover. */
const POD_LEVEL: Record<string, string> = {
  'pod has unbound immediate PersistentVolumeClaims': 'its PersistentVolumeClaims with Immediate binding are not bound yet',
};

/** phraseOf puts a reason in plain words; a reason this file does not know is quoted as the scheduler wrote it. */
function phraseOf(reason: string, pod: Pod | undefined): Phrase {
  const fixed = FIXED[reason];
  if (fixed) return fixed;
  const insufficient = /^Insufficient (.+)$/.exec(reason);
  if (insufficient) {
    const resource = insufficient[1];
    const request = pod ? requestOf(pod, resource) : '';
    const tail = request ? ` (the pod requests ${request})` : '';
    const name = RESOURCE_NAMES[resource] ?? resource;
    return { one: `is short of ${name}${tail}`, many: `are short of ${name}${tail}` };
  }
  const taint = /^node\(s\) had untolerated taint (\{.*\})$/.exec(reason);
  if (taint) return { one: `has a taint the pod does not tolerate ${taint[1]}`, many: `have a taint the pod does not tolerate ${taint[1]}` };
  const narrowed = /^node\(s\) didn't satisfy plugin\(s\) \[(.*)\]$/.exec(reason);
  if (narrowed) return { one: `was ruled out before filtering by ${narrowed[1]}`, many: `were ruled out before filtering by ${narrowed[1]}` };
  return { one: `was rejected: ${reason}`, many: `were rejected: ${reason}` };
}

/** requestOf is the pod's request of a resource as kubectl prints quantities: `8 CPU`, `64Mi`. */
function requestOf(pod: Pod, resource: string): string {
  const r = podRequests(pod);
  if (resource === 'cpu') return r.milliCPU ? `${formatQuantity(newMilliQuantity(r.milliCPU))} CPU` : '';
  if (resource === 'memory') return r.memory ? formatQuantity(newQuantity(r.memory, 'BinarySI')) : '';
  return '';
}

/** histogram counts, per reason, the nodes it ruled out: the rejected nodes' reasons and the nodes PreFilter left out (FitError's histogram). */
export function histogram(d: SchedulingDecision): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of d.filter.rejected) for (const reason of r.reasons) out.set(reason, (out.get(reason) ?? 0) + r.nodes.length);
  const absent = d.filter.absent;
  if (absent) for (const reason of absent.reasons) out.set(reason, (out.get(reason) ?? 0) + absent.count);
  return out;
}

/** list joins clauses as a sentence does: `a`, `a and b`, `a, b and c`. */
function list(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** unschedulableSentence is the FitError in words: which nodes each reason ruled out. */
function unschedulableSentence(d: SchedulingDecision, pod: Pod | undefined): string {
  const total = d.nodes.total;
  if (total === 0) return 'There are no nodes in the cluster to run it.';
  const counts = [...histogram(d)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (!counts.length) return d.message ? `No node was chosen: ${d.message}` : 'No node was chosen.';
  const podLevel = counts.filter(([r]) => POD_LEVEL[r]).map(([r]) => POD_LEVEL[r]);
  const clauses = counts.filter(([r]) => !POD_LEVEL[r]).map(([reason, count]) => {
    const phrase = phraseOf(reason, pod);
    const subject = count !== total ? String(count) : total === 1 ? 'it' : total === 2 ? 'both' : `all ${total}`;
    return `${subject} ${count === 1 ? phrase.one : phrase.many}`;
  });
  const head = total === 1 ? 'The only node cannot run it' : `None of the ${total} nodes can run it`;
  return `${head}: ${list([...podLevel, ...clauses])}.`;
}

/**
 * whyPending is the one sentence the panel shows for a pod: why it waits, from
 * its latest decision (or its PodScheduled condition when the decision is no
 * longer kept), or where it went and why.
 */
export function whyPending(pod: Pod | undefined, d: SchedulingDecision | undefined): string {
  const gates = ((pod?.spec.schedulingGates as { name?: string }[] | undefined) ?? []).map((g) => g.name ?? '');
  if (pod && !pod.spec.nodeName && gates.length) return `It is not scheduled until its scheduling gates are removed: ${gates.join(', ')}.`;
  if (pod?.spec.nodeName) {
    if (d?.result !== 'Scheduled' || d.node !== pod.spec.nodeName) return `It runs on ${pod.spec.nodeName}.`;
    return scheduledSentence(d);
  }
  if (!d) {
    const cond = pod?.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    if (cond?.message) return `The scheduler last said: ${cond.message}`;
    return 'The scheduler has not tried it yet: it waits in the active queue.';
  }
  switch (d.result) {
    case 'Scheduled':
      return `The scheduler chose ${d.node ?? ''}; it is being bound there.`;
    case 'Error':
      return `The scheduler hit an error and will try again after a backoff: ${d.message ?? ''}`;
    case 'Unschedulable':
      return unschedulableSentence(d, pod);
  }
}

/** scheduledSentence says why the chosen node won: the only feasible one, or the highest total score. */
function scheduledSentence(d: SchedulingDecision): string {
  const node = d.node ?? '';
  if (d.nodes.feasible <= 1) return `It was scheduled to ${node}, the only node that passed every filter.`;
  const i = d.score ? d.filter.feasible.indexOf(node) : -1;
  const total = d.score && i >= 0 ? d.score.totals[i] : undefined;
  const tied = total !== undefined && d.score ? d.score.totals.filter((t) => t === total).length : 0;
  if (total === undefined) return `It was scheduled to ${node}, one of ${d.nodes.feasible} feasible nodes.`;
  if (tied > 1) return `It was scheduled to ${node}, picked at random among the ${tied} nodes tied for the highest total score (${total}) of the ${d.nodes.feasible} feasible ones.`;
  return `It was scheduled to ${node}, the highest total score (${total}) of the ${d.nodes.feasible} feasible nodes.`;
}
