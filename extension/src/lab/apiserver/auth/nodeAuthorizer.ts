/**
 * NodeAuthorizer is upstream's Node authorizer
 * (plugin/pkg/auth/authorizer/node/node_authorizer.go): a kubelet, acting as
 * `system:node:<name>` in `system:nodes`, may read only what the pods bound to
 * its node use — their secrets, configmaps, PVCs and PVs, their service
 * accounts' tokens — its own Node and Lease, and the pods on it. Everything
 * else is judged against the static node rules. A refusal is "no opinion" with
 * a reason, so RBAC still decides (upstream leaves `system:node` unbound).
 *
 * Upstream keeps a graph of pods, volumes and nodes; here the pods on a node
 * come from a NodeGraph the API server backs with an index, and the rest is
 * looked up in the server's cache, so a check reads only that node's pods.
 */
import type { KubeObject } from '../../api/types';
import { nodeRules } from './bootstrapPolicy';
import { rulesAllow } from './evaluationHelpers';
import { MIRROR_POD_ANNOTATION, podClaimNames, podConfigMapNames, podSecretNames, pvSecretRefs } from './podReferences';
import type { AuthorizationAttributes, Authorizer, Decision, ObjectCache, UserInfo } from './types';
import { NODES_GROUP } from './user';

/** NodeGraph answers which pods are bound to a node (spec.nodeName). */
export interface NodeGraph {
  podsOnNode(node: string): readonly KubeObject[];
}

const NODE_USERNAME_PREFIX = 'system:node:';
/** NODE_LEASE_NAMESPACE holds the kubelets' heartbeat leases (api.NamespaceNodeLease). */
const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** nodeIdentity is nodeidentifier's NodeIdentity: the node name of a `system:node:<name>` user in `system:nodes`. */
export function nodeIdentity(user: UserInfo): { isNode: boolean; nodeName: string } {
  if (!user.username.startsWith(NODE_USERNAME_PREFIX) || !user.groups.includes(NODES_GROUP)) return { isNode: false, nodeName: '' };
  return { isNode: true, nodeName: user.username.slice(NODE_USERNAME_PREFIX.length) };
}

type Vertex = 'secret' | 'configmap' | 'pvc' | 'pv' | 'serviceaccount' | 'pod' | 'volumeattachment';

const allow: Decision = { decision: 'allow', reason: '' };
const noOpinion = (reason = ''): Decision => ({ decision: 'noOpinion', reason });

/** NodeAuthorizer judges the requests of kubelets and leaves everyone else to the next authorizer. */
export class NodeAuthorizer implements Authorizer {
  private readonly rules = nodeRules();

  constructor(private readonly graph: NodeGraph, private readonly cache: ObjectCache) {}

  authorize(a: AuthorizationAttributes): Decision {
    const { isNode, nodeName } = nodeIdentity(a.user);
    if (!isNode) return noOpinion();
    if (!nodeName) return noOpinion(`unknown node for user ${JSON.stringify(a.user.username)}`);
    if (a.isResourceRequest) {
      switch (`${a.apiGroup}/${a.resource}`) {
        case '/secrets': return this.readNamespacedObject(nodeName, 'secret', a);
        case '/configmaps': return this.readNamespacedObject(nodeName, 'configmap', a);
        case '/persistentvolumeclaims': return a.subresource === 'status' ? this.statusUpdate(nodeName, 'pvc', a) : this.get(nodeName, 'pvc', a);
        case '/persistentvolumes': return this.get(nodeName, 'pv', a);
        case 'storage.k8s.io/volumeattachments': return this.get(nodeName, 'volumeattachment', a);
        case '/serviceaccounts': return this.createToken(nodeName, a);
        case 'coordination.k8s.io/leases': return authorizeLease(nodeName, a);
        case 'storage.k8s.io/csinodes': return authorizeCSINode(nodeName, a);
        case '/nodes': return authorizeNode(nodeName, a);
        case '/pods': return this.pod(nodeName, a);
      }
    }
    return rulesAllow(a, this.rules) ? allow : noOpinion();
  }

  /** statusUpdate allows update/patch of a related object's status. */
  private statusUpdate(nodeName: string, vertex: Vertex, a: AuthorizationAttributes): Decision {
    if (a.verb !== 'update' && a.verb !== 'patch') return noOpinion('can only get/update/patch this type');
    if (a.subresource !== 'status') return noOpinion('can only update status subresource');
    return this.related(nodeName, vertex, a);
  }

  private get(nodeName: string, vertex: Vertex, a: AuthorizationAttributes): Decision {
    if (a.verb !== 'get') return noOpinion('can only get individual resources of this type');
    if (a.subresource) return noOpinion('cannot get subresource');
    return this.related(nodeName, vertex, a);
  }

  private readNamespacedObject(nodeName: string, vertex: Vertex, a: AuthorizationAttributes): Decision {
    if (a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch') return noOpinion('can only read resources of this type');
    if (a.subresource) return noOpinion('cannot read subresource');
    if (!a.namespace) return noOpinion('can only read namespaced object of this type');
    return this.related(nodeName, vertex, a);
  }

  private createToken(nodeName: string, a: AuthorizationAttributes): Decision {
    if (a.verb !== 'create' || !a.name) return noOpinion('can only create tokens for individual service accounts');
    if (a.subresource !== 'token') return noOpinion('can only create token subresource of serviceaccount');
    return this.hasPath(nodeName, 'serviceaccount', a.namespace, a.name) ? allow : noRelationship(nodeName);
  }

  private pod(nodeName: string, a: AuthorizationAttributes): Decision {
    switch (a.subresource) {
      case '':
        switch (a.verb) {
          case 'get': return this.get(nodeName, 'pod', a);
          case 'list':
          case 'watch':
            if (a.fieldSelector?.some((r) => r.field === 'spec.nodeName' && !r.negate && r.value === nodeName)) return allow;
            if (a.name) return this.related(nodeName, 'pod', a);
            return noOpinion('can only list/watch pods with spec.nodeName field selector');
          // Mirror pods: the NodeRestriction admission plugin limits them to the node's own.
          case 'create':
          case 'delete': return allow;
        }
        break;
      case 'status':
        if (a.verb === 'update' || a.verb === 'patch') return allow;
        break;
      case 'eviction':
        if (a.verb === 'create') return allow;
        break;
    }
    return noOpinion();
  }

  /** related is authorize(): the named object must be reachable from the node. */
  private related(nodeName: string, vertex: Vertex, a: AuthorizationAttributes): Decision {
    if (!a.name) return noOpinion('No Object name found');
    return this.hasPath(nodeName, vertex, a.namespace, a.name) ? allow : noRelationship(nodeName);
  }

  /** hasPath is hasPathFrom: whether the object reaches the node through the pods bound to it. */
  private hasPath(nodeName: string, vertex: Vertex, namespace: string, name: string): boolean {
    if (vertex === 'volumeattachment') return (this.cache.get('storage.k8s.io', 'volumeattachments', '', name)?.spec as { nodeName?: string } | undefined)?.nodeName === nodeName;
    const pods = this.graph.podsOnNode(nodeName);
    if (vertex === 'pod') return pods.some((p) => p.metadata.namespace === namespace && p.metadata.name === name);
    if (vertex === 'pv') {
      const claim = (this.cache.get('', 'persistentvolumes', '', name)?.spec as { claimRef?: { namespace?: string; name?: string } } | undefined)?.claimRef;
      return !!claim?.name && this.hasPath(nodeName, 'pvc', claim.namespace ?? '', claim.name);
    }
    for (const pod of pods) {
      // A mirror pod grants its node nothing beyond the pod, so a node cannot widen its own access.
      if (pod.metadata.namespace !== namespace || pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) continue;
      if (vertex === 'serviceaccount' && (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName === name) return true;
      if (vertex === 'configmap' && podConfigMapNames(pod).has(name)) return true;
      if (vertex === 'pvc' && podClaimNames(pod).has(name)) return true;
      if (vertex === 'secret' && (podSecretNames(pod).has(name) || this.volumeSecrets(pod).has(`${namespace}/${name}`))) return true;
    }
    return false;
  }

  /** volumeSecrets are the secrets of the PVs bound to the pod's claims (secret -> pv -> pvc -> pod). */
  private volumeSecrets(pod: KubeObject): Set<string> {
    const refs = new Set<string>();
    const namespace = pod.metadata.namespace ?? '';
    for (const claim of podClaimNames(pod)) {
      const volumeName = (this.cache.get('', 'persistentvolumeclaims', namespace, claim)?.spec as { volumeName?: string } | undefined)?.volumeName;
      const pv = volumeName ? this.cache.get('', 'persistentvolumes', '', volumeName) : undefined;
      const claimRef = (pv?.spec as { claimRef?: { namespace?: string; name?: string } } | undefined)?.claimRef;
      if (pv && claimRef?.namespace === namespace && claimRef.name === claim) for (const r of pvSecretRefs(pv)) refs.add(r);
    }
    return refs;
  }
}

function noRelationship(nodeName: string): Decision {
  return noOpinion(`no relationship found between node '${nodeName}' and this object`);
}

/** authorizeLease lets a node manage its own heartbeat Lease in kube-node-lease. */
function authorizeLease(nodeName: string, a: AuthorizationAttributes): Decision {
  if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return noOpinion('can only get, create, update, patch, or delete a node lease');
  if (a.namespace !== NODE_LEASE_NAMESPACE) return noOpinion(`can only access leases in the ${JSON.stringify(NODE_LEASE_NAMESPACE)} system namespace`);
  // The name is unknown on create; the NodeRestriction admission plugin checks it then.
  if (a.verb !== 'create' && a.name !== nodeName) return noOpinion('can only access node lease with the same name as the requesting node');
  return allow;
}

/** authorizeCSINode lets a node manage the CSINode of its own name. */
function authorizeCSINode(nodeName: string, a: AuthorizationAttributes): Decision {
  if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return noOpinion('can only get, create, update, patch, or delete a CSINode');
  if (a.subresource) return noOpinion('cannot authorize CSINode subresources');
  if (a.verb !== 'create' && a.name !== nodeName) return noOpinion('can only access CSINode with the same name as the requesting node');
  return allow;
}

/** authorizeNode lets a node register and update Nodes (NodeRestriction narrows that) but read only its own. */
function authorizeNode(nodeName: string, a: AuthorizationAttributes): Decision {
  if (a.subresource === '') {
    if (a.verb === 'create' || a.verb === 'update' || a.verb === 'patch') return allow;
    if (a.verb === 'get' || a.verb === 'list' || a.verb === 'watch') {
      // The name is compared directly so a kubelet may look for its Node before creating it.
      if (a.name === nodeName) return allow;
      if (a.name === '') return noOpinion(`node '${nodeName}' cannot read all nodes, only its own Node object`);
      return noOpinion(`node '${nodeName}' cannot read '${a.name}', only its own Node object`);
    }
  } else if (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) {
    return allow;
  }
  return noOpinion();
}
