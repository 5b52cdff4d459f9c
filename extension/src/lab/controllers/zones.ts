/**
 * zones groups nodes by failure domain for the node lifecycle controller
 * (component-helpers' GetZoneKey, ComputeZoneState): how much of a zone is down
 * decides how fast its nodes are tainted for eviction.
 */
import type { Condition, Node } from '../api/types';

/** ZoneState is a zone's health as the controller sees it. */
export type ZoneState = 'Initial' | 'Normal' | 'FullDisruption' | 'PartialDisruption';

/** zoneKey is GetZoneKey: region and zone from the topology labels (beta ones first), '' for a node with neither. */
export function zoneKey(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const zone = labels['failure-domain.beta.kubernetes.io/zone'] ?? labels['topology.kubernetes.io/zone'] ?? '';
  const region = labels['failure-domain.beta.kubernetes.io/region'] ?? labels['topology.kubernetes.io/region'] ?? '';
  if (region === '' && zone === '') return '';
  return `${region}:\x00:${zone}`;
}

/**
 * computeZoneState is ComputeZoneState: fully disrupted when no node is ready,
 * partially when more than two are not and they are at least threshold of the zone.
 */
export function computeZoneState(readyConditions: readonly (Condition | undefined)[], unhealthyThreshold: number): ZoneState {
  const ready = readyConditions.filter((c) => c?.status === 'True').length;
  const notReady = readyConditions.length - ready;
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / readyConditions.length >= unhealthyThreshold) return 'PartialDisruption';
  return 'Normal';
}
