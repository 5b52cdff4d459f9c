/**
 * scheduling is printPriorityClass of printers.go.
 */
import { bool, num, str } from './fields';
import { since } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

/** priorityClassPrinter is printPriorityClass: PREEMPTIONPOLICY is empty when unset. */
export const priorityClassPrinter: TablePrinter = {
  columns: [
    col('Name', 'string', doc('ObjectMeta.name'), 0, 'name'),
    col('Value', 'integer', doc('PriorityClass.value')),
    col('Global-Default', 'boolean', doc('PriorityClass.globalDefault')),
    col('Age', 'string', doc('ObjectMeta.creationTimestamp')),
    col('PreemptionPolicy', 'string', doc('PriorityClass.preemptionPolicy')),
  ],
  print: (pc, now) => ({
    cells: [str(pc, 'metadata', 'name'), num(pc, 'value'), bool(pc, 'globalDefault'), since(pc.metadata.creationTimestamp, now), str(pc, 'preemptionPolicy')],
  }),
};
