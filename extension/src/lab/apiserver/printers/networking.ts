/**
 * networking holds the printers.go handlers for the networking.k8s.io group:
 * ingresses, ingress classes and network policies.
 */
import { loadBalancerStatusStringer } from './core';
import { arr, get, has, optStr, str } from './fields';
import { since } from './format';
import { formatLabelSelector } from './labelSelector';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

const NAME = col('Name', 'string', doc('ObjectMeta.name'), 0, 'name');
const AGE = col('Age', 'string', doc('ObjectMeta.creationTimestamp'));

/** formatHosts is printers.go's: up to three rule hosts, `*` when none, then `+ N more...` counting rules. */
function formatHosts(rules: readonly unknown[]): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    const host = str(rule, 'host');
    if (!more && host !== '') list.push(host);
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${rules.length - max} more...` : ret;
}

/** ingressPrinter is printIngress: PORTS is `80`, or `80, 443` with TLS. */
export const ingressPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE,
  ],
  print: (ing, now) => ({
    cells: [
      str(ing, 'metadata', 'name'), optStr(ing, 'spec', 'ingressClassName') ?? '<none>', formatHosts(arr(ing, 'spec', 'rules')),
      loadBalancerStatusStringer(arr(ing, 'status', 'loadBalancer', 'ingress')), arr(ing, 'spec', 'tls').length !== 0 ? '80, 443' : '80', since(ing.metadata.creationTimestamp, now),
    ],
  }),
};

/** ingressClassPrinter is printIngressClass: PARAMETERS as `Kind[.apiGroup]/name`. */
export const ingressClassPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Controller', 'string', 'Controller that is responsible for handling this class'),
    col('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE,
  ],
  print(ic, now) {
    let parameters = '<none>';
    const p = get(ic, 'spec', 'parameters');
    if (has(p)) {
      const apiGroup = optStr(p, 'apiGroup');
      parameters = `${str(p, 'kind')}${apiGroup !== undefined ? `.${apiGroup}` : ''}/${str(p, 'name')}`;
    }
    return { cells: [str(ic, 'metadata', 'name'), str(ic, 'spec', 'controller'), parameters, since(ic.metadata.creationTimestamp, now)] };
  },
};

/** networkPolicyPrinter is printNetworkPolicy: POD-SELECTOR, `<none>` for the empty selector that selects every pod. */
export const networkPolicyPrinter: TablePrinter = {
  columns: [NAME, col('Pod-Selector', 'string', doc('NetworkPolicySpec.podSelector')), AGE],
  print: (np, now) => ({ cells: [str(np, 'metadata', 'name'), formatLabelSelector(get(np, 'spec', 'podSelector') ?? {}), since(np.metadata.creationTimestamp, now)] }),
};
