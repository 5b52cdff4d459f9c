/**
 * discovery is printEndpointSlice of printers.go.
 */
import { arr, get, str } from './fields';
import { listWithMoreString, since } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

/** formatDiscoveryPorts is printers.go's: each port's number, else its name, else `*`. */
function formatDiscoveryPorts(ports: readonly unknown[]): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const p of ports) {
    const port = get(p, 'port');
    const name = get(p, 'name');
    if (list.length < max) list.push(typeof port === 'number' ? String(port) : typeof name === 'string' ? name : '*');
    else if (list.length === max) more = true;
  }
  return listWithMoreString(list, more, ports.length, max);
}

/** formatDiscoveryEndpoints is printers.go's: the first three addresses of all endpoints. */
function formatDiscoveryEndpoints(endpoints: readonly unknown[]): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ep of endpoints) {
    for (const address of arr(ep, 'addresses')) {
      if (list.length < max) list.push(String(address));
      else if (list.length === max) more = true;
      count++;
    }
  }
  return listWithMoreString(list, more, count, max);
}

/** endpointSlicePrinter is printEndpointSlice. */
export const endpointSlicePrinter: TablePrinter = {
  columns: [
    col('Name', 'string', doc('ObjectMeta.name'), 0, 'name'),
    col('AddressType', 'string', doc('EndpointSlice.addressType')),
    col('Ports', 'string', doc('EndpointSlice.ports')),
    col('Endpoints', 'string', doc('EndpointSlice.endpoints')),
    col('Age', 'string', doc('ObjectMeta.creationTimestamp')),
  ],
  print: (es, now) => ({
    cells: [str(es, 'metadata', 'name'), str(es, 'addressType'), formatDiscoveryPorts(arr(es, 'ports')), formatDiscoveryEndpoints(arr(es, 'endpoints')), since(es.metadata.creationTimestamp, now)],
  }),
};
