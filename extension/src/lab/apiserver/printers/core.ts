/**
 * core holds the printers.go handlers for the core group's cluster objects:
 * nodes, namespaces, services, endpoints, config maps, secrets, service
 * accounts, component statuses, replication controllers, pod templates and
 * resource quotas. Pods, events and volumes have their own files.
 */
import { arr, get, num, rec, str, strMap } from './fields';
import { formatLabels, goStringLess, joinHostPort, layoutContainerCells, quantityString, since, templateContainers } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

const NAME = col('Name', 'string', doc('ObjectMeta.name'), 0, 'name');
const AGE = col('Age', 'string', doc('ObjectMeta.creationTimestamp'));
const CONTAINERS = col('Containers', 'string', 'Names of each container in the template.', 1);
const IMAGES = col('Images', 'string', 'Images referenced by each container in the template.', 1);

/** findNodeRoles is printers.go's findNodeRoles: node-role.kubernetes.io/<role> keys and kubernetes.io/role values, sorted. */
function findNodeRoles(labels: Record<string, string>): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role !== '') roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort(goStringLess);
}

function nodeAddress(node: unknown, type: string): string {
  const a = arr(node, 'status', 'addresses').find((x) => str(x, 'type') === type);
  return a === undefined ? '<none>' : str(a, 'address');
}

/** nodePrinter is printNode: STATUS from the Ready condition plus SchedulingDisabled, ROLES from labels. */
export const nodePrinter: TablePrinter = {
  columns: [
    NAME,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    AGE,
    col('Version', 'string', doc('NodeSystemInfo.kubeletVersion')),
    col('Internal-IP', 'string', doc('NodeStatus.addresses'), 1),
    col('External-IP', 'string', doc('NodeStatus.addresses'), 1),
    col('OS-Image', 'string', doc('NodeSystemInfo.osImage'), 1),
    col('Kernel-Version', 'string', doc('NodeSystemInfo.kernelVersion'), 1),
    col('Container-Runtime', 'string', doc('NodeSystemInfo.containerRuntimeVersion'), 1),
  ],
  print(node, now) {
    // The condition map keeps the last Ready condition, as printNode's map does.
    const ready = arr(node, 'status', 'conditions').filter((c) => str(c, 'type') === 'Ready').at(-1);
    const status = ready === undefined ? ['Unknown'] : [str(ready, 'status') === 'True' ? 'Ready' : 'NotReady'];
    if (get(node, 'spec', 'unschedulable') === true) status.push('SchedulingDisabled');
    const roles = findNodeRoles(strMap(node, 'metadata', 'labels')).join(',');
    const info = (field: string) => str(node, 'status', 'nodeInfo', field) || '<unknown>';
    return {
      cells: [
        str(node, 'metadata', 'name'), status.join(','), roles || '<none>', since(node.metadata.creationTimestamp, now), str(node, 'status', 'nodeInfo', 'kubeletVersion'),
        nodeAddress(node, 'InternalIP'), nodeAddress(node, 'ExternalIP'), info('osImage'), info('kernelVersion'), info('containerRuntimeVersion'),
      ],
    };
  },
};

/** namespacePrinter is printNamespace. */
export const namespacePrinter: TablePrinter = {
  columns: [NAME, col('Status', 'string', 'The status of the namespace'), AGE],
  print: (ns, now) => ({ cells: [str(ns, 'metadata', 'name'), str(ns, 'status', 'phase'), since(ns.metadata.creationTimestamp, now)] }),
};

/** loadBalancerStatusStringer is printers.go's: the sorted, de-duplicated ingress IPs (or hostnames); the server prints wide, so never clipped. */
export function loadBalancerStatusStringer(ingress: readonly unknown[]): string {
  const set = new Set<string>();
  for (const i of ingress) {
    const ip = str(i, 'ip');
    const hostname = str(i, 'hostname');
    if (ip !== '') set.add(ip);
    else if (hostname !== '') set.add(hostname);
  }
  return [...set].sort(goStringLess).join(',');
}

/** serviceExternalIP is getServiceExternalIP. */
function serviceExternalIP(svc: unknown): string {
  const externalIPs = arr(svc, 'spec', 'externalIPs').map((x) => String(x));
  switch (str(svc, 'spec', 'type')) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lbIPs = loadBalancerStatusStringer(arr(svc, 'status', 'loadBalancer', 'ingress'));
      if (externalIPs.length > 0) return [...(lbIPs ? lbIPs.split(',') : []), ...externalIPs].join(',');
      return lbIPs || '<pending>';
    }
    case 'ExternalName':
      return str(svc, 'spec', 'externalName');
    default:
      return '<unknown>';
  }
}

/** makePortString is printers.go's: `80/TCP`, or `80:30080/TCP` with a node port. */
function makePortString(ports: readonly unknown[]): string {
  return ports.map((p) => {
    const nodePort = num(p, 'nodePort');
    return nodePort > 0 ? `${num(p, 'port')}:${nodePort}/${str(p, 'protocol')}` : `${num(p, 'port')}/${str(p, 'protocol')}`;
  }).join(',');
}

/** servicePrinter is printService. */
export const servicePrinter: TablePrinter = {
  columns: [
    NAME,
    col('Type', 'string', doc('ServiceSpec.type')),
    col('Cluster-IP', 'string', doc('ServiceSpec.clusterIP')),
    col('External-IP', 'string', doc('ServiceSpec.externalIPs')),
    col('Port(s)', 'string', doc('ServiceSpec.ports')),
    AGE,
    col('Selector', 'string', doc('ServiceSpec.selector'), 1),
  ],
  print(svc, now) {
    // The internal type keeps spec.clusterIPs; the v1 conversion fills it from spec.clusterIP.
    const clusterIP = str(arr(svc, 'spec', 'clusterIPs')[0]) || str(svc, 'spec', 'clusterIP') || '<none>';
    return {
      cells: [
        str(svc, 'metadata', 'name'), str(svc, 'spec', 'type'), clusterIP, serviceExternalIP(svc), makePortString(arr(svc, 'spec', 'ports')) || '<none>',
        since(svc.metadata.creationTimestamp, now), formatLabels(strMap(svc, 'spec', 'selector')),
      ],
    };
  },
};

/** formatEndpoints is printers.go's formatEndpoints for all ports: up to three ip:port, then `+ N more...`. */
function formatEndpoints(subsets: readonly unknown[]): string {
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = arr(ss, 'addresses');
    const ports = arr(ss, 'ports');
    // Headless services may have no ports: the addresses alone.
    const perPort = ports.length === 0 ? [undefined] : ports;
    for (const port of perPort) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(port === undefined ? str(a, 'ip') : joinHostPort(str(a, 'ip'), num(port, 'port')));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

/** endpointsPrinter is printEndpoints. */
export const endpointsPrinter: TablePrinter = {
  columns: [NAME, col('Endpoints', 'string', doc('Endpoints.subsets')), AGE],
  print: (ep, now) => ({ cells: [str(ep, 'metadata', 'name'), formatEndpoints(arr(ep, 'subsets')), since(ep.metadata.creationTimestamp, now)] }),
};

/** configMapPrinter is printConfigMap: DATA counts data and binaryData keys. */
export const configMapPrinter: TablePrinter = {
  columns: [NAME, col('Data', 'string', doc('ConfigMap.data')), AGE],
  print: (cm, now) => ({
    cells: [str(cm, 'metadata', 'name'), Object.keys(rec(cm, 'data')).length + Object.keys(rec(cm, 'binaryData')).length, since(cm.metadata.creationTimestamp, now)],
  }),
};

/** secretPrinter is printSecret: DATA counts keys after the v1 conversion merges stringData into data. */
export const secretPrinter: TablePrinter = {
  columns: [NAME, col('Type', 'string', doc('Secret.type')), col('Data', 'string', doc('Secret.data')), AGE],
  print: (s, now) => {
    const keys = new Set([...Object.keys(rec(s, 'data')), ...Object.keys(rec(s, 'stringData'))]);
    return { cells: [str(s, 'metadata', 'name'), str(s, 'type'), keys.size, since(s.metadata.creationTimestamp, now)] };
  },
};

/** serviceAccountPrinter is printServiceAccount: SECRETS counts the legacy secrets list. */
export const serviceAccountPrinter: TablePrinter = {
  columns: [NAME, col('Secrets', 'string', doc('ServiceAccount.secrets')), AGE],
  print: (sa, now) => ({ cells: [str(sa, 'metadata', 'name'), arr(sa, 'secrets').length, since(sa.metadata.creationTimestamp, now)] }),
};

/** componentStatusPrinter is printComponentStatus: the Healthy condition's status, message and error. */
export const componentStatusPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Status', 'string', 'Status of the component conditions'),
    col('Message', 'string', 'Message of the component conditions'),
    col('Error', 'string', 'Error of the component conditions'),
  ],
  print(cs) {
    const healthy = arr(cs, 'conditions').find((c) => str(c, 'type') === 'Healthy');
    if (healthy === undefined) return { cells: [str(cs, 'metadata', 'name'), 'Unknown', '', ''] };
    const status = str(healthy, 'status') === 'True' ? 'Healthy' : 'Unhealthy';
    return { cells: [str(cs, 'metadata', 'name'), status, str(healthy, 'message'), str(healthy, 'error')] };
  },
};

/** replicationControllerPrinter is printReplicationController. */
export const replicationControllerPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Desired', 'integer', doc('ReplicationControllerSpec.replicas')),
    col('Current', 'integer', doc('ReplicationControllerStatus.replicas')),
    col('Ready', 'integer', doc('ReplicationControllerStatus.readyReplicas')),
    AGE, CONTAINERS, IMAGES,
    col('Selector', 'string', doc('ReplicationControllerSpec.selector'), 1),
  ],
  print(rc, now) {
    const [names, images] = layoutContainerCells(templateContainers(get(rc, 'spec', 'template')));
    return {
      cells: [
        str(rc, 'metadata', 'name'), num(rc, 'spec', 'replicas'), num(rc, 'status', 'replicas'), num(rc, 'status', 'readyReplicas'), since(rc.metadata.creationTimestamp, now),
        names, images, formatLabels(strMap(rc, 'spec', 'selector')),
      ],
    };
  },
};

/** podTemplatePrinter is printPodTemplate: no AGE column upstream. */
export const podTemplatePrinter: TablePrinter = {
  columns: [
    NAME,
    col('Containers', 'string', 'Names of each container in the template.'),
    col('Images', 'string', 'Images referenced by each container in the template.'),
    col('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  print(pt) {
    const [names, images] = layoutContainerCells(templateContainers(get(pt, 'template')));
    return { cells: [str(pt, 'metadata', 'name'), names, images, formatLabels(strMap(pt, 'template', 'metadata', 'labels'))] };
  },
};

/** resourceQuotaPrinter is printResourceQuota: `used/hard` per resource, `limits.*` in LIMIT and the rest in REQUEST. */
export const resourceQuotaPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    AGE,
  ],
  print(quota, now) {
    const hard = rec(quota, 'status', 'hard');
    const used = rec(quota, 'status', 'used');
    const request: string[] = [];
    const limit: string[] = [];
    for (const resource of Object.keys(hard).sort(goStringLess)) {
      const pieces = resource.split('.');
      const column = pieces.length > 1 && pieces[0] === 'limits' ? limit : request;
      column.push(`${resource}: ${quantityString(used[resource])}/${quantityString(hard[resource])}`);
    }
    return { cells: [str(quota, 'metadata', 'name'), request.join(', '), limit.join(', '), since(quota.metadata.creationTimestamp, now)] };
  },
};
