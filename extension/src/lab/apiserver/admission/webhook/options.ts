/**
 * options are what the composition root hands both webhook plugins: the
 * network, the source of request uids, and the engines for Service
 * resolution, CEL match conditions and equivalent resources.
 */
import type { Random } from '../../../random';
import type { CallDeps } from './callHook';
import { celMatchConditions } from './celMatchConditions';
import type { MatchConditionEvaluator } from './matchConditions';
import type { EquivalentResourceMapper, MatchingDeps } from './shouldCallHook';
import { noServiceNetwork, type ServiceResolver, type WebhookTransport } from './transport';

/** WebhookPluginOptions configure MutatingAdmissionWebhook and ValidatingAdmissionWebhook. */
export interface WebhookPluginOptions {
  transport: WebhookTransport;
  random: Random;
  /** resolveService reaches `clientConfig.service` webhooks; without it they fail as a Service with no endpoints does. */
  resolveService?: ServiceResolver;
  /** matchConditions evaluates CEL; the lab's CEL engine (celMatchConditions) when omitted. */
  matchConditions?: MatchConditionEvaluator;
  /** equivalentResources serves matchPolicy Equivalent; without it Equivalent matches as Exact does. */
  equivalentResources?: EquivalentResourceMapper;
}

/** webhookDeps splits the options into what calling and matching need. */
export function webhookDeps(o: WebhookPluginOptions): CallDeps & MatchingDeps {
  return {
    transport: o.transport,
    random: o.random,
    resolveService: o.resolveService ?? noServiceNetwork,
    matchConditions: o.matchConditions ?? celMatchConditions(),
    ...(o.equivalentResources ? { equivalentResources: o.equivalentResources } : {}),
  };
}
