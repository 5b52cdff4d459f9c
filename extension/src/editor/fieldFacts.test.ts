import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../lab/api/types';
import { testServer } from '../lab/apiserver/testing';
import { builtinResources } from '../lab/apiserver/registry/index';
import { modelSchema } from '../lab/openapi/schema';
import { FIELD_DEFAULTS, FIELD_ENUMS } from './fieldFacts';
import { type SchemaNode, enumOf, itemOf, schemaFor } from './schemaAt';

const B = 'Bogus';
const TEMPLATE = { metadata: { labels: { app: 'a' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'nginx:1.27' }] } };
const SELECTOR = { matchLabels: { app: 'a' } };

test('every fact names a property the schema has', () => {
  for (const key of [...Object.keys(FIELD_ENUMS), ...Object.keys(FIELD_DEFAULTS)]) {
    const [model, property] = key.split('.');
    assert.ok(modelSchema(model)?.properties[property], key);
  }
});

test('enum values are the values the lab\'s validation supports', async () => {
  // [path, object with bogus values, [field of an "Unsupported value" cause, the property whose values it lists]]
  const cases: [string, object, [string, string][]][] = [
    ['/api/v1/namespaces/default/pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
      spec: {
        restartPolicy: B, dnsPolicy: B, preemptionPolicy: B,
        containers: [{
          name: 'c', image: 'nginx', imagePullPolicy: B, terminationMessagePolicy: B, ports: [{ containerPort: 80, protocol: B }],
          livenessProbe: { httpGet: { port: 80, scheme: B } }, securityContext: { procMount: B, seccompProfile: { type: B } },
        }],
        volumes: [{ name: 'v', hostPath: { path: '/x', type: B } }],
        tolerations: [{ key: 'a', operator: B, effect: B }],
        securityContext: { fsGroupChangePolicy: B, supplementalGroupsPolicy: B, appArmorProfile: { type: B } },
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'k', whenUnsatisfiable: B, nodeAffinityPolicy: B, nodeTaintsPolicy: B }],
      },
    }, [
      ['spec.restartPolicy', 'V1PodSpec.restartPolicy'], ['spec.dnsPolicy', 'V1PodSpec.dnsPolicy'], ['spec.preemptionPolicy', 'V1PodSpec.preemptionPolicy'],
      ['spec.containers[0].imagePullPolicy', 'V1Container.imagePullPolicy'], ['spec.containers[0].terminationMessagePolicy', 'V1Container.terminationMessagePolicy'],
      ['spec.containers[0].ports[0].protocol', 'V1ContainerPort.protocol'], ['spec.containers[0].livenessProbe.httpGet.scheme', 'V1HTTPGetAction.scheme'],
      ['spec.containers[0].securityContext.procMount', 'V1SecurityContext.procMount'], ['spec.containers[0].securityContext.seccompProfile.type', 'V1SeccompProfile.type'],
      ['spec.volumes[0].hostPath.type', 'V1HostPathVolumeSource.type'], ['spec.tolerations[0].operator', 'V1Toleration.operator'], ['spec.tolerations[0].effect', 'V1Toleration.effect'],
      ['spec.securityContext.fsGroupChangePolicy', 'V1PodSecurityContext.fsGroupChangePolicy'], ['spec.securityContext.supplementalGroupsPolicy', 'V1PodSecurityContext.supplementalGroupsPolicy'],
      ['spec.securityContext.appArmorProfile.type', 'V1AppArmorProfile.type'], ['spec.topologySpreadConstraints[0].whenUnsatisfiable', 'V1TopologySpreadConstraint.whenUnsatisfiable'],
      ['spec.topologySpreadConstraints[0].nodeAffinityPolicy', 'V1TopologySpreadConstraint.nodeAffinityPolicy'], ['spec.topologySpreadConstraints[0].nodeTaintsPolicy', 'V1TopologySpreadConstraint.nodeTaintsPolicy'],
    ]],
    ['/api/v1/namespaces/default/services', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 's' },
      spec: { type: B, sessionAffinity: B, internalTrafficPolicy: B, ipFamilyPolicy: B, ipFamilies: [B], ports: [{ port: 80, protocol: B }] },
    }, [
      ['spec.type', 'V1ServiceSpec.type'], ['spec.sessionAffinity', 'V1ServiceSpec.sessionAffinity'], ['spec.internalTrafficPolicy', 'V1ServiceSpec.internalTrafficPolicy'],
      ['spec.ipFamilyPolicy', 'V1ServiceSpec.ipFamilyPolicy'], ['spec.ipFamilies[0]', 'V1ServiceSpec.ipFamilies'], ['spec.ports[0].protocol', 'V1ServicePort.protocol'],
    ]],
    ['/apis/apps/v1/namespaces/default/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: SELECTOR, template: TEMPLATE, strategy: { type: B } } },
      [['spec.strategy', 'V1DeploymentStrategy.type']]],
    ['/apis/apps/v1/namespaces/default/daemonsets', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { selector: SELECTOR, template: TEMPLATE, updateStrategy: { type: B } } },
      [['spec.updateStrategy', 'V1DaemonSetUpdateStrategy.type']]],
    ['/apis/apps/v1/namespaces/default/statefulsets', {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'd' },
      spec: { serviceName: 's', selector: SELECTOR, template: TEMPLATE, persistentVolumeClaimRetentionPolicy: { whenDeleted: B, whenScaled: B } },
    }, [
      ['spec.persistentVolumeClaimRetentionPolicy.whenDeleted', 'V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted'],
      ['spec.persistentVolumeClaimRetentionPolicy.whenScaled', 'V1StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled'],
    ]],
    ['/apis/batch/v1/namespaces/default/jobs', {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' },
      spec: { template: TEMPLATE, completionMode: B, podFailurePolicy: { rules: [{ action: B, onExitCodes: { operator: B, values: [1] } }] } },
    }, [
      ['spec.completionMode', 'V1JobSpec.completionMode'], ['spec.podFailurePolicy.rules[0].action', 'V1PodFailurePolicyRule.action'],
      ['spec.podFailurePolicy.rules[0].onExitCodes.operator', 'V1PodFailurePolicyOnExitCodesRequirement.operator'],
    ]],
    ['/apis/batch/v1/namespaces/default/cronjobs', {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'j' }, spec: { schedule: '* * * * *', concurrencyPolicy: B, jobTemplate: { spec: { template: TEMPLATE } } },
    }, [['spec.concurrencyPolicy', 'V1CronJobSpec.concurrencyPolicy']]],
    ['/api/v1/namespaces/default/persistentvolumeclaims', {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { accessModes: [B], volumeMode: B, resources: { requests: { storage: '1Gi' } } },
    }, [['spec.accessModes', 'V1PersistentVolumeClaimSpec.accessModes'], ['spec.volumeMode', 'V1PersistentVolumeClaimSpec.volumeMode']]],
    ['/api/v1/persistentvolumes', {
      apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'n' }, spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/x' }, accessModes: [B], persistentVolumeReclaimPolicy: B, volumeMode: B },
    }, [['spec.accessModes', 'V1PersistentVolumeSpec.accessModes'], ['spec.persistentVolumeReclaimPolicy', 'V1PersistentVolumeSpec.persistentVolumeReclaimPolicy'], ['spec.volumeMode', 'V1PersistentVolumeSpec.volumeMode']]],
    ['/apis/networking.k8s.io/v1/namespaces/default/networkpolicies', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, policyTypes: [B], ingress: [{ ports: [{ protocol: B }] }] },
    }, [['spec.ingress[0].ports[0].protocol', 'V1NetworkPolicyPort.protocol'], ['spec.policyTypes[0]', 'V1NetworkPolicySpec.policyTypes']]],
    ['/apis/networking.k8s.io/v1/namespaces/default/ingresses', {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'n' },
      spec: { rules: [{ http: { paths: [{ path: '/', pathType: B, backend: { service: { name: 's', port: { number: 80 } } } }] } }] },
    }, [['spec.rules[0].http.paths[0].pathType', 'V1HTTPIngressPath.pathType']]],
    ['/apis/policy/v1/namespaces/default/poddisruptionbudgets', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'n' }, spec: { minAvailable: 1, unhealthyPodEvictionPolicy: B } },
      [['spec.unhealthyPodEvictionPolicy', 'V1PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy']]],
    ['/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'n' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: B, name: 'r' }, subjects: [{ kind: B, name: 'x' }],
    }, [['roleRef.kind', 'V1RoleRef.kind'], ['subjects[0].kind', 'RbacV1Subject.kind']]],
    ['/apis/scheduling.k8s.io/v1/priorityclasses', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'n' }, value: 1, preemptionPolicy: B },
      [['preemptionPolicy', 'V1PriorityClass.preemptionPolicy']]],
    ['/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies', {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'n' },
      spec: { failurePolicy: B, matchConstraints: { matchPolicy: B, resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: [B], scope: B }] }, validations: [{ expression: 'true' }] },
    }, [
      ['spec.failurePolicy', 'V1ValidatingAdmissionPolicySpec.failurePolicy'], ['spec.matchConstraints.matchPolicy', 'V1MatchResources.matchPolicy'],
      ['spec.matchConstraints.resourceRules[0].operations[0]', 'V1RuleWithOperations.operations'], ['spec.matchConstraints.resourceRules[0].scope', 'V1RuleWithOperations.scope'],
    ]],
    ['/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings', { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'n' }, spec: { policyName: 'p', validationActions: [B] } },
      [['spec.validationActions[0]', 'V1ValidatingAdmissionPolicyBindingSpec.validationActions']]],
    ['/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: { taints: [{ key: 'a', effect: B }] } }, [['metadata.taints[0].effect', 'V1Taint.effect']]],
  ];
  const server = await testServer();
  for (const [path, body, expected] of cases) {
    const answer = await server.call({ method: 'POST', path, query: { dryRun: 'All' }, body });
    const supported = new Map<string, string[]>();
    for (const cause of answer.body.details?.causes ?? []) {
      const m = /^Unsupported value: .*?: supported values: (.*)$/.exec(cause.message);
      if (m) supported.set(cause.field, (JSON.parse(`[${m[1]}]`) as string[]).sort());
    }
    for (const [field, key] of expected) {
      const [model, property] = key.split('.');
      assert.deepEqual(supported.get(field), [...(enumOf({ model, property }) ?? [])].sort(), `${field} (${key})`);
    }
  }
});

/** Objects whose defaults the lab fills in, leaving out what the defaults cover. */
const DEFAULTED: KubeObject[] = [
  {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
    spec: {
      containers: [{
        name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } },
        env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        livenessProbe: { httpGet: { port: 80 } }, readinessProbe: { tcpSocket: { port: 80 } },
      }],
      ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36' }],
      volumes: [
        { name: 'a' }, { name: 'b', secret: { secretName: 's' } }, { name: 'c', configMap: { name: 'c' } }, { name: 'd', hostPath: { path: '/d' } },
        { name: 'e', downwardAPI: { items: [{ path: 'p', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { name: 'f', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } },
      ],
    },
  },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: SELECTOR, template: TEMPLATE } },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { selector: SELECTOR, template: TEMPLATE } },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { selector: SELECTOR, template: TEMPLATE, serviceName: 's' } },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector: SELECTOR, template: TEMPLATE } },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', labels: { app: 'a' } }, spec: { template: TEMPLATE, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } } },
  { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: TEMPLATE } } } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { resources: { requests: { storage: '1Gi' } } } },
  { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'v' }, spec: { capacity: { storage: '1Gi' } } },
  { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { template: TEMPLATE } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'i' }, spec: { parameters: { kind: 'K', name: 'n' } } },
];

/** addedLeaves lists what defaulting added to `before`, each with the schema node of the field it went into. */
function addedLeaves(before: unknown, after: unknown, node: SchemaNode, at: string, out: [string, SchemaNode, unknown][]): void {
  const item = itemOf(node);
  if (Array.isArray(after)) {
    after.forEach((a, i) => addedLeaves((before as unknown[] | undefined)?.[i], a, node.shape === 'array' ? node.element()! : node, `${at}[${i}]`, out));
    return;
  }
  const isObject = (x: unknown): x is object => typeof x === 'object' && x !== null;
  if (!isObject(after) || !item) return;
  for (const [key, value] of Object.entries(after as Record<string, unknown>)) {
    const child = item.shape === 'map' ? item.element() : item.fields().get(key);
    const old = isObject(before) ? (before as Record<string, unknown>)[key] : undefined;
    if (!child) continue;
    const path = `${at}.${key}`;
    if (old === undefined && (!isObject(value) || Object.keys(value).length === 0 || child.shape === 'map')) out.push([path, child, value]);
    else addedLeaves(old, value, child, path, out);
  }
}

test('defaults are the ones the lab\'s defaulting applies', () => {
  const checked = new Set<string>();
  for (const obj of DEFAULTED) {
    const [group] = obj.apiVersion!.includes('/') ? obj.apiVersion!.split('/') : [''];
    const type = builtinResources.find((r) => r.group === group && r.kind === obj.kind);
    const defaults = type?.strategy.defaults?.bind(type.strategy);
    assert.ok(defaults, obj.kind);
    const after = structuredClone(obj);
    defaults(after);
    const added: [string, SchemaNode, unknown][] = [];
    addedLeaves(obj, after, schemaFor(obj.apiVersion!, obj.kind!)!, obj.kind!, added);
    for (const [path, node, value] of added) {
      const key = node.origin && `${node.origin.model}.${node.origin.property}`;
      const fact = key ? FIELD_DEFAULTS[key] : undefined;
      // Status is the server's to write, and labels copied from a template are not a field's default.
      if (path.startsWith(`${obj.kind}.status`) || path.includes('.metadata.labels')) continue;
      assert.ok(fact, `${path} = ${JSON.stringify(value)} (${key}) is defaulted by the lab but not in FIELD_DEFAULTS`);
      if ('value' in fact) assert.deepEqual(value, fact.value, `${path} (${key})`);
      checked.add(key!);
    }
  }
  const unchecked = Object.entries(FIELD_DEFAULTS).filter(([k, d]) => 'value' in d && !checked.has(k)).map(([k]) => k);
  assert.deepEqual(unchecked, [], 'defaults no sample object showed');
});
