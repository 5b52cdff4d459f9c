/**
 * podTemplate prints DescribePodTemplate, the `Pod Template:` section every
 * workload describer shares, and the topology spread constraints pods and
 * templates both print.
 */
import type { Obj } from '../apiserver/printers/fields';
import { arr, get, has, num, str, strMap } from '../apiserver/printers/fields';
import { formatLabelSelector } from '../apiserver/printers/labelSelector';
import { describeContainers } from './containers';
import { goSort } from './goSort';
import { items, printAnnotationsMultiline, printLabelsMultiline, printTolerationsMultiline } from './multiline';
import type { PrefixWriter } from './prefixWriter';
import type { ZoneOffset } from './timeFormat';
import { describeVolumes } from './volumes';

/** describeTopologySpreadConstraints prints `key:When when max skew N is exceeded[ for selector S]`, sorted by topology key. */
export function describeTopologySpreadConstraints(constraints: Obj[], w: PrefixWriter, space: string): void {
  if (constraints.length === 0) return;
  const sorted = goSort([...constraints], (a, b) => str(a, 'topologyKey') < str(b, 'topologyKey'));
  w.write(0, `${space}Topology Spread Constraints:\t`);
  sorted.forEach((c, i) => {
    if (i !== 0) {
      w.write(0, space);
      w.write(0, '\t');
    }
    let line = `${str(c, 'topologyKey')}:${str(c, 'whenUnsatisfiable')} when max skew ${num(c, 'maxSkew')} is exceeded`;
    if (has(c, 'labelSelector')) line += ` for selector ${formatLabelSelector(get(c, 'labelSelector'))}`;
    w.write(0, `${line}\n`);
  });
}

/** describePodTemplate prints a template's labels, annotations, containers, volumes and scheduling hints, indented under `Pod Template:`. */
export function describePodTemplate(template: unknown, w: PrefixWriter, zone: ZoneOffset): void {
  w.write(0, 'Pod Template:\n');
  if (!has(template)) {
    w.write(1, '<unset>');
    return;
  }
  const spec = get(template, 'spec');
  printLabelsMultiline(w, '  Labels', strMap(template, 'metadata', 'labels'));
  const annotations = strMap(template, 'metadata', 'annotations');
  if (Object.keys(annotations).length > 0) printAnnotationsMultiline(w, '  Annotations', annotations);
  if (str(spec, 'serviceAccountName')) w.write(1, `Service Account:\t${str(spec, 'serviceAccountName')}\n`);
  if (arr(spec, 'initContainers').length > 0) describeContainers('Init Containers', items(spec, 'initContainers'), undefined, undefined, w, '  ', zone);
  describeContainers('Containers', items(spec, 'containers'), undefined, undefined, w, '  ', zone);
  describeVolumes(arr(spec, 'volumes'), w, '  ');
  describeTopologySpreadConstraints(items(spec, 'topologySpreadConstraints'), w, '  ');
  if (str(spec, 'priorityClassName')) w.write(1, `Priority Class Name:\t${str(spec, 'priorityClassName')}\n`);
  printLabelsMultiline(w, '  Node-Selectors', strMap(spec, 'nodeSelector'));
  printTolerationsMultiline(w, '  Tolerations', arr(spec, 'tolerations'));
}
