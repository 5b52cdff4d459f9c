/**
 * flowSchema is the JSON schema the Request flow panel's editor validates and
 * completes manifests with (monaco-yaml): the common kinds' OpenAPI v3
 * definitions, as kube-apiserver publishes them, each chosen by its apiVersion
 * and kind. Objects that list their properties refuse unknown ones, as the
 * server's strict field validation does. No `vscode` here.
 */
import { REF_PREFIX, closure, definition, definitionName } from '../../lab/apiserver/openapi/definitions';
import { modelForKind } from '../../lab/openapi/schema';

/** COMMON_KINDS are the kinds the editor knows: `apiVersion` then kind, as the seeds write them. */
export const COMMON_KINDS: readonly (readonly [string, string])[] = [
  ['v1', 'Pod'], ['v1', 'Service'], ['v1', 'ConfigMap'], ['v1', 'Secret'], ['v1', 'Namespace'], ['v1', 'ServiceAccount'],
  ['v1', 'PersistentVolumeClaim'], ['v1', 'PersistentVolume'], ['v1', 'LimitRange'], ['v1', 'ResourceQuota'],
  ['apps/v1', 'Deployment'], ['apps/v1', 'ReplicaSet'], ['apps/v1', 'StatefulSet'], ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'], ['batch/v1', 'CronJob'],
  ['networking.k8s.io/v1', 'Ingress'], ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['rbac.authorization.k8s.io/v1', 'Role'], ['rbac.authorization.k8s.io/v1', 'RoleBinding'], ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'], ['policy/v1', 'PodDisruptionBudget'], ['scheduling.k8s.io/v1', 'PriorityClass'], ['storage.k8s.io/v1', 'StorageClass'],
  ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy'], ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding'],
];

type Json = Record<string, unknown>;

/** DEFS is where the schema keeps the definitions its kinds reach. */
const DEFS = '#/definitions/';

let cached: Json | undefined;

/** flowSchema builds the schema once; it is the same for every panel and cluster (built-in kinds only). */
export function flowSchema(): Json {
  cached ??= build();
  return cached;
}

function build(): Json {
  const roots = new Map<string, string>();
  for (const [apiVersion, kind] of COMMON_KINDS) {
    const slash = apiVersion.indexOf('/');
    const model = modelForKind(slash < 0 ? '' : apiVersion.slice(0, slash), apiVersion.slice(slash + 1), kind);
    const name = model && definitionName(model);
    if (name) roots.set(`${apiVersion}/${kind}`, name);
  }
  const definitions: Json = {};
  for (const name of closure(roots.values())) definitions[name] = strict(rewrite(definition(name)) as Json);
  const kinds = [...new Set(COMMON_KINDS.map(([, k]) => k))];
  const apiVersions = [...new Set(COMMON_KINDS.map(([v]) => v))];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Kubernetes manifest',
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata'],
    properties: {
      apiVersion: { type: 'string', enum: apiVersions, description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', enum: kinds, description: 'Kind is a string value representing the REST resource this object represents.' },
    },
    allOf: [...roots].map(([key, name]) => {
      const slash = key.lastIndexOf('/');
      return {
        if: { properties: { apiVersion: { const: key.slice(0, slash) }, kind: { const: key.slice(slash + 1) } }, required: ['apiVersion', 'kind'] },
        then: { $ref: `${DEFS}${name}` },
      };
    }),
    definitions,
  };
}

/** rewrite points a definition's $refs at the schema's definitions and drops the OpenAPI-only keys JSON schema does not know. */
function rewrite(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewrite);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) out.$ref = DEFS + v.slice(REF_PREFIX.length);
    else if (k.startsWith('x-kubernetes-') || k === 'format') continue;
    else out[k] = rewrite(v);
  }
  return out;
}

/**
 * strict refuses properties an object does not list, so a misspelt field is
 * flagged as strict field validation would (`unknown field "spec.replica"`);
 * maps (additionalProperties) and preserve-unknown-fields objects stay open.
 */
function strict(schema: Json): Json {
  if (schema.properties && schema.additionalProperties === undefined) return { ...schema, additionalProperties: false };
  return schema;
}
