/**
 * ValidatingAdmissionWebhook calls every ValidatingWebhookConfiguration webhook
 * that matches the request, all at once, after validation, as upstream's
 * validating dispatcher: any refusal rejects the request; a webhook that cannot
 * be reached rejects it under failurePolicy Fail and is skipped under Ignore.
 * When several reject, the first in webhook order is reported (upstream reports
 * whichever answer arrives first; the lab prefers a repeatable answer).
 */
import type { Status } from '../../api/types';
import type { AdmissionContext, AdmissionPlugin, Attributes } from './admission';
import { requestKind, type WebhookInvocation } from './webhook/admissionReview';
import { VALIDATING_FAILED_OPEN_PREFIX } from './webhook/annotations';
import { addAuditAnnotation, callHook } from './webhook/callHook';
import { failClosed } from './webhook/errors';
import { webhookDeps, type WebhookPluginOptions } from './webhook/options';
import { isExemptAdmissionConfigurationResource } from './webhook/rules';
import { shouldCallHook } from './webhook/shouldCallHook';
import { WebhookSource, type WebhookAccessor } from './webhook/source';
import type { ValidatingWebhook } from './webhook/types';

export const VALIDATING_ADMISSION_WEBHOOK = 'ValidatingAdmissionWebhook';

/** validatingAdmissionWebhook builds the plugin; its state is the parsed webhook list, rebuilt when the configurations change. */
export function validatingAdmissionWebhook(options: WebhookPluginOptions): AdmissionPlugin {
  const deps = webhookDeps(options);
  const source = new WebhookSource<ValidatingWebhook>('validatingwebhookconfigurations');
  return {
    name: VALIDATING_ADMISSION_WEBHOOK,
    async validate(a: Attributes, ctx: AdmissionContext): Promise<Status | undefined> {
      const hooks = source.webhooks(ctx.cache);
      if (hooks.length === 0 || isExemptAdmissionConfigurationResource(requestKind(a))) return undefined;
      const relevant: { h: WebhookAccessor<ValidatingWebhook>; invocation: WebhookInvocation }[] = [];
      for (const h of hooks) {
        const decision = shouldCallHook(h, a, ctx, deps);
        const invocation = decision instanceof Promise ? await decision : decision;
        if (invocation === undefined) continue;
        if ('code' in invocation) return invocation;
        relevant.push({ h, invocation });
      }
      if (relevant.length === 0) return undefined;
      const outcomes = await Promise.all(relevant.map(({ h, invocation }) => callHook(h.hook, invocation, a, false, deps)));
      let rejection: Status | undefined;
      outcomes.forEach((o, idx) => {
        if (o.kind === 'allowed') return;
        const hook = relevant[idx].h.hook;
        if (o.kind === 'rejected') {
          rejection ??= o.status;
        } else if (hook.failurePolicy === 'Ignore') {
          addAuditAnnotation(a, `${VALIDATING_FAILED_OPEN_PREFIX}round_0_index_${idx}`, hook.name);
        } else {
          rejection ??= failClosed(o.error);
        }
      });
      return rejection;
    },
  };
}
