/**
 * NetworkPanel is the Network panel's host (KubeLab: Open Network Panel): one
 * webview panel, restored after a window reload by its serializer, fed by a
 * NetworkFeed over the editor's ClusterModel — a snapshot when the page says
 * `ready`, then deltas. Traces and DNS lookups the page asks for become
 * PacketTraces created through the API; a Service's host mapping opens in the
 * browser only at the address the lab recorded for it, never at one the page
 * names. With a TimeTravel the feed shows a past revision when asked, and
 * traces, lookups and host ports (which act on the live cluster) wait for live.
 */
import * as vscode from 'vscode';
import { ENDPOINTSLICES, SERVICES } from '../../lab/controllers/kubernetesService';
import { PACKETTRACES, type PacketTrace } from '../../lab/network/packetTrace';
import { PROXYRULESETS, type ProxyRuleSet } from '../../lab/network/proxyRuleSet';
import type { EndpointSlice, Service } from '../../lab/network/serviceInfo';
import type { ClusterState, NetworkFromPanel, NetworkToPanel } from '../../../../webview/src/shared/protocol';
import type { Cluster } from '../cluster';
import { BY_NODE, type ClusterModel } from '../clusterModel';
import { NetworkFeed } from './networkFeed';
import { lookupDestination, pruneTraces, requestTrace } from './networkTraces';
import { ModelPanelHost } from './modelPanelHost';
import { showFailure, timeout } from './panelHost';
import { serviceView } from './networkViews';
import { type TimeTravel, readOnlyNotice } from './timeTravel';

export const NETWORK_VIEW_TYPE = 'kubelab.networkPanel';
const TITLE = 'KubeLab: Network';

export class NetworkPanel implements vscode.Disposable {
  private readonly host: ModelPanelHost<NetworkFromPanel, NetworkToPanel, NetworkFeed>;
  private rulesNode?: string;

  constructor(extensionUri: vscode.Uri, private readonly cluster: Pick<Cluster, 'name' | 'isLab' | 'start'>, timeTravel?: TimeTravel) {
    this.host = new ModelPanelHost(extensionUri, { viewType: NETWORK_VIEW_TYPE, title: TITLE, asset: 'network' }, cluster, {
      onMessage: (m) => this.receive(m),
      feed: (model) => new NetworkFeed(
        {
          nodes: model.nodes,
          pods: model.pods,
          services: model.informer<Service>(SERVICES),
          slices: model.informer<EndpointSlice>(ENDPOINTSLICES),
          // Rule sets and traces are the lab's own resources: another cluster would answer 404 forever.
          ...(cluster.isLab ? { ruleSets: model.informer<ProxyRuleSet>(PROXYRULESETS), traces: model.informer<PacketTrace>(PACKETTRACES) } : {}),
          podsOn: (node: string) => model.pods.byIndex(BY_NODE, node),
          client: model.client,
        },
        (message) => this.host.post(message),
        timeout,
      ),
      started: (feed, model) => {
        const isLab = cluster.isLab;
        // Informers made just now list before the snapshot, so it holds everything.
        void model.start().then(() => {
          if (this.host.feed !== feed) return;
          feed.snapshot(this.host.state, cluster.name, isLab);
          if (this.rulesNode !== undefined) feed.showRules(this.rulesNode);
        });
      },
    }, timeTravel);
  }

  /** show opens the panel, or brings it forward. */
  show(): void {
    this.host.show();
  }

  /** setModel follows the active cluster: a running cluster's model, or none with its state. */
  setModel(model: ClusterModel | undefined, state: ClusterState): void {
    this.host.setModel(model, state);
  }

  dispose(): void {
    this.host.dispose();
  }

  private receive(m: Exclude<NetworkFromPanel, { type: 'ready' }>): void {
    switch (m.type) {
      case 'startLab':
        void this.cluster.start().catch(showFailure);
        return;
      case 'rules':
        this.rulesNode = m.node;
        this.host.feed?.showRules(m.node);
        return;
      case 'trace':
        if (!this.live()) return;
        void this.request(m.source, m.destination, 'trace');
        return;
      case 'lookup':
        if (!this.live()) return;
        void this.request(m.source, lookupDestination(m.name), 'lookup');
        return;
      case 'openHostPort':
        if (!this.live()) return;
        this.openHostPort(m.service, m.nodePort);
        return;
    }
  }

  /** live says whether the panel shows the live cluster; otherwise the page is told its action waits for live. */
  private live(): boolean {
    const revision = this.host.revision;
    if (revision === null) return true;
    this.host.post({ type: 'notice', message: readOnlyNotice(revision), error: true });
    return false;
  }

  private async request(source: Parameters<typeof requestTrace>[1], destination: Parameters<typeof requestTrace>[2], purpose: 'trace' | 'lookup'): Promise<void> {
    const client = this.host.model?.client;
    if (!client || !this.cluster.isLab) {
      this.host.post({ type: 'notice', message: 'Packet traces are the lab\'s: start KubeLab to trace a packet.', error: true });
      return;
    }
    const res = await requestTrace(client, source, destination, purpose);
    if ('error' in res) {
      this.host.post({ type: 'notice', message: res.error, error: true });
      return;
    }
    this.host.post({ type: 'created', name: res.name, purpose });
    const traces = this.host.model?.has(PACKETTRACES) ? this.host.model.informer<PacketTrace>(PACKETTRACES).list() : [];
    await pruneTraces(client, traces).catch(() => undefined);
  }

  /** openHostPort opens http://127.0.0.1:<port> for a Service's node port, as the lab's host-port annotation records it. */
  private openHostPort(service: string, nodePort: number): void {
    const model = this.host.model;
    const svc = model?.has(SERVICES) ? model.informer<Service>(SERVICES).get(service) : undefined;
    const slices: EndpointSlice[] = [];
    const host = svc && serviceView(svc, slices).ports.find((p) => p.nodePort === nodePort)?.hostPort;
    if (!host) {
      this.host.post({ type: 'notice', message: `${service} has no node port ${nodePort} listening on this machine.`, error: true });
      return;
    }
    void vscode.env.openExternal(vscode.Uri.parse(`http://${host}/`));
  }
}
