/**
 * customResourceDefinitions is the `apiextensions.k8s.io/v1` group's one
 * resource, with the strategy of apiextensions-apiserver's
 * customresourcedefinition registry: status is a subresource, spec changes bump
 * generation, and validation is ValidateCustomResourceDefinition(Update).
 */
import { def, type ResourceType } from '../resources';
import type { Strategy } from '../strategy';
import { subdomainName } from '../validation/objectMeta';
import type { CustomResourceDefinition } from './types';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from './validation';

const strategy: Strategy<CustomResourceDefinition> = {
  nameValidator: subdomainName,
  generation: true,
  allowUnconditionalUpdate: false,
  statusSubresource: true,
  defaults: defaultCustomResourceDefinition,
  prepareForCreate(crd) {
    const storage = crd.spec?.versions?.find((v) => v.storage)?.name;
    crd.status = { storedVersions: storage ? [storage] : [] };
  },
  prepareForUpdate(crd, old) {
    crd.status = old.status;
  },
  validate: validateCustomResourceDefinition,
  validateUpdate: validateCustomResourceDefinitionUpdate,
  validateStatusUpdate: () => [],
};

/** defaultCustomResourceDefinition is apiextensions/v1's SetDefaults_CustomResourceDefinitionSpec. */
function defaultCustomResourceDefinition(crd: CustomResourceDefinition): void {
  const spec = crd.spec as Partial<CustomResourceDefinition['spec']> | undefined;
  if (!spec || typeof spec !== 'object') return;
  const names = spec.names;
  if (names && typeof names === 'object' && typeof names.kind === 'string') {
    if (!names.singular) names.singular = names.kind.toLowerCase();
    if (!names.listKind) names.listKind = `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
}

/** apiextensionsResources serves customresourcedefinitions (cluster-scoped, short name crd). */
export const apiextensionsResources: readonly ResourceType[] = [
  def({ group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', singularName: 'customresourcedefinition', namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: ['status'], strategy }),
];
