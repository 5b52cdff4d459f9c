/** coordination validates Leases with the messages of pkg/apis/coordination/validation/validation.go. */
import { type FieldError, forbidden, invalidValue, notSupported } from '../fieldErrors';
import { isSet, record } from './generic';
import { isQualifiedName } from './labels';
import type { Lease } from './types/scheduling';

const LEASE_STRATEGIES = ['OldestEmulationVersion'];

/** validateCoordinatedLeaseStrategy is ValidateCoordinatedLeaseStrategy; upstream appends `strategy` to a path that already ends in it. */
function validateCoordinatedLeaseStrategy(strategy: string, path: string): FieldError[] {
  const p = `${path}.strategy`;
  if (!strategy.includes('/')) return LEASE_STRATEGIES.includes(strategy) ? [] : [notSupported(p, strategy, LEASE_STRATEGIES)];
  return isQualifiedName(strategy).map((m) => invalidValue(p, strategy, m));
}

/** validateLease is ValidateLeaseSpec (create and update check the same). */
export function validateLease(lease: Lease): FieldError[] {
  const spec = record(lease.spec) ?? {};
  const errs: FieldError[] = [];
  const duration = spec.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) errs.push(invalidValue('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = spec.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0) errs.push(invalidValue('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  if (isSet(spec.strategy)) errs.push(...validateCoordinatedLeaseStrategy(String(spec.strategy), 'spec.strategy'));
  if (isSet(spec.preferredHolder) && spec.preferredHolder !== '' && !spec.strategy) {
    errs.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}
