/**
 * identities are the users the lab's people and components act as, each with
 * the name and groups its kubeconfig or certificate carries upstream.
 */
import type { UserInfo } from './apiserver/auth/types';

/** ADMIN is the lab's user: the person at the editor, as kubeadm's kubernetes-admin in system:masters. */
export const ADMIN: UserInfo = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

/** The control-plane components' identities, as their kubeconfigs name them upstream. */
export const SCHEDULER: UserInfo = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
export const CONTROLLER_MANAGER: UserInfo = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };
export const KUBE_PROXY: UserInfo = { username: 'system:kube-proxy', groups: ['system:authenticated'] };

/** controllerUser is a controller's service account identity in kube-system. */
export function controllerUser(controller: string): UserInfo {
  return { username: `system:serviceaccount:kube-system:${controller}`, groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
}

/** nodeUser is a kubelet's identity: system:node:<name> in system:nodes. */
export function nodeUser(node: string): UserInfo {
  return { username: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] };
}
