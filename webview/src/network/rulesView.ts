/**
 * rulesView is the Network panel's node tools: the chosen node's routes
 * (`ip route`) and its published kube-proxy rules, with the current hop's
 * route and the selected trace's rules highlighted.
 */
import type { NetworkRulesView } from '../shared/protocol';
import { h } from '../shared/dom';
import { ruleLines } from './networkState';
import { api, currentHop, page, reducedMotion, save, saved, selectedTrace, state } from './pageState';
import { scrollWithin, select } from './widgets';

/** tools is a node's tools: its routes and kube-proxy rules. */
export const tools = h('section', 'tools');
tools.setAttribute('aria-label', 'A node\'s routes and kube-proxy rules');
const toolsHead = h('div', 'tools-head');
/** rulesSelect picks the node whose tools are shown. */
export const rulesSelect = select('rules-node', 'Node');
const rulesMeta = h('span', 'muted');
toolsHead.append(h('h2', undefined, 'Node'), rulesSelect, rulesMeta);
const routesPre = h('pre', 'mono routes');
routesPre.tabIndex = 0;
routesPre.setAttribute('aria-label', 'ip route');
const rulesBody = h('div', 'rules');
tools.append(toolsHead, h('h3', undefined, 'ip route'), routesPre, rulesBody);

/** showRules asks for a node's rule set; from the drawing, it brings the tools into view. */
export function showRules(node: string, reveal: boolean): void {
  saved.rulesNode = node;
  save();
  if (rulesSelect.value !== node) rulesSelect.value = node;
  if (page.rulesNodeAsked !== node) {
    page.rulesNodeAsked = node;
    if (page.isLab) api.post({ type: 'rules', node });
  }
  drawRoutes();
  if (reveal) tools.scrollIntoView({ block: 'start', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
}

/** drawRoutes prints the node's routes, the current hop's route marked. */
export function drawRoutes(): void {
  const n = saved.rulesNode ? state.nodes.get(saved.rulesNode) : undefined;
  const hop = currentHop();
  const lines = n?.routes.map((r) => r.text) ?? [];
  // A route hop prints the route it took: that line is the current one.
  const current = n && hop?.type === 'route' && hop.node === n.name ? lines.findIndex((l) => hop.text.includes(l)) : -1;
  routesPre.replaceChildren(...lines.map((l, i) => h('span', i === current ? 'line current' : 'line', `${l}\n`)));
}

/** lineSpans are the spans of the rules shown, per section, for highlighting. */
let lineSpans: HTMLElement[][] = [];
/** drawRules prints the node's rule set, section by section, and highlights the selected trace's rules. */
export function drawRules(): void {
  if (!page.isLab) {
    rulesMeta.textContent = 'kube-proxy\'s rules are published by the lab\'s nodes only.';
    rulesBody.replaceChildren();
    lineSpans = [];
    return;
  }
  if (!page.rules) {
    rulesMeta.textContent = saved.rulesNode ? `${saved.rulesNode} has published no kube-proxy rules yet.` : '';
    rulesBody.replaceChildren();
    lineSpans = [];
    return;
  }
  rulesMeta.textContent = `kube-proxy ${page.rules.mode} · ${page.rules.services} services · ${page.rules.endpoints} endpoints · sync ${page.rules.syncs}${page.rules.lastSyncTime ? ` at ${page.rules.lastSyncTime}` : ''}${page.rules.truncated ? ' · truncated' : ''}`;
  lineSpans = [];
  rulesBody.replaceChildren(...page.rules.sections.map((s) => {
    const section = h('section', 'rules-section');
    const pre = h('pre', 'mono');
    pre.tabIndex = 0;
    pre.setAttribute('aria-label', s.title);
    const spans = s.text.split('\n').map((l) => h('span', 'line', `${l}\n`));
    pre.append(...spans);
    lineSpans.push(spans);
    section.append(h('h3', undefined, s.title), pre);
    return section;
  }));
  highlightRules();
}

/** highlightRules marks every rule of the selected trace on the shown node, and the current hop's more strongly. */
export function highlightRules(): void {
  for (const spans of lineSpans) for (const s of spans) s.classList.remove('matched', 'current');
  const trace = selectedTrace();
  if (!trace || !page.rules) return;
  let first: HTMLElement | undefined;
  trace.hops.forEach((hop, i) => {
    const found = ruleLines(page.rules as NetworkRulesView, hop);
    if (!found) return;
    for (const line of found.lines) {
      const span = lineSpans[found.section]?.[line];
      if (!span) continue;
      span.classList.add('matched');
      if (i === page.step) {
        span.classList.add('current');
        first ??= span;
      }
    }
  });
  if (first?.parentElement) scrollWithin(first.parentElement, first);
}

rulesSelect.addEventListener('change', () => showRules(rulesSelect.value, false));
