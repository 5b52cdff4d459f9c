/**
 * rbac holds printRoleBinding and printClusterRoleBinding. Roles and cluster
 * roles have no printer upstream and get the default table.
 */
import { arr, str } from './fields';
import { since } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

/** subjectsStrings is rbac.SubjectsStrings: users, groups and `namespace/name` service accounts. */
function subjectsStrings(subjects: readonly unknown[]): [string[], string[], string[]] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects) {
    switch (str(s, 'kind')) {
      case 'ServiceAccount': sas.push(`${str(s, 'namespace')}/${str(s, 'name')}`); break;
      case 'User': users.push(str(s, 'name')); break;
      case 'Group': groups.push(str(s, 'name')); break;
      default: break;
    }
  }
  return [users, groups, sas];
}

function bindingPrinter(what: 'roleBinding' | 'clusterRoleBinding'): TablePrinter {
  return {
    columns: [
      col('Name', 'string', doc('ObjectMeta.name'), 0, 'name'),
      col('Role', 'string', doc(what === 'roleBinding' ? 'RoleBinding.roleRef' : 'ClusterRoleBinding.roleRef')),
      col('Age', 'string', doc('ObjectMeta.creationTimestamp')),
      col('Users', 'string', `Users in the ${what}`, 1),
      col('Groups', 'string', `Groups in the ${what}`, 1),
      col('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, 1),
    ],
    print(b, now) {
      const [users, groups, sas] = subjectsStrings(arr(b, 'subjects'));
      return {
        cells: [
          str(b, 'metadata', 'name'), `${str(b, 'roleRef', 'kind')}/${str(b, 'roleRef', 'name')}`, since(b.metadata.creationTimestamp, now),
          users.join(', '), groups.join(', '), sas.join(', '),
        ],
      };
    },
  };
}

/** roleBindingPrinter is printRoleBinding: ROLE as `Kind/name`, subjects in the wide columns. */
export const roleBindingPrinter = bindingPrinter('roleBinding');

/** clusterRoleBindingPrinter is printClusterRoleBinding. */
export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding');
