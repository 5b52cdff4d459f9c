/**
 * The Request flow panel's page: an editor to compose a manifest, Send and
 * Dry-run buttons, and the flow the host reports — each document's request
 * through the API server's stages, then the reactions down the chain as they
 * happen. A pure view of the host's messages, drawn once per animation frame.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '../shared/base.css';
import './flow.css';
import type { ClusterState, FlowFromPanel, FlowPanelState, FlowReaction, FlowStep, FlowToPanel, FlowView } from '../shared/protocol';
import { onMessage, panelApi } from '../shared/vscodeApi';
import { h } from '../shared/dom';
import { type ManifestEditor, TextAreaEditor } from './editor';
import { renderChain, renderReaction, renderRequest } from './render';
import { stampStyleNonce } from './styleNonce';

/** page is this bundle's <script>: the page's nonce, and where the extension's files are (Monaco's workers sit beside it). */
const page = document.currentScript as HTMLScriptElement | null;

/** SAMPLE is the manifest a new panel starts with: the seeds' Deployment. */
const SAMPLE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports:
            - containerPort: 80
`;

const api = panelApi<FlowFromPanel, FlowPanelState>();
const saved: FlowPanelState = api.state() ?? { text: SAMPLE };

let clusterState: ClusterState = 'stopped';
let clusterName = '';
let flow: FlowView | undefined;
let reactions: FlowReaction[] = [];
let sending = false;

const app = document.getElementById('app') as HTMLElement;
const toolbar = h('header', 'toolbar');
const title = h('span', 'cluster');
const send = document.createElement('vscode-button');
send.id = 'send';
send.textContent = 'Send';
send.setAttribute('icon', 'send');
send.title = 'Apply the manifests (Ctrl+Enter)';
const dryRun = document.createElement('vscode-button');
dryRun.id = 'dry-run';
dryRun.textContent = 'Dry-run';
dryRun.setAttribute('secondary', '');
dryRun.title = 'Send with dryRun=All: every stage runs, nothing is stored';
const startButton = document.createElement('vscode-button');
startButton.id = 'start';
startButton.textContent = 'Start Lab';
startButton.setAttribute('secondary', '');
const status = h('span', 'status');
status.setAttribute('role', 'status');
status.setAttribute('aria-live', 'polite');
toolbar.append(title, send, dryRun, startButton, status);

let editor: ManifestEditor = new TextAreaEditor(saved.text);
let schema: unknown;
const editorPane = h('section', 'editor');
editorPane.setAttribute('aria-label', 'Manifest');
editorPane.append(editor.element);

const flowPane = h('section', 'flow');
flowPane.setAttribute('aria-label', 'Request flow');
const requests = h('div', 'requests');
const reactionsHead = h('h2', undefined, 'Reactions');
const chainHolder = h('div', 'chain-holder');
const timeline = h('ol', 'timeline');
timeline.setAttribute('aria-label', 'Reactions, as they happen');
const reactionsHint = h('p', 'muted');
flowPane.append(requests, reactionsHead, chainHolder, reactionsHint, timeline);

const layout = h('main', 'layout');
layout.append(editorPane, flowPane);
app.append(toolbar, layout);

function post(dry: boolean): void {
  if (sending || clusterState !== 'running') return;
  api.post({ type: 'send', text: editor.getValue(), dryRun: dry });
}
send.addEventListener('click', () => post(false));
dryRun.addEventListener('click', () => post(true));
startButton.addEventListener('click', () => api.post({ type: 'startLab' }));
function listen(e: ManifestEditor): void {
  e.onSubmit(() => post(false));
  e.onDidChange(() => {
    saved.text = e.getValue();
    api.save(saved);
  });
}
listen(editor);

/**
 * loadMonaco puts Monaco with monaco-yaml (completion, validation and hovers
 * from the schema) in the plain editor's place, with what was typed so far. The
 * plain editor stays if Monaco cannot start, and the console says why.
 */
async function loadMonaco(): Promise<void> {
  if (!page?.src) return;
  try {
    stampStyleNonce(page.nonce ?? '');
    const { createMonacoEditor } = await import('./monacoEditor.js');
    const monacoEditor = await createMonacoEditor(editor.getValue(), { editor: new URL('editor.worker.js', page.src).href, yaml: new URL('yaml.worker.js', page.src).href });
    // What was typed while the workers were fetched.
    monacoEditor.setValue(editor.getValue());
    const focused = editor.element.contains(document.activeElement);
    if (schema !== undefined) monacoEditor.setSchema(schema);
    listen(monacoEditor);
    editor.element.replaceWith(monacoEditor.element);
    editor = monacoEditor;
    if (focused) editor.focus();
  } catch (err) {
    console.warn(`KubeLab: the Monaco editor did not load, so the plain editor stays: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

function drawState(): void {
  const running = clusterState === 'running';
  title.textContent = clusterName ? `${clusterName} · ${clusterState}` : clusterState;
  startButton.hidden = clusterState !== 'stopped';
  for (const b of [send, dryRun]) b.toggleAttribute('disabled', !running || sending);
  if (sending) status.textContent = 'Sending…';
  else if (!running) status.textContent = clusterState === 'stopped' ? 'The cluster is not running: start it to send.' : `The cluster is ${clusterState}…`;
  else status.textContent = flow ? flowSummary(flow) : 'Compose a manifest, then Send or Dry-run it.';
}

function flowSummary(f: FlowView): string {
  if (f.error) return f.error;
  const failed = f.requests.filter((r) => r.outcome === 'failed').length;
  const n = f.requests.length;
  return `${f.dryRun ? 'Dry run: ' : ''}${n} ${n === 1 ? 'request' : 'requests'}${failed ? `, ${failed} refused` : ''}`;
}

function drawFlow(): void {
  if (!flow) {
    requests.replaceChildren(h('p', 'muted', 'Each document of the manifest becomes one request; its flow through the API server shows here.'));
  } else if (flow.error) {
    requests.replaceChildren(h('p', 'error', flow.error));
  } else {
    requests.replaceChildren(...flow.requests.map(renderRequest));
  }
  timeline.replaceChildren(...reactions.map(renderReaction));
  drawChain();
}

function drawChain(): void {
  const counts = new Map<FlowStep, number>();
  for (const x of reactions) counts.set(x.step, (counts.get(x.step) ?? 0) + 1);
  chainHolder.replaceChildren(renderChain(counts));
  const written = flow && !flow.dryRun && flow.requests.some((r) => r.revision !== undefined);
  reactionsHint.textContent = !flow ? '' : flow.dryRun ? 'A dry run stores nothing, so nothing reacts.' : !written ? 'Nothing was stored, so nothing reacts.' : reactions.length ? '' : 'Watching what the cluster does next…';
  reactionsHead.hidden = chainHolder.hidden = !flow;
}

// Reactions arrive in bursts: they are kept as they come and drawn once per frame.
let queued: FlowReaction[] = [];
let frame = 0;
function addReactions(more: FlowReaction[]): void {
  reactions.push(...more);
  queued.push(...more);
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const rows = queued.map((x) => {
      const row = renderReaction(x);
      row.classList.add('appear');
      return row;
    });
    queued = [];
    timeline.append(...rows);
    drawChain();
  });
}

onMessage<FlowToPanel>((m) => {
  switch (m.type) {
    case 'snapshot':
      clusterState = m.state;
      clusterName = m.cluster;
      schema = m.schema;
      editor.setSchema(m.schema);
      flow = m.flow;
      reactions = [...m.reactions];
      sending = false;
      drawFlow();
      drawState();
      return;
    case 'state':
      clusterState = m.state;
      clusterName = m.cluster;
      if (m.state !== 'running') sending = false;
      drawState();
      return;
    case 'sending':
      sending = true;
      drawState();
      return;
    case 'flow':
      sending = false;
      flow = m.flow;
      reactions = [];
      queued = [];
      drawFlow();
      drawState();
      return;
    case 'reactions':
      if (flow?.id === m.flow) addReactions(m.reactions);
      return;
  }
});

drawFlow();
drawState();
api.post({ type: 'ready' });
void loadMonaco();

// Tests read what was drawn through this hook; the page itself never uses it.
(window as unknown as { kubelabFlow?: unknown }).kubelabFlow = { flow: () => flow, reactions: () => reactions, editor: () => editor };
