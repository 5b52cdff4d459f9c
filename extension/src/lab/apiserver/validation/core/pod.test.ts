/**
 * Pod create validation, table-driven: each case is a pod (defaulted first, as
 * the pipeline does) and the exact field errors upstream reports. Messages and
 * paths are from kubernetes/kubernetes pkg/apis/core/validation/validation.go
 * (ValidatePodCreate, ValidatePodSpec, validateContainers …) and apimachinery's
 * util/validation (IsDNS1123Label, IsValidPortNum, IsValidPortName …).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../../api/types';
import { defaultPod } from '../../defaulting/core';
import { fieldErrorText } from '../../fieldErrors';
import { validatePod } from './pod';

type Spec = Record<string, unknown>;

function pod(spec: Spec, meta: Record<string, unknown> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...meta }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], ...spec } };
}

function errors(p: Pod): string[] {
  defaultPod(p);
  return validatePod(p).map(fieldErrorText);
}

const LABEL_KEY_NAME = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const DNS_LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const cases: { name: string; pod: Pod; errors: string[] }[] = [
  { name: 'a valid pod', pod: pod({}), errors: [] },
  { name: 'no containers', pod: pod({ containers: [] }), errors: ['spec.containers: Required value'] },
  { name: 'a missing spec (decoded as an empty one)', pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' } } as Pod, errors: ['spec.containers: Required value'] },
  { name: 'a container without name or image', pod: pod({ containers: [{}] }), errors: ['spec.containers[0].name: Required value', 'spec.containers[0].image: Required value'] },
  { name: 'an upper-case container name', pod: pod({ containers: [{ name: 'Web', image: 'nginx' }] }), errors: [`spec.containers[0].name: Invalid value: "Web": ${DNS_LABEL}`] },
  { name: 'a dotted container name', pod: pod({ containers: [{ name: 'a.b', image: 'nginx' }] }), errors: ['spec.containers[0].name: Invalid value: "a.b": must not contain dots'] },
  {
    name: 'duplicate names across containers, init and ephemeral containers',
    pod: pod({ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'x' }], initContainers: [{ name: 'a', image: 'x' }] }),
    errors: ['spec.containers[1].name: Duplicate value: "a"', 'spec.initContainers[0].name: Duplicate value: "a"'],
  },
  {
    name: 'ephemeral containers on create',
    pod: pod({ ephemeralContainers: [{ name: 'debug', image: 'busybox' }] }),
    errors: ['spec.ephemeralContainers: Forbidden: cannot be set on create'],
  },
  { name: 'an image with surrounding whitespace', pod: pod({ containers: [{ name: 'c', image: ' nginx' }] }), errors: ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'] },
  {
    name: 'ports out of range, unnamed protocol and a duplicate port name',
    pod: pod({ containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 70000, name: 'http' }, { containerPort: 80, name: 'http', protocol: 'HTTP' }, { name: 'x' }] }] }),
    errors: [
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].name: Duplicate value: "http"',
      'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[0].ports[2].containerPort: Required value',
    ],
  },
  {
    name: 'a bad port name',
    pod: pod({ containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, name: 'Http-Port-Number-1' }] }] }),
    errors: [
      'spec.containers[0].ports[0].name: Invalid value: "Http-Port-Number-1": must be no more than 15 characters',
      'spec.containers[0].ports[0].name: Invalid value: "Http-Port-Number-1": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ],
  },
  {
    name: 'two containers claiming one host port',
    pod: pod({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] }, { name: 'b', image: 'x', ports: [{ containerPort: 81, hostPort: 8080 }] }] }),
    errors: ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'],
  },
  {
    name: 'hostNetwork with a host port unlike the container port',
    pod: pod({ hostNetwork: true, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 81 }] }] }),
    errors: ['spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true'],
  },
  {
    name: 'env names and a valueFrom without source',
    pod: pod({ containers: [{ name: 'c', image: 'x', env: [{ name: '' }, { name: 'A=B' }, { name: 'X', valueFrom: {} }, { name: 'Y', value: 'v', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] }),
    errors: [
      'spec.containers[0].env[0].name: Required value',
      "spec.containers[0].env[1].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
      'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      'spec.containers[0].env[3].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    ],
  },
  {
    name: 'a downward API field that is not allowed in env',
    pod: pod({ containers: [{ name: 'c', image: 'x', env: [{ name: 'P', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } }, { name: 'Q', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }] }] }),
    errors: [
      'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
      'spec.containers[0].env[1].valueFrom.fieldRef.fieldPath: Invalid value: "spec.bogus": error converting fieldPath: field label not supported: spec.bogus',
    ],
  },
  {
    name: 'a request above its limit',
    pod: pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1000m' } } }] }),
    errors: ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
  },
  {
    name: 'a memory request above its limit, printed canonically',
    pod: pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { memory: '2048Mi' }, limits: { memory: '1Gi' } } }] }),
    errors: ['spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi'],
  },
  {
    name: 'a negative quantity and a non-standard resource',
    pod: pod({ containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '-1', gpu: '1' } } }] }),
    errors: [
      'spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers',
      'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    ],
  },
  {
    name: 'an extended resource with a fraction and a differing request',
    pod: pod({ containers: [{ name: 'c', image: 'x', resources: { limits: { 'example.com/gpu': '2' }, requests: { 'example.com/gpu': '500m' } } }] }),
    errors: [
      'spec.containers[0].resources.requests[example.com/gpu]: Invalid value: "500m": must be an integer',
      'spec.containers[0].resources.requests: Invalid value: "500m": must be equal to example.com/gpu limit of 2',
    ],
  },
  {
    name: 'a quantity that does not parse',
    pod: pod({ containers: [{ name: 'c', image: 'x', resources: { limits: { memory: '1Gb' } } }] }),
    errors: [
      "spec.containers[0].resources.limits[memory]: Invalid value: \"1Gb\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      "spec.containers[0].resources.requests[memory]: Invalid value: \"1Gb\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ],
  },
  { name: 'a bad restart policy', pod: pod({ restartPolicy: 'Sometimes' }), errors: ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'] },
  { name: 'a bad DNS policy', pod: pod({ dnsPolicy: 'Google' }), errors: ['spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'] },
  { name: 'DNS policy None without config', pod: pod({ dnsPolicy: 'None' }), errors: ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None'] },
  {
    name: 'a bad pull policy and termination message policy',
    pod: pod({ containers: [{ name: 'c', image: 'x', imagePullPolicy: 'Sometimes', terminationMessagePolicy: 'Logs' }] }),
    errors: [
      'spec.containers[0].terminationMessagePolicy: Unsupported value: "Logs": supported values: "File", "FallbackToLogsOnError"',
      'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    ],
  },
  {
    name: 'volumes: duplicate name, two sources, an unknown mount',
    pod: pod({
      volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }, { name: 'both', emptyDir: {}, hostPath: { path: '/x' } }, { name: 'Bad_Name', emptyDir: {} }],
      containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/a' }, { name: 'missing', mountPath: '/a' }] }],
    }),
    errors: [
      'spec.volumes[1].name: Duplicate value: "data"',
      'spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type',
      `spec.volumes[3].name: Invalid value: "Bad_Name": ${DNS_LABEL}`,
      'spec.containers[0].volumeMounts[1].name: Not found: "missing"',
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique',
    ],
  },
  {
    name: 'volume sources missing their required fields',
    pod: pod({ volumes: [{ name: 's', secret: {} }, { name: 'cm', configMap: { name: 'c', defaultMode: 1000 } }, { name: 'p', persistentVolumeClaim: {} }, { name: 'h', hostPath: { path: '../x', type: 'Folder' } }] }),
    errors: [
      'spec.volumes[0].secret.secretName: Required value',
      'spec.volumes[1].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
      'spec.volumes[2].persistentVolumeClaim.claimName: Required value',
      "spec.volumes[3].hostPath.path: Invalid value: \"../x\": must not contain '..'",
      'spec.volumes[3].hostPath.type: Unsupported value: "Folder": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    ],
  },
  {
    name: 'probes: no handler, two handlers, liveness success threshold',
    pod: pod({
      containers: [{
        name: 'c', image: 'x',
        livenessProbe: { successThreshold: 2, exec: { command: ['true'] } },
        readinessProbe: { periodSeconds: -1 },
        startupProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } },
      }],
    }),
    errors: [
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      'spec.containers[0].readinessProbe: Required value: must specify a handler type',
      'spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.containers[0].startupProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
    ],
  },
  {
    name: 'an HTTP probe on a port name that is a number as a string',
    pod: pod({ containers: [{ name: 'c', image: 'x', readinessProbe: { httpGet: { port: '8080' } } }] }),
    errors: ['spec.containers[0].readinessProbe.httpGet.port: Invalid value: "8080": must contain at least one letter (a-z)'],
  },
  {
    name: 'probes on a plain init container',
    pod: pod({ initContainers: [{ name: 'init', image: 'x', livenessProbe: { exec: { command: ['true'] } } }] }),
    errors: ['spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'],
  },
  {
    name: 'a restartPolicy on a regular container and OnFailure on an init container',
    pod: pod({ containers: [{ name: 'c', image: 'x', restartPolicy: 'Always' }], initContainers: [{ name: 'i', image: 'x', restartPolicy: 'OnFailure' }] }),
    errors: [
      'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers',
      'spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ],
  },
  {
    name: 'security context ids out of range',
    pod: pod({ securityContext: { runAsUser: -1 }, containers: [{ name: 'c', image: 'x', securityContext: { runAsGroup: 2147483648 } }] }),
    errors: [
      'spec.containers[0].securityContext.runAsGroup: Invalid value: 2147483648: must be between 0 and 2147483647, inclusive',
      'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive',
    ],
  },
  {
    name: 'tolerations: empty key with Equal, seconds without NoExecute, a bad effect',
    pod: pod({ tolerations: [{ operator: 'Equal', value: 'x' }, { key: 'k', operator: 'Exists', tolerationSeconds: 5 }, { key: 'k', effect: 'Never' }] }),
    errors: [
      'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      "spec.tolerations[1].effect: Invalid value: \"\": effect must be 'NoExecute' when `tolerationSeconds` is set",
      'spec.tolerations[2].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ],
  },
  {
    name: 'a node selector with a bad key',
    pod: pod({ nodeSelector: { 'disk type': 'ssd' } }),
    errors: [`spec.nodeSelector: Invalid value: "disk type": ${LABEL_KEY_NAME}`],
  },
  {
    name: 'node affinity without terms and pod affinity without topology key',
    pod: pod({
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] }, preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] },
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } } }] },
      },
    }),
    errors: [
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term',
      'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
      'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty',
      "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: \"\": name part must be non-empty",
      `spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": ${LABEL_KEY_NAME}`,
    ],
  },
  {
    name: 'a bad priority class name and a zero active deadline',
    pod: pod({ priorityClassName: 'High', activeDeadlineSeconds: 0 }),
    errors: [
      "spec.priorityClassName: Invalid value: \"High\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
    ],
  },
  {
    name: 'a projected token without a service account',
    pod: pod({ volumes: [{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }] }),
    errors: ['spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set'],
  },
  {
    name: 'a node name with scheduling gates',
    pod: pod({ nodeName: 'n1', schedulingGates: [{ name: 'example.com/wait' }] }),
    errors: ['spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared'],
  },
  {
    name: 'a mirror pod annotation without a node',
    pod: pod({}, { annotations: { 'kubernetes.io/config.mirror': 'x' } }),
    errors: ['metadata.annotations[kubernetes.io/config.mirror]: Invalid value: "x": must set spec.nodeName if mirror pod annotation is set'],
  },
  {
    name: 'a pod deletion cost that is not an int32',
    pod: pod({}, { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '+10' } }),
    errors: ['metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "+10": must be a 32bit integer'],
  },
  {
    name: 'a topology spread constraint with no skew and an unknown action',
    pod: pod({ topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }] }),
    errors: [
      'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
      'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
    ],
  },
];

for (const c of cases) {
  test(`pod validation: ${c.name}`, () => {
    assert.deepEqual(errors(c.pod), c.errors);
  });
}

test('validation does not throw on a pod whose fields have the wrong JSON types', () => {
  const junk = pod({ containers: [{ name: 7, image: [], ports: 'x', env: { a: 1 }, resources: 'big' }], volumes: 'none', tolerations: [null, 3] });
  assert.ok(errors(junk).length > 0);
});
