// WebviewPanelHost on a stand-in vscode: the page it loads, show() and the
// serializer, `ready` tracking, and what it tells the panel when the page is
// hidden or closed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeVscode, installFakeVscode } from '../../../../test/bench/fakeVscode';

type Listener = (e: unknown) => void;
interface Emitter { event: (l: Listener, thisArg?: unknown, disposables?: unknown[]) => unknown; fire(e: unknown): void }
interface FakePanel {
  viewType: string;
  title: string;
  reveals: number;
  posted: unknown[];
  visible: boolean;
  webview: { html: string; options: unknown; cspSource: string; asWebviewUri(u: { path: string }): { toString(): string }; postMessage(m: unknown): Promise<boolean>; onDidReceiveMessage: Emitter['event'] };
  onDidChangeViewState: Emitter['event'];
  onDidDispose: Emitter['event'];
  reveal(): void;
  dispose(): void;
  /** send is the page posting a message. */
  send(m: unknown): void;
  hide(): void;
}

const fake = createFakeVscode();
const Emitter = fake.api.EventEmitter as new () => Emitter;
const created: FakePanel[] = [];
const serializers = new Map<string, { deserializeWebviewPanel(panel: FakePanel, state: unknown): Promise<void> }>();

function fakePanel(viewType: string, title: string): FakePanel {
  const messages = new Emitter();
  const viewState = new Emitter();
  const disposed = new Emitter();
  const panel: FakePanel = {
    viewType, title, reveals: 0, posted: [], visible: true,
    webview: {
      html: '', options: undefined, cspSource: 'vscode-resource:',
      asWebviewUri: (u) => ({ toString: () => `webview:${u.path}` }),
      postMessage: (m) => {
        panel.posted.push(m);
        return Promise.resolve(true);
      },
      onDidReceiveMessage: messages.event,
    },
    onDidChangeViewState: viewState.event,
    onDidDispose: disposed.event,
    reveal: () => void panel.reveals++,
    dispose: () => disposed.fire(undefined),
    send: (m) => messages.fire(m),
    hide: () => {
      panel.visible = false;
      viewState.fire({ webviewPanel: panel });
    },
  };
  return panel;
}

const window = fake.api.window as Record<string, unknown>;
window.registerWebviewPanelSerializer = (viewType: string, serializer: { deserializeWebviewPanel(panel: FakePanel, state: unknown): Promise<void> }) => {
  serializers.set(viewType, serializer);
  return { dispose: () => serializers.delete(viewType) };
};
window.createWebviewPanel = (viewType: string, title: string) => {
  const panel = fakePanel(viewType, title);
  created.push(panel);
  return panel;
};
installFakeVscode(fake);

type In = { type: 'ready'; view: string } | { type: 'select'; name: string };
type Out = { type: 'state'; state: string };

async function host(csp?: () => { workers?: boolean; styleAttributes?: boolean }) {
  const { WebviewPanelHost } = await import('./panelHost.js');
  const Uri = fake.api.Uri as { file(p: string): unknown };
  const calls: string[] = [];
  const h = new WebviewPanelHost<In, Out>(Uri.file('/ext') as never, { viewType: 'kubelab.testPanel', title: 'KubeLab: Test', asset: 'test', ...(csp ? { csp } : {}) }, {
    onReady: (m) => calls.push(`ready ${m.view}`),
    onMessage: (m) => calls.push(`${m.type} ${m.name}`),
    onHidden: () => calls.push('hidden'),
    onClosed: () => calls.push('closed'),
  });
  return { h, calls };
}

test('show opens one panel with the page of its asset, then brings it forward', async () => {
  created.length = 0;
  const { h } = await host();
  h.show();
  h.show();
  assert.equal(created.length, 1);
  const [panel] = created;
  assert.equal(panel.viewType, 'kubelab.testPanel');
  assert.equal(panel.title, 'KubeLab: Test');
  assert.equal(panel.reveals, 1);
  assert.match(panel.webview.html, /src="webview:\/ext\/dist\/webview\/test\.js"/);
  assert.match(panel.webview.html, /href="webview:\/ext\/dist\/webview\/codicons\/codicon\.css" id="vscode-codicon-stylesheet"/);
  assert.match(panel.webview.html, /href="webview:\/ext\/dist\/webview\/test\.css"/);
  assert.match(panel.webview.html, /<title>KubeLab: Test<\/title>/);
  assert.doesNotMatch(panel.webview.html, /worker-src/);
  assert.deepEqual(panel.webview.options, { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [(fake.api.Uri as { joinPath(...a: unknown[]): unknown }).joinPath((fake.api.Uri as { file(p: string): unknown }).file('/ext'), 'dist', 'webview')] });
  h.dispose();
});

test('tracks ready, hands the other messages on, and is not ready once hidden', async () => {
  created.length = 0;
  const { h, calls } = await host();
  h.show();
  const [panel] = created;
  assert.equal(h.ready, false);
  panel.send({ type: 'select', name: 'a' });
  panel.send({ type: 'ready', view: 'v' });
  assert.equal(h.ready, true);
  h.post({ type: 'state', state: 'running' });
  assert.deepEqual(panel.posted, [{ type: 'state', state: 'running' }]);
  panel.hide();
  assert.equal(h.ready, false);
  assert.deepEqual(calls, ['select a', 'ready v', 'hidden']);
  h.dispose();
});

test('closing the panel drops the page, then lets show open a new one', async () => {
  created.length = 0;
  const { h, calls } = await host();
  h.show();
  created[0].send({ type: 'ready', view: 'v' });
  created[0].dispose();
  assert.equal(h.ready, false);
  assert.deepEqual(calls, ['ready v', 'hidden', 'closed']);
  h.post({ type: 'state', state: 'stopped' });
  assert.deepEqual(created[0].posted, []);
  h.show();
  assert.equal(created.length, 2);
  h.dispose();
});

test('the serializer restores a panel after a reload, with the csp the panel asks for', async () => {
  created.length = 0;
  const { h } = await host(() => ({ workers: true, styleAttributes: true }));
  const restored = fakePanel('kubelab.testPanel', 'KubeLab: Test');
  await serializers.get('kubelab.testPanel')?.deserializeWebviewPanel(restored, undefined);
  assert.match(restored.webview.html, /worker-src vscode-resource: blob:/);
  assert.match(restored.webview.html, /style-src-attr 'unsafe-inline'/);
  h.show();
  assert.equal(created.length, 0, 'show brings the restored panel forward');
  assert.equal(restored.reveals, 1);
  h.dispose();
  assert.equal(serializers.has('kubelab.testPanel'), false);
});

test('ModelPanelHost sends the state without a running cluster, runs one feed while ready and drops it with the page', async () => {
  created.length = 0;
  const { ModelPanelHost } = await import('./modelPanelHost.js');
  const Uri = fake.api.Uri as { file(p: string): unknown };
  const log: string[] = [];
  let n = 0;
  const h = new ModelPanelHost<In, Out, { id: number; dispose(): void; travel(r: number | null): Promise<void> }>(Uri.file('/ext') as never, { viewType: 'kubelab.modelPanel', title: 'KubeLab: Model', asset: 'model' }, { name: 'lab' }, {
    onMessage: (m) => log.push(m.type),
    feed: () => {
      const id = ++n;
      return { id, dispose: () => void log.push(`dispose ${id}`), travel: () => Promise.resolve() };
    },
    started: (feed) => void log.push(`start ${feed.id}`),
    onHidden: () => void log.push('hidden'),
  });
  h.show();
  const [panel] = created;
  panel.send({ type: 'ready', view: 'v' });
  assert.deepEqual(panel.posted, [{ type: 'state', state: 'stopped', cluster: 'lab' }]);
  h.setModel({} as never, 'running');
  assert.equal(h.feed?.id, 1);
  h.setModel({} as never, 'running');
  assert.equal(h.feed?.id, 2);
  panel.hide();
  assert.equal(h.feed, undefined);
  h.setModel(undefined, 'stopping');
  assert.deepEqual(log, ['start 1', 'dispose 1', 'start 2', 'dispose 2', 'hidden']);
  assert.equal(panel.posted.length, 1, 'a hidden page is sent nothing');
  h.dispose();
});

test('ModelPanelHost has its feed follow the shared time travel: each change, a new feed started at the revision, the page\'s Back to live', async () => {
  created.length = 0;
  const { ModelPanelHost } = await import('./modelPanelHost.js');
  const { TimeTravel } = await import('./timeTravel.js');
  const Uri = fake.api.Uri as { file(p: string): unknown };
  const travel = new TimeTravel();
  const log: string[] = [];
  let n = 0;
  const h = new ModelPanelHost<In | { type: 'backToLive' } | { type: 'travelTo'; revision: number }, Out, { id: number; dispose(): void; travel(r: number | null): Promise<void> }>(
    Uri.file('/ext') as never, { viewType: 'kubelab.travelPanel', title: 'KubeLab: Travel', asset: 'travel' }, { name: 'lab' }, {
      onMessage: (m) => log.push(m.type),
      feed: () => {
        const id = ++n;
        return { id, dispose: () => undefined, travel: (r) => Promise.resolve(void log.push(`${id} travel ${String(r)}`)) };
      },
      started: (feed) => void log.push(`start ${feed.id}`),
    }, travel);
  h.show();
  const [panel] = created;
  panel.send({ type: 'ready', view: 'v' });
  h.setModel({} as never, 'running');
  travel.travel(12);
  assert.equal(h.revision, 12);
  h.setModel({} as never, 'running');
  panel.send({ type: 'backToLive' });
  assert.equal(travel.revision, null);
  panel.send({ type: 'travelTo', revision: 7 });
  assert.equal(travel.revision, 7);
  assert.deepEqual(log, ['start 1', '1 travel 12', 'start 2', '2 travel 12', '2 travel null', '2 travel 7'], 'travel messages never reach the panel');
  h.dispose();
  travel.travel(3);
  assert.deepEqual(log.slice(6), [], 'a disposed host follows no more');
});

test('StorePanel sends its slider to the shared time travel and follows the travel whoever sets it', async () => {
  created.length = 0;
  const { StorePanel } = await import('./storePanel.js');
  const { TimeTravel } = await import('./timeTravel.js');
  const { startTestLab } = await import('../../lab/testLab.js');
  const { runControl } = await import('../../lab/labControl.js');
  const { lab } = await startTestLab(1);
  const Uri = fake.api.Uri as { file(p: string): unknown };
  const travel = new TimeTravel();
  const cluster = { name: 'lab', isLab: true, state: 'running' as const, onDidChangeState: () => ({ dispose: () => undefined }), start: () => Promise.resolve() };
  const p = new StorePanel(Uri.file('/ext') as never, cluster, async (op) => {
    const r = await runControl(lab, op);
    if (typeof r === 'object' && r !== null && 'error' in r) throw new Error(String(r.error));
    return r as never;
  }, travel);
  const arrived = async (what: string, check: (m: Record<string, unknown>) => boolean): Promise<void> => {
    for (let i = 0; i < 500; i++) {
      if (created[0].posted.some((m) => check(m as Record<string, unknown>))) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.fail(`${what} never arrived: ${JSON.stringify(created[0].posted)}`);
  };
  try {
    p.show();
    const [panel] = created;
    panel.send({ type: 'ready', view: { expanded: [] } });
    await arrived('the snapshot', (m) => m.type === 'snapshot');
    const stats = await runControl(lab, { op: 'storeStats' });
    assert.ok(!('error' in stats));
    const past = stats.revision - 1;
    panel.send({ type: 'travel', revision: past });
    assert.equal(travel.revision, past, 'the slider travels every panel');
    await arrived('the keyspace as of the revision', (m) => m.type === 'children' && m.at === past);
    assert.ok(panel.posted.some((m) => JSON.stringify(m) === JSON.stringify({ type: 'travel', travel: { revision: past } })));
    panel.posted.length = 0;
    travel.backToLive();
    await arrived('the keyspace live', (m) => m.type === 'children' && m.at === null);
    assert.ok(panel.posted.some((m) => JSON.stringify(m) === JSON.stringify({ type: 'travel', travel: { revision: null } })));
    panel.send({ type: 'travel', revision: 0 });
    assert.equal(travel.revision, null);
    assert.ok(panel.posted.some((m) => JSON.stringify(m) === JSON.stringify({ type: 'notice', message: '0 is not a revision: give a whole number from 1 up.', error: true })));
  } finally {
    p.dispose();
    lab.stop();
  }
});
