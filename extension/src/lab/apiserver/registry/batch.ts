/** batch is the `batch/v1` group: jobs, cronjobs. */
import type { ResourceType } from '../resources';

export const batchResources: readonly ResourceType[] = [];
