import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelSelectorRequirement, Namespace, Node, Pod } from '../../api/types';
import { type PodAffinityTerm, applyMatchLabelKeys } from '../../api/podAffinity';
import { type CycleState, type Status } from '../framework/interfaces';
import { snapshotOf } from '../framework/snapshot';
import { NodeInfo } from '../nodeInfo';
import { staticListers } from '../sharedListers';
import {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH as AFF, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH as ANTI, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH as EXISTING,
  type InterPodAffinityArgs, interPodAffinity, isSchedulableAfterNodeChange, isSchedulableAfterPodChange,
} from './interPodAffinity';

const expr = (key: string, operator: LabelSelectorRequirement['operator'], ...values: string[]): LabelSelectorRequirement => ({ key, operator, ...(values.length ? { values } : {}) });
const term = (topologyKey: string, ...exprs: LabelSelectorRequirement[]): PodAffinityTerm => ({ labelSelector: { matchExpressions: exprs }, topologyKey });
const weighted = (weight: number, t: PodAffinityTerm) => ({ weight, podAffinityTerm: t });

interface PodOpts {
  ns?: string;
  node?: string;
  name?: string;
  affinity?: PodAffinityTerm[];
  anti?: PodAffinityTerm[];
  preferred?: ReturnType<typeof weighted>[];
  preferredAnti?: ReturnType<typeof weighted>[];
}
let seq = 0;
const pod = (labels: Record<string, string>, o: PodOpts = {}): Pod => ({
  metadata: { name: o.name ?? `p${seq++}`, namespace: o.ns ?? 'default', labels, uid: `uid-${seq}` },
  spec: {
    containers: [],
    ...(o.node ? { nodeName: o.node } : {}),
    ...(o.affinity || o.anti || o.preferred || o.preferredAnti ? {
      affinity: {
        ...(o.affinity || o.preferred ? { podAffinity: { ...(o.affinity ? { requiredDuringSchedulingIgnoredDuringExecution: o.affinity } : {}), ...(o.preferred ? { preferredDuringSchedulingIgnoredDuringExecution: o.preferred } : {}) } } : {}),
        ...(o.anti || o.preferredAnti ? { podAntiAffinity: { ...(o.anti ? { requiredDuringSchedulingIgnoredDuringExecution: o.anti } : {}), ...(o.preferredAnti ? { preferredDuringSchedulingIgnoredDuringExecution: o.preferredAnti } : {}) } } : {}),
      },
    } : {}),
  },
});
const node = (name: string, labels: Record<string, string>): Node => ({ metadata: { name, labels }, spec: {} });

function infos(nodes: Node[], pods: Pod[]): NodeInfo[] {
  return nodes.map((n) => {
    const info = new NodeInfo(n);
    for (const p of pods) if (p.spec.nodeName === n.metadata.name) info.addPod(p);
    return info;
  });
}

function plugin(list: NodeInfo[], args: InterPodAffinityArgs = {}, namespaces: Namespace[] = []) {
  const snap = snapshotOf(list);
  return interPodAffinity(args, { snapshot: () => snap }, staticListers({ namespaces }));
}

/** filterAll runs PreFilter then Filter on every node; a PreFilter Skip means every node passes. */
function filterAll(incoming: Pod, nodes: Node[], pods: Pod[], namespaces: Namespace[] = []): Status[] {
  const list = infos(nodes, pods);
  const p = plugin(list, {}, namespaces);
  const state: CycleState = new Map();
  const pre = p.preFilter(state, incoming, list);
  if (pre.code === 'Skip') return list.map(() => ({ code: 'Success', reasons: [] }));
  assert.equal(pre.code, 'Success');
  return list.map((n) => p.filter(state, incoming, n));
}

const securityscan = { service: 'securityscan' };
const s1 = { security: 'S1' };
const machine1 = node('machine1', { region: 'r1', zone: 'z11' });

// filtering_test.go TestRequiredAffinitySingleNode: the incoming pod, the pods on machine1 (region r1, zone z11), the expected code and reason.
const single: { name: string; pod: Pod; pods: Pod[]; code?: Status['code']; reason?: string }[] = [
  { name: 'A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods', pod: pod({}), pods: [] },
  {
    name: 'satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod',
    pod: pod(s1, { affinity: [term('region', expr('service', 'In', 'securityscan', 'value2'))] }), pods: [pod(securityscan, { node: 'machine1' })],
  },
  {
    name: 'satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod',
    pod: pod(s1, { affinity: [term('region', expr('service', 'NotIn', 'securityscan3', 'value3'))] }), pods: [pod(securityscan, { node: 'machine1' })],
  },
  {
    name: 'Does not satisfy the PodAffinity with labelSelector because of diff Namespace',
    pod: pod(s1, { affinity: [{ ...term('region', expr('service', 'In', 'securityscan', 'value2')), namespaces: ['DiffNameSpace'] }] }),
    pods: [pod(securityscan, { node: 'machine1', ns: 'ns' })], code: 'UnschedulableAndUnresolvable', reason: AFF,
  },
  {
    name: "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
    pod: pod(securityscan, { affinity: [term('region', expr('service', 'In', 'antivirusscan', 'value2'))] }),
    pods: [pod(securityscan, { node: 'machine1' })], code: 'UnschedulableAndUnresolvable', reason: AFF,
  },
  {
    name: 'satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution',
    pod: pod(s1, { affinity: [term('region', expr('service', 'Exists'), expr('wrongkey', 'DoesNotExist')), term('region', expr('service', 'In', 'securityscan'), expr('service', 'NotIn', 'WrongValue'))] }),
    pods: [pod(securityscan, { node: 'machine1' })],
  },
  {
    name: "The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don't match.",
    pod: pod(s1, { affinity: [term('region', expr('service', 'Exists'), expr('wrongkey', 'DoesNotExist')), term('region', expr('service', 'In', 'securityscan2'), expr('service', 'NotIn', 'WrongValue'))] }),
    pods: [pod(securityscan, { node: 'machine1' })], code: 'UnschedulableAndUnresolvable', reason: AFF,
  },
  {
    name: 'satisfies the PodAffinity and PodAntiAffinity with the existing pod',
    pod: pod(s1, { affinity: [term('region', expr('service', 'In', 'securityscan', 'value2'))], anti: [term('node', expr('service', 'In', 'antivirusscan', 'value2'))] }),
    pods: [pod(securityscan, { node: 'machine1' })],
  },
  {
    name: 'satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod',
    pod: pod(s1, { affinity: [term('region', expr('service', 'In', 'securityscan', 'value2'))], anti: [term('node', expr('service', 'In', 'antivirusscan', 'value2'))] }),
    pods: [pod(securityscan, { node: 'machine1', anti: [term('node', expr('service', 'In', 'antivirusscan', 'value2'))] })],
  },
  {
    name: "satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod",
    pod: pod(s1, { affinity: [term('region', expr('service', 'In', 'securityscan', 'value2'))], anti: [term('zone', expr('service', 'In', 'securityscan', 'value2'))] }),
    pods: [pod(securityscan, { node: 'machine1' })], code: 'Unschedulable', reason: ANTI,
  },
  {
    name: "satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod",
    pod: pod(securityscan, { affinity: [term('region', expr('service', 'In', 'securityscan', 'value2'))], anti: [term('node', expr('service', 'In', 'antivirusscan', 'value2'))] }),
    pods: [pod(securityscan, { node: 'machine1', anti: [term('zone', expr('service', 'In', 'securityscan', 'value2'))] })], code: 'Unschedulable', reason: EXISTING,
  },
  {
    name: 'pod matches its own Label in PodAffinity and that matches the existing pod Labels',
    pod: pod(securityscan, { affinity: [term('region', expr('service', 'NotIn', 'securityscan', 'value2'))] }),
    pods: [pod(securityscan, { node: 'machine2' })], code: 'UnschedulableAndUnresolvable', reason: AFF,
  },
  {
    name: "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod",
    pod: pod(securityscan), pods: [pod(securityscan, { node: 'machine1', anti: [term('zone', expr('service', 'In', 'securityscan', 'value2'))] })], code: 'Unschedulable', reason: EXISTING,
  },
  {
    name: 'verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod',
    pod: pod(securityscan), pods: [pod(securityscan, { node: 'machine1', anti: [term('zone', expr('service', 'NotIn', 'securityscan', 'value2'))] })],
  },
  {
    name: "satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod",
    pod: pod(securityscan, { anti: [term('region', expr('service', 'Exists')), term('region', expr('security', 'Exists'))] }),
    pods: [pod(s1, { node: 'machine1', anti: [term('zone', expr('security', 'Exists'))] })], code: 'Unschedulable', reason: ANTI,
  },
  {
    name: "PodAntiAffinity symmetry: the existing pod's anti-affinity names the incoming pod though the incoming pod's does not name it",
    pod: pod(s1, { anti: [term('zone', expr('service', 'In', 'other'))] }),
    pods: [pod(securityscan, { node: 'machine1', anti: [term('zone', expr('security', 'Exists'))] })], code: 'Unschedulable', reason: EXISTING,
  },
  {
    name: 'PodAntiAffinity symmetry: neither pod names the other',
    pod: pod(s1, { anti: [term('zone', expr('security', 'In', 'S2'))] }),
    pods: [pod(securityscan, { node: 'machine1', anti: [term('zone', expr('service', 'In', 'other'))] })],
  },
  {
    name: 'A pod with affinity to itself may be the first of its series: no pod matches anywhere, it matches its own terms',
    pod: pod(securityscan, { affinity: [term('region', expr('service', 'In', 'securityscan'))] }), pods: [],
  },
  {
    name: 'The first of a series still needs every topology key on the node',
    pod: pod(securityscan, { affinity: [term('rack', expr('service', 'In', 'securityscan'))] }), pods: [], code: 'UnschedulableAndUnresolvable', reason: AFF,
  },
];

for (const tc of single) {
  test(`InterPodAffinity filter: ${tc.name}`, () => {
    const [status] = filterAll(tc.pod, [machine1], tc.pods);
    assert.equal(status.code, tc.code ?? 'Success');
    assert.deepEqual(status.reasons, tc.reason ? [tc.reason] : []);
  });
}

// TestRequiredAffinityMultipleNodes: the verdicts across nodes sharing topology values.
test('InterPodAffinity filter: a pod can be scheduled onto all the nodes that have the same topology key & label value with one of them has an existing pod that matches the affinity rules', () => {
  const nodes = [node('nodeA', { region: 'r1', zone: 'z1', hostname: 'h1' }), node('nodeB', { region: 'r1', zone: 'z2', hostname: 'h2' })];
  const incoming = pod({}, { affinity: [term('region', expr('foo', 'In', 'bar'))] });
  const statuses = filterAll(incoming, nodes, [pod({ foo: 'bar' }, { node: 'nodeA' })]);
  assert.deepEqual(statuses.map((s) => s.code), ['Success', 'Success']);
});

test('InterPodAffinity filter: NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB.', () => {
  const nodes = [node('nodeA', { region: 'r1', zone: 'z1', hostname: 'h1' }), node('nodeB', { region: 'r1', zone: 'z2', hostname: 'h2' })];
  const incoming = pod({ foo: '123' }, { anti: [term('region', expr('foo', 'In', 'abc'))] });
  const statuses = filterAll(incoming, nodes, [pod({ foo: 'abc' }, { node: 'nodeA' })]);
  assert.deepEqual(statuses.map((s) => s.reasons[0]), [ANTI, ANTI]);
});

test('InterPodAffinity filter: This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule matches a pod.', () => {
  const nodes = [node('nodeA', { region: 'r1', zone: 'z1', hostname: 'nodeA' }), node('nodeB', { region: 'r1', zone: 'z2', hostname: 'nodeB' }), node('nodeC', { region: 'r2', zone: 'z3', hostname: 'nodeC' })];
  const incoming = pod({ foo: '123' }, { anti: [term('region', expr('foo', 'In', 'abc')), term('zone', expr('service', 'In', 'securityscan'))] });
  const statuses = filterAll(incoming, nodes, [pod({ foo: '123' }, { node: 'nodeA', ns: 'default' }), pod({ service: 'securityscan' }, { node: 'nodeA' })]);
  assert.deepEqual(statuses.map((s) => s.code), ['Unschedulable', 'Success', 'Success']);
});

test('InterPodAffinity filter: nodes without the anti-affinity topology key are not constrained by it', () => {
  const nodes = [node('nodeA', { region: 'r1', hostname: 'nodeA' }), node('nodeB', { hostname: 'nodeB' })];
  const incoming = pod({ foo: 'bar' }, { anti: [term('region', expr('foo', 'In', 'bar'))] });
  const statuses = filterAll(incoming, nodes, [pod({ foo: 'bar' }, { node: 'nodeA' })]);
  assert.deepEqual(statuses.map((s) => s.code), ['Unschedulable', 'Success']);
});

test('InterPodAffinity filter: namespaceSelector is unrolled into the namespaces it selects', () => {
  const nss: Namespace[] = [{ metadata: { name: 'team-a', labels: { team: 'a' } } }, { metadata: { name: 'team-b', labels: { team: 'b' } } }];
  const nodes = [node('n1', { 'kubernetes.io/hostname': 'n1' }), node('n2', { 'kubernetes.io/hostname': 'n2' })];
  const incoming = pod({ app: 'web' }, { anti: [{ ...term('kubernetes.io/hostname', expr('app', 'In', 'web')), namespaceSelector: { matchLabels: { team: 'a' } } }] });
  const pods = [pod({ app: 'web' }, { node: 'n1', ns: 'team-a' }), pod({ app: 'web' }, { node: 'n2', ns: 'team-b' })];
  assert.deepEqual(filterAll(incoming, nodes, pods, nss).map((s) => s.code), ['Unschedulable', 'Success']);
  // An empty namespaceSelector selects every namespace.
  const all = pod({ app: 'web' }, { anti: [{ ...term('kubernetes.io/hostname', expr('app', 'In', 'web')), namespaceSelector: {} }] });
  assert.deepEqual(filterAll(all, nodes, pods, nss).map((s) => s.code), ['Unschedulable', 'Unschedulable']);
});

test("InterPodAffinity filter: an existing pod's namespaceSelector is matched against the incoming pod's namespace labels", () => {
  const nss: Namespace[] = [{ metadata: { name: 'team-a', labels: { team: 'a' } } }];
  const existing = pod({}, { node: 'n1', ns: 'other', anti: [{ ...term('kubernetes.io/hostname', expr('app', 'In', 'web')), namespaceSelector: { matchLabels: { team: 'a' } } }] });
  const statuses = filterAll(pod({ app: 'web' }, { ns: 'team-a' }), [node('n1', { 'kubernetes.io/hostname': 'n1' })], [existing], nss);
  assert.deepEqual(statuses[0].reasons, [EXISTING]);
  assert.equal(filterAll(pod({ app: 'web' }, { ns: 'default' }), [node('n1', { 'kubernetes.io/hostname': 'n1' })], [existing], nss)[0].code, 'Success');
});

test('InterPodAffinity PreFilter skips a pod with no required terms when no existing pod has anti-affinity against it', () => {
  const list = infos([machine1], [pod(securityscan, { node: 'machine1', preferred: [weighted(5, term('region', expr('a', 'Exists')))] })]);
  assert.equal(plugin(list).preFilter(new Map(), pod({}), list).code, 'Skip');
});

test('InterPodAffinity AddPod and RemovePod update the counts without touching the original state', () => {
  const nodes = [node('n1', { 'kubernetes.io/hostname': 'n1' })];
  const list = infos(nodes, []);
  const p = plugin(list);
  const incoming = pod({ app: 'web' }, { anti: [term('kubernetes.io/hostname', expr('app', 'In', 'web'))] });
  const state: CycleState = new Map();
  assert.equal(p.preFilter(state, incoming, list).code, 'Success');
  const copy: CycleState = new Map(state);
  const other = pod({ app: 'web' }, { node: 'n1' });
  assert.equal(p.preFilterExtensions?.()?.addPod(copy, incoming, other, list[0]).code, 'Success');
  assert.deepEqual(p.filter(copy, incoming, list[0]).reasons, [ANTI]);
  assert.equal(p.filter(state, incoming, list[0]).code, 'Success');
  p.preFilterExtensions?.()?.removePod(copy, incoming, other, list[0]);
  assert.equal(p.filter(copy, incoming, list[0]).code, 'Success');
});

// scoring_test.go TestPreferredAffinity: nodes machine1..3, existing pods, the incoming pod's terms, the normalized scores.
const rgChina = { region: 'China' };
const rgIndia = { region: 'India' };
const azAz1 = { az: 'az1' };
const rgChinaAzAz1 = { region: 'China', az: 'az1' };
const s2 = { security: 'S2' };
const stayWithS1InRegion = { preferred: [weighted(5, term('region', expr('security', 'In', 'S1')))] };
const stayWithS2InRegion = { preferred: [weighted(6, term('region', expr('security', 'In', 'S2')))] };
const awayFromS1InAz = { preferredAnti: [weighted(5, term('az', expr('security', 'In', 'S1')))] };
const awayFromS2InAz = { preferredAnti: [weighted(5, term('az', expr('security', 'In', 'S2')))] };
const stayWithS1InRegionAwayFromS2InAz = { preferred: [weighted(8, term('region', expr('security', 'In', 'S1')))], preferredAnti: [weighted(5, term('az', expr('security', 'In', 'S2')))] };
const hardAffinity = { affinity: [term('region', expr('security', 'In', 'S1', 'value2')), term('region', expr('security', 'Exists'), expr('wrongkey', 'DoesNotExist'))] };

const scoring: { name: string; pod: Pod; pods: Pod[]; nodes: Record<string, string>[]; want: number[]; args?: InterPodAffinityArgs }[] = [
  { name: 'all machines are same priority as Affinity is nil', pod: pod(s1), pods: [], nodes: [rgChina, rgIndia, azAz1], want: [0, 0, 0] },
  {
    name: "Affinity: pod that matches topology key & pods in nodes will get high score comparing to others which doesn't match either pods in nodes or in topology key",
    pod: pod(s1, stayWithS1InRegion), pods: [pod(s1, { node: 'machine1' }), pod(s2, { node: 'machine2' }), pod({}, { node: 'machine3' })], nodes: [rgChina, rgIndia, azAz1], want: [100, 0, 0],
  },
  {
    name: 'All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score',
    pod: pod({}, stayWithS1InRegion), pods: [pod(s1, { node: 'machine1' })], nodes: [rgChina, rgChinaAzAz1, rgIndia], want: [100, 100, 0],
  },
  {
    name: 'Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score',
    pod: pod({}, stayWithS2InRegion),
    pods: [pod(s2, { node: 'machine1' }), pod(s2, { node: 'machine1' }), pod(s2, { node: 'machine2' }), pod(s2, { node: 'machine3' }), pod(s2, { node: 'machine4' }), pod(s2, { node: 'machine5' })],
    // China holds 4 matching pods (24), India 2 (12), the node without a region none: (24, 12, 0) → (100, 50, 0).
    nodes: [rgChina, rgChinaAzAz1, rgIndia, rgChina, rgIndia, azAz1], want: [100, 100, 50, 100, 50, 0],
  },
  {
    name: 'Anti Affinity: pod that does not match existing pods in node will get high score',
    pod: pod({}, awayFromS1InAz), pods: [pod(s1, { node: 'machine1' }), pod(s2, { node: 'machine2' })], nodes: [azAz1, rgChina], want: [0, 100],
  },
  {
    name: 'Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher score comparing to others',
    pod: pod({}, awayFromS1InAz), pods: [pod(s1, { node: 'machine1' }), pod(s1, { node: 'machine2' })], nodes: [azAz1, rgChina], want: [0, 100],
  },
  {
    name: 'Anti Affinity: one node has more matching pods comparing to other node, so the node which has more unmatches will get high score',
    pod: pod({}, awayFromS1InAz), pods: [pod(s1, { node: 'machine1' }), pod(s1, { node: 'machine1' }), pod(s2, { node: 'machine2' })], nodes: [azAz1, rgIndia], want: [0, 100],
  },
  {
    name: 'Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity',
    pod: pod({}, stayWithS1InRegionAwayFromS2InAz), pods: [pod(s1, { node: 'machine1' }), pod(s1, { node: 'machine2' })], nodes: [rgChina, azAz1], want: [100, 0],
  },
  {
    name: 'Affinity symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry',
    pod: pod(s1), pods: [pod({}, { node: 'machine1', ...stayWithS1InRegion }), pod({}, { node: 'machine2', ...stayWithS2InRegion })], nodes: [rgChina, rgIndia, azAz1], want: [100, 0, 0],
  },
  {
    name: 'Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry',
    pod: pod(s1), pods: [pod({}, { node: 'machine1', ...hardAffinity }), pod({}, { node: 'machine2', ...hardAffinity })], nodes: [rgChina, rgIndia, azAz1], want: [100, 100, 0],
  },
  {
    name: 'Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score',
    pod: pod(s1), pods: [pod(s1, { node: 'machine1', ...awayFromS2InAz }), pod(s2, { node: 'machine2', ...awayFromS1InAz })], nodes: [azAz1, { az: 'az2' }], want: [100, 0],
  },
  {
    name: 'Affinity symmetry with hardPodAffinityWeight 0: required affinity of existing pods counts for nothing',
    pod: pod(s1), pods: [pod({}, { node: 'machine1', ...hardAffinity }), pod({}, { node: 'machine2', ...hardAffinity })], nodes: [rgChina, rgIndia, azAz1], want: [0, 0, 0], args: { hardPodAffinityWeight: 0 },
  },
  {
    name: 'ignorePreferredTermsOfExistingPods: an incoming pod without preferred terms is not scored',
    pod: pod(s1), pods: [pod({}, { node: 'machine1', ...stayWithS1InRegion })], nodes: [rgChina, rgIndia, azAz1], want: [0, 0, 0], args: { ignorePreferredTermsOfExistingPods: true },
  },
];

for (const tc of scoring) {
  test(`InterPodAffinity score: ${tc.name}`, () => {
    const nodes = tc.nodes.map((labels, i) => node(`machine${i + 1}`, labels));
    const list = infos(nodes, tc.pods);
    const p = plugin(list, tc.args);
    const state: CycleState = new Map();
    const pre = p.preScore(state, tc.pod, list);
    if (pre.code === 'Skip') {
      assert.deepEqual(tc.want, nodes.map(() => 0));
      return;
    }
    const scores = list.map((n) => ({ node: n.name, score: p.score(state, tc.pod, n) }));
    p.normalizeScore?.(state, tc.pod, scores);
    assert.deepEqual(scores.map((s) => s.score), tc.want);
  });
}

test('InterPodAffinity queueing hints: pods', () => {
  const target = pod({}, { affinity: [term('region', expr('service', 'In', 'securityscan'))], anti: [term('zone', expr('app', 'In', 'db'))] });
  const bound = (labels: Record<string, string>) => pod(labels, { node: 'n1' });
  assert.equal(isSchedulableAfterPodChange(target, undefined, bound(securityscan)), 'Queue');
  assert.equal(isSchedulableAfterPodChange(target, undefined, bound({ other: 'x' })), 'QueueSkip');
  assert.equal(isSchedulableAfterPodChange(target, undefined, pod(securityscan)), 'QueueSkip');
  assert.equal(isSchedulableAfterPodChange(target, bound({ app: 'db' }), undefined), 'Queue');
  assert.equal(isSchedulableAfterPodChange(target, bound({ app: 'web' }), undefined), 'QueueSkip');
  assert.equal(isSchedulableAfterPodChange(target, bound({}), bound(securityscan)), 'Queue');
  assert.equal(isSchedulableAfterPodChange(target, bound({ app: 'db' }), bound({ app: 'web' })), 'Queue');
  assert.equal(isSchedulableAfterPodChange(target, bound({ app: 'web' }), bound({ app: 'web', x: 'y' })), 'QueueSkip');
});

test('InterPodAffinity queueing hints: nodes', () => {
  const target = pod({}, { affinity: [term('region', expr('service', 'In', 'securityscan'))] });
  assert.equal(isSchedulableAfterNodeChange(target, node('n', { region: 'r1' })), 'Queue');
  assert.equal(isSchedulableAfterNodeChange(target, node('n', { zone: 'z1' })), 'QueueSkip');
});

test('applyMatchLabelKeys merges matchLabelKeys and mismatchLabelKeys into the label selector, as the API server does on create', () => {
  const p = pod({ app: 'web', 'pod-template-hash': 'abc', tenant: 't1' }, {
    anti: [{ ...term('kubernetes.io/hostname', expr('app', 'In', 'web')), matchLabelKeys: ['pod-template-hash', 'missing'], mismatchLabelKeys: ['tenant'] }, { topologyKey: 'zone', matchLabelKeys: ['app'] }],
  });
  applyMatchLabelKeys(p);
  const terms = (p.spec.affinity as { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: PodAffinityTerm[] } }).podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  assert.deepEqual(terms[0].labelSelector?.matchExpressions, [expr('app', 'In', 'web'), expr('pod-template-hash', 'In', 'abc'), expr('tenant', 'NotIn', 't1')]);
  assert.equal(terms[1].labelSelector, undefined);
});
