/** policy is the `policy/v1` group: poddisruptionbudgets. */
import type { ResourceType } from '../resources';

export const policyResources: readonly ResourceType[] = [];
