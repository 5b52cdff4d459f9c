/**
 * TimeTravel is the revision every panel shows: live (null), or the cluster as
 * of one revision of the store, read-only. The Store panel's slider and the
 * `KubeLab: Travel to Revision…` command set it; `Back to Live` (a command, or
 * any page's banner) clears it. The panels' hosts listen and have their feeds
 * read the cluster at the revision (a list with resourceVersionMatch=Exact) or
 * relist live. No `vscode` here, so it is tested in plain Node.
 */

/** Revision is what the panels show: a store revision, or null for live. */
export type Revision = number | null;

/** Subscription is what onDidChange returns, shaped like a vscode.Disposable. */
export interface Subscription {
  dispose(): void;
}

/** parseRevision reads a revision typed by the user: a positive whole number, or why it is not one. */
export function parseRevision(text: string): number | { error: string } {
  const t = text.trim();
  if (!/^[0-9]+$/.test(t)) return { error: `"${text}" is not a revision: give a whole number from 1 up.` };
  const n = Number(t);
  if (!Number.isSafeInteger(n) || n < 1) return { error: `"${text}" is not a revision: give a whole number from 1 up.` };
  return n;
}

export class TimeTravel {
  private current: Revision = null;
  private readonly listeners = new Set<(revision: Revision) => void>();

  /** revision is the revision shown, null when live. */
  get revision(): Revision {
    return this.current;
  }

  get travelling(): boolean {
    return this.current !== null;
  }

  /** travel shows revision everywhere; a revision that is not a positive whole number is refused (and changes nothing) with why. */
  travel(revision: number): string | undefined {
    if (!Number.isSafeInteger(revision) || revision < 1) return `${JSON.stringify(revision)} is not a revision: give a whole number from 1 up.`;
    this.set(revision);
    return undefined;
  }

  /** backToLive returns every panel to the live cluster. */
  backToLive(): void {
    this.set(null);
  }

  /** onDidChange tells listener each time the revision shown changes (not when it is set to what it was). */
  onDidChange(listener: (revision: Revision) => void): Subscription {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private set(revision: Revision): void {
    if (revision === this.current) return;
    this.current = revision;
    for (const l of [...this.listeners]) l(revision);
  }
}

/** readOnlyNotice is what an action that writes answers while a past revision is shown. */
export function readOnlyNotice(revision: number): string {
  return `Viewing revision ${revision} — read-only: go back to live to change the cluster.`;
}
