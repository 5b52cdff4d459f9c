// Panel benchmarks, run by `npm run bench` (scripts/bench.mjs) on Node 24 with tsx.
// stdout carries one JSON object per line; progress goes to stderr.
//
// panel.pods.10k.update.ms     the Pods panel (dist/webview/pods.js, as built) in Debian's
//                              Chromium applying one delta that changes all of 10,000 pods
//                              on 100 nodes (every chip's phase): dispatching the message,
//                              the frame's drawing script, and the style and layout it
//                              forces — the work that must fit in one 16 ms frame. Median
//                              of several; firstSnapshotMs is the 10,000-pod snapshot.
//                              The page draws chips only on the cards near its viewport
//                              (chipsDrawn, liveCards); the bench checks those are all of
//                              those cards' pods, in the delta's phase, and that cards a
//                              scroll brings near are drawn up to date. PANEL_BENCH_DIST
//                              names another build's dist/webview to time (before/after).
// panel.message.bytes_per_s    the host's messages to the Pods panel at 150,000 pods on
//                              5,000 nodes, under a churn of 1,000 pod changes a second
//                              (a rollout's pace), from the real PodsFeed over in-memory
//                              informers: what the feed sends, beside what re-sending a
//                              snapshot at each flush would (snapshotBytesPerS).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Node, Pod, ReplicaSet } from '../../extension/src/lab/api/types';
import type { EventHandler, Informer } from '../../extension/src/lab/client/informer';
import { FLUSH_MS, PodsFeed } from '../../extension/src/host/panels/podsFeed';
import type { NodeView, PodView, PodsToPanel } from '../../webview/src/shared/protocol';
import { repoRoot } from '../e2e/harness';
import { emit, log, percentile, round } from './report';

const ROOT = repoRoot();
const UPDATE_PODS = Number(process.env.PANEL_BENCH_PODS ?? 10_000);
const UPDATE_NODES = 100;
const UPDATE_RUNS = 9;
const UPDATE_TARGET_MS = 16;
const PAGE_DIST = process.env.PANEL_BENCH_DIST ?? join(ROOT, 'dist', 'webview');

const FEED_PODS = 150_000;
const FEED_NODES = 5_000;
const CHURN_PER_S = 1_000;
const FEED_SECONDS = 10;

function nodeViews(n: number): NodeView[] {
  return Array.from({ length: n }, (_, i) => ({ name: `node-${i + 1}`, status: 'Ready', ready: true, unschedulable: false, zone: `zone-${i % 3}`, cpu: 4000, memory: 32 * 2 ** 30, pods: 110 }));
}

function podView(i: number, nodes: number, phase: PodView['phase']): PodView {
  const running = phase === 'Running';
  return {
    uid: `uid-${i}`, namespace: `ns-${i % 4}`, name: `web-${Math.floor(i / 100)}-${i}`, node: `node-${(i % nodes) + 1}`,
    phase, status: running ? 'Running' : 'ContainerCreating', ready: running ? 1 : 0, containers: 1, restarts: 0,
    owner: `Deployment/web-${Math.floor(i / 100)}`, labels: { app: `web-${Math.floor(i / 100)}` }, cpu: 100, memory: 64 * 2 ** 20,
  };
}

interface Drawn {
  /** chips is how many chips are on the page, running how many of them are Running's colour. */
  chips: number;
  running: number;
  /** expected is how many pods the cards near the viewport (liveCards of them) hold. */
  expected: number;
  liveCards: number;
}
interface Timing extends Drawn {
  dispatchMs: number;
  drawMs: number;
  layoutMs: number;
}

/**
 * STUB_AND_TIMER runs in the page: acquireVsCodeApi's stand-in, and kubelabTime, which
 * dispatches a host message as VS Code does, waits for the frame the panel draws in, and
 * forces the style and layout its changes need.
 */
const STUB_AND_TIMER = `
(function () {
  var state;
  window.acquireVsCodeApi = function () {
    return { postMessage: function () {}, getState: function () { return state; }, setState: function (s) { state = s; } };
  };
  function drawn() {
    var k = window.kubelabPods;
    // A page that draws every card's chips (before the cards were windowed) has no liveNodes.
    var live = k.liveNodes ? k.liveNodes() : Array.from(k.cards.keys());
    var expected = 0;
    live.forEach(function (n) { var on = k.state.podsOn.get(n); expected += on ? on.size : 0; });
    return { chips: document.querySelectorAll('.nodes .chip').length, running: document.querySelectorAll('.nodes .chip.running').length, expected: expected, liveCards: live.length };
  }
  window.kubelabScrolled = function () {
    window.scrollTo(0, document.documentElement.scrollHeight);
    return new Promise(function (resolve) {
      var frames = 0;
      function next() {
        if (++frames < 5) return void requestAnimationFrame(next);
        var d = drawn();
        var cards = document.querySelectorAll('.nodes article.node');
        var end = cards[cards.length - 1];
        var on = window.kubelabPods.state.podsOn.get(end.dataset.node);
        d.lastCardChips = end.querySelectorAll('.chip.running').length;
        d.lastCardPods = on ? on.size : 0;
        resolve(d);
      }
      requestAnimationFrame(next);
    });
  };
  window.kubelabTime = function (m) {
    var t0 = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data: m }));
    var dispatchMs = performance.now() - t0;
    return new Promise(function (resolve) {
      requestAnimationFrame(function () {
        var t1 = performance.now();
        void document.body.getBoundingClientRect().height;
        var layoutMs = performance.now() - t1;
        var d = drawn();
        d.dispatchMs = dispatchMs;
        d.drawMs = window.kubelabPods.lastDrawMs();
        d.layoutMs = layoutMs;
        resolve(d);
      });
    });
  };
})();
`;

/** panelUpdate loads the Pods panel in Chromium and times a 10,000-pod delta. */
async function panelUpdate(): Promise<void> {
  const script = readFileSync(join(PAGE_DIST, 'pods.js'), 'utf8');
  const css = readFileSync(join(PAGE_DIST, 'pods.css'), 'utf8');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await page.setContent(`<!DOCTYPE html><html><head><style>${css}</style></head><body class="vscode-dark"><div id="app"></div></body></html>`);
    // The page talks to VS Code through acquireVsCodeApi: a stand-in that keeps state and drops messages.
    // Page code goes in as text: tsx would name functions it compiles with a helper the page lacks.
    await page.addScriptTag({ content: STUB_AND_TIMER });
    await page.addScriptTag({ content: script });
    const nodes = nodeViews(UPDATE_NODES);
    const pending = Array.from({ length: UPDATE_PODS }, (_, i) => podView(i, UPDATE_NODES, 'Pending'));
    const running = Array.from({ length: UPDATE_PODS }, (_, i) => podView(i, UPDATE_NODES, 'Running'));
    // Cards, not the heat-map: 100 nodes is the most the cards show; each card near the viewport draws every chip.
    const time = (message: PodsToPanel) => page.evaluate((m) => (window as unknown as { kubelabTime(m: unknown): Promise<Timing> }).kubelabTime(m), message);
    const first = await time({ type: 'snapshot', state: 'running', cluster: 'bench', nodes, pods: pending });
    if (!first.chips || first.chips !== first.expected) throw new Error(`the snapshot drew ${first.chips} chips on ${first.liveCards} cards holding ${first.expected} pods`);
    const totals: number[] = [];
    let last = first;
    for (let run = 0; run < UPDATE_RUNS; run++) {
      const pods = run % 2 === 0 ? running : pending;
      last = await time({ type: 'delta', nodes: { upsert: [], remove: [] }, pods: { upsert: pods, remove: [] } });
      if (last.chips !== last.expected) throw new Error(`the delta left ${last.chips} chips on ${last.liveCards} cards holding ${last.expected} pods`);
      totals.push(last.dispatchMs + last.drawMs + last.layoutMs);
    }
    if (last.running !== last.chips) throw new Error(`after the last delta ${last.running} of ${last.chips} chips are running`);
    // Cards the delta found away from the viewport are drawn as they are now when a scroll brings them near.
    const scrolled = await page.evaluate(() => (window as unknown as { kubelabScrolled(): Promise<Drawn & { lastCardChips: number; lastCardPods: number }> }).kubelabScrolled());
    if (!scrolled.lastCardPods || scrolled.lastCardChips !== scrolled.lastCardPods || scrolled.chips !== scrolled.expected || scrolled.running !== scrolled.chips) {
      throw new Error(`scrolled to the end: ${scrolled.chips} chips (${scrolled.running} running) on ${scrolled.liveCards} cards holding ${scrolled.expected} pods; the last card has ${scrolled.lastCardChips} running chips of ${scrolled.lastCardPods} pods`);
    }
    emit({
      bench: 'panel.pods.10k.update.ms', value: round(percentile(totals, 50)), unit: 'ms', target: UPDATE_TARGET_MS,
      p90: round(percentile(totals, 90)), dispatchMs: round(last.dispatchMs), drawMs: round(last.drawMs), layoutMs: round(last.layoutMs),
      firstSnapshotMs: round(first.dispatchMs + first.drawMs + first.layoutMs), pods: UPDATE_PODS, nodes: UPDATE_NODES,
      chipsDrawn: last.chips, liveCards: last.liveCards,
    });
  } finally {
    await browser.close();
  }
}

/** MemoryInformer is the slice of an informer the feed reads, over a map the bench changes. */
class MemoryInformer<T extends Pod | Node | ReplicaSet> {
  readonly items = new Map<string, T>();
  private readonly handlers: EventHandler<T>[] = [];
  list(): T[] {
    return [...this.items.values()];
  }
  get(key: string): T | undefined {
    return this.items.get(key);
  }
  addEventHandler(h: EventHandler<T>): void {
    this.handlers.push(h);
  }
  removeEventHandler(h: EventHandler<T>): void {
    this.handlers.splice(this.handlers.indexOf(h), 1);
  }
  update(key: string, obj: T): void {
    const old = this.items.get(key) as T;
    this.items.set(key, obj);
    for (const h of this.handlers) h.onUpdate?.(old, obj);
  }
}

function pod(i: number, phase: string, nodes: number): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `web-${i}`, namespace: `ns-${i % 4}`, uid: `uid-${i}`, labels: { app: `web-${Math.floor(i / 100)}` }, resourceVersion: String(i) },
    spec: { nodeName: `node-${(i % nodes) + 1}`, containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
    status: { phase, containerStatuses: [{ name: 'web', image: 'nginx:1.27', imageID: '', ready: phase === 'Running', restartCount: 0, state: phase === 'Running' ? { running: {} } : { waiting: { reason: 'ContainerCreating' } } }] },
  } as unknown as Pod;
}

/** feedBytes runs the PodsFeed over 150,000 pods with 1,000 changes a second and counts what it sends. */
function feedBytes(): void {
  const nodes = new MemoryInformer<Node>();
  const pods = new MemoryInformer<Pod>();
  const replicaSets = new MemoryInformer<ReplicaSet>();
  for (let i = 1; i <= FEED_NODES; i++) {
    nodes.items.set(`node-${i}`, { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}` }, spec: {}, status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } });
  }
  for (let i = 0; i < FEED_PODS; i++) pods.items.set(`ns-${i % 4}/web-${i}`, pod(i, 'Running', FEED_NODES));
  let flush: (() => void) | undefined;
  let snapshotBytes = 0;
  let deltaBytes = 0;
  let deltas = 0;
  const feed = new PodsFeed(
    { nodes: nodes as unknown as Informer<Node>, pods: pods as unknown as Informer<Pod>, replicaSets: replicaSets as unknown as Informer<ReplicaSet> },
    (m) => {
      const bytes = Buffer.byteLength(JSON.stringify(m));
      if (m.type === 'snapshot') snapshotBytes = bytes;
      else {
        deltaBytes += bytes;
        deltas++;
      }
    },
    (fn) => {
      flush = fn;
      return () => (flush = undefined);
    },
  );
  const t0 = performance.now();
  feed.snapshot('running', 'bench');
  const snapshotMs = performance.now() - t0;
  // Each flush interval, a tenth of a second's changes: pods flipping between Running and Pending.
  const perFlush = (CHURN_PER_S * FLUSH_MS) / 1000;
  const flushes = (FEED_SECONDS * 1000) / FLUSH_MS;
  let next = 0;
  let feedMs = 0;
  for (let f = 0; f < flushes; f++) {
    const t = performance.now();
    for (let k = 0; k < perFlush; k++) {
      const i = next++ % FEED_PODS;
      const key = `ns-${i % 4}/web-${i}`;
      pods.update(key, pod(i, pods.get(key)?.status?.phase === 'Running' ? 'Pending' : 'Running', FEED_NODES));
    }
    flush?.();
    feedMs += performance.now() - t;
  }
  feed.dispose();
  emit({
    bench: 'panel.message.bytes_per_s', value: Math.round(deltaBytes / FEED_SECONDS), unit: 'B/s',
    snapshotBytesPerS: Math.round((snapshotBytes * flushes) / FEED_SECONDS), snapshotBytes, snapshotMs: round(snapshotMs),
    deltas, feedMsPerFlush: round(feedMs / flushes, 3), pods: FEED_PODS, nodes: FEED_NODES, changesPerS: CHURN_PER_S,
  });
}

async function main(): Promise<void> {
  log(`Pods panel: a ${UPDATE_PODS}-pod delta in Chromium`);
  await panelUpdate();
  log(`Pods feed: ${FEED_PODS} pods, ${CHURN_PER_S} changes/s for ${FEED_SECONDS} s`);
  feedBytes();
}

main().then(() => process.exit(0), (err: unknown) => {
  log(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exit(1);
});
