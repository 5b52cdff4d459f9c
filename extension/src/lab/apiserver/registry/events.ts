/** events is the `events.k8s.io/v1` group: events. */
import type { ResourceType } from '../resources';

export const eventsResources: readonly ResourceType[] = [];
