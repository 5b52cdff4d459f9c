/**
 * scale is printScale of printers.go: the table of a built-in resource's
 * autoscaling/v1 Scale subresource (`kubectl get deploy/web --subresource=scale`).
 */
import { num, str } from './fields';
import { since } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

/** scalePrinter is printScale; upstream gives its NAME column no `name` format. */
export const scalePrinter: TablePrinter = {
  columns: [
    col('Name', 'string', doc('ObjectMeta.name')),
    col('Desired', 'integer', doc('ScaleSpec.replicas')),
    col('Available', 'integer', doc('ScaleStatus.replicas')),
    col('Age', 'string', doc('ObjectMeta.creationTimestamp')),
  ],
  print: (s, now) => ({ cells: [str(s, 'metadata', 'name'), num(s, 'spec', 'replicas'), num(s, 'status', 'replicas'), since(s.metadata.creationTimestamp, now)] }),
};
