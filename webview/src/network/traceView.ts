/**
 * traceView is the Network panel's selected packet trace: its outcome and
 * hops, played hop by hop on the drawing (and in the node's rules), and the
 * list of recent traces to select from.
 */
import type { NetworkTraceView } from '../shared/protocol';
import { h } from '../shared/dom';
import type { Point } from './drawing';
import { type Anchor, hopAnchor, lookupAnswer, outcomeClass, sourceAnchor } from './networkState';
import { drawing } from './canvas';
import { currentHop, page, reducedMotion, save, saved, selectedTrace, state } from './pageState';
import { drawRoutes, highlightRules, showRules } from './rulesView';
import { iconButton, scrollWithin } from './widgets';

/** STEP_MS is how long the packet stays at a hop while a trace plays; TWEEN_MS how long it takes to move to the next. */
const STEP_MS = 1100;
const TWEEN_MS = 450;

let playing = false;
let playTimer: ReturnType<typeof setTimeout> | undefined;

/** traceView is the selected trace: its outcome, playback and hops. */
export const traceView = h('section', 'trace-view');
traceView.setAttribute('aria-label', 'Selected trace');
const traceHead = h('div', 'trace-head');
const controls = h('div', 'controls');
const prevButton = iconButton('prev', 'Previous hop', 'debug-step-back');
const playButton = iconButton('play', 'Play', 'debug-start');
const nextButton = iconButton('next', 'Next hop', 'debug-step-over');
const stepLabel = h('span', 'step');
stepLabel.setAttribute('aria-live', 'polite');
controls.append(prevButton, playButton, nextButton, stepLabel);
const hopList = h('ol', 'hops');
hopList.setAttribute('aria-label', 'Hops, in order');
hopList.tabIndex = 0;
traceView.append(traceHead, controls, hopList);
/** recent lists the recent traces, to select one. */
export const recent = h('section', 'recent');
const traceList = h('ul', 'traces');
traceList.setAttribute('aria-label', 'Recent packet traces, newest first');
recent.append(h('h2', undefined, 'Recent traces'), traceList);

/** drawTraceList lists the traces (not the lookups), the selected one pressed. */
export function drawTraceList(): void {
  const traces = state.sortedTraces().filter((t) => t.purpose !== 'lookup');
  traceList.replaceChildren(...traces.map((t) => {
    const li = h('li');
    const b = h('button', `trace-item ${outcomeClass(t)}`);
    b.type = 'button';
    b.dataset.trace = t.name;
    b.setAttribute('aria-pressed', String(t.name === saved.selectedTrace));
    const icon = t.done ? (t.outcome === 'Delivered' ? 'pass-filled' : 'error') : 'loading';
    b.append(h('span', `codicon codicon-${icon}`), h('span', undefined, ` ${t.source} → ${t.destination}`), h('span', 'muted', ` ${t.done ? t.outcome : 'tracing…'}`));
    b.addEventListener('click', () => selectTrace(t.name, true));
    li.append(b);
    return li;
  }));
  if (!traces.length) traceList.append(h('li', 'muted', 'No traces yet: pick a source and a destination, then Trace.'));
}

/** drawTrace shows the selected trace's outcome and hops, and puts the packet where it is. */
export function drawTrace(): void {
  const t = selectedTrace();
  traceView.hidden = !t;
  if (!t) {
    drawing.placePacket(undefined);
    drawing.mark([], 'active');
    return;
  }
  traceHead.replaceChildren(
    h('strong', undefined, `${t.source} → ${t.destination}`),
    h('p', `outcome ${outcomeClass(t)}`, t.done ? `${t.outcome}: ${t.message}` : 'Tracing…'),
  );
  if (t.resolution) traceHead.append(h('p', 'muted', lookupAnswer(t)));
  hopList.replaceChildren(...t.hops.map((hop, i) => {
    const li = h('li', `hop type-${hop.type}${i === page.step ? ' current' : ''}${hop.taken === false ? ' not-taken' : ''}`);
    li.dataset.step = String(i);
    if (i === page.step) li.setAttribute('aria-current', 'step');
    const head = h('span', 'hop-type', hop.type);
    const where = hop.node ? h('span', 'muted', ` ${hop.node}`) : h('span');
    li.append(head, where, h('div', 'mono hop-text', hop.text));
    if (hop.probability !== undefined) li.append(h('div', 'muted', `probability ${hop.probability.toFixed(4)}${hop.taken === undefined ? '' : hop.taken ? ' · taken' : ' · not taken'}`));
    li.addEventListener('click', () => goTo(i, false));
    return li;
  }));
  stepLabel.textContent = page.step < 0 ? `At the source · ${t.hops.length} hops` : `Hop ${page.step + 1} of ${t.hops.length}: ${t.hops[page.step].type}`;
  prevButton.disabled = page.step < 0;
  nextButton.disabled = page.step >= t.hops.length - 1;
  playButton.title = playing ? 'Pause' : 'Play';
  playButton.setAttribute('aria-label', playing ? 'Pause' : 'Play');
  playButton.firstElementChild?.setAttribute('class', `codicon codicon-${playing ? 'debug-pause' : 'debug-start'}`);
  const currentItem = hopList.querySelector<HTMLElement>('.current');
  if (currentItem) scrollWithin(hopList, currentItem);
  placeAt(page.step, false);
}

/** anchorOf is where the packet is at a step: the source before the first hop, else the hop's place (or the last one that had one). */
function anchorOf(t: NetworkTraceView, at: number): Anchor | undefined {
  for (let i = at; i >= 0; i--) {
    const a = hopAnchor(t.hops[i], t, state);
    if (a && drawing.anchorPoint(a)) return a;
  }
  return sourceAnchor(t, state);
}

let tween: number | undefined;
/** placeAt moves the packet to a step's place: at once, or gliding from where it was unless motion is reduced. */
export function placeAt(at: number, glide: boolean): void {
  const t = selectedTrace();
  if (!t) return;
  const a = anchorOf(t, at);
  const to = a ? drawing.anchorPoint(a) : undefined;
  const hop = at >= 0 ? t.hops[at] : undefined;
  const failed = !!hop && (hop.type === 'reject' || hop.type === 'drop');
  drawing.mark(a ? [a] : [], 'active');
  if (tween !== undefined) cancelAnimationFrame(tween);
  tween = undefined;
  const from = glide && at > 0 ? (() => { const p = anchorOf(t, at - 1); return p ? drawing.anchorPoint(p) : undefined; })() : undefined;
  if (!to || !from || reducedMotion.matches) {
    drawing.placePacket(to, failed);
    return;
  }
  const start = performance.now();
  const frame = (now: number): void => {
    const k = Math.min(1, (now - start) / TWEEN_MS);
    const e = k < 0.5 ? 2 * k * k : 1 - (-2 * k + 2) ** 2 / 2;
    drawing.placePacket({ x: from.x + (to.x - from.x) * e, y: from.y + (to.y - from.y) * e } satisfies Point, failed && k === 1);
    tween = k < 1 ? requestAnimationFrame(frame) : undefined;
  };
  tween = requestAnimationFrame(frame);
}

/** goTo moves to a step: its hop in the list, on the drawing and in the rules (switching to the hop's node). */
function goTo(at: number, glide: boolean): void {
  const t = selectedTrace();
  if (!t) return;
  page.step = Math.max(-1, Math.min(at, t.hops.length - 1));
  const hop = currentHop();
  if (hop?.rule && hop.node && hop.node !== saved.rulesNode) showRules(hop.node, false);
  drawTrace();
  if (glide) placeAt(page.step, true);
  drawRoutes();
  highlightRules();
}

/** play starts or stops playing the selected trace, a hop every STEP_MS, until its last hop. */
export function play(on: boolean): void {
  playing = on;
  if (playTimer) clearTimeout(playTimer);
  playTimer = undefined;
  const t = selectedTrace();
  if (on && t) {
    const tick = (): void => {
      const tr = selectedTrace();
      if (!playing || !tr) return;
      if (page.step >= tr.hops.length - 1) {
        playing = false;
        drawTrace();
        return;
      }
      goTo(page.step + 1, true);
      playTimer = setTimeout(tick, STEP_MS);
    };
    playTimer = setTimeout(tick, page.step < 0 ? 300 : STEP_MS);
  }
  drawTrace();
}

/** selectTrace shows a trace from its source, playing it if start and it is done. */
export function selectTrace(name: string, start: boolean): void {
  saved.selectedTrace = name;
  save();
  page.step = -1;
  drawTraceList();
  play(false);
  drawTrace();
  highlightRules();
  const t = selectedTrace();
  if (start && t?.done) play(true);
}

prevButton.addEventListener('click', () => {
  play(false);
  goTo(page.step - 1, false);
});
nextButton.addEventListener('click', () => {
  play(false);
  goTo(page.step + 1, true);
});
playButton.addEventListener('click', () => {
  const t = selectedTrace();
  if (!playing && t && page.step >= t.hops.length - 1) page.step = -1;
  play(!playing);
});
hopList.addEventListener('keydown', (e) => {
  const t = selectedTrace();
  if (!t) return;
  const moves: Record<string, number> = { ArrowDown: page.step + 1, ArrowRight: page.step + 1, ArrowUp: page.step - 1, ArrowLeft: page.step - 1, Home: -1, End: t.hops.length - 1 };
  if (!(e.key in moves)) return;
  e.preventDefault();
  play(false);
  goTo(moves[e.key], e.key === 'ArrowDown' || e.key === 'ArrowRight');
});
