/**
 * reinvocation carries upstream's admission reinvocation context for one
 * request. When a mutating webhook changes the object it asks for another
 * round; the chain then runs every admit once more, and the webhook plugin
 * calls again only the webhooks with reinvocationPolicy IfNeeded that were
 * called before the object last changed.
 *
 * The state hangs off the request's Attributes, so the chain needs no new
 * field: it asks `reinvocationContext(a).shouldReinvoke` after the first round.
 */
import type { Attributes } from '../admission';

/** ReinvocationContext is admission.ReinvocationContext: whether another round was asked for, and whether this is it. */
export class ReinvocationContext {
  shouldReinvoke = false;
  isReinvoke = false;
  private webhookContext?: WebhookReinvokeContext;

  /** webhooks is the mutating webhook plugin's own bookkeeping, made when it first calls a webhook (most requests have none to call). */
  get webhooks(): WebhookReinvokeContext {
    return (this.webhookContext ??= new WebhookReinvokeContext());
  }
}

/** WebhookReinvokeContext is the mutating webhook plugin's part: what it last produced and whom to call again. */
export class WebhookReinvokeContext {
  /** lastOutput is a copy of the object as the plugin's last run left it. */
  lastOutput: unknown;
  private previouslyInvoked = new Set<string>();
  private readonly reinvoke = new Set<string>();

  /** shouldReinvokeWebhook reports whether the webhook with this uid is due another call. */
  shouldReinvokeWebhook(uid: string): boolean {
    return this.reinvoke.has(uid);
  }

  /** addPreviouslyInvoked records a call to an IfNeeded webhook, so a later change can call it again. */
  addPreviouslyInvoked(uid: string): void {
    this.previouslyInvoked.add(uid);
  }

  /** hasPreviouslyInvoked reports whether a change could still call an IfNeeded webhook again. */
  hasPreviouslyInvoked(): boolean {
    return this.previouslyInvoked.size > 0;
  }

  /** requireReinvokingPreviouslyInvoked marks every IfNeeded webhook called so far as due another call. */
  requireReinvokingPreviouslyInvoked(): void {
    for (const uid of this.previouslyInvoked) this.reinvoke.add(uid);
    this.previouslyInvoked = new Set();
  }
}

/** CONTEXT keys a request's context on its Attributes: a hidden property, which spreading the attributes does not copy. */
const CONTEXT = Symbol('reinvocation context');

/** reinvocationContext returns the request's context, creating it on first use. */
export function reinvocationContext(a: Attributes): ReinvocationContext {
  const holder = a as Attributes & { [CONTEXT]?: ReinvocationContext };
  let c = holder[CONTEXT];
  if (!c) Object.defineProperty(holder, CONTEXT, { value: (c = new ReinvocationContext()) });
  return c;
}
