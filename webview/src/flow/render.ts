/**
 * render draws a request's flow through the API server — authentication,
 * authorization with the RBAC rule, each mutating plugin's patch as a diff,
 * validation, each validating plugin and policy expression, the key, revision
 * and watchers of the write — and the reactions down the chain.
 */
import type { FlowEvaluation, FlowPatchOperation, FlowPlugin, FlowReaction, FlowRequest, FlowRule, FlowStage, FlowStep } from '../shared/protocol';
import { h } from '../shared/dom';

function icon(name: string, label?: string): HTMLElement {
  const i = h('span', `codicon codicon-${name}`);
  if (label) {
    i.setAttribute('role', 'img');
    i.setAttribute('aria-label', label);
  } else {
    i.setAttribute('aria-hidden', 'true');
  }
  return i;
}

const RESULT_ICON: Record<FlowStage['result'], string> = { ok: 'pass', rejected: 'error', skipped: 'circle-slash' };

/** STAGE_TITLES name the stages as the seeds' apply flow does. */
const STAGE_TITLES: Record<string, string> = {
  authentication: 'Authentication',
  impersonation: 'Impersonation',
  authorization: 'Authorization',
  decode: 'Decode and defaults',
  'mutating admission': 'Mutating admission',
  validation: 'Schema and semantic validation',
  'validating admission': 'Validating admission',
  persist: 'Persist to etcd',
};

/** renderRequest draws one document's request: its answer, then each stage of the pipeline in order. */
export function renderRequest(r: FlowRequest): HTMLElement {
  const section = h('section', `request ${r.outcome}`);
  section.setAttribute('aria-label', `Request for ${r.ref}`);
  const head = h('header');
  head.append(icon(r.outcome === 'failed' ? 'error' : 'pass', r.outcome), h('span', 'summary', r.summary));
  const facts = h('span', 'facts', `${r.verb.toUpperCase()} ${r.path} → ${r.code}${r.durationMs ? ` · ${formatMs(r.durationMs)}` : ''}`);
  head.append(facts);
  section.append(head);
  if (!r.stages.length) {
    section.append(h('p', 'muted', r.trace === '' && r.code ? 'This cluster keeps no request traces: only the answer is known.' : 'Nothing was sent: the request was refused before reaching the API server.'));
    return section;
  }
  const list = h('ol', 'stages');
  for (const s of r.stages) list.append(renderStage(s, r));
  section.append(list);
  if (r.rejected) {
    const who = r.rejected.plugin ? `${r.rejected.plugin} (${r.rejected.stage})` : r.rejected.stage;
    section.append(h('p', 'rejected-by', `Rejected at ${who}: ${r.message}`));
  }
  return section;
}

function renderStage(s: FlowStage, r: FlowRequest): HTMLElement {
  const li = h('li', `stage ${s.result}`);
  li.dataset.stage = s.name;
  const head = h('div', 'stage-head');
  head.append(icon(RESULT_ICON[s.result], s.result), h('span', 'stage-name', STAGE_TITLES[s.name] ?? s.name), h('span', 'duration', formatMs(s.durationMs)));
  li.append(head);
  const body = h('div', 'stage-body');
  switch (s.name) {
    case 'authentication':
      body.append(line(s.result === 'ok' ? `User "${r.user || s.detail}"` : s.detail), line(r.groups.length ? `groups: ${r.groups.join(', ')}` : ''));
      break;
    case 'authorization':
      body.append(line(authorizationText(s, r)));
      if (s.rule) body.append(renderRule(s.rule));
      break;
    case 'persist':
      body.append(line(s.result === 'ok' ? `wrote ${s.key ?? 'the object'} at revision ${r.revision ?? ''}` : s.detail));
      if (s.watchers !== undefined) body.append(line(`${s.watchers} ${s.watchers === 1 ? 'watch was' : 'watches were'} told (informers of controllers, scheduler, kubelets, kube-proxy, the editor)`));
      break;
    default:
      if (s.detail) body.append(line(s.detail));
  }
  if (s.plugins.length) {
    const plugins = h('ul', 'plugins');
    for (const p of s.plugins) plugins.append(renderPlugin(p));
    body.append(plugins);
  }
  if (body.childNodes.length) li.append(body);
  return li;
}

function authorizationText(s: FlowStage, r: FlowRequest): string {
  if (s.result !== 'ok') return s.detail || 'no authorizer allowed the request';
  if (s.detail) return s.detail;
  // kube-apiserver's privileged-group authorizer allows system:masters before Node and RBAC are asked, and gives no reason.
  if (r.groups.includes('system:masters')) return 'allowed: a member of system:masters, which kube-apiserver allows every request before asking RBAC';
  return 'allowed (the authorizer gave no reason)';
}

function renderRule(rule: FlowRule): HTMLElement {
  const dl = h('dl', 'rule');
  dl.setAttribute('aria-label', 'The RBAC rule that allowed it');
  const rows: [string, string[]][] = [['verbs', rule.verbs], ['apiGroups', rule.apiGroups.map((g) => (g === '' ? '""' : g))], ['resources', rule.resources], ['resourceNames', rule.resourceNames], ['nonResourceURLs', rule.nonResourceURLs]];
  for (const [k, v] of rows) if (v.length) dl.append(h('dt', undefined, k), h('dd', undefined, `[${v.join(', ')}]`));
  return dl;
}

function renderPlugin(p: FlowPlugin): HTMLElement {
  const li = h('li', `plugin ${p.verdict}${p.patch.length ? ' patched' : ''}`);
  const head = h('div', 'plugin-head');
  const mark = p.verdict === 'denied' ? icon('error', 'denied') : p.patch.length ? icon('diff', 'changed the object') : icon('check', 'admitted');
  head.append(mark, h('span', 'plugin-name', p.name), h('span', 'duration', formatMs(p.durationMs)));
  li.append(head);
  if (p.message) li.append(h('div', 'plugin-message', p.message));
  if (p.patch.length) li.append(renderPatch(p.patch));
  if (p.evaluations.length) {
    const ul = h('ul', 'evaluations');
    for (const e of p.evaluations) ul.append(renderEvaluation(e));
    li.append(ul);
  }
  return li;
}

/** renderPatch shows a JSON patch as a diff: + added, - removed, ~ replaced. */
export function renderPatch(patch: readonly FlowPatchOperation[]): HTMLElement {
  const pre = h('pre', 'diff');
  pre.setAttribute('aria-label', 'Patch');
  for (const op of patch) pre.append(h('span', `diff-${op.op}`, `${patchLine(op)}\n`));
  return pre;
}

export function patchLine(op: FlowPatchOperation): string {
  const value = op.value === undefined ? '' : `: ${JSON.stringify(op.value)}`;
  switch (op.op) {
    case 'add': return `+ ${op.path}${value}`;
    case 'remove': return `- ${op.path}`;
    case 'replace': return `~ ${op.path}${value}`;
    case 'move': return `> ${op.from ?? ''} → ${op.path}`;
    case 'copy': return `= ${op.from ?? ''} → ${op.path}`;
    default: return `? ${op.op} ${op.path}${value}`;
  }
}

function renderEvaluation(e: FlowEvaluation): HTMLElement {
  const li = h('li', `evaluation ${e.result}`);
  const mark = e.result === 'true' ? icon('pass', 'true') : e.result === 'false' ? icon('error', 'false') : icon('warning', 'error');
  const where = h('span', 'policy', `${e.policy} · ${e.binding} [${e.actions.join(', ')}]`);
  li.append(mark, h('code', 'cel', e.expression), h('span', 'result', `→ ${e.result}`), where);
  if (e.message && e.result !== 'true') li.append(h('div', 'plugin-message', e.message));
  return li;
}

/** STEPS is the chain in the seeds' order. */
export const STEPS: readonly { step: FlowStep; title: string; icon: string }[] = [
  { step: 'controller', title: 'Controller', icon: 'gear' },
  { step: 'replicaset', title: 'ReplicaSet', icon: 'layers' },
  { step: 'pods', title: 'Pods', icon: 'package' },
  { step: 'scheduler', title: 'Scheduler', icon: 'server-process' },
  { step: 'kubelet', title: 'Kubelet', icon: 'server' },
  { step: 'endpoints', title: 'Endpoints', icon: 'plug' },
  { step: 'kube-proxy', title: 'kube-proxy', icon: 'arrow-swap' },
];

/** renderChain is the strip of steps, each lit with how many reactions it had. */
export function renderChain(counts: ReadonlyMap<FlowStep, number>): HTMLElement {
  const ol = h('ol', 'chain');
  ol.setAttribute('aria-label', 'Reactions down the chain');
  for (const s of STEPS) {
    const n = counts.get(s.step) ?? 0;
    const li = h('li', n ? 'lit' : '');
    li.dataset.step = s.step;
    li.append(icon(s.icon), h('span', undefined, s.title), h('span', 'count', String(n)));
    li.setAttribute('aria-label', `${s.title}: ${n} ${n === 1 ? 'reaction' : 'reactions'}`);
    ol.append(li);
  }
  return ol;
}

/** renderReaction is one row of the timeline. */
export function renderReaction(x: FlowReaction): HTMLElement {
  const li = h('li', `reaction step-${x.step}${x.warning ? ' warning' : ''}`);
  li.dataset.step = x.step;
  li.append(
    h('time', 'at', clockTime(x.at)),
    h('span', 'step', STEPS.find((s) => s.step === x.step)?.title ?? x.step),
    h('span', 'component', x.component),
    h('span', 'reason', x.reason),
    h('span', 'object', x.object),
    h('span', 'message', x.message),
  );
  li.querySelector('time')?.setAttribute('datetime', x.at);
  return li;
}

/** clockTime is an RFC 3339 timestamp's time of day (UTC, as the cluster writes them). */
function clockTime(at: string): string {
  const m = /T(\d\d:\d\d:\d\d(?:\.\d{1,3})?)/.exec(at);
  return m ? m[1] : at;
}

function line(text: string): HTMLElement {
  return h('div', 'line', text);
}

function formatMs(ms: number): string {
  return ms >= 1 ? `${ms.toFixed(1)} ms` : `${Math.round(ms * 1000)} µs`;
}
