/**
 * coordination is printLease of printers.go.
 */
import { str } from './fields';
import { since } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

/** leasePrinter is printLease: HOLDER is empty for a lease nobody holds. */
export const leasePrinter: TablePrinter = {
  columns: [
    col('Name', 'string', doc('ObjectMeta.name'), 0, 'name'),
    col('Holder', 'string', doc('LeaseSpec.holderIdentity')),
    col('Age', 'string', doc('ObjectMeta.creationTimestamp')),
  ],
  print: (lease, now) => ({ cells: [str(lease, 'metadata', 'name'), str(lease, 'spec', 'holderIdentity'), since(lease.metadata.creationTimestamp, now)] }),
};
