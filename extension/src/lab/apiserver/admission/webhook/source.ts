/**
 * source turns the cached webhook configurations into the ordered list of
 * webhooks the dispatchers walk, as upstream's configuration managers and
 * accessors do: configurations sorted by name, webhooks in their listed order,
 * each with a stable uid and its selectors parsed once per change.
 */
import { fromLabelSelector, type Selector } from '../../../api/labels';
import type { ObjectCache } from '../../auth/types';
import type { ValidatingWebhook } from './types';

export const ADMISSIONREGISTRATION_GROUP = 'admissionregistration.k8s.io';

/** WebhookAccessor is one webhook with what the dispatchers need besides its spec. */
export interface WebhookAccessor<H extends ValidatingWebhook = ValidatingWebhook> {
  /** uid is `<configuration>/<webhook>/<n>`, n counting same-named webhooks in one configuration; reinvocation tracks webhooks by it. */
  uid: string;
  configurationName: string;
  hook: H;
  /** namespaceSelector and objectSelector default to the empty selector (everything), as v1 defaulting sets them. */
  namespaceSelector: Selector;
  objectSelector: Selector;
}

/**
 * WebhookSource lists one kind of configuration's webhooks from the server's
 * cache and rebuilds only when the cache's version for that resource moves, so
 * a request with no configuration change pays nothing proportional to them.
 */
export class WebhookSource<H extends ValidatingWebhook> {
  private builtAt = -1;
  private hooks: readonly WebhookAccessor<H>[] = [];

  constructor(private readonly resource: 'mutatingwebhookconfigurations' | 'validatingwebhookconfigurations') {}

  webhooks(cache: ObjectCache): readonly WebhookAccessor<H>[] {
    const version = cache.version(ADMISSIONREGISTRATION_GROUP, this.resource);
    if (version !== this.builtAt) {
      this.hooks = buildAccessors<H>(cache.list(ADMISSIONREGISTRATION_GROUP, this.resource));
      this.builtAt = version;
    }
    return this.hooks;
  }
}

/** buildAccessors flattens configurations into accessors, configurations ordered by name so serial mutation is deterministic. */
export function buildAccessors<H extends ValidatingWebhook>(configurations: readonly { metadata: { name?: string }; webhooks?: H[] }[]): WebhookAccessor<H>[] {
  const sorted = [...configurations].sort((a, b) => compareNames(a.metadata.name ?? '', b.metadata.name ?? ''));
  const out: WebhookAccessor<H>[] = [];
  for (const c of sorted) {
    const configurationName = c.metadata.name ?? '';
    const seen = new Map<string, number>();
    for (const hook of c.webhooks ?? []) {
      const n = seen.get(hook.name) ?? 0;
      seen.set(hook.name, n + 1);
      out.push({
        uid: `${configurationName}/${hook.name}/${n}`,
        configurationName,
        hook,
        namespaceSelector: fromLabelSelector(hook.namespaceSelector ?? {}) ?? [],
        objectSelector: fromLabelSelector(hook.objectSelector ?? {}) ?? [],
      });
    }
  }
  return out;
}

/** compareNames orders by bytes, as Go's string comparison does. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
