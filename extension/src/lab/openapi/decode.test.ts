import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Decoded, decodeJson, decodeObject } from './decode';

function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{
            name: 'nginx',
            image: 'nginx:1.27',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.25 } },
          }],
        },
      },
    },
  };
}

function message(d: Decoded): string | undefined {
  return 'status' in d ? d.status.message : undefined;
}

/** Wrong JSON types are encoding/json's UnmarshalTypeError, in the field context sigs.k8s.io/json keeps. */
describe('decodeObject type errors', () => {
  // Words: sigs.k8s.io/json internal/golang/encoding/json/decode.go (literalStore, object, array,
  // addErrorContext) and Go's encoding/json UnmarshalTypeError.Error; the wrapping is
  // transformDecodeError in k8s.io/apiserver pkg/endpoints/handlers/rest.go.
  const prefix = 'Deployment in version "v1" cannot be handled as a Deployment: ';
  const cases: [string, (d: Record<string, any>) => void, string][] = [
    ['a string where an int32 goes', (d) => { d.spec.replicas = '3'; },
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ['a fraction where an int32 goes', (d) => { d.spec.replicas = 1.5; },
      'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ['an int32 overflow', (d) => { d.spec.replicas = 3000000000; },
      'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ['a field inside list items, whose path has no indexes', (d) => { d.spec.template.spec.containers[0].ports[0].containerPort = '80'; },
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32'],
    ['a string where a struct goes', (d) => { d.spec = 'x'; },
      'json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec'],
    ['an object where a list goes', (d) => { d.spec.template.spec.containers = {}; },
      'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container'],
    ['a string as a list item', (d) => { d.spec.template.spec.containers = ['nginx']; },
      'json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type v1.Container'],
    ['a number as a map value', (d) => { d.metadata.labels.tier = 1; },
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    ['a number where a named string type goes', (d) => { d.spec.template.spec.containers[0].ports[0].protocol = 6; },
      'json: cannot unmarshal number into Go struct field ContainerPort.spec.template.spec.containers.ports.protocol of type v1.Protocol'],
    ['a string where a bool goes', (d) => { d.spec.paused = 'true'; },
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool'],
    ['an array where a map goes', (d) => { d.metadata.labels = ['a']; },
      'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string'],
    // intstr.IntOrString.UnmarshalJSON (k8s.io/apimachinery/pkg/util/intstr/intstr.go) reads non-strings as int32.
    ['a bool as an int-or-string', (d) => { d.spec.strategy.rollingUpdate.maxSurge = true; },
      'json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32'],
    ['a fraction as an int-or-string', (d) => { d.spec.strategy.rollingUpdate.maxUnavailable = 0.5; },
      'json: cannot unmarshal number 0.5 into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxUnavailable of type int32'],
    // resource.Quantity.UnmarshalJSON and ParseQuantity (k8s.io/apimachinery/pkg/api/resource/quantity.go).
    ['a bool as a quantity', (d) => { d.spec.template.spec.containers[0].resources.limits.cpu = true; },
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['a quantity with a bad shape', (d) => { d.spec.template.spec.containers[0].resources.limits.memory = '1 GB'; },
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['a quantity with an unknown suffix', (d) => { d.spec.template.spec.containers[0].resources.limits.memory = '1m3'; },
      "unable to parse quantity's suffix"],
    // metav1.Time.UnmarshalJSON (k8s.io/apimachinery/pkg/apis/meta/v1/time.go) reads a string, then time.Parse(RFC3339) (Go's time/format.go).
    ['a number as a timestamp', (d) => { d.metadata.creationTimestamp = 5; },
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string'],
    ['a timestamp that is not a date', (d) => { d.metadata.creationTimestamp = 'yesterday'; },
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
    ['a timestamp without a T', (d) => { d.metadata.creationTimestamp = '2024-01-01 00:00:00Z'; },
      'parsing time "2024-01-01 00:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 00:00:00Z" as "T"'],
    ['a timestamp without a zone', (d) => { d.metadata.creationTimestamp = '2024-01-01T00:00:00'; },
      'parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"'],
    ['a timestamp in month 13', (d) => { d.metadata.creationTimestamp = '2024-13-01T00:00:00Z'; },
      'parsing time "2024-13-01T00:00:00Z": month out of range'],
    ['a timestamp on February 30th', (d) => { d.metadata.creationTimestamp = '2024-02-30T00:00:00Z'; },
      'parsing time "2024-02-30T00:00:00Z": day out of range'],
    ['a timestamp with text after it', (d) => { d.metadata.creationTimestamp = '2024-01-01T00:00:00Zjunk'; },
      'parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk"'],
  ];
  for (const [name, mutate, err] of cases) {
    test(`rejects ${name}`, () => {
      const body = deployment();
      mutate(body);
      const d = decodeObject('apps', 'v1', 'Deployment', body, 'Strict');
      assert.ok('status' in d, 'expected a failure');
      assert.equal(d.status.code, 400);
      assert.equal(d.status.reason, 'BadRequest');
      assert.equal(d.status.message, prefix + err);
    });
  }

  test('reports the first type error, not the unknown fields', () => {
    const body = deployment();
    body.spec.foo = 1;
    body.spec.replicas = '1';
    body.spec.paused = 'no';
    assert.equal(message(decodeObject('apps', 'v1', 'Deployment', body, 'Strict')),
      `${prefix}json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`);
  });

  test('a custom unmarshaler\'s error wins over an earlier type error, as it stops decoding', () => {
    const body = deployment();
    body.spec.replicas = '1';
    body.spec.template.spec.containers[0].resources.limits.cpu = 'lots';
    assert.equal(message(decodeObject('apps', 'v1', 'Deployment', body, 'Strict')),
      `${prefix}quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  });

  test('rejects bad base64 in a []byte field', () => {
    // encoding/base64's CorruptInputError, saved by literalStore.
    const d = decodeObject('', 'v1', 'Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'YWJj', b: 'Y!Jj' } }, 'Strict');
    assert.equal(message(d), 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 1');
    const short = decodeObject('', 'v1', 'Secret', { data: { a: 'YWJ' } }, 'Strict');
    assert.equal(message(short), 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0');
  });

  test('a MicroTime needs six fractional digits', () => {
    // metav1.MicroTime.UnmarshalJSON parses with RFC3339Micro (k8s.io/apimachinery/pkg/apis/meta/v1/micro_time.go).
    const d = decodeObject('events.k8s.io', 'v1', 'Event', { eventTime: '2024-01-01T00:00:00Z' }, 'Strict');
    assert.equal(message(d), 'Event in version "v1" cannot be handled as a Event: parsing time "2024-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"');
  });
});

describe('decodeObject unknown fields', () => {
  // Words: strictError in sigs.k8s.io/json internal/golang/encoding/json/kubernetes_patch.go,
  // strictDecodingError in k8s.io/apimachinery/pkg/runtime/error.go; warnings are each error's
  // text (addStrictDecodingWarnings, k8s.io/apiserver pkg/endpoints/handlers/rest.go).
  function withUnknown(): Record<string, any> {
    const body = deployment();
    body.spec.foo = 1;
    body.spec.template.spec.containers[0].imagee = 'x';
    body.spec.template.spec.containers[0].ports[0].extra = { nested: true };
    body.metadata.Name = 'case matters';
    return body;
  }
  const errors = [
    'unknown field "metadata.Name"',
    'unknown field "spec.template.spec.containers[0].ports[0].extra"',
    'unknown field "spec.template.spec.containers[0].imagee"',
    'unknown field "spec.foo"',
  ];

  test('Strict rejects them all, joined, in document order', () => {
    assert.equal(message(decodeObject('apps', 'v1', 'Deployment', withUnknown(), 'Strict')),
      `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ${errors.join(', ')}`);
  });

  test('Warn returns them as warnings and drops the fields', () => {
    const d = decodeObject('apps', 'v1', 'Deployment', withUnknown(), 'Warn');
    assert.ok('object' in d);
    assert.deepEqual(d.warnings, errors);
    assert.deepEqual(d.object, deployment());
  });

  test('Ignore drops them silently', () => {
    const d = decodeObject('apps', 'v1', 'Deployment', withUnknown(), 'Ignore');
    assert.ok('object' in d);
    assert.deepEqual(d.warnings, []);
    assert.deepEqual(d.object, deployment());
  });

  test('reports a field unknown at the top level by its bare name', () => {
    const d = decodeObject('', 'v1', 'ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, date: {} }, 'Warn');
    assert.ok('object' in d);
    assert.deepEqual(d.warnings, ['unknown field "date"']);
  });
});

describe('decodeJson', () => {
  // invalidBodyJSON and the expected errors and warnings of testFieldValidationPost in
  // kubernetes/kubernetes test/integration/apiserver/field_validation_test.go.
  const invalidBodyJSON = `{
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
      "name": "dupename",
      "name": "test-deployment",
      "labels": {"app": "nginx"},
      "unknownMeta": "metaVal"
    },
    "spec": {
      "unknown1": "val1",
      "unknownDupe": "valDupe",
      "unknownDupe": "valDupe2",
      "paused": true,
      "paused": false,
      "selector": {"matchLabels": {"app": "nginx"}},
      "template": {
        "metadata": {"labels": {"app": "nginx"}},
        "spec": {
          "containers": [{
            "name":  "nginx",
            "image": "nginx:latest",
            "unknownNested": "val1",
            "imagePullPolicy": "Always",
            "imagePullPolicy": "Never"
          }]
        }
      }
    }
  }`;
  const warnings = [
    'duplicate field "metadata.name"',
    'unknown field "metadata.unknownMeta"',
    'unknown field "spec.unknown1"',
    'unknown field "spec.unknownDupe"',
    'duplicate field "spec.paused"',
    'unknown field "spec.template.spec.containers[0].unknownNested"',
    'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
  ];

  test('Strict reports duplicate and unknown fields in document order', () => {
    assert.equal(message(decodeJson('apps', 'v1', 'Deployment', invalidBodyJSON, 'Strict')),
      `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ${warnings.join(', ')}`);
  });

  test('Warn warns of each and keeps the last of repeated values', () => {
    const d = decodeJson('apps', 'v1', 'Deployment', invalidBodyJSON, 'Warn');
    assert.ok('object' in d);
    assert.deepEqual(d.warnings, warnings);
    assert.equal(d.object.metadata && (d.object.metadata as any).name, 'test-deployment');
    assert.equal((d.object.spec as any).paused, false);
    assert.equal((d.object.spec as any).template.spec.containers[0].imagePullPolicy, 'Never');
  });

  test('Ignore says nothing', () => {
    const d = decodeJson('apps', 'v1', 'Deployment', invalidBodyJSON, 'Ignore');
    assert.ok('object' in d);
    assert.deepEqual(d.warnings, []);
  });

  test('reports repeated map keys', () => {
    const d = decodeJson('', 'v1', 'ConfigMap', '{"data":{"a":"1","b":"2","a":"3"},"metadata":{"labels":{"x":"1","x":"2"}}}', 'Warn');
    assert.ok('object' in d);
    assert.deepEqual(d.warnings, ['duplicate field "data.a"', 'duplicate field "metadata.labels.x"']);
  });

  test('a body that is not an object is unrecognized', () => {
    // SimpleMetaFactory.Interpret (k8s.io/apimachinery/pkg/runtime/serializer/json/meta.go) and summarizeData (rest.go).
    assert.equal(message(decodeJson('', 'v1', 'Pod', '[1,2]', 'Strict')),
      'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (5b312c325d)');
  });
});

describe('decodeObject what upstream accepts', () => {
  test('int-or-string and quantity take both forms', () => {
    const d = decodeObject('apps', 'v1', 'Deployment', deployment(), 'Strict');
    assert.ok('object' in d);
    assert.deepEqual(d.object, deployment());
    assert.deepEqual(d.warnings, []);
  });

  test('null fields are dropped; null map values and list items become zero values', () => {
    const body = deployment();
    body.spec.replicas = null;
    body.metadata.labels.gone = null;
    body.metadata.annotations = null;
    body.spec.template.spec.containers[0].args = ['a', null];
    const d = decodeObject('apps', 'v1', 'Deployment', body, 'Strict');
    assert.ok('object' in d);
    const spec = d.object.spec as any;
    assert.equal('replicas' in spec, false);
    assert.deepEqual((d.object.metadata as any).labels, { app: 'web', gone: '' });
    assert.equal('annotations' in (d.object.metadata as any), false);
    assert.deepEqual(spec.template.spec.containers[0].args, ['a', '']);
  });

  test('timestamps are stored in UTC, Time to the second and MicroTime to the microsecond', () => {
    const d = decodeObject('', 'v1', 'Pod', { metadata: { creationTimestamp: '2024-03-01T01:30:00.75+02:00' } }, 'Strict');
    assert.ok('object' in d);
    assert.equal((d.object.metadata as any).creationTimestamp, '2024-02-29T23:30:00Z');
    const e = decodeObject('events.k8s.io', 'v1', 'Event', { eventTime: '2024-01-01T00:00:00.123456+01:00' }, 'Strict');
    assert.ok('object' in e);
    assert.equal(e.object.eventTime, '2023-12-31T23:00:00.123456Z');
  });

  test('RawExtension and FieldsV1 take any JSON', () => {
    const body = {
      metadata: { managedFields: [{ manager: 'kubectl', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {} } } }] },
      data: { raw: [1, { a: null }] },
      revision: 1,
    };
    const d = decodeObject('apps', 'v1', 'ControllerRevision', body, 'Strict');
    assert.ok('object' in d);
    assert.deepEqual(d.object, body);
  });

  test('does not change the body it is given', () => {
    const body = deployment();
    body.spec.foo = 1;
    decodeObject('apps', 'v1', 'Deployment', body, 'Warn');
    assert.equal(body.spec.foo, 1);
  });
});

describe('decodeObject nesting depth', () => {
  // encoding/json's scanner stops at maxNestingDepth (10000) with "exceeded max depth"; the
  // serializer's Interpret fails first, so the handler cannot name the kind.
  function nested(levels: number): unknown {
    let v: unknown = [];
    for (let i = 1; i < levels; i++) v = [v];
    return v;
  }
  const summary = '{"apiVersion":"apps/v1","kind" ...';

  test('accepts 10000 levels', () => {
    const body = deployment();
    body.spec.foo = nested(10000 - 2);
    const d = decodeObject('apps', 'v1', 'Deployment', body, 'Warn');
    assert.ok('object' in d);
    assert.deepEqual(d.warnings, ['unknown field "spec.foo"']);
  });

  test('rejects 10001 levels', () => {
    const body = deployment();
    body.spec.foo = nested(10000 - 1);
    assert.equal(message(decodeObject('apps', 'v1', 'Deployment', body, 'Strict')),
      `the object provided is unrecognized (must be of type Deployment): couldn't get version/kind; json parse error: exceeded max depth (${summary})`);
  });

  test('survives absurd nesting without overflowing the stack', () => {
    const body = deployment();
    body.metadata.annotations = nested(1_000_000);
    assert.match(message(decodeObject('apps', 'v1', 'Deployment', body, 'Strict')) ?? '', /exceeded max depth/);
  });

  test('survives absurd nesting in JSON text too', () => {
    const n = 1_000_000;
    const text = `{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":${'['.repeat(n)}${']'.repeat(n)}}}`;
    assert.equal(message(decodeJson('', 'v1', 'Pod', text, 'Strict')),
      'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: exceeded max depth ({"apiVersion":"v1","kind":"Pod ...)');
  });

  test('rejects apiVersion and kind that are not strings before anything else', () => {
    const body = deployment();
    body.kind = 5;
    body.spec.replicas = 'x';
    assert.equal(message(decodeObject('apps', 'v1', 'Deployment', body, 'Strict')),
      `the object provided is unrecognized (must be of type Deployment): couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string (${summary})`);
  });
});

describe('decodeObject cost', () => {
  test('micro-benchmark: µs per Pod decode (printed, not asserted)', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-7d4b9c-x2x9z', namespace: 'default', labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: '1b2c', controller: true, blockOwnerDeletion: true }] },
      spec: deployment().spec.template.spec,
    };
    pod.spec.containers[0].env = [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
    pod.spec.containers[0].readinessProbe = { httpGet: { path: '/', port: 80 }, periodSeconds: 5 };
    pod.spec.tolerations = [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }];
    const text = JSON.stringify(pod);
    const n = 5000;
    for (let i = 0; i < 1000; i++) decodeObject('', 'v1', 'Pod', pod, 'Strict');
    let t = performance.now();
    for (let i = 0; i < n; i++) decodeObject('', 'v1', 'Pod', pod, 'Strict');
    const objectUs = ((performance.now() - t) * 1000) / n;
    t = performance.now();
    for (let i = 0; i < n; i++) decodeJson('', 'v1', 'Pod', text, 'Strict');
    const jsonUs = ((performance.now() - t) * 1000) / n;
    t = performance.now();
    for (let i = 0; i < n; i++) structuredClone(pod);
    const cloneUs = ((performance.now() - t) * 1000) / n;
    console.log(`decodeObject(Pod): ${objectUs.toFixed(1)} µs; decodeJson(Pod, ${text.length} bytes): ${jsonUs.toFixed(1)} µs; structuredClone(Pod) for scale: ${cloneUs.toFixed(1)} µs`);
    assert.ok('object' in decodeObject('', 'v1', 'Pod', pod, 'Strict'));
  });
});
