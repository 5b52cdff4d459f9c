/**
 * ManifestDiagnostics shows, as you type, what the active cluster's API server
 * (the lab's, or a kubeconfig context's) says about each Kubernetes document of
 * every open YAML editor (saved or not): a dry run through the whole chain after
 * a short pause in typing (kubelab.validation.delay), abandoned when a newer
 * keystroke comes. Objects that name no namespace are checked in the cluster's
 * default namespace, where Apply would put them. While the cluster is out of
 * reach it shows only YAML errors, KubeLab's image check and a hint to start the
 * lab (or connect to the context): checking a manifest is no reason to start a
 * cluster the user stopped.
 */
import * as vscode from 'vscode';
import { AdmissionInputs } from '../editor/admissionInputs';
import type { Problem, Severity } from '../editor/findings';
import { type CancelToken, ManifestValidator, offlineProblems } from '../editor/manifestValidator';
import { RealClock } from '../lab/clock';
import type { KubeClient } from '../lab/client/kubeClient';
import type { Cluster } from './cluster';

/** Schemes of documents that are views of something else (diffs, output), never checked. */
const SKIPPED_SCHEMES = new Set(['git', 'gitfs', 'output', 'vscode-scm', 'comment', 'vscode-notebook-cell-output']);
/** Cluster changes are coalesced this long before open manifests are checked again. */
const RULES_SETTLE_MS = 300;

const SEVERITIES: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** Shown is what a document's diagnostics were made from, for the quick fixes. */
interface Shown {
  version: number;
  entries: { diagnostic: vscode.Diagnostic; problem: Problem }[];
}

export class ManifestDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('kubelab');
  private readonly pending = new Map<string, { timer?: ReturnType<typeof setTimeout>; token: { cancelled: boolean } }>();
  private readonly shown = new Map<string, Shown>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private validator?: ManifestValidator;
  private inputs?: AdmissionInputs;
  private rulesTimer?: ReturnType<typeof setTimeout>;

  /** log receives validation failures, which are bugs (the KubeLab output channel). */
  constructor(private readonly host: Cluster, private readonly log: (line: string) => void) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.schedule(e.document, this.delay());
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      // Coming back to a manifest checks it again: the cluster may have changed meanwhile (an apply, kubectl in a terminal).
      vscode.window.onDidChangeActiveTextEditor((e) => e && this.schedule(e.document, 0)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('kubelab.validation')) this.revalidateAll();
      }),
      host.onDidChangeState(() => this.labChanged()),
    );
    // Objects that name no namespace are checked in the new one (KubeLab: Set Namespace).
    if (host.onDidChangeDefaultNamespace) this.disposables.push(host.onDidChangeDefaultNamespace(() => this.revalidateAll()));
    this.labChanged();
  }

  /** revalidateAll checks every open manifest again (after an apply, a cluster change, a setting change). */
  revalidateAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** problemFor is the problem a diagnostic of document shows, while the document is as it was checked. */
  problemFor(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): Problem | undefined {
    const shown = this.shown.get(document.uri.toString());
    if (!shown || shown.version !== document.version) return undefined;
    return shown.entries.find(({ diagnostic: d }) => d.range.isEqual(diagnostic.range) && d.message === diagnostic.message && d.source === diagnostic.source)?.problem;
  }

  private enabled(): boolean {
    return vscode.workspace.getConfiguration('kubelab').get<boolean>('validation.enabled', true);
  }

  private delay(): number {
    return Math.max(0, vscode.workspace.getConfiguration('kubelab').get<number>('validation.delay', 300));
  }

  private labChanged(): void {
    const client = this.host.client;
    this.inputs?.stop();
    this.inputs = undefined;
    clearTimeout(this.rulesTimer);
    this.validator = client ? this.newValidator(client) : undefined;
    if (client) {
      const inputs = new AdmissionInputs(client, new RealClock(), () => {
        clearTimeout(this.rulesTimer);
        this.rulesTimer = setTimeout(() => {
          // A new CRD or a deleted one changes discovery: start from a fresh REST mapping.
          this.validator = this.host.client ? this.newValidator(this.host.client) : undefined;
          this.revalidateAll();
        }, RULES_SETTLE_MS);
      });
      this.inputs = inputs;
      void inputs.start();
    }
    this.revalidateAll();
  }

  /** newValidator checks against client with the cluster's default namespace as it is at each check, as Apply uses it. */
  private newValidator(client: KubeClient): ManifestValidator {
    return new ManifestValidator(client, () => this.host.defaultNamespace);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (document.languageId !== 'yaml' || SKIPPED_SCHEMES.has(document.uri.scheme)) return;
    const key = document.uri.toString();
    const previous = this.pending.get(key);
    if (previous) {
      previous.token.cancelled = true;
      clearTimeout(previous.timer);
    }
    if (!this.enabled()) {
      this.forget(document.uri);
      return;
    }
    const entry: { timer?: ReturnType<typeof setTimeout>; token: { cancelled: boolean } } = { token: { cancelled: false } };
    entry.timer = setTimeout(() => void this.validate(document, entry.token), delay);
    this.pending.set(key, entry);
  }

  private async validate(document: vscode.TextDocument, token: CancelToken): Promise<void> {
    const version = document.version;
    const text = document.getText();
    const validator = this.validator;
    let problems: Problem[] | undefined;
    try {
      problems = validator ? await validator.validate(text, token) : offlineProblems(text, this.host);
    } catch (err) {
      // A bug in validation must not take the editor's other features with it.
      this.log(`KubeLab: validating ${document.uri.toString(true)} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return;
    }
    if (!problems || token.cancelled || document.isClosed || document.version !== version) return;
    const entries = problems.map((problem) => ({ diagnostic: toDiagnostic(document, problem), problem }));
    this.shown.set(document.uri.toString(), { version, entries });
    this.collection.set(document.uri, entries.map((e) => e.diagnostic));
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const pending = this.pending.get(key);
    if (pending) {
      pending.token.cancelled = true;
      clearTimeout(pending.timer);
    }
    this.pending.delete(key);
    this.shown.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const p of this.pending.values()) {
      p.token.cancelled = true;
      clearTimeout(p.timer);
    }
    clearTimeout(this.rulesTimer);
    this.inputs?.stop();
    for (const d of this.disposables) d.dispose();
  }
}

function toDiagnostic(document: vscode.TextDocument, p: Problem): vscode.Diagnostic {
  const range = new vscode.Range(document.positionAt(p.start), document.positionAt(Math.max(p.end, p.start)));
  const d = new vscode.Diagnostic(range, p.message, SEVERITIES[p.severity]);
  d.source = p.source;
  d.code = p.code;
  return d;
}
