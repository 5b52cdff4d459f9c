/** discovery is the `discovery.k8s.io/v1` group: endpointslices. */
import { defaultEndpointSlice } from '../defaulting/discovery';
import { type ResourceType, def } from '../resources';
import type { Strategy } from '../strategy';
import { type EndpointSlice, validateEndpointSliceCreate, validateEndpointSliceUpdate } from '../validation/discovery';
import { subdomainName } from '../validation/objectMeta';

const endpointSliceStrategy: Strategy<EndpointSlice> = {
  nameValidator: subdomainName,
  // Any change but metadata counts a generation, as endpointSliceStrategy.PrepareForUpdate does.
  generation: true,
  statusSubresource: false,
  defaults: defaultEndpointSlice,
  validate: validateEndpointSliceCreate,
  validateUpdate: validateEndpointSliceUpdate,
};

export const discoveryResources: readonly ResourceType[] = [
  def({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', singularName: 'endpointslice', namespaced: true, subresources: [], strategy: endpointSliceStrategy }),
];
