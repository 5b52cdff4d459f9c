/** network holds the Service and Endpoints describers. */
import type { KubeObject } from '../api/types';
import { isStatus } from '../api/types';
import type { Obj } from '../apiserver/printers/fields';
import { arr, get, has, num, optStr, str, strMap } from '../apiserver/printers/fields';
import { formatLabels, joinHostPort } from '../apiserver/printers/format';
import { type DescribeContext, getObject } from './context';
import { describeEvents, refOf, searchEvents } from './events';
import { annotationsOf, items, labelsOf, printAnnotationsMultiline, printLabelsMultiline } from './multiline';
import { tabbedString, type PrefixWriter } from './prefixWriter';
import { ENDPOINTS, ENDPOINTSLICES, SERVICES } from './refs';

const MAX_ENDPOINTS = 3;

function firstAddress(endpoint: Obj): string {
  const a = arr(endpoint, 'addresses')[0];
  return typeof a === 'string' ? a : '';
}

function isReady(endpoint: Obj): boolean {
  return get(endpoint, 'conditions', 'ready') !== false;
}

/**
 * formatEndpointSlices lists up to three ready endpoints serving the named port
 * (`ip:port`, or just the ip for a portless slice) and `+ N more...` beyond.
 */
export function formatEndpointSlices(slices: Obj[], portName: string): string {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  const add = (endpoint: Obj, text: () => string) => {
    if (list.length === MAX_ENDPOINTS) more = true;
    if (!isReady(endpoint)) return;
    if (!more) list.push(text());
    count++;
  };
  for (const slice of slices) {
    const ports = items(slice, 'ports');
    if (ports.length === 0) {
      for (const e of items(slice, 'endpoints')) add(e, () => firstAddress(e));
      continue;
    }
    for (const port of ports) {
      if (str(port, 'name') !== portName) continue;
      for (const e of items(slice, 'endpoints')) add(e, () => joinHostPort(firstAddress(e), num(port, 'port')));
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - MAX_ENDPOINTS} more...` : ret;
}

function buildIngressString(ingress: Obj[]): string {
  return ingress.map((i) => (str(i, 'ip') !== '' ? `${str(i, 'ip')}${has(i, 'ipMode') ? ` (${str(i, 'ipMode')})` : ''}` : str(i, 'hostname'))).join(', ');
}

function describePorts(svc: KubeObject, slices: Obj[], w: PrefixWriter): void {
  for (const sp of items(svc, 'spec', 'ports')) {
    const name = str(sp, 'name') || '<unset>';
    const protocol = str(sp, 'protocol');
    w.write(0, `Port:\t${name}\t${num(sp, 'port')}/${protocol}\n`);
    const target = get(sp, 'targetPort');
    w.write(0, `TargetPort:\t${typeof target === 'string' ? target : num(sp, 'targetPort')}/${protocol}\n`);
    if (num(sp, 'nodePort') !== 0) w.write(0, `NodePort:\t${name}\t${num(sp, 'nodePort')}/${protocol}\n`);
    w.write(0, `Endpoints:\t${formatEndpointSlices(slices, str(sp, 'name'))}\n`);
  }
}

function describeAddresses(spec: unknown, svc: KubeObject, w: PrefixWriter): void {
  if (has(spec, 'ipFamilyPolicy')) w.write(0, `IP Family Policy:\t${str(spec, 'ipFamilyPolicy')}\n`);
  const families = arr(spec, 'ipFamilies').map(String);
  w.write(0, `IP Families:\t${families.length > 0 ? families.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${str(spec, 'clusterIP')}\n`);
  const ips = arr(spec, 'clusterIPs').map(String);
  w.write(0, `IPs:\t${ips.length > 0 ? ips.join(',') : '<none>'}\n`);
  const external = arr(spec, 'externalIPs').map(String);
  if (external.length > 0) w.write(0, `External IPs:\t${external.join(',')}\n`);
  if (str(spec, 'loadBalancerIP')) w.write(0, `Desired LoadBalancer IP:\t${str(spec, 'loadBalancerIP')}\n`);
  if (str(spec, 'externalName')) w.write(0, `External Name:\t${str(spec, 'externalName')}\n`);
  const ingress = items(svc, 'status', 'loadBalancer', 'ingress');
  if (ingress.length > 0) w.write(0, `LoadBalancer Ingress:\t${buildIngressString(ingress)}\n`);
}

/** describeServiceObject is the ServiceDescriber: endpoints come from the service's EndpointSlices. */
export async function describeServiceObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const svc = await getObject(ctx, SERVICES, namespace, name);
  const sliceList = await ctx.client.list(ENDPOINTSLICES, namespace, { labelSelector: `kubernetes.io/service-name=${name}` });
  const slices = isStatus(sliceList) ? [] : (sliceList.items as Obj[]);
  const events = await searchEvents(ctx, refOf(svc, 'Service'));
  return tabbedString((w) => {
    const spec = get(svc, 'spec');
    w.write(0, `Name:\t${name}\n`);
    w.write(0, `Namespace:\t${svc.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(svc));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(svc));
    w.write(0, `Selector:\t${formatLabels(strMap(spec, 'selector'))}\n`);
    w.write(0, `Type:\t${str(spec, 'type')}\n`);
    describeAddresses(spec, svc, w);
    describePorts(svc, slices, w);
    w.write(0, `Session Affinity:\t${str(spec, 'sessionAffinity')}\n`);
    if (str(spec, 'externalTrafficPolicy')) w.write(0, `External Traffic Policy:\t${str(spec, 'externalTrafficPolicy')}\n`);
    const internal = optStr(spec, 'internalTrafficPolicy');
    if (internal !== undefined) w.write(0, `Internal Traffic Policy:\t${internal}\n`);
    if (num(spec, 'healthCheckNodePort') !== 0) w.write(0, `HealthCheck NodePort:\t${num(spec, 'healthCheckNodePort')}\n`);
    const ranges = arr(spec, 'loadBalancerSourceRanges').map(String);
    if (ranges.length > 0) w.write(0, `LoadBalancer Source Ranges:\t${ranges.join(',')}\n`);
    describeEvents(events, w, ctx.now);
  });
}

function addressList(subset: Obj, field: string): string {
  return items(subset, field).map((a) => str(a, 'ip')).join(',') || '<none>';
}

/** describeEndpointsObject is the EndpointsDescriber. */
export async function describeEndpointsObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const ep = await getObject(ctx, ENDPOINTS, namespace, name);
  const events = await searchEvents(ctx, refOf(ep, 'Endpoints'));
  return tabbedString((w) => {
    w.write(0, `Name:\t${name}\n`);
    w.write(0, `Namespace:\t${ep.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(ep));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(ep));
    w.write(0, 'Subsets:\n');
    for (const subset of items(ep, 'subsets')) {
      w.write(1, `Addresses:\t${addressList(subset, 'addresses')}\n`);
      w.write(1, `NotReadyAddresses:\t${addressList(subset, 'notReadyAddresses')}\n`);
      const ports = items(subset, 'ports');
      if (ports.length > 0) {
        w.write(1, 'Ports:\n');
        w.write(2, 'Name\tPort\tProtocol\n');
        w.write(2, '----\t----\t--------\n');
        for (const p of ports) w.write(2, `${str(p, 'name') || '<unset>'}\t${num(p, 'port')}\t${str(p, 'protocol')}\n`);
      }
      w.write(0, '\n');
    }
    describeEvents(events, w, ctx.now);
  });
}
