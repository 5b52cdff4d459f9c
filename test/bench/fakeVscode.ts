// A minimal stand-in for the `vscode` module: just what KubeLab's host code touches,
// so the packaged extension (dist/extension.js) and the host classes can run in plain
// Node for benchmarks. It records what the extension does (commands, messages, views)
// and, for tree views, renders like a visible view would: on every change it asks the
// provider for the children of the root and of every expanded item, and for each item.
//
// Erasable TypeScript only (no enums, no parameter properties): activateChild.ts loads
// it with Node's built-in type stripping, outside tsx.
import Module from 'node:module';

type Listener<T> = (e: T) => unknown;
interface DisposableLike {
  dispose(): unknown;
}

class Disposable implements DisposableLike {
  private fn: (() => unknown) | undefined;
  constructor(fn: () => unknown) {
    this.fn = fn;
  }
  static from(...items: DisposableLike[]): Disposable {
    return new Disposable(() => {
      for (const d of items) d.dispose();
    });
  }
  dispose(): void {
    const fn = this.fn;
    this.fn = undefined;
    fn?.();
  }
}

class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>, thisArg?: unknown, disposables?: DisposableLike[]): Disposable => {
    const bound: Listener<T> = thisArg === undefined ? listener : listener.bind(thisArg);
    this.listeners.add(bound);
    const d = new Disposable(() => this.listeners.delete(bound));
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 } as const;

class TreeItem {
  label: unknown;
  collapsibleState: number;
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  command?: unknown;
  constructor(label: unknown, collapsibleState: number = TreeItemCollapsibleState.None) {
    this.label = label;
    this.collapsibleState = collapsibleState;
  }
}

class ThemeColor {
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }
}

class ThemeIcon {
  readonly id: string;
  readonly color?: ThemeColor;
  constructor(id: string, color?: ThemeColor) {
    this.id = id;
    this.color = color;
  }
}

class MarkdownString {
  value: string;
  constructor(value = '') {
    this.value = value;
  }
  appendMarkdown(s: string): this {
    this.value += s;
    return this;
  }
  appendText(s: string): this {
    this.value += s.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
    return this;
  }
}

interface TreeProvider {
  onDidChangeTreeData?: (l: Listener<unknown>) => DisposableLike;
  getChildren(element?: unknown): unknown[] | Promise<unknown[]> | undefined;
  getTreeItem(element: unknown): TreeItem | Promise<TreeItem>;
}

export interface FakeTreeView {
  id: string;
  visible: boolean;
  /** renders counts full redraws; items counts getTreeItem calls across them. */
  renders: number;
  items: number;
  /** render redraws the view now, as on a change, and settles when every visible item has been asked for. */
  render(): Promise<void>;
  dispose(): void;
}

/** FakeOutputChannel is an output channel as the extension left it: its text, each show's preserveFocus, whether it was disposed. */
export interface FakeOutputChannel {
  name: string;
  text: string;
  shows: (boolean | undefined)[];
  disposed: boolean;
}

/** QuickPickItemLike is the part of a QuickPickItem the fake looks at. */
export interface QuickPickItemLike {
  label: string;
  description?: string;
}

export interface FakeVscode {
  /** The module object the extension gets from require('vscode'). */
  api: Record<string, unknown>;
  commands: Map<string, (...args: unknown[]) => unknown>;
  /** Every executeCommand call, e.g. ['setContext', 'kubelab.state', 'stopped']. */
  executed: unknown[][];
  messages: { level: 'error' | 'warning' | 'info'; text: string }[];
  views: FakeTreeView[];
  statusBarItems: { text: string; tooltip?: unknown; command?: unknown }[];
  /** renderTree: when true (default), tree views redraw on onDidChangeTreeData like a visible view. */
  renderTree: boolean;
  /** outputChannels are every channel createOutputChannel made, in order. */
  outputChannels: FakeOutputChannel[];
  /** pick answers showQuickPick (the item chosen, or undefined for Escape); unset, every pick is dismissed. */
  pick?: (items: QuickPickItemLike[], options: { placeHolder?: string } | undefined) => QuickPickItemLike | undefined;
  /** answer answers a message's buttons (a modal confirmation): the button chosen, or undefined; unset, every message is dismissed. */
  answer?: (text: string, buttons: string[], options: { modal?: boolean; detail?: string } | undefined) => string | undefined;
  /** input answers showInputBox (undefined for Escape); unset, every input box is dismissed. */
  input?: (options: { value?: string; prompt?: string; validateInput?: (value: string) => unknown }) => string | undefined;
  /** fileSystems holds each registerFileSystemProvider's provider by scheme. */
  fileSystems: Map<string, unknown>;
  /** clipboard is the text last written to env.clipboard. */
  clipboard: string;
  /** contentProviders holds each registerTextDocumentContentProvider's provider by scheme. */
  contentProviders: Map<string, unknown>;
  /** openedDocuments are the uris openTextDocument was asked for, in order. */
  openedDocuments: unknown[];
  /** files are workspace.fs's files: text by uri.toString(); any other uri is FileNotFound (an untitled editor's too). */
  files: Map<string, string>;
  /** diagnostics are what each diagnostic collection last set, by uri.toString(). */
  diagnostics: Map<string, unknown[]>;
}

/** createFakeVscode builds a fresh fake; config supplies workspace.getConfiguration values by 'section.key'. */
export function createFakeVscode(config: Record<string, unknown> = {}): FakeVscode {
  const fake: FakeVscode = { api: {}, commands: new Map(), executed: [], messages: [], views: [], statusBarItems: [], renderTree: true, outputChannels: [], fileSystems: new Map(), clipboard: '', contentProviders: new Map(), openedDocuments: [], files: new Map(), diagnostics: new Map() };
  const message = (level: 'error' | 'warning' | 'info') => (text: string, ...rest: unknown[]) => {
    fake.messages.push({ level, text });
    const options = rest[0] && typeof rest[0] === 'object' ? (rest[0] as { modal?: boolean; detail?: string }) : undefined;
    return Promise.resolve(fake.answer?.(text, rest.filter((r): r is string => typeof r === 'string'), options));
  };

  const createTreeView = (id: string, options: { treeDataProvider: TreeProvider }): FakeTreeView & { onDidChangeVisibility: unknown } => {
    const visibility = new EventEmitter<{ visible: boolean }>();
    const provider = options.treeDataProvider;
    const view = {
      id,
      visible: true,
      renders: 0,
      items: 0,
      onDidChangeVisibility: visibility.event,
      onDidChangeSelection: new EventEmitter<unknown>().event,
      onDidExpandElement: new EventEmitter<unknown>().event,
      onDidCollapseElement: new EventEmitter<unknown>().event,
      reveal: () => Promise.resolve(),
      render: (): Promise<void> => render(),
      dispose: () => {
        sub?.dispose();
        visibility.dispose();
      },
    };
    const render = async (): Promise<void> => {
      view.renders++;
      const walk = async (element: unknown, depth: number): Promise<void> => {
        const children = (await provider.getChildren(element)) ?? [];
        for (const child of children) {
          const item = await provider.getTreeItem(child);
          view.items++;
          if (item.collapsibleState === TreeItemCollapsibleState.Expanded && depth < 8) await walk(child, depth + 1);
        }
      };
      await walk(undefined, 0);
    };
    const sub = provider.onDidChangeTreeData?.(() => {
      if (fake.renderTree && view.visible) void render();
    });
    fake.views.push(view);
    return view;
  };

  fake.api = {
    Disposable,
    EventEmitter,
    TreeItem,
    TreeItemCollapsibleState,
    ThemeIcon,
    ThemeColor,
    MarkdownString,
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    CodeActionKind: { QuickFix: { value: 'quickfix' } },
    // Editor features only register providers during activation; the bench measures that, not the providers.
    Position: class { line: number; character: number; constructor(line: number, character: number) { this.line = line; this.character = character; } },
    Range: class { start: unknown; end: unknown; constructor(start: unknown, end: unknown) { this.start = start; this.end = end; } },
    Diagnostic: class { range: unknown; message: string; severity?: number; constructor(range: unknown, message: string, severity?: number) { this.range = range; this.message = message; this.severity = severity; } },
    CodeAction: class { title: string; kind?: unknown; constructor(title: string, kind?: unknown) { this.title = title; this.kind = kind; } },
    CodeLens: class { range: unknown; command?: unknown; constructor(range: unknown, command?: unknown) { this.range = range; this.command = command; } },
    CompletionItem: class { label: unknown; kind?: number; constructor(label: unknown, kind?: number) { this.label = label; this.kind = kind; } },
    Hover: class { contents: unknown; range?: unknown; constructor(contents: unknown, range?: unknown) { this.contents = contents; this.range = range; } },
    SnippetString: class { value: string; constructor(value = '') { this.value = value; } },
    WorkspaceEdit: class { replace() {} insert() {} delete() {} },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    CompletionItemKind: { Text: 0, Method: 1, Function: 2, Field: 4, Variable: 5, Class: 6, Module: 8, Property: 9, Value: 11, Enum: 12, Keyword: 13, Snippet: 14, EnumMember: 19 },
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
    FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
    Uri: FakeUri,
    FileChangeType: { Changed: 1, Created: 2, Deleted: 3 },
    FileSystemError: FakeFileSystemError,
    env: { clipboard: { writeText: (text: string) => Promise.resolve(void (fake.clipboard = text)), readText: () => Promise.resolve(fake.clipboard) } },
    languages: {
      createDiagnosticCollection: (name: string) => ({
        name,
        set: (uri: unknown, diagnostics: unknown[]) => void fake.diagnostics.set(String(uri), diagnostics),
        delete: (uri: unknown) => void fake.diagnostics.delete(String(uri)),
        clear: () => fake.diagnostics.clear(),
        dispose() {},
      }),
      registerCodeActionsProvider: () => new Disposable(() => undefined),
      registerCompletionItemProvider: () => new Disposable(() => undefined),
      registerHoverProvider: () => new Disposable(() => undefined),
      registerCodeLensProvider: () => new Disposable(() => undefined),
    },
    window: {
      activeTextEditor: undefined,
      onDidChangeActiveTextEditor: new EventEmitter<unknown>().event,
      createStatusBarItem: () => {
        const item = { text: '', tooltip: undefined as unknown, command: undefined as unknown, name: '', show() {}, hide() {}, dispose() {} };
        fake.statusBarItems.push(item);
        return item;
      },
      createTerminal: () => ({ show() {}, sendText() {}, dispose() {} }),
      createOutputChannel: (name: string) => {
        const channel: FakeOutputChannel = { name, text: '', shows: [], disposed: false };
        fake.outputChannels.push(channel);
        return {
          name,
          append: (text: string) => void (channel.text += text),
          appendLine: (text: string) => void (channel.text += `${text}\n`),
          replace: (text: string) => void (channel.text = text),
          clear: () => void (channel.text = ''),
          show: (preserveFocus?: boolean) => void channel.shows.push(preserveFocus),
          hide() {},
          dispose: () => void (channel.disposed = true),
        };
      },
      showInputBox: (options: { value?: string; prompt?: string; validateInput?: (value: string) => unknown }) => Promise.resolve(fake.input?.(options)),
      setStatusBarMessage: (text: string) => {
        fake.messages.push({ level: 'info', text });
        return new Disposable(() => undefined);
      },
      showTextDocument: (doc: unknown) => Promise.resolve({ document: doc }),
      showQuickPick: async (items: QuickPickItemLike[] | Promise<QuickPickItemLike[]>, options?: { placeHolder?: string }) => fake.pick?.(await items, options),
      createTreeView,
      registerTreeDataProvider: (id: string, treeDataProvider: TreeProvider) => createTreeView(id, { treeDataProvider }),
      showErrorMessage: message('error'),
      showWarningMessage: message('warning'),
      showInformationMessage: message('info'),
      withProgress: (_options: unknown, task: (progress: { report(v: unknown): void }, token: unknown) => unknown) =>
        Promise.resolve(task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: new EventEmitter<void>().event })),
    },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        fake.commands.set(id, fn);
        return new Disposable(() => fake.commands.delete(id));
      },
      executeCommand: (id: string, ...args: unknown[]) => {
        fake.executed.push([id, ...args]);
        const fn = fake.commands.get(id);
        try {
          return Promise.resolve(fn?.(...args));
        } catch (err) {
          return Promise.reject(err instanceof Error ? err : new Error(String(err)));
        }
      },
    },
    workspace: {
      getConfiguration: (section = '') => ({
        get: (key: string, defaultValue?: unknown) => {
          const full = section ? `${section}.${key}` : key;
          return full in config ? config[full] : defaultValue;
        },
        has: (key: string) => (section ? `${section}.${key}` : key) in config,
        update: () => Promise.resolve(),
      }),
      asRelativePath: (p: unknown) => String(p),
      fs: {
        stat: (uri: FakeUri) => (fake.files.has(uri.toString()) ? Promise.resolve({ type: 1, ctime: 0, mtime: 0, size: fake.files.get(uri.toString())?.length ?? 0 }) : Promise.reject(FakeFileSystemError.FileNotFound(uri))),
        readFile: (uri: FakeUri) => {
          const text = fake.files.get(uri.toString());
          return text === undefined ? Promise.reject(FakeFileSystemError.FileNotFound(uri)) : Promise.resolve(new TextEncoder().encode(text));
        },
        readDirectory: (uri: FakeUri) => Promise.reject(FakeFileSystemError.FileNotADirectory(uri)),
      },
      textDocuments: [],
      onDidOpenTextDocument: new EventEmitter<unknown>().event,
      onDidChangeTextDocument: new EventEmitter<unknown>().event,
      onDidCloseTextDocument: new EventEmitter<unknown>().event,
      onDidChangeConfiguration: new EventEmitter<unknown>().event,
      registerTextDocumentContentProvider: (scheme: string, provider: unknown) => {
        fake.contentProviders.set(scheme, provider);
        return new Disposable(() => fake.contentProviders.delete(scheme));
      },
      registerFileSystemProvider: (scheme: string, provider: unknown) => {
        fake.fileSystems.set(scheme, provider);
        return new Disposable(() => fake.fileSystems.delete(scheme));
      },
      openTextDocument: (uri: unknown) => {
        fake.openedDocuments.push(uri);
        return Promise.resolve({ uri, isDirty: false });
      },
    },
  };
  return fake;
}

/** FakeUri is vscode.Uri's shape: a class (commands test `instanceof vscode.Uri`) whose string form is `scheme:path[?query]`. */
class FakeUri {
  readonly scheme: string;
  readonly path: string;
  readonly query: string;
  readonly fsPath: string;
  constructor(scheme: string, path: string, query = '', fsPath = path) {
    this.scheme = scheme;
    this.path = path;
    this.query = query;
    this.fsPath = fsPath;
  }
  static file(path: string): FakeUri { return new FakeUri('file', path); }
  static parse(value: string): FakeUri { return new FakeUri(value.split(':')[0], value); }
  static from(c: { scheme: string; path?: string; query?: string }): FakeUri { return new FakeUri(c.scheme, c.path ?? '', c.query ?? ''); }
  static joinPath(base: FakeUri, ...segments: string[]): FakeUri { return new FakeUri(base.scheme, [base.path, ...segments].join('/').replace(/\/+/g, '/'), base.query); }
  toString(): string {
    return `${this.scheme}:${this.path}${this.query ? `?${this.query}` : ''}`;
  }
}

/** FakeFileSystemError is vscode.FileSystemError: an Error with a code, made by the same factories. */
class FakeFileSystemError extends Error {
  readonly code: string;
  constructor(messageOrUri?: unknown, code = 'Unknown') {
    // A Uri becomes its string form, as VS Code's message for it.
    const uri = messageOrUri as { toString?: () => string } | undefined;
    super(typeof messageOrUri === 'string' ? messageOrUri : typeof uri?.toString === 'function' && uri.toString !== Object.prototype.toString ? uri.toString() : '');
    this.code = code;
  }
  static FileNotFound(m?: unknown) { return new FakeFileSystemError(m, 'FileNotFound'); }
  static FileExists(m?: unknown) { return new FakeFileSystemError(m, 'FileExists'); }
  static FileNotADirectory(m?: unknown) { return new FakeFileSystemError(m, 'FileNotADirectory'); }
  static FileIsADirectory(m?: unknown) { return new FakeFileSystemError(m, 'FileIsADirectory'); }
  static NoPermissions(m?: unknown) { return new FakeFileSystemError(m, 'NoPermissions'); }
  static Unavailable(m?: unknown) { return new FakeFileSystemError(m, 'Unavailable'); }
}

interface ModuleInternals {
  _resolveFilename: (this: unknown, request: string, ...rest: unknown[]) => string;
  _cache: Record<string, unknown>;
}

const FAKE_ID = '\0fake-vscode';

/** installFakeVscode makes every later require('vscode') in this process return fake.api. */
export function installFakeVscode(fake: FakeVscode): void {
  const M = Module as unknown as ModuleInternals & (new (id: string) => { exports: unknown; loaded: boolean; filename: string });
  const original = M._resolveFilename;
  M._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    if (request === 'vscode') return FAKE_ID;
    return original.call(this, request, ...rest);
  };
  const mod = new M(FAKE_ID);
  mod.filename = FAKE_ID;
  mod.exports = fake.api;
  mod.loaded = true;
  M._cache[FAKE_ID] = mod;
}
