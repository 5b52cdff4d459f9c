/**
 * apps holds the printers.go handlers for the apps group: deployments, replica
 * sets, stateful sets, daemon sets and controller revisions.
 */
import { arr, get, num, optNum, str, strMap } from './fields';
import { formatLabels, layoutContainerCells, since, templateContainers } from './format';
import { formatLabelSelector, labelSelectorString } from './labelSelector';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

const NAME = col('Name', 'string', doc('ObjectMeta.name'), 0, 'name');
const AGE = col('Age', 'string', doc('ObjectMeta.creationTimestamp'));
const CONTAINERS = col('Containers', 'string', 'Names of each container in the template.', 1);
const IMAGES = col('Images', 'string', 'Images referenced by each container in the template.', 1);

/** desiredReplicas is spec.replicas as the server decodes it: defaulted to 1 when unset. */
function desiredReplicas(obj: unknown): number {
  return optNum(obj, 'spec', 'replicas') ?? 1;
}

function containerCells(obj: unknown): [string, string] {
  return layoutContainerCells(templateContainers(get(obj, 'spec', 'template')));
}

/** deploymentPrinter is printDeployment: READY as ready/desired; an unconvertible selector prints `<invalid>`. */
export const deploymentPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', doc('DeploymentStatus.updatedReplicas')),
    col('Available', 'string', doc('DeploymentStatus.availableReplicas')),
    AGE, CONTAINERS, IMAGES,
    col('Selector', 'string', doc('DeploymentSpec.selector'), 1),
  ],
  print(d, now) {
    const [names, images] = containerCells(d);
    return {
      cells: [
        str(d, 'metadata', 'name'), `${num(d, 'status', 'readyReplicas')}/${desiredReplicas(d)}`, num(d, 'status', 'updatedReplicas'), num(d, 'status', 'availableReplicas'),
        since(d.metadata.creationTimestamp, now), names, images, labelSelectorString(get(d, 'spec', 'selector')) ?? '<invalid>',
      ],
    };
  },
};

/** replicaSetPrinter is printReplicaSet. */
export const replicaSetPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Desired', 'integer', doc('ReplicaSetSpec.replicas')),
    col('Current', 'integer', doc('ReplicaSetStatus.replicas')),
    col('Ready', 'integer', doc('ReplicaSetStatus.readyReplicas')),
    AGE, CONTAINERS, IMAGES,
    col('Selector', 'string', doc('ReplicaSetSpec.selector'), 1),
  ],
  print(rs, now) {
    const [names, images] = containerCells(rs);
    return {
      cells: [
        str(rs, 'metadata', 'name'), desiredReplicas(rs), num(rs, 'status', 'replicas'), num(rs, 'status', 'readyReplicas'), since(rs.metadata.creationTimestamp, now),
        names, images, formatLabelSelector(get(rs, 'spec', 'selector')),
      ],
    };
  },
};

/** statefulSetPrinter is printStatefulSet: READY as ready/desired, no selector column. */
export const statefulSetPrinter: TablePrinter = {
  columns: [NAME, col('Ready', 'string', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES],
  print(sts, now) {
    const [names, images] = containerCells(sts);
    return { cells: [str(sts, 'metadata', 'name'), `${num(sts, 'status', 'readyReplicas')}/${desiredReplicas(sts)}`, since(sts.metadata.creationTimestamp, now), names, images] };
  },
};

/** daemonSetPrinter is printDaemonSet: the scheduling counts from status and the template's node selector. */
export const daemonSetPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Desired', 'integer', doc('DaemonSetStatus.desiredNumberScheduled')),
    col('Current', 'integer', doc('DaemonSetStatus.currentNumberScheduled')),
    col('Ready', 'integer', doc('DaemonSetStatus.numberReady')),
    col('Up-to-date', 'integer', doc('DaemonSetStatus.updatedNumberScheduled')),
    col('Available', 'integer', doc('DaemonSetStatus.numberAvailable')),
    col('Node Selector', 'string', doc('PodSpec.nodeSelector')),
    AGE, CONTAINERS, IMAGES,
    col('Selector', 'string', doc('DaemonSetSpec.selector'), 1),
  ],
  print(ds, now) {
    const [names, images] = containerCells(ds);
    const status = (field: string) => num(ds, 'status', field);
    return {
      cells: [
        str(ds, 'metadata', 'name'), status('desiredNumberScheduled'), status('currentNumberScheduled'), status('numberReady'), status('updatedNumberScheduled'), status('numberAvailable'),
        formatLabels(strMap(ds, 'spec', 'template', 'spec', 'nodeSelector')), since(ds.metadata.creationTimestamp, now), names, images, formatLabelSelector(get(ds, 'spec', 'selector')),
      ],
    };
  },
};

/** controllerRevisionPrinter is printControllerRevision: CONTROLLER as `kind.group/name` of the controlling owner. */
export const controllerRevisionPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Controller', 'string', 'Controller of the object'),
    col('Revision', 'string', doc('ControllerRevision.revision')),
    AGE,
  ],
  print(cr, now) {
    let controller = '<none>';
    const ref = arr(cr, 'metadata', 'ownerReferences').find((r) => get(r, 'controller') === true);
    if (ref !== undefined) {
      // schema.ParseGroupVersion accepts "", "/", "v1" and "group/v1"; more slashes fail the whole table.
      const apiVersion = str(ref, 'apiVersion');
      const slashes = apiVersion.split('/').length - 1;
      if (slashes > 1) return { error: `unexpected GroupVersion string: ${apiVersion}` };
      const group = slashes === 1 && apiVersion !== '/' ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
      const kind = str(ref, 'kind');
      const groupKind = group === '' ? kind : `${kind}.${group}`;
      controller = groupKind === '' ? str(ref, 'name') : `${groupKind.toLowerCase()}/${str(ref, 'name')}`;
    }
    return { cells: [str(cr, 'metadata', 'name'), controller, num(cr, 'revision'), since(cr.metadata.creationTimestamp, now)] };
  },
};
