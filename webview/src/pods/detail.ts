/**
 * renderDetail draws the selected pod: where it runs, its containers, its
 * conditions as a timeline, the events about it and the tail of its log, with
 * buttons to describe it and follow its logs in the editor.
 */
import type { PodDetail } from '../shared/protocol';

type PodRef = { namespace: string; name: string };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function renderDetail(root: HTMLElement, d: PodDetail | undefined, describe: (pod: PodRef) => void, logs: (pod: PodRef) => void): void {
  root.classList.toggle('open', !!d);
  if (!d) {
    root.replaceChildren(el('p', 'hint', 'Select a pod to see its conditions, events and log.'));
    return;
  }
  const ref = { namespace: d.namespace, name: d.name };
  const head = el('header');
  head.append(el('h2', undefined, `${d.namespace}/${d.name}`));
  const actions = el('div', 'actions');
  for (const [label, run] of [['Describe', describe], ['Logs', logs]] as const) {
    const b = document.createElement('vscode-button');
    b.setAttribute('secondary', '');
    b.textContent = label;
    b.addEventListener('click', () => run(ref));
    actions.append(b);
  }
  head.append(actions);

  const facts = el('dl', 'facts');
  for (const [k, v] of [['Node', d.node || '<none>'], ['IP', d.podIP || '<none>'], ['QoS', d.qosClass]]) facts.append(el('dt', undefined, k), el('dd', undefined, v));

  const containers = el('section');
  containers.append(el('h3', undefined, 'Containers'));
  const cList = el('ul', 'containers');
  for (const c of d.containers) {
    const li = el('li', c.ready ? 'ready' : 'not-ready');
    li.append(el('span', `codicon ${c.ready ? 'codicon-pass-filled' : 'codicon-circle-large-outline'}`), el('strong', undefined, c.name), el('span', 'muted', ` ${c.image} · ${c.state}${c.restarts ? ` · ${c.restarts} restarts` : ''}`));
    cList.append(li);
  }
  containers.append(cList);

  const conditions = el('section');
  conditions.append(el('h3', undefined, 'Conditions'));
  const timeline = el('ol', 'timeline');
  timeline.setAttribute('aria-label', 'Conditions, oldest first');
  for (const c of d.conditions) {
    const li = el('li', c.status === 'True' ? 'true' : 'false');
    li.append(el('time', undefined, c.lastTransitionTime.replace('T', ' ').replace('Z', '')), el('strong', undefined, ` ${c.type}=${c.status}`));
    if (c.reason || c.message) li.append(el('span', 'muted', ` ${[c.reason, c.message].filter(Boolean).join(': ')}`));
    timeline.append(li);
  }
  conditions.append(timeline);

  const events = el('section');
  events.append(el('h3', undefined, 'Events'));
  const eList = el('ol', 'events');
  if (!d.events.length) eList.append(el('li', 'muted', '<none>'));
  for (const e of d.events) {
    const li = el('li', e.type === 'Warning' ? 'warning' : 'normal');
    li.append(el('span', `codicon ${e.type === 'Warning' ? 'codicon-warning' : 'codicon-info'}`), el('strong', undefined, ` ${e.reason}`), el('span', undefined, ` ${e.message}`));
    li.append(el('span', 'muted', ` ${e.source}${e.count > 1 ? ` ×${e.count}` : ''}`));
    eList.append(li);
  }
  events.append(eList);

  const log = el('section');
  log.append(el('h3', undefined, 'Log'));
  const pre = el('pre', 'log', d.logTail || '(empty)');
  pre.tabIndex = 0;
  pre.setAttribute('aria-label', `Last lines of ${d.name}'s log`);
  log.append(pre);

  root.replaceChildren(head, facts, containers, conditions, events, log);
}
