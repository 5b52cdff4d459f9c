/**
 * library gathers Kubernetes' CEL libraries (k8s.io/apiserver/pkg/cel/library)
 * so every CEL environment the API server builds — CRD validation rules and
 * admission policies alike — offers the same functions.
 */
import type { Environment } from '../celJs';
import { registerCIDR } from './cidr';
import { registerFormat } from './format';
import { registerIP } from './ip';
import { registerLists } from './lists';
import { registerQuantity } from './quantity';
import { registerRegex } from './regex';
import { registerStrings } from './strings';
import { registerURLs } from './urls';

/** registerKubernetesLibraries adds every library to env. */
export function registerKubernetesLibraries(env: Environment): void {
  registerLists(env);
  registerRegex(env);
  registerStrings(env);
  registerURLs(env);
  registerIP(env);
  registerCIDR(env);
  registerQuantity(env);
  registerFormat(env);
}
