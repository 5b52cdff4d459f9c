/** discovery applies pkg/apis/discovery/v1/defaults.go: endpoint ports are named "" and speak TCP unless told otherwise. */
import type { EndpointSlice } from '../validation/discovery';
import { isStruct } from './structs';

/** defaultEndpointSlice is SetDefaults_EndpointPort for each port. */
export function defaultEndpointSlice(slice: EndpointSlice): void {
  for (const port of Array.isArray(slice.ports) ? slice.ports : []) {
    if (!isStruct(port)) continue;
    port.name ??= '';
    port.protocol ??= 'TCP';
  }
}
