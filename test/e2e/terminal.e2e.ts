// User story: in VS Code's integrated terminal, `kubectl get nodes` talks to the lab.
// "KubeLab: Open Terminal" opens a terminal with KUBECONFIG set; any new terminal gets
// it too, through the extension's environment-variable collection, while the lab runs.
//
// The terminal draws on a canvas, so each command also writes its output to a file in
// the workspace, which the test reads from disk; screenshots show the terminal itself.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { VSCodeHarness } from './harness';

/** waitForFile polls until path holds a complete line (the shell wrote it), returning its text. */
async function waitForFile(vscode: VSCodeHarness, path: string, what: string): Promise<string> {
  const found = await vscode.until<{ text: string }>(what, () => {
    if (!existsSync(path)) return Promise.resolve(`${path} not written yet`);
    // VS Code's shell integration prints its OSC 633 marks from bash's DEBUG trap, which
    // runs inside the redirected `{ …; }` group, so they land in the file: drop them.
    const text = readFileSync(path, 'utf8').replace(/\x1b\][^\x07]*\x07/g, '');
    return Promise.resolve(text.endsWith('\n') ? { text } : `${path} is still being written`);
  }, 90_000);
  return found.text;
}

/** typeInTerminal types a command line into the focused terminal and presses Enter. */
async function typeInTerminal(vscode: VSCodeHarness, line: string): Promise<void> {
  const terminal = vscode.page.locator('.terminal-wrapper.active .xterm, .terminal .xterm').last();
  await terminal.waitFor({ timeout: 30_000 });
  await terminal.click();
  await vscode.page.keyboard.type(line);
  await vscode.page.keyboard.press('Enter');
}

void test('kubectl in the integrated terminal reaches the lab', { timeout: 300_000 }, async () => {
  await VSCodeHarness.with({ name: 'terminal' }, async (vscode) => {
    await vscode.runCommand('KubeLab: Open Terminal');
    await vscode.screenshot('terminal-open');

    const nodesFile = join(vscode.workspace, 'nodes.txt');
    // The output goes to a temporary file first, so the test never reads half of it.
    await typeInTerminal(vscode, `{ kubectl get nodes; echo "exit=$?"; } > ${nodesFile}.part 2>&1; mv ${nodesFile}.part ${nodesFile}`);
    const nodes = await waitForFile(vscode, nodesFile, 'kubectl get nodes to answer in the KubeLab terminal');
    await vscode.screenshot('kubectl-get-nodes');
    const lines = nodes.trimEnd().split('\n');
    assert.match(lines[0], /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/, nodes);
    assert.deepEqual(lines.slice(1, 5).map((l) => l.split(/\s+/).slice(0, 3)), [['control-plane', 'Ready', 'control-plane'], ['node-1', 'Ready', '<none>'], ['node-2', 'Ready', '<none>'], ['node-3', 'Ready', '<none>']], nodes);
    assert.equal(lines.at(-1), 'exit=0');

    // A terminal the user opens by hand gets KUBECONFIG from the environment-variable collection.
    await vscode.runCommand('Terminal: Create New Terminal');
    const envFile = join(vscode.workspace, 'env.txt');
    await typeInTerminal(vscode, `{ echo "KUBECONFIG=$KUBECONFIG"; kubectl config current-context; } > ${envFile}.part 2>&1; mv ${envFile}.part ${envFile}`);
    const env = await waitForFile(vscode, envFile, 'the new terminal to print its KUBECONFIG');
    await vscode.screenshot('new-terminal-env');
    const [kubeconfigLine, context] = env.trimEnd().split('\n');
    assert.match(kubeconfigLine, /^KUBECONFIG=\/.+\/kubeconfig$/, env);
    assert.equal(context, 'kubelab');
    assert.ok(existsSync(kubeconfigLine.slice('KUBECONFIG='.length)), 'the kubeconfig exists where KUBECONFIG points');
  });
});
