/**
 * conflict turns apply conflicts into upstream's 409 (managedfields/internal/conflict.go):
 * `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`,
 * or one line per field grouped under each manager for several.
 */
import type { Status } from '../../api/types';
import { goQuote } from '../patch/goFormat';
import { applyConflict } from '../patch/statusErrors';
import type { ManagedFieldsEntry } from './managedFields';
import { pathString } from './pathElement';
import type { Conflict } from './updater';

/** printManager names a manager identifier as conflict messages do: `"kubelet" with subresource "status" using v1`. */
function printManager(identifier: string): string {
  let who: ManagedFieldsEntry;
  try {
    who = JSON.parse(identifier) as ManagedFieldsEntry;
  } catch {
    return goQuote(identifier);
  }
  let text = goQuote(who.manager ?? '');
  if (who.subresource) text = `${text} with subresource ${goQuote(who.subresource)}`;
  return who.operation === 'Update' ? `${text} using ${who.apiVersion ?? ''}` : text;
}

/** conflictStatus is NewConflictError; managers are listed in identifier order, as upstream sorts them. */
export function conflictStatus(conflicts: readonly Conflict[]): Status {
  const ordered = [...conflicts].sort((a, b) => (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0));
  const causes = ordered.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  if (ordered.length === 1) {
    return applyConflict(`Apply failed with 1 conflict: conflict with ${printManager(ordered[0].manager)}: ${pathString(ordered[0].path)}`, causes);
  }
  const lines: string[] = [];
  let current: string | undefined;
  for (const c of ordered) {
    if (c.manager !== current) {
      current = c.manager;
      lines.push(`conflicts with ${printManager(c.manager)}:`);
    }
    lines.push(`- ${pathString(c.path)}`);
  }
  return applyConflict(`Apply failed with ${ordered.length} conflicts: ${lines.join('\n')}`, causes);
}
