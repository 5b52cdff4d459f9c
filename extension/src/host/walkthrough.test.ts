// The Get started walkthrough as package.json contributes it: every step's media
// exists, and every command it links to or waits for is one the extension
// contributes, so renaming a command breaks this test, not the walkthrough.
// Then its own command, kubelab.openWalkthroughSample, run on a stand-in vscode.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createFakeVscode, installFakeVscode } from '../../../test/bench/fakeVscode';
import { NODE_MONITOR_GRACE_PERIOD_MS } from '../lab/controllers/nodeLifecycleController';

const root = join(__dirname, '..', '..', '..');

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
}

/** contributions reads package.json now, so the test follows commands others add or rename. */
function contributions(): { commands: Set<string>; titles: Map<string, string>; views: Set<string>; steps: Step[]; title: string } {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    contributes: { commands: { command: string; title: string }[]; views?: Record<string, { id: string }[]>; walkthroughs?: { id: string; title: string; steps: Step[] }[] };
  };
  const walkthrough = pkg.contributes.walkthroughs?.find((w) => w.id === 'kubelab.gettingStarted');
  assert.ok(walkthrough, 'package.json contributes the kubelab.gettingStarted walkthrough');
  return {
    commands: new Set(pkg.contributes.commands.map((c) => c.command)),
    titles: new Map(pkg.contributes.commands.map((c) => [c.command, c.title])),
    views: new Set(Object.values(pkg.contributes.views ?? {}).flat().map((v) => v.id)),
    steps: walkthrough.steps,
    title: walkthrough.title,
  };
}

/** commandLinks are the command ids of a markdown text's `command:` links (arguments after `?` dropped). */
function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(command:([^)?\s]+)/g)].map((m) => m[1]);
}

void test('the walkthrough goes start, apply, scheduler, node, packet, each step with its markdown', () => {
  const { steps, title } = contributions();
  assert.equal(title, 'Get started with KubeLab');
  assert.deepEqual(steps.map((s) => s.id), ['start', 'apply', 'scheduler', 'breakNode', 'packet']);
  for (const s of steps) {
    assert.match(s.media.markdown ?? '', /^media\/walkthrough\/[a-z]+\.md$/, `${s.id}: markdown media under media/walkthrough/`);
    assert.ok(existsSync(join(root, s.media.markdown ?? '')), `${s.id}: ${s.media.markdown ?? ''} exists`);
    assert.ok(s.completionEvents?.length, `${s.id}: says when it is done`);
  }
});

void test('every command the walkthrough links to or waits for is contributed in package.json', () => {
  const { commands, views, steps } = contributions();
  const unknown: string[] = [];
  for (const s of steps) {
    const markdown = readFileSync(join(root, s.media.markdown ?? ''), 'utf8');
    for (const id of [...commandLinks(s.description), ...commandLinks(markdown)]) if (!commands.has(id)) unknown.push(`${s.id}: link to command:${id}`);
    for (const event of s.completionEvents ?? []) {
      const [kind, id] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
      if (kind === 'onCommand' ? !commands.has(id) : kind === 'onView' ? !views.has(id) : true) unknown.push(`${s.id}: completion event ${event}`);
    }
  }
  assert.deepEqual(unknown, []);
  assert.deepEqual(commandLinks('[a](command:kubelab.start) [b](command:kubelab.apply?%5B1%5D) [c](https://kubernetes.io)'), ['kubelab.start', 'kubelab.apply']);
});

void test('a step waits for a command its description offers: as a button, or by its palette name', () => {
  const { steps, titles } = contributions();
  for (const s of steps) {
    for (const event of (s.completionEvents ?? []).filter((e) => e.startsWith('onCommand:'))) {
      const id = event.slice('onCommand:'.length);
      const offered = commandLinks(s.description).includes(id) || s.description.includes(`**KubeLab: ${titles.get(id) ?? '?'}**`);
      assert.ok(offered, `${s.id}: waits for ${id} without a button or its name`);
    }
  }
});

void test('Break a node offers KubeLab: Stop Node and gives the node lifecycle controller\'s grace period', () => {
  const step = contributions().steps.find((s) => s.id === 'breakNode');
  assert.ok(step);
  assert.ok(commandLinks(step.description).includes('kubelab.stopNode'), 'a Stop Node button');
  assert.deepEqual(step.completionEvents, ['onCommand:kubelab.stopNode']);
  const markdown = readFileSync(join(root, step.media.markdown ?? ''), 'utf8');
  assert.ok(commandLinks(markdown).includes('kubelab.stopNode'));
  // The lab's controller waits as upstream 1.32's does (--node-monitor-grace-period 50s); the text says the same.
  const seconds = NODE_MONITOR_GRACE_PERIOD_MS / 1000;
  assert.equal(seconds, 50);
  assert.match(step.description, new RegExp(`after ${seconds} s without a heartbeat`));
  assert.match(markdown, new RegExp(`After ${seconds} seconds without one`));
  assert.doesNotMatch(`${step.description}\n${markdown}`, /\b40 ?s(econds)?\b/);
});

void test('Open Walkthrough Sample copies the sample once into storage and opens the copy', async () => {
  const fake = createFakeVscode();
  const opened: string[] = [];
  (fake.api.window as Record<string, unknown>).showTextDocument = (uri: { fsPath: string }) => {
    opened.push(uri.fsPath);
    return Promise.resolve(undefined);
  };
  installFakeVscode(fake);
  const { registerWalkthrough } = await import('./walkthrough.js');
  const storage = mkdtempSync(join(tmpdir(), 'kubelab-walkthrough-'));
  const errors: unknown[] = [];
  const disposables = registerWalkthrough(root, storage, (err) => errors.push(err));
  try {
    const copy = join(storage, 'walkthrough', 'web.yaml');
    await fake.commands.get('kubelab.openWalkthroughSample')?.();
    assert.deepEqual([opened, errors], [[copy], []]);
    assert.equal(readFileSync(copy, 'utf8'), readFileSync(join(root, 'media', 'walkthrough', 'web.yaml'), 'utf8'));
    writeFileSync(copy, '# my edits\n');
    await fake.commands.get('kubelab.openWalkthroughSample')?.();
    assert.equal(readFileSync(copy, 'utf8'), '# my edits\n', 'opening again keeps the learner\'s edits');
    assert.deepEqual(opened, [copy, copy]);

    const broken = registerWalkthrough(join(storage, 'no-such-extension'), storage + '-other', (err) => errors.push(err));
    await fake.commands.get('kubelab.openWalkthroughSample')?.();
    assert.equal(errors.length, 1, 'a missing sample is shown as an error');
    assert.match(String(errors[0]), /ENOENT/);
    for (const d of broken) d.dispose();
  } finally {
    for (const d of disposables) d.dispose();
    rmSync(storage, { recursive: true, force: true });
    rmSync(storage + '-other', { recursive: true, force: true });
  }
});
