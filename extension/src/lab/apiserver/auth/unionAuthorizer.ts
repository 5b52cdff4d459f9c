/**
 * unionAuthorizer chains authorizers as kube-apiserver's --authorization-mode
 * does (authorizer/union): the first allow or deny decides; when all have no
 * opinion their reasons are joined, one per line, for the 403. The chain stays
 * synchronous while its members are, so the common request pays no promise.
 */
import type { NodeGraph } from './nodeAuthorizer';
import { NodeAuthorizer } from './nodeAuthorizer';
import { RBACAuthorizer } from './rbacAuthorizer';
import type { AuthorizationAttributes, Authorizer, Decision, ObjectCache } from './types';
import { SYSTEM_PRIVILEGED_GROUP } from './user';

/** unionAuthorizer asks authorizers in order until one allows or denies. */
export function unionAuthorizer(...authorizers: Authorizer[]): Authorizer {
  return {
    authorize(a: AuthorizationAttributes): Decision | Promise<Decision> {
      const reasons: string[] = [];
      const from = (i: number): Decision | Promise<Decision> => {
        for (; i < authorizers.length; i++) {
          const d = authorizers[i].authorize(a);
          if (d instanceof Promise) return d.then((r) => decide(r, i));
          if (d.decision !== 'noOpinion') return d;
          if (d.reason) reasons.push(d.reason);
        }
        return { decision: 'noOpinion', reason: reasons.join('\n') };
      };
      const decide = (d: Decision, i: number): Decision | Promise<Decision> => {
        if (d.decision !== 'noOpinion') return d;
        if (d.reason) reasons.push(d.reason);
        return from(i + 1);
      };
      return from(0);
    },
  };
}

/** privilegedGroups allows every request of a member of the given groups (authorizerfactory.NewPrivilegedGroups). */
export function privilegedGroups(...groups: string[]): Authorizer {
  return {
    authorize: (a) => (a.user.groups.some((g) => groups.includes(g)) ? { decision: 'allow', reason: '' } : { decision: 'noOpinion', reason: '' }),
  };
}

/** defaultAuthorizer is kube-apiserver's `--authorization-mode=Node,RBAC`: system:masters first, then Node, then RBAC. */
export function defaultAuthorizer(cache: ObjectCache, graph: NodeGraph): Authorizer {
  return unionAuthorizer(privilegedGroups(SYSTEM_PRIVILEGED_GROUP), new NodeAuthorizer(graph, cache), new RBACAuthorizer(cache));
}
