import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type KubeObject } from '../../lab/api/types';
import type { ManualClock } from '../../lab/clock';
import { DEPLOYMENTS, PODS } from '../../lab/client/resources';
import { ENDPOINTSLICES, SERVICES } from '../../lab/controllers/kubernetesService';
import { PACKETTRACES, type PacketTrace } from '../../lab/network/packetTrace';
import { PROXYRULESETS, type ProxyRuleSet } from '../../lab/network/proxyRuleSet';
import type { EndpointSlice, Service } from '../../lab/network/serviceInfo';
import { startTestLab, webDeployment } from '../../lab/testLab';
import type { NetworkServiceView, NetworkToPanel, NetworkTraceView } from '../../../../webview/src/shared/protocol';
import { runControl } from '../../lab/labControl';
import { ruleLines } from '../../../../webview/src/network/networkState';
import { BY_NODE, ClusterModel } from '../clusterModel';
import { FLUSH_MS, NetworkFeed } from './networkFeed';
import type { Schedule } from './podsFeed';
import { lookupDestination, pruneTraces, requestTrace } from './networkTraces';
import { PANEL_LABEL } from './networkViews';

/** manualSchedule runs the feed's flush only when the test says so. */
function manualSchedule(): { schedule: Schedule; run: () => void } {
  let queued: (() => void)[] = [];
  return {
    schedule: (fn, ms) => {
      assert.equal(ms, FLUSH_MS);
      queued.push(fn);
      return () => {
        queued = queued.filter((f) => f !== fn);
      };
    },
    run: () => {
      const fns = queued;
      queued = [];
      for (const f of fns) f();
    },
  };
}

async function until(clock: ManualClock, check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await clock.advance(500);
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`${what} never happened`);
}

const webService: KubeObject = {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
  spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] },
};

test('the Network panel gets the lab\'s network, a node\'s rules, and traces with their hops', async () => {
  const { lab, clock } = await startTestLab(3, 7, { hostPorts: true });
  const admin = lab.client();
  const model = new ClusterModel(admin);
  const messages: NetworkToPanel[] = [];
  const timer = manualSchedule();
  const source = {
    nodes: model.nodes, pods: model.pods,
    services: model.informer<Service>(SERVICES), slices: model.informer<EndpointSlice>(ENDPOINTSLICES),
    ruleSets: model.informer<ProxyRuleSet>(PROXYRULESETS), traces: model.informer<PacketTrace>(PACKETTRACES),
    podsOn: (node: string) => model.pods.byIndex(BY_NODE, node),
  };
  const feed = new NetworkFeed(source, (m) => messages.push(m), timer.schedule);
  try {
    await model.start();
    assert.ok(!isStatus(await admin.create(DEPLOYMENTS, webDeployment())));
    const svc = await admin.create<Service>(SERVICES, webService);
    assert.ok(!isStatus(svc), JSON.stringify(svc));
    const clusterIP = svc.spec?.clusterIP ?? '';
    const readyEndpoints = (service: string): number => source.slices.list()
      .filter((s) => `${s.metadata.namespace ?? ''}/${s.metadata.labels?.['kubernetes.io/service-name'] ?? ''}` === service)
      .flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
    await until(clock, () => readyEndpoints('default/web') === 3 && readyEndpoints('kube-system/kube-dns') === 2 && !!source.services.get('default/web')?.metadata.annotations?.['lab.kubelab.dev/host-port'],
      'web\'s three endpoints and its host port, and cluster DNS serving');
    // Every kube-proxy syncs within its minimum sync period.
    await clock.advance(2000);

    feed.snapshot('running', 'KubeLab', true);
    const snap = messages[0];
    assert.equal(snap.type, 'snapshot');
    if (snap.type !== 'snapshot') return;
    assert.equal(snap.isLab, true);
    assert.equal(snap.gateway, '172.18.0.1');
    assert.equal(snap.omittedNodes, 0);
    // Each node as the Node objects say: its InternalIP, its podCIDR and the bridge on the CIDR's first address.
    const cidrOf = (name: string): string => model.nodes.get(name)?.spec.podCIDR ?? '';
    const bridgeOf = (name: string): string => cidrOf(name).replace(/\.0\/24$/, '.1/24');
    assert.deepEqual(snap.nodes.map((n) => [n.name, n.internalIP, n.podCIDR, n.bridge.name, n.bridge.cidr, n.proxyMode]), [
      ['node-1', '172.18.0.2', cidrOf('node-1'), 'cni0', bridgeOf('node-1'), 'iptables'],
      ['node-2', '172.18.0.3', cidrOf('node-2'), 'cni0', bridgeOf('node-2'), 'iptables'],
      ['node-3', '172.18.0.4', cidrOf('node-3'), 'cni0', bridgeOf('node-3'), 'iptables'],
    ]);
    assert.ok(snap.nodes.every((n) => /^10\.244\.\d+\.0\/24$/.test(n.podCIDR)), JSON.stringify(snap.nodes.map((n) => n.podCIDR)));
    // Routes as `ip route` prints them: each other node's podCIDR via its InternalIP.
    const node1 = snap.nodes[0];
    assert.deepEqual(node1.routes.filter((r) => r.kind === 'podCIDR').map((r) => r.text), [`${cidrOf('node-2')} via 172.18.0.3 dev eth0`, `${cidrOf('node-3')} via 172.18.0.4 dev eth0`]);
    assert.equal(node1.routes[0].text, 'default via 172.18.0.1 dev eth0');
    // Each running pod sits on its node's bridge with an address in the node's podCIDR and a veth.
    const webPods = snap.nodes.flatMap((n) => n.pods.filter((p) => p.name.startsWith('web-')).map((p) => ({ ...p, node: n })));
    assert.equal(webPods.length, 3);
    for (const p of webPods) {
      assert.ok(p.ip.startsWith(p.node.podCIDR.replace(/0\/24$/, '')), `${p.name} ${p.ip} on ${p.node.name}`);
      assert.match(p.veth, /^veth[0-9a-f]{8}$/);
      const pod = model.pods.get(`default/${p.name}`);
      assert.equal(pod?.status?.podIP, p.ip);
      assert.equal(pod?.spec.nodeName, p.node.name);
    }
    assert.ok(snap.nodes.some((n) => n.pods.some((p) => p.namespace === 'kube-system' && p.name.startsWith('coredns-'))));
    // Services: the ClusterIP, the node port's host mapping, and each endpoint's pod on its node.
    const web = snap.services.find((s) => s.key === 'default/web');
    assert.ok(web);
    assert.equal(web.type, 'NodePort');
    assert.equal(web.clusterIP, clusterIP);
    const nodePort = svc.spec?.ports?.[0].nodePort;
    assert.deepEqual(web.ports.map((p) => [p.name, p.port, p.targetPort, p.nodePort]), [['http', 80, '80', nodePort]]);
    assert.match(web.ports[0].hostPort ?? '', /^127\.0\.0\.1:\d+$/);
    assert.equal(web.ports[0].hostPort, source.services.get('default/web')?.metadata.annotations?.['lab.kubelab.dev/host-port']);
    assert.deepEqual(web.endpoints.map((e) => e.ip).sort(), webPods.map((p) => p.ip).sort());
    for (const e of web.endpoints) {
      const p = webPods.find((x) => x.ip === e.ip);
      assert.equal(e.pod, `default/${p?.name ?? ''}`);
      assert.equal(e.node, p?.node.name);
      assert.equal(e.ready, true);
    }
    const dns = snap.services.find((s) => s.key === 'kube-system/kube-dns');
    assert.equal(dns?.clusterIP, '10.96.0.10');
    assert.ok(dns?.endpoints.every((e) => e.pod.startsWith('kube-system/coredns-')) && dns.endpoints.length === 2, JSON.stringify(dns));
    const kubernetes = snap.services.find((s) => s.key === 'default/kubernetes');
    assert.deepEqual(kubernetes?.endpoints.map((e) => e.pod), [''], 'the API server\'s endpoint is no pod');
    // Replaying the synced informers' objects to the new handlers sends nothing new.
    timer.run();
    assert.equal(messages.length, 1, JSON.stringify(messages.slice(1)).slice(0, 500));

    // A node's rules: kube-proxy's iptables-save text by table, with the jumps from the built-in chains.
    feed.showRules('node-1');
    const rules = messages.at(-1);
    assert.ok(rules?.type === 'rules' && rules.rules, JSON.stringify(rules).slice(0, 300));
    assert.equal(rules.rules.mode, 'iptables');
    assert.deepEqual(rules.rules.sections.map((s) => s.title), ['filter: jumps from the built-in chains', 'nat: jumps from the built-in chains', 'filter: iptables-save', 'nat: iptables-save']);
    const nat = rules.rules.sections.find((s) => s.title === 'nat: iptables-save')?.text ?? '';
    assert.ok(nat.startsWith('*nat\n') && nat.endsWith('COMMIT'), nat.slice(0, 100));
    assert.ok(nat.split('\n').some((l) => l.startsWith('-A KUBE-SERVICES') && l.includes(`-d ${clusterIP} --dport 80 -j KUBE-SVC-`)));

    // A trace from a web pod to the Service by name: resolution, rules, NAT, bridge, veth, route, delivery, reply.
    const from = webPods[0];
    const created = await requestTrace(admin, { pod: `default/${from.name}` }, { dnsName: 'web', port: 80 }, 'trace');
    assert.ok('name' in created, JSON.stringify(created));
    assert.match(created.name, /^network-panel-/);
    let trace: NetworkTraceView | undefined;
    await until(clock, () => {
      timer.run();
      for (const m of messages) if (m.type === 'delta') trace = m.traces.upsert.find((t) => t.name === created.name && t.done) ?? trace;
      return !!trace;
    }, 'the trace\'s hops');
    assert.ok(trace);
    assert.equal(trace.purpose, 'trace');
    assert.equal(trace.source, `pod/default/${from.name}`);
    assert.equal(trace.destination, 'web:80');
    assert.equal(trace.outcome, 'Delivered', trace.message);
    assert.equal(trace.resolution?.address, clusterIP);
    assert.equal(trace.resolution?.name, 'web.default.svc.cluster.local');
    const types = new Set(trace.hops.map((h) => h.type));
    for (const t of ['resolve', 'veth', 'bridge', 'rule', 'nat', 'deliver', 'response'] as const) assert.ok(types.has(t), `a ${t} hop: ${[...types].join(',')}`);
    assert.ok(web.endpoints.some((e) => `${e.ip}:80` === trace?.endpoint));
    // Every rule the packet matched on the client's node is a line of that node's published rules.
    feed.showRules(from.node.name);
    const fromRules = messages.at(-1);
    assert.ok(fromRules?.type === 'rules' && fromRules.rules);
    const ruleHops = trace.hops.filter((h) => h.type === 'rule' && h.node === from.node.name);
    assert.ok(ruleHops.length >= 4, JSON.stringify(ruleHops));
    for (const h of ruleHops) {
      const found = ruleLines(fromRules.rules, h);
      assert.ok(found, `${h.rule ?? ''} is in ${from.node.name}'s rules`);
      const printed: string[] = fromRules.rules.sections[found.section].text.split('\n');
      assert.equal(found.lines.map((i) => printed[i]).join('\n'), h.rule);
    }

    // A DNS lookup is a trace to the name: the answer is its resolution, or NXDOMAIN.
    const lookup = await requestTrace(admin, { pod: `default/${from.name}` }, lookupDestination('Kubernetes.Default'), 'lookup');
    const missing = await requestTrace(admin, { pod: `default/${from.name}` }, lookupDestination('nope'), 'lookup');
    assert.ok('name' in lookup && 'name' in missing);
    const answers = new Map<string, NetworkTraceView>();
    await until(clock, () => {
      timer.run();
      for (const m of messages) if (m.type === 'delta') for (const t of m.traces.upsert) if (t.done) answers.set(t.name, t);
      return answers.has(lookup.name) && answers.has(missing.name);
    }, 'both lookups answered');
    const found = answers.get(lookup.name);
    assert.equal(found?.purpose, 'lookup');
    assert.deepEqual([found?.resolution?.name, found?.resolution?.address, found?.resolution?.server], ['kubernetes.default.svc.cluster.local', '10.96.0.1', '10.96.0.10:53']);
    assert.deepEqual([answers.get(missing.name)?.outcome, answers.get(missing.name)?.message], ['Failed', 'server can\'t find nope: NXDOMAIN']);

    // A request the API server refuses says why, and creates nothing.
    const before = source.traces.list().length;
    const bad = await requestTrace(admin, { pod: 'default/x' }, { ip: '10.96.0.1', port: 0 }, 'trace');
    assert.ok('error' in bad);
    assert.match(bad.error, /spec\.destination\.port: Invalid value: 0: must be between 1 and 65535, inclusive/);
    await clock.advance(100);
    assert.equal(source.traces.list().length, before);

    // A pod deleted leaves its node's bridge in the next delta.
    const victim = webPods[1];
    assert.ok(!isStatus(await admin.delete(PODS, 'default', victim.name, { gracePeriodSeconds: 0 })));
    await until(clock, () => !model.pods.get(`default/${victim.name}`), 'the pod gone');
    const mark = messages.length;
    timer.run();
    const updated = messages.slice(mark).flatMap((m) => (m.type === 'delta' ? m.nodes.upsert : [])).filter((n) => n.name === victim.node.name).at(-1);
    assert.ok(updated, 'the node is redrawn');
    assert.ok(!updated.pods.some((p) => p.name === victim.name));

    // The panel keeps its newest traces and leaves others' alone.
    assert.ok(!isStatus(await admin.create(PACKETTRACES, { apiVersion: 'lab.kubelab.dev/v1alpha1', kind: 'PacketTrace', metadata: { name: 'by-kubectl' }, spec: { source: { node: 'node-1' }, destination: { ip: clusterIP, port: 80 } } })));
    await clock.advance(100);
    const deleted = await pruneTraces(admin, source.traces.list(), 1);
    assert.equal(deleted.length, 2);
    const left = await admin.list<PacketTrace>(PACKETTRACES, '');
    assert.ok(!isStatus(left));
    assert.equal(left.items.filter((t) => t.metadata.labels?.[PANEL_LABEL]).length, 1);
    assert.ok(left.items.some((t) => t.metadata.name === 'by-kubectl'));
  } finally {
    feed.dispose();
    model.stop();
    lab.stop();
  }
});

test('travelling draws the network as of a past revision, its rule sets too, then live again; a compacted revision says so', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  const model = new ClusterModel(admin);
  const messages: NetworkToPanel[] = [];
  const timer = manualSchedule();
  const source = {
    nodes: model.nodes, pods: model.pods,
    services: model.informer<Service>(SERVICES), slices: model.informer<EndpointSlice>(ENDPOINTSLICES),
    ruleSets: model.informer<ProxyRuleSet>(PROXYRULESETS), traces: model.informer<PacketTrace>(PACKETTRACES),
    podsOn: (node: string) => model.pods.byIndex(BY_NODE, node),
    client: admin,
  };
  const feed = new NetworkFeed(source, (m) => messages.push(m), timer.schedule);
  const take = (): NetworkToPanel[] => messages.splice(0);
  const web = (m: NetworkToPanel | undefined): NetworkServiceView | undefined => (m?.type === 'snapshot' ? m.services.find((s) => s.key === 'default/web') : undefined);
  try {
    await model.start();
    assert.ok(!isStatus(await admin.create(DEPLOYMENTS, webDeployment())));
    assert.ok(!isStatus(await admin.create<Service>(SERVICES, { ...webService, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] } } as Service)));
    const ready = (): number => source.slices.list().filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web').flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
    await until(clock, () => ready() === 3, 'web\'s three endpoints');
    await clock.advance(2000);
    const webRules = (): string => source.ruleSets.get('node-1')?.status?.text ?? '';
    await until(clock, () => webRules().includes('default/web'), 'node-1\'s rules for web');
    const listed = await admin.list(SERVICES);
    assert.ok(!isStatus(listed));
    const past = Number(listed.metadata.resourceVersion);

    assert.ok(!isStatus(await admin.delete(SERVICES, 'default', 'web')));
    await until(clock, () => !source.services.get('default/web') && !webRules().includes('default/web'), 'web gone from the API and node-1\'s rules');
    feed.snapshot('running', 'KubeLab', true);
    feed.showRules('node-1');
    const live = take();
    assert.equal(web(live[0]), undefined);

    await feed.travel(past);
    const travelled = take();
    assert.deepEqual(travelled.map((m) => m.type), ['snapshot', 'rules', 'travel']);
    assert.deepEqual(web(travelled[0])?.endpoints.length, 3);
    assert.deepEqual(travelled[0].type === 'snapshot' && travelled[0].nodes.map((n) => n.name), ['node-1', 'node-2']);
    const rules = travelled[1];
    assert.ok(rules.type === 'rules' && JSON.stringify(rules.rules).includes('default/web'), 'node-1\'s rules as they were, with web\'s');
    assert.deepEqual(travelled[2], { type: 'travel', travel: { revision: past } });
    // Live changes are not applied while travelling.
    assert.ok(!isStatus(await admin.create<Service>(SERVICES, { ...webService, metadata: { name: 'later', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 81 }] } } as Service)));
    await until(clock, () => Boolean(source.services.get('default/later')), 'later seen');
    timer.run();
    assert.deepEqual(take(), []);

    await feed.travel(null);
    const back = take();
    assert.deepEqual(back.map((m) => m.type), ['snapshot', 'rules', 'travel']);
    assert.equal(web(back[0]), undefined);
    assert.ok(back[0].type === 'snapshot' && back[0].services.some((s) => s.key === 'default/later'));
    assert.ok(back[1].type === 'rules' && !JSON.stringify(back[1].rules).includes('default/web'), 'node-1\'s rules live, without web\'s');
    assert.deepEqual(back[2], { type: 'travel', travel: { revision: null } });

    assert.ok(!('error' in await runControl(lab, { op: 'storeCompact' })));
    await feed.travel(past);
    assert.deepEqual(take(), [{
      type: 'travel',
      travel: { revision: past, error: `Revision ${past} has been compacted away: the store no longer keeps it (410 Expired: The resourceVersion for the provided list is too old.)` },
    }]);
  } finally {
    feed.dispose();
    model.stop();
    lab.stop();
  }
});
