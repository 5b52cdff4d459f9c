/**
 * policy is printPodDisruptionBudget of printers.go.
 */
import { get, num, str } from './fields';
import { since } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

/** intOrString is intstr.IntOrString.String(), or `N/A` for an unset field as the printer shows it. */
function intOrString(v: unknown): string {
  if (typeof v === 'number') return String(Math.trunc(v));
  return typeof v === 'string' ? v : 'N/A';
}

/** podDisruptionBudgetPrinter is printPodDisruptionBudget. */
export const podDisruptionBudgetPrinter: TablePrinter = {
  columns: [
    col('Name', 'string', doc('ObjectMeta.name'), 0, 'name'),
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    col('Age', 'string', doc('ObjectMeta.creationTimestamp')),
  ],
  print: (pdb, now) => ({
    cells: [
      str(pdb, 'metadata', 'name'), intOrString(get(pdb, 'spec', 'minAvailable')), intOrString(get(pdb, 'spec', 'maxUnavailable')),
      num(pdb, 'status', 'disruptionsAllowed'), since(pdb.metadata.creationTimestamp, now),
    ],
  }),
};
