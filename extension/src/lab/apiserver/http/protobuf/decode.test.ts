import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeProtobuf, goDuration } from './decode';

/**
 * Bodies kubectl 1.32 sent for `--dry-run=server`, each beside the JSON the same
 * command prints with `--dry-run=client -o json`: the Go object's JSON encoding,
 * which is what decoding its protobuf encoding must give.
 */
const KUBECTL_BODIES: { command: string; hex: string; json: unknown }[] = [
  {
    command: 'kubectl create namespace x2',
    hex: '6b3873000a0f0a02763112094e616d657370616365121a0a120a02783212001a0022002a0032003800420012001a020a001a002200',
    json: {"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "x2", "creationTimestamp": null}, "spec": {}, "status": {}},
  },
  {
    command: 'kubectl create service clusterip svc2 --tcp=80:http -n x',
    hex: '6b3873000a0d0a02763112075365727669636512700a220a047376633212001a017822002a003200380042005a0b0a0361707012047376633212460a1e0a0738302d6874747012035443501850220a080110001a04687474702800120b0a036170701204737663321a002209436c757374657249503a00420052005a00600068001a020a001a002200',
    json: {"kind": "Service", "apiVersion": "v1", "metadata": {"name": "svc2", "namespace": "x", "creationTimestamp": null, "labels": {"app": "svc2"}}, "spec": {"ports": [{"name": "80-http", "protocol": "TCP", "port": 80, "targetPort": "http"}], "selector": {"app": "svc2"}, "type": "ClusterIP"}, "status": {"loadBalancer": {}}},
  },
  {
    command: 'kubectl create secret generic s2 --from-literal=p=q -n x',
    hex: '6b3873000a0c0a0276311206536563726574121f0a130a02733212001a017822002a0032003800420012060a01701201711a001a002200',
    json: {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "s2", "namespace": "x", "creationTimestamp": null}, "data": {"p": "cQ=="}},
  },
  {
    command: 'kubectl create quota q --hard=cpu=1,pods=2 -n x',
    hex: '6b3873000a130a027631120d5265736f7572636551756f746112310a120a017112001a017822002a0032003800420012190a0a0a0363707512030a01310a0b0a04706f647312030a01321a001a002200',
    json: {"kind": "ResourceQuota", "apiVersion": "v1", "metadata": {"name": "q", "namespace": "x", "creationTimestamp": null}, "spec": {"hard": {"cpu": "1", "pods": "2"}}, "status": {}},
  },
  {
    command: 'kubectl create pdb pdb --selector=app=web --min-available=50% -n x',
    hex: '6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e427564676574123d0a140a0370646212001a017822002a0032003800420012190a09080110001a03353025120c0a0a0a0361707012037765621a0a080018002000280030001a002200',
    json: {"kind": "PodDisruptionBudget", "apiVersion": "policy/v1", "metadata": {"name": "pdb", "namespace": "x", "creationTimestamp": null}, "spec": {"minAvailable": "50%", "selector": {"matchLabels": {"app": "web"}}}, "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}},
  },
  {
    command: 'kubectl create role r --verb=get --resource=pods -n x',
    hex: '6b3873000a240a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311204526f6c6512230a120a017212001a017822002a00320038004200120d0a0367657412001a04706f64731a002200',
    json: {"kind": "Role", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": {"name": "r", "namespace": "x", "creationTimestamp": null}, "rules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}]},
  },
  {
    command: 'kubectl create priorityclass pc --value=1000 --description=d',
    hex: '6b3873000a250a147363686564756c696e672e6b38732e696f2f7631120d5072696f72697479436c61737312320a120a02706312001a0022002a0032003800420010e80718002201642a14507265656d70744c6f7765725072696f726974791a002200',
    json: {"kind": "PriorityClass", "apiVersion": "scheduling.k8s.io/v1", "metadata": {"name": "pc", "creationTimestamp": null}, "value": 1000, "description": "d", "preemptionPolicy": "PreemptLowerPriority"},
  },
  {
    command: 'kubectl create configmap cm2 --from-literal=a=b -n x',
    hex: '6b3873000a0f0a0276311209436f6e6669674d6170121e0a140a03636d3212001a017822002a0032003800420012060a01611201621a002200',
    json: {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "cm2", "namespace": "x", "creationTimestamp": null}, "data": {"a": "b"}},
  },
  {
    command: 'kubectl create deployment d0 --image=nginx --replicas=0 --port=8080 -n x',
    hex: '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b6010a1e0a02643012001a017822002a003200380042005a090a03617070120264301285010800120b0a090a03617070120264301a6c0a1b0a0012001a0022002a003200380042005a090a0361707012026430124d122f0a056e67696e7812056e67696e782a00320b0a00100018903f22002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
    json: {"kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"name": "d0", "namespace": "x", "creationTimestamp": null, "labels": {"app": "d0"}}, "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "d0"}}, "template": {"metadata": {"creationTimestamp": null, "labels": {"app": "d0"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx", "ports": [{"containerPort": 8080}], "resources": {}}]}}, "strategy": {}}, "status": {}},
  },
  {
    command: 'kubectl create cronjob cj11 --image=busybox --schedule=*/1 * * * * -n x -- echo hi',
    hex: '6b3873000a130a0862617463682f7631120743726f6e4a6f6212b0010a150a04636a313112001a017822002a003200380042001294010a0b2a2f31202a202a202a202a1a002a82010a140a04636a313112001a0022002a00320038004200126a32680a100a0012001a0022002a003200380042001254122d0a04636a3131120762757379626f781a046563686f1a0268692a0042006a007200800100880100900100a201001a094f6e4661696c757265320042004a0052005800600068008201008a01009a0100c201001a001a002200',
    json: {"kind": "CronJob", "apiVersion": "batch/v1", "metadata": {"name": "cj11", "namespace": "x", "creationTimestamp": null}, "spec": {"schedule": "*/1 * * * *", "jobTemplate": {"metadata": {"name": "cj11", "creationTimestamp": null}, "spec": {"template": {"metadata": {"creationTimestamp": null}, "spec": {"containers": [{"name": "cj11", "image": "busybox", "command": ["echo", "hi"], "resources": {}}], "restartPolicy": "OnFailure"}}}}}, "status": {}},
  },
  {
    command: 'kubectl create job j11 --image=busybox -n x -- echo hi',
    hex: '6b3873000a0f0a0862617463682f763112034a6f621287010a140a036a313112001a017822002a00320038004200126532630a100a0012001a0022002a00320038004200124f122c0a036a3131120762757379626f781a046563686f1a0268692a0042006a007200800100880100900100a201001a054e65766572320042004a0052005800600068008201008a01009a0100c201001a082000280030003a001a002200',
    json: {"kind": "Job", "apiVersion": "batch/v1", "metadata": {"name": "j11", "namespace": "x", "creationTimestamp": null}, "spec": {"template": {"metadata": {"creationTimestamp": null}, "spec": {"containers": [{"name": "j11", "image": "busybox", "command": ["echo", "hi"], "resources": {}}], "restartPolicy": "Never"}}}, "status": {}},
  },
  {
    // IngressRule's IngressRuleValue is an embedded struct: its fields join the rule's in JSON.
    command: 'kubectl create ingress ing2 --rule=example.com/=db:5432 -n x',
    hex: '6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e6772657373124b0a150a04696e673212001a017822002a00320038004200122e1a2c0a0b6578616d706c652e636f6d121d0a1b0a190a012f120d220b0a02646212050a0010b82a1a0545786163741a020a001a002200',
    json: {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": {"name": "ing2", "namespace": "x", "creationTimestamp": null}, "spec": {"rules": [{"host": "example.com", "http": {"paths": [{"path": "/", "pathType": "Exact", "backend": {"service": {"name": "db", "port": {"number": 5432}}}}]}}]}, "status": {"loadBalancer": {}}},
  },
];

for (const { command, hex, json } of KUBECTL_BODIES) {
  test(`decodes the body of \`${command}\` to its JSON encoding`, () => {
    assert.deepEqual(decodeProtobuf(Buffer.from(hex, 'hex')), { object: json });
  });
}

/** field encodes one protobuf field: a varint for numbers, length-delimited bytes otherwise. */
function field(n: number, value: number | bigint | string | Uint8Array): Uint8Array {
  const varint = (v: bigint): number[] => {
    const out: number[] = [];
    let x = BigInt.asUintN(64, v);
    do {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      out.push(x ? b | 0x80 : b);
    } while (x);
    return out;
  };
  if (typeof value === 'number' || typeof value === 'bigint') return Uint8Array.from([...varint(BigInt(n << 3)), ...varint(BigInt(value))]);
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  return Uint8Array.from([...varint(BigInt((n << 3) | 2)), ...varint(BigInt(bytes.length)), ...bytes]);
}
const message = (...fields: Uint8Array[]): Uint8Array => Uint8Array.from(fields.flatMap((f) => [...f]));
const envelope = (apiVersion: string, kind: string, raw: Uint8Array): Uint8Array =>
  message(Uint8Array.from([0x6b, 0x38, 0x73, 0x00]), field(1, message(field(1, apiVersion), field(2, kind))), field(2, raw));

test('MicroTime, Time, negative int32 and IntOrString take their JSON forms', () => {
  const lease = envelope('coordination.k8s.io/v1', 'Lease', message(
    field(1, message(field(1, 'l'), field(8, message(field(1, 1_700_000_000))))),
    field(2, message(field(1, 'me'), field(2, -1), field(3, message(field(1, 1_700_000_000), field(2, 123_456_789))))),
  ));
  assert.deepEqual(decodeProtobuf(lease), { object: {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: { name: 'l', creationTimestamp: '2023-11-14T22:13:20Z' },
    spec: { holderIdentity: 'me', leaseDurationSeconds: -1, acquireTime: '2023-11-14T22:13:20.123456Z' },
  } });
  const port = (intOrString: Uint8Array): unknown => decodeProtobuf(envelope('v1', 'Service', message(field(2, message(field(1, message(field(4, intOrString))))))));
  assert.deepEqual(port(message(field(1, 0), field(2, 8080))), { object: { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ targetPort: 8080 }] } } });
  assert.deepEqual(port(message(field(1, 1), field(3, 'http'))), { object: { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ targetPort: 'http' }] } } });
});

test('DeleteOptions travel under any group and decode from meta/v1', () => {
  const body = envelope('v1', 'DeleteOptions', message(field(1, 0), field(4, 'Foreground')));
  assert.deepEqual(decodeProtobuf(body), { object: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground' } });
});

test('bodies that are not protobuf messages fail with the serializer\'s words', () => {
  assert.deepEqual(decodeProtobuf(new Uint8Array()), { error: 'empty data' });
  assert.deepEqual(decodeProtobuf(new TextEncoder().encode('{}')), { error: 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]' });
  assert.deepEqual(decodeProtobuf(envelope('v1', 'Nope', new Uint8Array())), { error: 'no kind "Nope" is registered for version "v1"' });
  assert.deepEqual(decodeProtobuf(message(Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x05, 0x0a]))), { error: 'proto: unexpected EOF' });
});

// Go's time/time_test.go durationTests.
const DURATIONS: [number, string][] = [
  [0, '0s'], [1, '1ns'], [1100, '1.1µs'], [2_200_000, '2.2ms'], [3_300_000_000, '3.3s'],
  [245_000_000_000, '4m5s'], [245_001_000_000, '4m5.001s'], [18_367_001_000_000, '5h6m7.001s'], [28_800_000_000_001, '8h0m0.000000001s'],
];
for (const [ns, text] of DURATIONS) test(`a Duration of ${ns}ns reads ${text}`, () => assert.equal(goDuration(ns), text));
