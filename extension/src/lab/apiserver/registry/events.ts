/**
 * events is the `events.k8s.io/v1` group: events, the newer face of the same
 * events core/v1 serves, with the strict validation upstream applies to requests
 * through this API.
 */
import { type ResourceType, def } from '../resources';
import type { Strategy } from '../strategy';
import { type EventsV1Event, validateEventsV1Event, validateEventsV1EventUpdate } from '../validation/events';
import { subdomainName } from '../validation/objectMeta';

const eventStrategy: Strategy<EventsV1Event> = {
  allowCreateOnUpdate: true,
  nameValidator: subdomainName,
  generation: false,
  statusSubresource: false,
  validate: validateEventsV1Event,
  validateUpdate: validateEventsV1EventUpdate,
  // The field labels events/v1 converts to the event strategy's selectable fields.
  fieldLabels: ['reason', 'regarding.kind', 'regarding.namespace', 'regarding.name', 'regarding.uid', 'regarding.apiVersion', 'regarding.resourceVersion', 'regarding.fieldPath', 'reportingController', 'type'],
};

export const eventsResources: readonly ResourceType[] = [
  def({ group: 'events.k8s.io', version: 'v1', resource: 'events', kind: 'Event', singularName: 'event', namespaced: true, shortNames: ['ev'], subresources: [], strategy: eventStrategy }),
];
