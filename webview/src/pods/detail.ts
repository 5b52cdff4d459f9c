/**
 * renderDetail draws the selected pod: where it runs, its containers, its
 * conditions as a timeline, the events about it and the tail of its log, with
 * buttons to describe it and follow its logs in the editor.
 */
import type { PodDetail } from '../shared/protocol';
import { h } from '../shared/dom';

type PodRef = { namespace: string; name: string };

export function renderDetail(root: HTMLElement, d: PodDetail | undefined, describe: (pod: PodRef) => void, logs: (pod: PodRef) => void): void {
  root.classList.toggle('open', !!d);
  if (!d) {
    root.replaceChildren(h('p', 'hint', 'Select a pod to see its conditions, events and log.'));
    return;
  }
  const ref = { namespace: d.namespace, name: d.name };
  const head = h('header');
  head.append(h('h2', undefined, `${d.namespace}/${d.name}`));
  const actions = h('div', 'actions');
  for (const [label, run] of [['Describe', describe], ['Logs', logs]] as const) {
    const b = document.createElement('vscode-button');
    b.setAttribute('secondary', '');
    b.textContent = label;
    b.addEventListener('click', () => run(ref));
    actions.append(b);
  }
  head.append(actions);

  const facts = h('dl', 'facts');
  for (const [k, v] of [['Node', d.node || '<none>'], ['IP', d.podIP || '<none>'], ['QoS', d.qosClass]]) facts.append(h('dt', undefined, k), h('dd', undefined, v));

  const containers = h('section');
  containers.append(h('h3', undefined, 'Containers'));
  const cList = h('ul', 'containers');
  for (const c of d.containers) {
    const li = h('li', c.ready ? 'ready' : 'not-ready');
    li.append(h('span', `codicon ${c.ready ? 'codicon-pass-filled' : 'codicon-circle-large-outline'}`), h('strong', undefined, c.name), h('span', 'muted', ` ${c.image} · ${c.state}${c.restarts ? ` · ${c.restarts} restarts` : ''}`));
    cList.append(li);
  }
  containers.append(cList);

  const conditions = h('section');
  conditions.append(h('h3', undefined, 'Conditions'));
  const timeline = h('ol', 'timeline');
  timeline.setAttribute('aria-label', 'Conditions, oldest first');
  for (const c of d.conditions) {
    const li = h('li', c.status === 'True' ? 'true' : 'false');
    li.append(h('time', undefined, c.lastTransitionTime.replace('T', ' ').replace('Z', '')), h('strong', undefined, ` ${c.type}=${c.status}`));
    if (c.reason || c.message) li.append(h('span', 'muted', ` ${[c.reason, c.message].filter(Boolean).join(': ')}`));
    timeline.append(li);
  }
  conditions.append(timeline);

  const events = h('section');
  events.append(h('h3', undefined, 'Events'));
  const eList = h('ol', 'events');
  if (!d.events.length) eList.append(h('li', 'muted', '<none>'));
  for (const e of d.events) {
    const li = h('li', e.type === 'Warning' ? 'warning' : 'normal');
    li.append(h('span', `codicon ${e.type === 'Warning' ? 'codicon-warning' : 'codicon-info'}`), h('strong', undefined, ` ${e.reason}`), h('span', undefined, ` ${e.message}`));
    li.append(h('span', 'muted', ` ${e.source}${e.count > 1 ? ` ×${e.count}` : ''}`));
    eList.append(li);
  }
  events.append(eList);

  const log = h('section');
  log.append(h('h3', undefined, 'Log'));
  const pre = h('pre', 'log', d.logTail || '(empty)');
  pre.tabIndex = 0;
  pre.setAttribute('aria-label', `Last lines of ${d.name}'s log`);
  log.append(pre);

  root.replaceChildren(head, facts, containers, conditions, events, log);
}
