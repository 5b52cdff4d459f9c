/**
 * Integration: the lab's kube-proxies watch Services and EndpointSlices through
 * the API server and publish each node's rules as a ProxyRuleSet, read back
 * through the API as kubectl would.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStatus, type KubeObject, type Status } from '../api/types';
import { DEPLOYMENTS } from '../client/resources';
import { ENDPOINTSLICES, SERVICES } from '../controllers/kubernetesService';
import type { Lab, KubeProxyMode } from '../lab';
import { startTestLab, webDeployment } from '../testLab';
import { portProtoHash, servicePortEndpointChainName } from './chainNames';
import { STATUS_REPORT_MS } from './kubeProxy';
import { PROXYRULESETS, type ProxyRuleSet } from './proxyRuleSet';
import type { EndpointSlice } from './serviceInfo';

const webService = (): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] } });

async function withWeb(mode: KubeProxyMode): Promise<{ lab: Lab; advance: (ms: number) => Promise<void>; clusterIP: string; podIPs: string[] }> {
  const { lab, clock } = await startTestLab(2, 7, { kubeProxyMode: mode });
  const admin = lab.client();
  assert.ok(!isStatus(await admin.create(DEPLOYMENTS, webDeployment())));
  const svc = await admin.create(SERVICES, webService()) as (KubeObject & { spec: { clusterIP: string } }) | Status;
  assert.ok(!isStatus(svc));
  let podIPs: string[] = [];
  for (let i = 0; i < 60 && podIPs.length < 3; i++) {
    await clock.advance(1000);
    const slices = await admin.list<EndpointSlice>(ENDPOINTSLICES, 'default', { labelSelector: 'kubernetes.io/service-name=web' });
    if (isStatus(slices)) continue;
    podIPs = slices.items.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).map((e) => e.addresses?.[0] ?? '')).sort();
  }
  assert.equal(podIPs.length, 3, 'three ready endpoints');
  await clock.advance(2000);
  return { lab, advance: (ms) => clock.advance(ms), clusterIP: svc.spec.clusterIP, podIPs };
}

async function ruleSet(lab: Lab, node: string): Promise<ProxyRuleSet> {
  const got = await lab.client().get<ProxyRuleSet>(PROXYRULESETS, '', node);
  assert.ok(!isStatus(got), JSON.stringify(got));
  return got;
}

test('iptables: a Deployment behind a Service shows in every node\'s proxyruleset, endpoints and probabilities as upstream writes them', async () => {
  const { lab, advance, clusterIP, podIPs } = await withWeb('iptables');
  try {
    for (const node of ['node-1', 'node-2']) {
      const rs = await ruleSet(lab, node);
      assert.equal(rs.spec.mode, 'iptables');
      assert.equal(rs.metadata.ownerReferences?.[0]?.kind, 'Node');
      const text = rs.status?.text ?? '';
      const svcChain = `KUBE-SVC-${portProtoHash('default/web', 'tcp')}`;
      assert.ok(text.includes(`-A KUBE-SERVICES -m comment --comment "default/web cluster IP" -m tcp -p tcp -d ${clusterIP} --dport 80 -j ${svcChain}\n`), text);
      const seps = podIPs.map((ip) => servicePortEndpointChainName('default/web', 'tcp', `${ip}:80`));
      const sorted = [...podIPs].map((ip, i) => ({ ip, sep: seps[i] })).sort((a, b) => (`${a.ip}:80` < `${b.ip}:80` ? -1 : 1));
      assert.ok(text.includes(`-A ${svcChain} -m comment --comment "default/web -> ${sorted[0].ip}:80" -m statistic --mode random --probability 0.3333333333 -j ${sorted[0].sep}\n`), text);
      assert.ok(text.includes(`-A ${svcChain} -m comment --comment "default/web -> ${sorted[1].ip}:80" -m statistic --mode random --probability 0.5000000000 -j ${sorted[1].sep}\n`), text);
      assert.ok(text.includes(`-A ${svcChain} -m comment --comment "default/web -> ${sorted[2].ip}:80" -j ${sorted[2].sep}\n`), text);
      for (const { ip, sep } of sorted) assert.ok(text.includes(`-A ${sep} -m comment --comment default/web -m tcp -p tcp -j DNAT --to-destination ${ip}:80\n`));
      assert.ok(text.includes('-j MASQUERADE --random-fully'));
      assert.ok((rs.status?.syncs ?? 0) >= 1);
      assert.equal(typeof rs.status?.lastSyncTime, 'string');
      const rules = rs.status?.rules as { tables: { name: string; chains: { name: string; rules: { matches: { kind: string; probability?: number }[]; target?: { chain?: string } }[] }[] }[] };
      const chain = rules.tables.find((t) => t.name === 'nat')?.chains.find((c) => c.name === svcChain);
      assert.deepEqual(chain?.rules.map((r) => r.matches.find((m) => m.kind === 'statistic')?.probability), [undefined, 1 / 3, 1 / 2, undefined]);
      assert.equal(chain?.rules[0].target?.chain, 'KUBE-MARK-MASQ');
    }
    // Scaling to zero leaves the Service without endpoints: the filter table rejects its cluster IP.
    const admin = lab.client();
    assert.ok(!isStatus(await admin.patch(DEPLOYMENTS, 'default', 'web', { spec: { replicas: 0 } })));
    for (let i = 0; i < 60; i++) {
      await advance(1000);
      if ((await ruleSet(lab, 'node-1')).status?.text?.includes('"default/web has no endpoints"')) break;
    }
    const text = (await ruleSet(lab, 'node-1')).status?.text ?? '';
    assert.ok(text.includes(`-A KUBE-SERVICES -m comment --comment "default/web has no endpoints" -m tcp -p tcp -d ${clusterIP} --dport 80 -j REJECT\n`), text);
    assert.ok(!text.includes('"default/web -> ') && !text.includes('--comment default/web -m tcp'), text);
    assert.ok(text.includes('"default/kubernetes:https cluster IP"'), 'the kubernetes Service keeps its rules');
  } finally {
    lab.stop();
  }
});

test('nftables and ipvs: the same Service as nft list ruleset and ipvsadm -Ln', async () => {
  {
    const { lab, clusterIP, podIPs } = await withWeb('nftables');
    try {
      const rs = await ruleSet(lab, 'node-1');
      assert.equal(rs.spec.mode, 'nftables');
      const text = rs.status?.text ?? '';
      assert.ok(text.startsWith('table ip kube-proxy {\n\tcomment "rules for kube-proxy"\n'), text);
      assert.match(text, new RegExp(`${clusterIP.replaceAll('.', '\\.')} \\. tcp \\. 80 : goto service-[A-Z2-7]{8}-default/web/tcp/`));
      assert.ok(text.includes('numgen random mod 3 vmap { 0 : goto endpoint-'), text);
      for (const ip of podIPs) assert.ok(text.includes(`meta l4proto tcp dnat to ${ip}:80`));
    } finally {
      lab.stop();
    }
  }
  {
    const { lab, clusterIP, podIPs } = await withWeb('ipvs');
    try {
      const text = (await ruleSet(lab, 'node-2')).status?.text ?? '';
      assert.ok(text.startsWith('IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n'), text);
      assert.ok(text.includes(`TCP  ${clusterIP}:80 rr\n`), text);
      for (const ip of podIPs) assert.ok(text.includes(`  -> ${`${ip}:80`.padEnd(28)} Masq    1      0          0         \n`), text);
    } finally {
      lab.stop();
    }
  }
});

test('a user without a grant cannot write a node\'s rule set, and a bad mode is refused with upstream\'s wording', async () => {
  const { lab } = await startTestLab(1, 7);
  try {
    const jane = lab.client({ username: 'jane', groups: ['system:authenticated'] });
    const denied = await jane.create(PROXYRULESETS, { apiVersion: 'lab.kubelab.dev/v1alpha1', kind: 'ProxyRuleSet', metadata: { name: 'x' }, spec: { mode: 'iptables' } });
    assert.ok(isStatus(denied) && denied.code === 403, JSON.stringify(denied));
    const bad = await lab.client().create(PROXYRULESETS, { apiVersion: 'lab.kubelab.dev/v1alpha1', kind: 'ProxyRuleSet', metadata: { name: 'x' }, spec: { mode: 'userspace' } });
    assert.ok(isStatus(bad) && bad.code === 422, JSON.stringify(bad));
    assert.equal(bad.message, 'ProxyRuleSet.lab.kubelab.dev "x" is invalid: spec.mode: Unsupported value: "userspace": supported values: "iptables", "ipvs", "nftables"');
  } finally {
    lab.stop();
  }
});

test('a rule set is rewritten when its rules change, and with unchanged rules only every five minutes', async () => {
  const { lab, advance } = await withWeb('iptables');
  try {
    await advance(30_000);
    const first = await ruleSet(lab, 'node-1');
    // Periodic syncs (every 30 s) that change nothing leave the object alone...
    await advance(2 * 60_000);
    const quiet = await ruleSet(lab, 'node-1');
    assert.equal(quiet.metadata.resourceVersion, first.metadata.resourceVersion);
    // ...until the status is five minutes old: then the sync count and time are refreshed.
    await advance(STATUS_REPORT_MS);
    const refreshed = await ruleSet(lab, 'node-1');
    assert.notEqual(refreshed.metadata.resourceVersion, first.metadata.resourceVersion);
    assert.ok((refreshed.status?.syncs ?? 0) > (first.status?.syncs ?? 0));
    assert.equal(refreshed.status?.text, first.status?.text);
    // A new Service is in the rules at once.
    const admin = lab.client();
    assert.ok(!isStatus(await admin.create(SERVICES, { ...webService(), metadata: { name: 'web2', namespace: 'default' } })));
    await advance(2000);
    const changed = await ruleSet(lab, 'node-1');
    assert.ok(changed.status?.text?.includes('default/web2 cluster IP'), changed.status?.text);
    assert.equal(changed.status?.services, (first.status?.services ?? 0) + 1);
  } finally {
    lab.stop();
  }
});
