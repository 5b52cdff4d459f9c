// User story: with web.yaml and web-service.yaml applied, open the Network panel and see
// the pod network as the seeds draw it — three nodes with their podCIDRs and cni0
// bridges, the web pods on them through their veths, the web Service's ClusterIP with
// a line to each pod — then trace a packet from one web pod to the Service and watch
// it go hop by hop, with the kube-proxy rules it matched highlighted, look a name up
// in cluster DNS, and read it all again in a light theme.
//
// The panel's content is checked against the lab's state as the Cluster tree shows it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { VSCodeHarness } from './harness';

const POD = /^web-[a-z0-9]+-[a-z0-9]+$/;

/** choose sets a vscode-single-select's value as a pick would, and tells the page. */
async function choose(panel: Frame, id: string, value: string): Promise<void> {
  await panel.locator(`#${id}`).evaluate((el, v) => {
    (el as HTMLElement & { value: string }).value = v;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

void test('the Network panel draws nodes, pods and the web Service, traces a packet and resolves a name, in dark and light themes', { timeout: 420_000 }, async () => {
  await VSCodeHarness.with({ name: 'networkPanel' }, async (vscode) => {
    await vscode.setColorTheme('Dark Modern', 'vs-dark');
    await vscode.openFile('web.yaml');
    await vscode.runCommand('KubeLab: Apply');
    await vscode.openFile('web-service.yaml');
    await vscode.runCommand('KubeLab: Apply');
    await vscode.openViewContainer('KubeLab');
    const treePods = await vscode.until('the three web pods running in the Cluster tree', async () => {
      const pods = (await vscode.treeRows('Cluster')).filter((r) => POD.test(r.label) && /^Running/.test(r.description)).map((r) => r.label).sort();
      return pods.length === 3 ? { pods } : `pods in the tree: ${JSON.stringify(pods)}`;
    });

    await vscode.runCommand('KubeLab: Open Network Panel');
    const panel = await vscode.webview('KubeLab: Network');
    // The control-plane node and three workers, each with its podCIDR and bridge; the web pods (the tree's) on them; the web Service's endpoints.
    const drawn = await vscode.until('three worker nodes, the web pods on their bridges and the web Service\'s three endpoints', async () => {
      const all = await panel.locator('g.node').evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label') ?? ''));
      if (!all.some((l) => l.startsWith('Node control-plane, '))) return `nodes drawn: ${JSON.stringify(all)}`;
      const nodes = all.filter((l) => l.startsWith('Node node-'));
      const pods = (await panel.locator('g.pod').evaluateAll((gs) => gs.map((g) => (g as SVGElement).dataset.pod ?? ''))).filter((p) => p.startsWith('default/web-')).map((p) => p.slice('default/'.length)).sort();
      const lines = await panel.locator('.endpoint-line[data-service="default/web"]').count();
      const web = await panel.locator('g.service[data-service="default/web"]').getAttribute('aria-label').catch(() => '');
      return nodes.length === 3 && pods.length === 3 && lines === 3 ? { nodes, pods, web } : `${nodes.length} nodes, web pods ${JSON.stringify(pods)}, ${lines} endpoint lines`;
    });
    assert.deepEqual(drawn.pods, treePods.pods);
    for (const [i, label] of drawn.nodes.entries()) assert.match(label, new RegExp(`^Node node-${i + 1}, InternalIP 172\\.18\\.0\\.${i + 2}, podCIDR 10\\.244\\.\\d+\\.0/24, \\d+ pods on cni0$`));
    assert.match(drawn.web ?? '', /^Service default\/web, ClusterIP 10\.\d+\.\d+\.\d+, 3 endpoints$/);
    await vscode.screenshot('network-panel-dark');

    // Trace from the first web pod to the web Service: the hops play, ending in the delivery and the reply.
    await choose(panel, 'source', `pod:default/${treePods.pods[0]}`);
    await choose(panel, 'destination', 'svc:default/web:80');
    await panel.locator('#trace').click();
    const traced = await vscode.until('the trace delivered, its hops listed', async () => {
      const outcome = await panel.locator('.trace-head .outcome').textContent().catch(() => '');
      const hops = await panel.locator('.hops li').evaluateAll((lis) => lis.map((li) => li.querySelector('.hop-type')?.textContent ?? ''));
      return /^Delivered: 10\.244\.\d+\.\d+:80 in pod default\/web-/.test(outcome ?? '') && hops.includes('deliver') ? { outcome, hops } : `outcome ${outcome}, hops ${hops.join(',')}`;
    });
    for (const t of ['veth', 'bridge', 'rule', 'nat', 'deliver', 'response']) assert.ok(traced.hops.includes(t), `a ${t} hop: ${traced.hops.join(',')}`);
    // The rules the packet matched on its node are highlighted in that node's iptables-save text.
    const matched = await vscode.until('the matched kube-proxy rules highlighted', async () => {
      const lines = await panel.locator('.rules .line.matched').allTextContents();
      return lines.some((l) => l.startsWith('-A KUBE-SERVICES') && l.includes('"default/web:http cluster IP"')) ? { lines } : `${lines.length} highlighted lines`;
    });
    assert.ok(matched.lines.some((l) => /-j DNAT --to-destination 10\.244\.\d+\.\d+:80/.test(l)), matched.lines.join(''));
    // Stepping back to the start puts the packet at the source pod.
    await panel.locator('.hops').focus();
    await panel.locator('.hops').press('Home');
    assert.match((await panel.locator('.step').textContent()) ?? '', /^At the source · \d+ hops$/);
    await vscode.screenshot('network-panel-trace-dark');

    // A DNS lookup from the same pod answers with the Service's ClusterIP from kube-dns.
    await panel.locator('#dns-name input').fill('web');
    await panel.locator('#lookup').click();
    const answer = await vscode.until('the DNS answer', async () => {
      const text = await panel.locator('.dns-answer').textContent();
      return /→ 10\.\d+\.\d+\.\d+ \(A record from 10\.96\.0\.10:53\)/.test(text ?? '') ? { text } : `answer: ${text}`;
    });
    assert.match(answer.text ?? '', /^web\.default\.svc\.cluster\.local → /);
    assert.ok((answer.text ?? '').includes((drawn.web ?? '').match(/ClusterIP (\S+),/)?.[1] ?? '?'), `${answer.text} names the web Service's ClusterIP`);

    await vscode.setColorTheme('Light Modern', 'vs');
    await vscode.until('the panel to follow the theme', async () => {
      const cls = await panel.locator('body').getAttribute('class');
      return /vscode-light/.test(cls ?? '') ? {} : `body class ${cls}`;
    });
    await vscode.screenshot('network-panel-light');
    await vscode.highContrastScreenshots(panel, 'network-panel');
  });
});
