/** coordination is the `coordination.k8s.io/v1` group: leases, which node heartbeats and leader election renew. */
import { type ResourceType, def } from '../resources';
import type { Strategy } from '../strategy';
import { validateLease } from '../validation/coordination';
import { subdomainName } from '../validation/objectMeta';
import type { Lease } from '../validation/types/scheduling';

const leaseStrategy: Strategy<Lease> = {
  allowCreateOnUpdate: true,
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  validate: validateLease,
  validateUpdate: validateLease,
};

export const coordinationResources: readonly ResourceType[] = [
  def({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', singularName: 'lease', namespaced: true, subresources: [], strategy: leaseStrategy }),
];
