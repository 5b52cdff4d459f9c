/**
 * admissionregistration holds the printers.go handlers for webhook
 * configurations, validating admission policies and their bindings.
 */
import { arr, get, has, isObj, str, strMap } from './fields';
import { goStringLess, since } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

const NAME = col('Name', 'string', doc('ObjectMeta.name'), 0, 'name');
const AGE = col('Age', 'string', doc('ObjectMeta.creationTimestamp'));

/** webhookConfigurationPrinter is printMutatingWebhook and printValidatingWebhook: WEBHOOKS counts them. */
export const webhookConfigurationPrinter: TablePrinter = {
  columns: [NAME, col('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'), AGE],
  print: (c, now) => ({ cells: [str(c, 'metadata', 'name'), arr(c, 'webhooks').length, since(c.metadata.creationTimestamp, now)] }),
};

/** validatingAdmissionPolicyPrinter is printValidatingAdmissionPolicy: PARAMKIND as `apiVersion/kind`. */
export const validatingAdmissionPolicyPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Validations', 'integer', 'Validations indicates the number of validation rules defined in this configuration'),
    col('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    AGE,
  ],
  print(p, now) {
    const paramKind = get(p, 'spec', 'paramKind');
    const kind = has(paramKind) ? `${str(paramKind, 'apiVersion')}/${str(paramKind, 'kind')}` : '<unset>';
    return { cells: [str(p, 'metadata', 'name'), arr(p, 'spec', 'validations').length, kind, since(p.metadata.creationTimestamp, now)] };
  },
};

/** labelSelectorGoString is the gogo-generated (*metav1.LabelSelector).String() the binding printer falls back to. */
function labelSelectorGoString(selector: unknown): string {
  const labels = strMap(selector, 'matchLabels');
  const matchLabels = Object.keys(labels).sort(goStringLess).map((k) => `${k}: ${labels[k]},`).join('');
  const matchExpressions = arr(selector, 'matchExpressions').map((e) => {
    const values = arr(e, 'values').map(String).join(' ');
    return `LabelSelectorRequirement{Key:${str(e, 'key')},Operator:${str(e, 'operator')},Values:[${values}],},`;
  }).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${matchLabels}},MatchExpressions:[]LabelSelectorRequirement{${matchExpressions}},}`;
}

/** validatingAdmissionPolicyBindingPrinter is printValidatingAdmissionPolicyBinding: PARAMREF as `namespace/name`, the name under a `*` namespace, or the selector. */
export const validatingAdmissionPolicyBindingPrinter: TablePrinter = {
  columns: [
    NAME,
    col('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
    col('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
    AGE,
  ],
  print(b, now) {
    let paramName = '<unset>';
    const ref = get(b, 'spec', 'paramRef');
    if (has(ref)) {
      const name = str(ref, 'name');
      const namespace = str(ref, 'namespace');
      // A name without a namespace may be cluster-scoped or not; upstream cannot tell, so it prints the `*` namespace.
      if (name !== '') paramName = namespace !== '' ? `${namespace}/${name}` : `*/${name}`;
      else if (isObj(get(ref, 'selector'))) paramName = labelSelectorGoString(get(ref, 'selector'));
    }
    return { cells: [str(b, 'metadata', 'name'), str(b, 'spec', 'policyName'), paramName, since(b.metadata.creationTimestamp, now)] };
  },
};
