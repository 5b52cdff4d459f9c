/**
 * kubectlOutput holds the few ways kubectl words what it did: the name printer's
 * `deployment.apps/web scaled`, the delete line's `deployment.apps "web"`, and
 * StandardErrorMessage's `Error from server (NotFound): …` for an API failure.
 */
import type { Status } from '../api/types';

/** ActionResult is one kubectl-style line and whether it reports success (stdout) or failure (stderr). */
export interface ActionResult {
  ok: boolean;
  line: string;
}

/** typeName is the name printer's type: the kind in lower case, then `.group` outside the core group (`deployment.apps`). */
export function typeName(kind: string, group: string): string {
  return `${kind.toLowerCase()}${group ? `.${group}` : ''}`;
}

/** objectName is `-o name`: `deployment.apps/web`, `node/node-1`. */
export function objectName(kind: string, group: string, name: string): string {
  return `${typeName(kind, group)}/${name}`;
}

/** serverError is kubectl's StandardErrorMessage for an API Status. */
export function serverError(status: Status): string {
  const message = status.message ?? '';
  if (status.reason === 'Unauthorized') return `error: You must be logged in to the server (${message})`;
  return status.reason ? `Error from server (${status.reason}): ${message}` : `Error from server: ${message}`;
}

/** done is a successful result: `<type>/<name> <verb>`. */
export function done(kind: string, group: string, name: string, verb: string): ActionResult {
  return { ok: true, line: `${objectName(kind, group, name)} ${verb}` };
}

/** failed is kubectl's `error: …` line for a failure kubectl itself reports. */
export function failed(message: string): ActionResult {
  return { ok: false, line: `error: ${message}` };
}
