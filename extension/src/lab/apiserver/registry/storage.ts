/** storage is the `storage.k8s.io/v1` group: storageclasses. */
import type { ResourceType } from '../resources';

export const storageResources: readonly ResourceType[] = [];
