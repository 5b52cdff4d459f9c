/**
 * renderDecision draws one scheduling attempt the way the seeds draw filter
 * and score: a table of nodes × filter plugins (✓ passed, ✗ rejected with the
 * reasons, – not run because an earlier plugin rejected the node), a table of
 * the feasible nodes' scores per plugin (raw, normalized, weighted) with the
 * totals, the winner highlighted, and what preemption did. Plugin names carry
 * the legacy predicates and priorities they replaced.
 */
import type { DecisionView, SchedulerPluginName } from '../shared/protocol';
import { h } from '../shared/dom';

/** pluginHeader is a column's heading: the plugin, and below it the old names. */
function pluginHeader(p: SchedulerPluginName, extra?: string): HTMLTableCellElement {
  const th = h('th');
  th.scope = 'col';
  th.append(h('span', 'plugin', p.name));
  if (extra) th.append(h('span', 'weight', extra));
  if (p.legacy.length) th.append(h('span', 'legacy', p.legacy.join(', ')));
  th.title = p.legacy.length ? `${p.name} (formerly ${p.legacy.join(', ')})` : p.name;
  return th;
}

function nodeCell(node: string, winner: boolean): HTMLTableCellElement {
  const th = h('th');
  th.scope = 'row';
  if (winner) {
    const star = h('span', 'codicon codicon-star-full');
    star.setAttribute('aria-label', 'chosen');
    th.append(star, document.createTextNode(' '));
  }
  th.append(document.createTextNode(node));
  return th;
}

function filterTable(d: DecisionView): HTMLElement {
  const section = h('section', 'filter');
  section.append(h('h3', undefined, `Filter · ${d.nodes.feasible} of ${d.nodes.total} nodes feasible`));
  if (d.nodes.evaluated < d.nodes.total) {
    section.append(h('p', 'muted', `Evaluated ${d.nodes.evaluated} of ${d.nodes.total} nodes, starting at node index ${d.nodes.startIndex}; the search stops once enough feasible nodes are found (percentageOfNodesToScore).`));
  }
  // Skipping is the common case (the pod asks nothing of the plugin): one line names them all.
  const skipped = d.preFilter.filter((p) => p.code === 'Skip').map((p) => p.plugin);
  if (skipped.length) section.append(h('p', 'prefilter muted', `PreFilter skipped (nothing to check for this pod): ${skipped.join(', ')}`));
  for (const p of d.preFilter.filter((x) => x.code !== 'Skip')) {
    const what = p.nodeNames !== undefined ? `narrowed the nodes to ${p.nodeNames}` : p.reasons.length ? `${p.code}: ${p.reasons.join(', ')}` : p.code;
    section.append(h('p', 'prefilter', `PreFilter ${p.plugin}: ${what}`));
  }
  const other = d.filterRows.some((r) => r.failedAt >= d.filterPlugins.length);
  const table = h('table', 'grid');
  table.setAttribute('aria-label', 'Filter verdicts: nodes by filter plugins');
  const head = h('tr');
  const corner = h('th', undefined, 'Node');
  corner.scope = 'col';
  head.append(corner, ...d.filterPlugins.map((p) => pluginHeader(p)));
  if (other) head.append(pluginHeader({ name: 'Other', legacy: [] }));
  table.append(h('thead'), h('tbody'));
  (table.tHead as HTMLTableSectionElement).append(head);
  const body = table.tBodies[0];
  const columns = d.filterPlugins.length + (other ? 1 : 0);
  for (const r of d.filterRows) {
    const tr = h('tr', r.node === d.node ? 'winner' : r.failedAt >= 0 ? 'rejected' : 'feasible');
    tr.append(nodeCell(r.node, r.node === d.node));
    for (let i = 0; i < columns; i++) {
      const passed = r.failedAt < 0 || i < r.failedAt;
      const failed = i === r.failedAt;
      const td = h('td', passed ? 'pass' : failed ? 'fail' : 'skip');
      if (passed) {
        td.textContent = '✓';
        td.setAttribute('aria-label', 'passed');
      } else if (failed) {
        td.append(h('span', 'mark', '✗'), h('span', 'reasons', ` ${r.reasons.join(', ') || r.code}`));
        td.title = `${r.code}: ${r.reasons.join(', ')}`;
      } else {
        td.textContent = '–';
        td.setAttribute('aria-label', 'not run');
      }
      tr.append(td);
    }
    body.append(tr);
  }
  if (d.absent) {
    const tr = h('tr', 'absent');
    const td = h('td', undefined, `${d.absent.count} ${d.absent.count === 1 ? 'node' : 'nodes'} not filtered: ${d.absent.reasons.join(', ') || d.absent.code}`);
    td.colSpan = columns + 1;
    tr.append(td);
    body.append(tr);
  }
  section.append(table);
  if (d.omitted.filter) section.append(h('p', 'muted', `${d.omitted.filter} more nodes not listed.`));
  return section;
}

function scoreTable(d: DecisionView): HTMLElement {
  const section = h('section', 'score');
  section.append(h('h3', undefined, 'Score'));
  if (!d.scoreRows.length) {
    section.append(h('p', 'muted', d.nodes.feasible === 1 ? 'One feasible node: nothing to score.' : 'No node passed the filters: nothing was scored.'));
    return section;
  }
  const table = h('table', 'grid');
  table.setAttribute('aria-label', 'Scores: feasible nodes by score plugins; raw, normalized, weighted');
  const head = h('tr');
  const corner = h('th', undefined, 'Node');
  corner.scope = 'col';
  const total = h('th', undefined, 'Total');
  total.scope = 'col';
  head.append(corner, ...d.scorePlugins.map((p) => pluginHeader(p, `×${p.weight}`)), total);
  table.append(h('thead'), h('tbody'));
  (table.tHead as HTMLTableSectionElement).append(head);
  for (const r of d.scoreRows) {
    const tr = h('tr', r.node === d.node ? 'winner' : '');
    tr.append(nodeCell(r.node, r.node === d.node));
    d.scorePlugins.forEach((p, j) => {
      const td = h('td', 'score-cell');
      td.append(h('span', 'weighted', String(r.weighted[j])), h('span', 'parts', `raw ${r.raw[j]} · norm ${r.normalized[j]}`));
      td.title = `${p.name}: raw ${r.raw[j]}, normalized ${r.normalized[j]}, × weight ${p.weight} = ${r.weighted[j]}`;
      tr.append(td);
    });
    tr.append(h('td', 'total', String(r.total)));
    table.tBodies[0].append(tr);
  }
  section.append(table);
  if (d.omitted.score) section.append(h('p', 'muted', `${d.omitted.score} more nodes not listed.`));
  return section;
}

function preemption(d: DecisionView): HTMLElement | undefined {
  const p = d.preemption;
  if (!p) return undefined;
  const section = h('section', 'preemption');
  section.append(h('h3', undefined, 'Preemption'));
  if (p.nominatedNode) section.append(h('p', undefined, `Nominated node: ${p.nominatedNode}`));
  if (p.message) section.append(h('p', 'muted', p.message));
  if (p.victims.length) {
    const list = h('ul', 'victims');
    list.setAttribute('aria-label', 'Victims');
    for (const v of p.victims) {
      const li = h('li');
      li.append(h('span', 'codicon codicon-trash'), document.createTextNode(` ${v.namespace}/${v.name}`));
      list.append(li);
    }
    section.append(h('p', undefined, 'Victims:'), list);
  }
  return section;
}

export function renderDecision(root: HTMLElement, d: DecisionView | undefined): void {
  if (!d) {
    root.replaceChildren(h('p', 'muted', 'No attempt is kept for this pod: the scheduler has not tried it yet, or its decisions were overwritten.'));
    return;
  }
  const head = h('p', 'attempt');
  const result = h('span', `result ${d.result.toLowerCase()}`, d.result);
  head.append(h('strong', undefined, `Attempt ${d.attempt} `), result, document.createTextNode(` · ${d.time.replace('T', ' ').replace('Z', '')} · profile ${d.profile}${d.node ? ` · chose ${d.node}` : ''}`));
  const parts: HTMLElement[] = [head];
  if (d.message) parts.push(h('p', 'message', d.message));
  parts.push(filterTable(d), scoreTable(d));
  const pre = preemption(d);
  if (pre) parts.push(pre);
  root.replaceChildren(...parts);
}
