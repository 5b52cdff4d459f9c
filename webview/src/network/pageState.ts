/**
 * pageState is what the Network panel page's modules share: the host's API,
 * what the page keeps across reloads, the network the host sent, and the few
 * values the page changes between messages, such as the hop the selected
 * trace's packet is at.
 */
import type { NetworkFromPanel, NetworkPanelState, NetworkRulesView, NetworkTraceView } from '../shared/protocol';
import { panelApi } from '../shared/vscodeApi';
import { NetworkState } from './networkState';

/** api posts the page's intents and keeps its state. */
export const api = panelApi<NetworkFromPanel, NetworkPanelState>();
/** saved is what the page keeps across hiding and window reloads. */
export const saved: NetworkPanelState = api.state() ?? { namespace: '' };
/** state is the network as the host sent it. */
export const state = new NetworkState();
/** reducedMotion says whether the user asked for less motion: the packet jumps instead of gliding. */
export const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

/** page holds the values the page's modules change between messages. */
export const page = {
  /** isLab says whether the cluster is the lab, whose nodes alone publish rule sets and traces. */
  isLab: true,
  /** rules is the shown node's rule set, undefined until it has one. */
  rules: undefined as NetworkRulesView | undefined,
  /** step is the hop the selected trace's packet is at: -1 at its source, before the first hop. */
  step: -1,
  /** rulesNodeAsked is the node whose rule set the page last asked for. */
  rulesNodeAsked: undefined as string | undefined,
};

/** save keeps the page's state. */
export function save(): void {
  api.save(saved);
}

/** selectedTrace is the trace the user selected, while it exists. */
export function selectedTrace(): NetworkTraceView | undefined {
  return saved.selectedTrace ? state.traces.get(saved.selectedTrace) : undefined;
}

/** currentHop is the hop the selected trace's packet is at, none at its source. */
export function currentHop(): NetworkTraceView['hops'][number] | undefined {
  const t = selectedTrace();
  return t && page.step >= 0 ? t.hops[page.step] : undefined;
}
