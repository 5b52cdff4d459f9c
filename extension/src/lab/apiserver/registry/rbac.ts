/** rbac is the `rbac.authorization.k8s.io/v1` group: roles, rolebindings, clusterroles, clusterrolebindings. */
import type { ResourceType } from '../resources';

export const rbacResources: readonly ResourceType[] = [];
