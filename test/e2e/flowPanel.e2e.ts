// User story: with the examples' policy applied, open the Request flow panel,
// compose a Deployment and Send it: see who authenticated, what allowed it, each
// admission plugin, the key and revision written, then the reactions down the
// chain (controller → ReplicaSet → pods → scheduler → kubelet) as they happen —
// the same pods the Cluster tree shows. Then send one the policy refuses and see
// the plugin, its CEL expression and the result that refused it; all again in a
// light theme.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Frame } from 'playwright-core';
import { VSCodeHarness } from './harness';

const deployment = (namespace: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: flow-web
  namespace: ${namespace}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: flow-web
  template:
    metadata:
      labels:
        app: flow-web
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
`;

const POD = /^flow-web-[a-z0-9]+-[a-z0-9]+$/;

/** setManifest puts text into the panel's editor (Monaco, or the plain fallback) as the page's own hook does. */
async function setManifest(panel: Frame, text: string): Promise<void> {
  await panel.evaluate(`kubelabFlow.editor().setValue(${JSON.stringify(text)})`);
}

void test('the Request flow panel plays a Deployment\'s flow and its reactions, and shows what refused a request, in dark and light themes', { timeout: 420_000 }, async () => {
  await VSCodeHarness.with({ name: 'flowPanel' }, async (vscode) => {
    await vscode.setColorTheme('Dark Modern', 'vs-dark');
    await vscode.openFile('policy.yaml');
    await vscode.runCommand('KubeLab: Apply');
    await vscode.runCommand('KubeLab: Open Request Flow Panel');
    const panel = await vscode.webview('KubeLab: Request Flow');
    await vscode.until('the cluster to be running in the panel', async () => {
      const title = await panel.locator('.cluster').textContent();
      return /running$/.test(title ?? '') ? {} : `title: ${title}`;
    });

    await setManifest(panel, deployment('default', 2));
    await panel.locator('#send').click();
    const request = panel.locator('section.request').first();
    await vscode.until('the request\'s answer', async () => {
      const summary = await request.locator('.summary').textContent().catch(() => '');
      return summary === 'deployment.apps/flow-web created' ? {} : `summary: ${summary}`;
    });
    const stages = await request.locator('li.stage').evaluateAll((lis) => lis.map((li) => `${(li as HTMLElement).dataset.stage}:${li.className.replace('stage ', '')}`));
    assert.deepEqual(stages, ['authentication:ok', 'authorization:ok', 'decode:ok', 'mutating admission:ok', 'validation:ok', 'validating admission:ok', 'persist:ok']);
    assert.equal(await request.locator('li[data-stage="authentication"] .line').first().textContent(), 'User "kubernetes-admin"');
    assert.match((await request.locator('li[data-stage="authorization"] .line').first().textContent()) ?? '', /system:masters/);
    assert.ok(await request.locator('li[data-stage="validating admission"] .plugin-name', { hasText: 'ValidatingAdmissionPolicy' }).count() === 1);
    assert.match((await request.locator('li[data-stage="persist"] .line').first().textContent()) ?? '', /^wrote \/registry\/.*deployments\/default\/flow-web at revision \d+$/);

    // The reactions come down the chain as they happen, and name the pods the Cluster tree shows.
    const reacted = await vscode.until('the chain from the controller to the kubelet', async () => {
      const lit = await panel.locator('ol.chain li.lit').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.step));
      const running = await panel.locator('.reaction', { hasText: 'Running' }).count();
      return ['controller', 'replicaset', 'pods', 'scheduler', 'kubelet'].every((s) => lit.includes(s)) && running >= 2 ? { lit } : `lit: ${lit.join(', ')}; ${running} running`;
    });
    assert.ok(reacted.lit.length >= 5);
    const timelinePods = [...new Set((await panel.locator('.reaction[data-step="pods"] .object').allTextContents()).map((o) => o.replace(/^Pod\//, '')))].sort();
    assert.equal(timelinePods.length, 2);
    assert.ok(timelinePods.every((p) => POD.test(p)), timelinePods.join());
    await vscode.screenshot('flow-panel-dark');
    await vscode.openViewContainer('KubeLab');
    await vscode.until('the same pods in the Cluster tree', async () => {
      const pods = (await vscode.treeRows('Cluster')).filter((r) => POD.test(r.label)).map((r) => r.label).sort();
      return JSON.stringify(pods) === JSON.stringify(timelinePods) ? {} : `tree ${JSON.stringify(pods)}, panel ${JSON.stringify(timelinePods)}`;
    });

    // The policy refuses a Deployment of 10 replicas in a test namespace: the panel names the plugin, the expression and its result.
    const again = await vscode.webview('KubeLab: Request Flow');
    await setManifest(again, deployment('policy-demo', 10));
    await again.locator('#send').click();
    const refused = again.locator('section.request.failed');
    await refused.waitFor({ timeout: 60_000 });
    assert.match((await refused.locator('.rejected-by').textContent()) ?? '', /^Rejected at ValidatingAdmissionPolicy \(validating admission\): deployments\.apps "flow-web" is forbidden: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit' denied request: a Deployment in a test namespace may have at most 5 replicas$/);
    const evaluation = refused.locator('.evaluation.false');
    assert.equal(await evaluation.locator('code.cel').textContent(), 'object.spec.replicas <= 5');
    assert.equal(await again.locator('.reaction').count(), 0, 'nothing was stored, so nothing reacts');
    await vscode.screenshot('flow-panel-refused-dark');

    await vscode.setColorTheme('Light Modern', 'vs');
    await vscode.until('the panel to follow the theme', async () => {
      const cls = await again.locator('body').getAttribute('class');
      return /vscode-light/.test(cls ?? '') ? {} : `body class ${cls}`;
    });
    await vscode.screenshot('flow-panel-light');
    await vscode.highContrastScreenshots(again, 'flow-panel');
  });
});
