/**
 * networkTraces is how the Network panel asks the lab for a packet's way: it
 * creates a PacketTrace through the API, as `kubectl create` would, labelled
 * with what the panel wanted (a trace, or a DNS lookup: a trace whose
 * destination is a name), and keeps only its newest traces. The answer comes
 * back through the feed's watch on packettraces. No `vscode` here.
 */
import { isStatus } from '../../lab/api/types';
import type { KubeClient } from '../../lab/client/kubeClient';
import { PACKETTRACES, type PacketTrace } from '../../lab/network/packetTrace';
import { LAB_GROUP, LAB_VERSION } from '../../lab/network/proxyRuleSet';
import type { NetworkTraceDestination, NetworkTraceSource } from '../../../../webview/src/shared/protocol';
import { PANEL_LABEL } from './networkViews';

/** KEEP_TRACES is how many of its own traces the panel leaves in the cluster. */
export const KEEP_TRACES = 20;
/** GENERATE_NAME prefixes the names of the panel's traces. */
export const GENERATE_NAME = 'network-panel-';
/** DNS_LOOKUP_PORT is the port of a lookup's trace: the name is what is asked, the connection goes to the DNS port. */
export const DNS_LOOKUP_PORT = 53;

/** TraceRequest is a created trace's name, or the API server's reason it was not created. */
export type TraceRequest = { name: string } | { error: string };

/** traceObject is the PacketTrace the panel creates for a request. */
export function traceObject(source: NetworkTraceSource, destination: NetworkTraceDestination, purpose: 'trace' | 'lookup'): PacketTrace {
  return {
    apiVersion: `${LAB_GROUP}/${LAB_VERSION}`,
    kind: 'PacketTrace',
    metadata: { generateName: GENERATE_NAME, labels: { [PANEL_LABEL]: purpose } },
    spec: { source: { ...source }, destination: { ...destination } },
  };
}

/** requestTrace creates the trace; the API server validates it and answers with its name or a Status. */
export async function requestTrace(client: KubeClient, source: NetworkTraceSource, destination: NetworkTraceDestination, purpose: 'trace' | 'lookup'): Promise<TraceRequest> {
  const res = await client.create<PacketTrace>(PACKETTRACES, traceObject(source, destination, purpose));
  if (isStatus(res)) return { error: res.message ?? res.reason ?? 'the trace was not created' };
  return { name: res.metadata.name ?? '' };
}

/** lookupDestination is the destination of a DNS lookup of name: a trace to the name's DNS port. */
export function lookupDestination(name: string): NetworkTraceDestination {
  return { dnsName: name.trim().toLowerCase(), port: DNS_LOOKUP_PORT };
}

/** pruneTraces deletes the panel's own traces past the newest keep; other traces (kubectl's) are left alone. */
export async function pruneTraces(client: KubeClient, traces: readonly PacketTrace[], keep = KEEP_TRACES): Promise<string[]> {
  const own = traces
    .filter((t) => t.metadata.labels?.[PANEL_LABEL])
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || (b.metadata.name ?? '').localeCompare(a.metadata.name ?? ''));
  const old = own.slice(keep).map((t) => t.metadata.name ?? '');
  await Promise.all(old.map((name) => client.delete(PACKETTRACES, '', name)));
  return old;
}
