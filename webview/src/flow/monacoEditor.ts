/**
 * MonacoEditor is the Request flow panel's manifest editor when Monaco loads:
 * VS Code's editor with monaco-yaml, which completes, validates (problem
 * markers) and explains (hovers) manifests against the schema of the common
 * kinds the host sends. Only the editor core, the contributions a YAML editor
 * uses and the YAML language are bundled, not Monaco's every language. Its two
 * workers (Monaco's editor worker, monaco-yaml's language worker) are files of
 * the extension beside the panel's bundle; it follows VS Code's theme and
 * editor font.
 */
import 'monaco-editor/esm/vs/editor/browser/coreCommands.js';
import 'monaco-editor/esm/vs/editor/contrib/bracketMatching/browser/bracketMatching.js';
import 'monaco-editor/esm/vs/editor/contrib/clipboard/browser/clipboard.js';
import 'monaco-editor/esm/vs/editor/contrib/comment/browser/comment.js';
import 'monaco-editor/esm/vs/editor/contrib/contextmenu/browser/contextmenu.js';
import 'monaco-editor/esm/vs/editor/contrib/cursorUndo/browser/cursorUndo.js';
import 'monaco-editor/esm/vs/editor/contrib/find/browser/findController.js';
import 'monaco-editor/esm/vs/editor/contrib/folding/browser/folding.js';
import 'monaco-editor/esm/vs/editor/contrib/format/browser/formatActions.js';
import 'monaco-editor/esm/vs/editor/contrib/gotoError/browser/gotoError.js';
import 'monaco-editor/esm/vs/editor/contrib/hover/browser/hoverContribution.js';
import 'monaco-editor/esm/vs/editor/contrib/indentation/browser/indentation.js';
import 'monaco-editor/esm/vs/editor/contrib/lineSelection/browser/lineSelection.js';
import 'monaco-editor/esm/vs/editor/contrib/linesOperations/browser/linesOperations.js';
import 'monaco-editor/esm/vs/editor/contrib/multicursor/browser/multicursor.js';
import 'monaco-editor/esm/vs/editor/contrib/smartSelect/browser/smartSelect.js';
import 'monaco-editor/esm/vs/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-editor/esm/vs/editor/contrib/toggleTabFocusMode/browser/toggleTabFocusMode.js';
import 'monaco-editor/esm/vs/editor/contrib/wordHighlighter/browser/wordHighlighter.js';
import 'monaco-editor/esm/vs/editor/contrib/wordOperations/browser/wordOperations.js';
import 'monaco-editor/esm/vs/base/browser/ui/codicons/codiconStyles.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import type { MonacoYaml, MonacoYamlOptions, configureMonacoYaml } from 'monaco-yaml' with { 'resolution-mode': 'import' };
import type { ManifestEditor } from './editor';
import { editorFont, themeBase, themeColors, watchTheme } from './vscodeTheme';

/** WorkerScripts are the workers' bundles, as webview resource URLs. */
export interface WorkerScripts {
  editor: string;
  yaml: string;
}

/**
 * createMonacoEditor fetches the workers' scripts, then builds the editor; it
 * fails (and the page keeps its plain editor) if they cannot be fetched, as
 * Monaco without its workers would neither complete nor validate.
 */
export async function createMonacoEditor(text: string, workers: WorkerScripts): Promise<MonacoEditor> {
  // monaco-yaml is an ES module only, which this (CommonJS-typed) file may reach by import() alone; the bundle inlines it.
  const [editor, yaml, { configureMonacoYaml }] = await Promise.all([workerBlob(workers.editor), workerBlob(workers.yaml), import('monaco-yaml')]);
  useWorkers({ editor, yaml });
  return new MonacoEditor(text, configureMonacoYaml);
}

const THEME = 'kubelab';
/** SCHEMA_URI names the schema in hovers; the schema itself travels in the snapshot, nothing is fetched. */
const SCHEMA_URI = 'kubelab:/schemas/manifest.json';
const MODEL_URI = 'inmemory://kubelab/manifest.yaml';
const ARIA_LABEL = 'Manifest (YAML). Ctrl+Enter sends it.';

export class MonacoEditor implements ManifestEditor {
  readonly element: HTMLElement;
  private readonly editor: monaco.editor.IStandaloneCodeEditor;
  private readonly model: monaco.editor.ITextModel;
  private readonly submitted: (() => void)[] = [];
  private yaml?: MonacoYaml;
  private schemaText = '';

  /** The constructor is createMonacoEditor's, once Monaco knows where its workers are. */
  constructor(text: string, private readonly configureYaml: typeof configureMonacoYaml) {
    this.element = document.createElement('div');
    this.element.className = 'manifest monaco';
    this.element.id = 'manifest';
    this.model = monaco.editor.createModel(text, 'yaml', monaco.Uri.parse(MODEL_URI));
    this.editor = monaco.editor.create(this.element, {
      model: this.model,
      ariaLabel: ARIA_LABEL,
      automaticLayout: true,
      // Suggestions and hovers may reach past the editor's box into the flow beside it.
      fixedOverflowWidgets: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      tabSize: 2,
      insertSpaces: true,
      detectIndentation: false,
      quickSuggestions: { other: true, comments: false, strings: true },
      theme: applyTheme(),
      ...pageFont(),
    });
    watchTheme(() => {
      applyTheme();
      this.editor.updateOptions(pageFont());
    });
    this.editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => {
      for (const l of this.submitted) l();
    });
  }

  getValue(): string {
    return this.model.getValue();
  }

  setValue(text: string): void {
    if (text !== this.model.getValue()) this.model.setValue(text);
  }

  onDidChange(listener: () => void): void {
    this.model.onDidChangeContent(() => listener());
  }

  onSubmit(listener: () => void): void {
    this.submitted.push(listener);
  }

  setSchema(schema: unknown): void {
    // Every snapshot carries the schema; a new one restarts the YAML worker, the same one changes nothing.
    const text = JSON.stringify(schema);
    if (!schema || typeof schema !== 'object' || text === this.schemaText) return;
    this.schemaText = text;
    const options: MonacoYamlOptions = {
      enableSchemaRequest: false,
      completion: true,
      hover: true,
      validate: true,
      schemas: [{ uri: SCHEMA_URI, fileMatch: ['*'], schema }],
    };
    if (this.yaml) void this.yaml.update(options);
    else this.yaml = this.configureYaml(monaco, options);
  }

  focus(): void {
    this.editor.focus();
  }
}

/**
 * workerBlob is a worker's script as a blob: URL. The extension's files come
 * from another origin than the page's, and a worker must be same-origin; nor
 * could a worker load them itself, as the webview's service worker that serves
 * them answers the page only. So the page fetches the script (connect-src) and
 * starts the worker from a blob (worker-src blob:).
 */
async function workerBlob(url: string): Promise<string> {
  const response = await fetch(url).catch((err: unknown) => {
    throw new Error(`${url} could not be fetched: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  return URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
}

/** useWorkers tells Monaco its workers: monaco-yaml's for the YAML language (label yaml), Monaco's own for the rest. */
function useWorkers(blobs: WorkerScripts): void {
  window.MonacoEnvironment = {
    getWorker(_moduleId: string, label: string) {
      const worker = new Worker(label === 'yaml' ? blobs.yaml : blobs.editor, { name: label });
      worker.addEventListener('error', (e) => console.error(`KubeLab: Monaco's ${label} worker failed: ${e.message || 'it did not start'}`));
      return worker;
    },
  };
}

function cssVariables(): (variable: string) => string {
  const style = getComputedStyle(document.documentElement);
  return (variable) => style.getPropertyValue(variable);
}

/** applyTheme (re)defines the editor's theme from VS Code's current one and returns its name. */
function applyTheme(): string {
  monaco.editor.defineTheme(THEME, { base: themeBase(document.body.classList), inherit: true, rules: [], colors: themeColors(cssVariables()) });
  monaco.editor.setTheme(THEME);
  return THEME;
}

function pageFont(): monaco.editor.IEditorOptions {
  return editorFont(cssVariables());
}
