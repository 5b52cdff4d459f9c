/**
 * event validates core/v1 Events as core/validation's legacyValidateEvent does:
 * the only checks ValidateEventCreate and ValidateEventUpdate make for requests
 * to the v1 API (events.k8s.io/v1 adds the strict ones).
 */
import type { KubeObject } from '../../../api/types';
import { type FieldError, invalidValue, required } from '../../fieldErrors';
import { byteLength, has, obj, str } from '../fields';
import { isQualifiedName } from '../labels';
import { isDNS1123Subdomain } from '../names';

const LIMIT_128 = 'can have at most 128 characters';

/** validateEvent is legacyValidateEvent: namespaces agree; new-style events (with eventTime) name their reporter, action and reason. */
export function validateEvent(event: KubeObject): FieldError[] {
  const namespace = str(obj(event.metadata).namespace);
  const involved = str(obj(event.involvedObject).namespace);
  const errs: FieldError[] = [];
  const mismatch = () => invalidValue('involvedObject.namespace', involved, 'does not match event.namespace');
  if (!has(event.eventTime)) {
    if (!involved) {
      if (namespace !== '' && namespace !== 'default') errs.push(mismatch());
    } else if (namespace !== involved) {
      errs.push(mismatch());
    }
  } else {
    if (!involved && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch());
    // v1's reportingComponent is the internal ReportingController, which upstream's path names.
    const controller = str(event.reportingComponent);
    if (!controller) errs.push(required('reportingController'));
    errs.push(...isQualifiedName(controller).map((m) => invalidValue('reportingController', controller, m)));
    const instance = str(event.reportingInstance);
    if (!instance) errs.push(required('reportingInstance'));
    if (byteLength(instance) > 128) errs.push(invalidValue('reportingInstance', '', LIMIT_128));
    const action = str(event.action);
    if (!action) errs.push(required('action'));
    if (byteLength(action) > 128) errs.push(invalidValue('action', '', LIMIT_128));
    const reason = str(event.reason);
    if (!reason) errs.push(required('reason'));
    if (byteLength(reason) > 128) errs.push(invalidValue('reason', '', LIMIT_128));
    if (byteLength(str(event.message)) > 1024) errs.push(invalidValue('message', '', 'can have at most 1024 characters'));
  }
  errs.push(...isDNS1123Subdomain(namespace).map((m) => invalidValue('namespace', namespace, m)));
  return errs;
}
