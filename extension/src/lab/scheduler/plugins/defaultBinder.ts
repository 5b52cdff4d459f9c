/** DefaultBinder binds a pod by creating its pods/binding subresource through the API server. */
import type { Binding, Pod } from '../../api/types';
import { PODS } from '../../client/resources';
import { type BindPlugin, type CycleState, type Handle, SUCCESS, type Status, errorStatus } from '../framework/interfaces';
import { DefaultBinder } from '../framework/names';

/** defaultBinder builds the plugin over the framework's API client. */
export function defaultBinder(handle: Pick<Handle, 'client'>): BindPlugin {
  return {
    name: DefaultBinder,
    async bind(_state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
      const binding: Binding = {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      };
      const res = await handle.client.subresourceCreate(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', 'binding', binding);
      if (res.status === 'Failure') return errorStatus(DefaultBinder, res.message ?? '');
      return SUCCESS;
    },
  };
}
