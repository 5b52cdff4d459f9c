/** policy is the `policy/v1` group: poddisruptionbudgets, with status. */
import { type ResourceType, def } from '../resources';
import { type Strategy, keepSpec } from '../strategy';
import { subdomainName } from '../validation/objectMeta';
import { validatePodDisruptionBudget, validatePodDisruptionBudgetStatusUpdate } from '../validation/policy';
import type { PodDisruptionBudget } from '../validation/types/scheduling';

const pdbStrategy: Strategy<PodDisruptionBudget> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  prepareForCreate(pdb) {
    // PodDisruptionBudgetStatus's counters are not omitempty, so an empty status shows them as 0.
    pdb.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  prepareForUpdate(pdb, old) {
    pdb.status = old.status;
  },
  prepareForStatusUpdate: keepSpec,
  validate: validatePodDisruptionBudget,
  validateUpdate: validatePodDisruptionBudget,
  validateStatusUpdate: validatePodDisruptionBudgetStatusUpdate,
};

export const policyResources: readonly ResourceType[] = [
  def({ group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', singularName: 'poddisruptionbudget', namespaced: true, shortNames: ['pdb'], subresources: ['status'], strategy: pdbStrategy }),
];
