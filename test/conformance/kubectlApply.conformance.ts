// kubectl writing objects: apply (file, folder, stdin, server-side), diff, patch (all
// three types), edit with a sed script as KUBE_EDITOR, every create generator, and
// delete with its flags. One lab for the file, stopped with SIGTERM at the end.
//
// `kubectl apply` validates against the served OpenAPI unless told --validate=false;
// OpenAPI is being built, so the tests about something else pass --validate=false and
// one todo test covers default validation.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KubelabProcess, eventually, lines, parseTable } from './harness';

let lab: KubelabProcess;
const dir = mkdtempSync(join(tmpdir(), 'kubelab-manifests-'));
before(async () => {
  lab = await KubelabProcess.up({ nodes: 3 });
});
after(async () => {
  await lab?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** manifest writes text to a file under the test's folder and returns its path. */
function manifest(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const API_DEPLOYMENT = (image: string, labels: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {${labels}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: ${image}
      - name: sidecar
        image: busybox:1.36
        command: ["sleep", "infinity"]
`;

void test('apply -f creates, reports unchanged, then configures through a three-way strategic merge', { timeout: 90_000 }, async () => {
  const file = manifest('api.yaml', API_DEPLOYMENT('nginx:1.27', 'app: api, team: a'));
  assert.equal(await lab.ok(['apply', '--validate=false', '-f', file]), 'deployment.apps/api created\n');
  assert.equal(await lab.ok(['apply', '--validate=false', '-f', file]), 'deployment.apps/api unchanged\n');
  // A label someone else added survives the next apply; one dropped from the manifest goes.
  await lab.ok(['label', 'deployment', 'api', 'added-by=hand']);
  manifest('api.yaml', API_DEPLOYMENT('nginx:1.28', 'app: api'));
  assert.equal(await lab.ok(['apply', '--validate=false', '-f', file]), 'deployment.apps/api configured\n');
  const d = await lab.json(['get', 'deployment', 'api']);
  assert.deepEqual(d.metadata.labels, { app: 'api', 'added-by': 'hand' });
  assert.deepEqual(d.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`), ['api=nginx:1.28', 'sidecar=busybox:1.36']);
  const applied = JSON.parse(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  assert.deepEqual(applied.metadata, { annotations: {}, labels: { app: 'api' }, name: 'api', namespace: 'default' });
  await lab.ok(['rollout', 'status', 'deployment/api', '--timeout=60s'], { timeoutMs: 70_000 });
});

void test('apply -f <folder> applies every manifest in it, in file name order, skipping other files', async () => {
  const folder = join(dir, 'app');
  manifest('app/b-config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  mode: dev\n');
  manifest('app/a-namespace.json', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app-ns' } }));
  manifest('app/c-two.yml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secret\nstringData:\n  token: abc\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app-robot\n');
  manifest('app/README.md', '# not a manifest\n');
  assert.equal(await lab.ok(['apply', '--validate=false', '-f', folder]), 'namespace/app-ns created\nconfigmap/app-config created\nsecret/app-secret created\nserviceaccount/app-robot created\n');
  manifest('app/b-config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  mode: prod\n');
  // stringData never reaches the live Secret, so kubectl finds it missing and patches it again: `configured`, as on any cluster.
  assert.equal(await lab.ok(['apply', '--validate=false', '-f', folder]), 'namespace/app-ns unchanged\nconfigmap/app-config configured\nsecret/app-secret configured\nserviceaccount/app-robot unchanged\n');
  assert.equal(await lab.ok(['get', 'secret', 'app-secret', '-o', 'jsonpath={.data.token}']), Buffer.from('abc').toString('base64'));
});

void test('apply -f - reads the manifests from stdin', async () => {
  const input = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: piped-1\ndata: {a: "1"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: piped-2\n';
  assert.equal(await lab.ok(['apply', '--validate=false', '-f', '-'], { input }), 'configmap/piped-1 created\nconfigmap/piped-2 created\n');
  assert.equal(await lab.ok(['apply', '--validate=false', '-f', '-'], { input: input.replace('"1"', '"2"') }), 'configmap/piped-1 configured\nconfigmap/piped-2 unchanged\n');
  const bad = await lab.kubectl(['apply', '--validate=false', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n' });
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')\n');
});

void test('apply --server-side records field managers and reports conflicts as upstream', async () => {
  const file = manifest('ssa.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  k: one\n');
  assert.equal(await lab.ok(['apply', '--server-side', '--validate=false', '-f', file]), 'configmap/ssa serverside-applied\n');
  const managers = () => lab.ok(['get', 'configmap', 'ssa', '--show-managed-fields', '-o', 'jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation}{"\\n"}{end}']);
  assert.equal(await managers(), 'kubectl/Apply\n');
  const other = manifest('ssa-other.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  k: two\n');
  const conflict = await lab.kubectl(['apply', '--server-side', '--validate=false', '--field-manager=other', '-f', other]);
  assert.equal(conflict.code, 1);
  assert.ok(conflict.stderr.startsWith('error: Apply failed with 1 conflict: conflict with "kubectl": .data.k\nPlease review the fields above--they currently have other managers. Here\nare the ways you can resolve this warning:\n'), conflict.stderr);
  assert.equal(await lab.ok(['apply', '--server-side', '--validate=false', '--field-manager=other', '--force-conflicts', '-f', other]), 'configmap/ssa serverside-applied\n');
  assert.equal(await managers(), 'other/Apply\n');
  assert.equal(await lab.ok(['get', 'configmap', 'ssa', '-o', 'jsonpath={.data.k}']), 'two');
});

void test('apply with default validation checks the manifest against the server', async () => {
  const good = manifest('validated.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: validated\ndata:\n  a: b\n');
  assert.equal(await lab.ok(['apply', '-f', good]), 'configmap/validated created\n');
  assert.equal(await lab.ok(['apply', '--server-side', '-f', good]), 'configmap/validated serverside-applied\n');
  const typo = manifest('typo.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndatta:\n  a: b\n');
  const e = await lab.kubectl(['apply', '-f', typo]);
  assert.equal(e.code, 1);
  assert.equal(e.stderr, `Error from server (BadRequest): error when creating "${typo}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"\n`);
});

void test('diff exits 0 when nothing would change and 1 with a unified diff when it would', async () => {
  const file = manifest('diffed.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: diffed\ndata:\n  k: one\n');
  await lab.ok(['apply', '--validate=false', '-f', file]);
  const same = await lab.kubectl(['diff', '-f', file]);
  assert.equal(same.code, 0, same.stderr);
  assert.equal(same.stdout, '');
  manifest('diffed.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: diffed\ndata:\n  k: two\n');
  const changed = await lab.kubectl(['diff', '-f', file]);
  assert.equal(changed.code, 1, changed.stderr);
  assert.match(changed.stdout, /^diff -u -N \S+\/v1\.ConfigMap\.default\.diffed \S+\/v1\.ConfigMap\.default\.diffed\n--- \S+\tname\n|^diff -u -N /);
  assert.match(changed.stdout, /^-  k: one$/m);
  assert.match(changed.stdout, /^\+  k: two$/m);
  // The live object is untouched: diff is a server-side dry run.
  assert.equal(await lab.ok(['get', 'configmap', 'diffed', '-o', 'jsonpath={.data.k}']), 'one');
  const created = await lab.kubectl(['diff', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-yet\n' });
  assert.equal(created.code, 1);
  assert.match(created.stdout, /^\+ {2}name: not-yet$/m);
  assert.equal((await lab.kubectl(['get', 'configmap', 'not-yet'])).code, 1);
});

void test('patch --type strategic merges containers by name, merge replaces the list, json applies operations', async () => {
  const containers = async (): Promise<string> => lab.ok(['get', 'deployment', 'api', '-o', 'jsonpath={range .spec.template.spec.containers[*]}{.name}={.image} {end}']);
  assert.equal(await lab.ok(['patch', 'deployment', 'api', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.37"}]}}}}']), 'deployment.apps/api patched\n');
  assert.equal(await containers(), 'api=nginx:1.28 sidecar=busybox:1.37 ');
  assert.equal(await lab.ok(['patch', 'deployment', 'api', '--type=strategic', '-p', '{"metadata":{"labels":{"added-by":"hand"}}}']), 'deployment.apps/api patched (no change)\n');
  assert.equal(await lab.ok(['patch', 'deployment', 'api', '--type=merge', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"api","image":"nginx:1.27"}]}}}}']), 'deployment.apps/api patched\n');
  assert.equal(await containers(), 'api=nginx:1.27 ');
  assert.equal(await lab.ok(['patch', 'deployment', 'api', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":1},{"op":"add","path":"/metadata/labels/patched","value":"json"}]']), 'deployment.apps/api patched\n');
  assert.equal(await lab.ok(['get', 'deployment', 'api', '-o', 'jsonpath={.spec.replicas} {.metadata.labels.patched}']), '1 json');
  const failedTest = await lab.kubectl(['patch', 'deployment', 'api', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":9}]']);
  assert.equal(failedTest.code, 1);
  assert.equal(failedTest.stderr, 'The request is invalid: the server rejected our request due to an error in our request\n');
  const notAnObject = await lab.kubectl(['patch', 'configmap', 'ssa', '--type=merge', '-p', '"text"']);
  assert.equal(notAnObject.code, 1);
  assert.equal(notAnObject.stderr, 'Error from server (BadRequest): error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}\n');
  const missing = await lab.kubectl(['patch', 'configmap', 'nope', '-p', '{"data":{"a":"b"}}']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error from server (NotFound): configmaps "nope" not found\n');
});

void test('edit runs KUBE_EDITOR on the object and saves what it wrote', async () => {
  await lab.ok(['create', 'configmap', 'edited', '--from-literal=color=blue']);
  const edit = await lab.kubectl(['edit', 'configmap', 'edited', '--validate=false'], { env: { KUBE_EDITOR: 'sed -i -e s/color:\\ blue/color:\\ green/' } });
  assert.equal(edit.code, 0, edit.stderr);
  assert.equal(edit.stdout, 'configmap/edited edited\n');
  assert.equal(await lab.ok(['get', 'configmap', 'edited', '-o', 'jsonpath={.data.color}']), 'green');
  const untouched = await lab.kubectl(['edit', 'configmap', 'edited', '--validate=false'], { env: { KUBE_EDITOR: 'true' } });
  assert.equal(untouched.code, 0);
  assert.equal(untouched.stderr, 'Edit cancelled, no changes made.\n');
  // A change the server refuses leaves the object as it was and exits 1.
  const refused = await lab.kubectl(['edit', 'configmap', 'edited', '--validate=false'], { env: { KUBE_EDITOR: 'sed -i -e s/^kind:\\ ConfigMap/kind:\\ Secret/' } });
  assert.equal(refused.code, 1);
  assert.equal(await lab.ok(['get', 'configmap', 'edited', '-o', 'jsonpath={.data.color}']), 'green');
});

void test('edit with default validation', async () => {
  const edit = await lab.kubectl(['edit', 'configmap', 'edited'], { env: { KUBE_EDITOR: 'sed -i -e s/color:\\ green/color:\\ red/' } });
  assert.equal(edit.code, 0, edit.stderr);
  assert.equal(edit.stdout, 'configmap/edited edited\n');
});

/** Every create generator the issue names, with what kubectl prints and a field that shows the server made it right. */
const GENERATORS: { args: string[]; printed: string; exists: string; check?: { get: string[]; jsonpath: string; value: string } }[] = [
  { args: ['deployment', 'gen-web', '--image=nginx:1.27', '--replicas=2', '--port=80'], printed: 'deployment.apps/gen-web created', exists: 'error: failed to create deployment: deployments.apps "gen-web" already exists', check: { get: ['deployment', 'gen-web'], jsonpath: '{.spec.replicas}/{.spec.template.spec.containers[0].ports[0].containerPort}/{.spec.selector.matchLabels.app}', value: '2/80/gen-web' } },
  { args: ['service', 'clusterip', 'gen-db', '--tcp=5432:5432'], printed: 'service/gen-db created', exists: 'error: failed to create ClusterIP service: services "gen-db" already exists', check: { get: ['service', 'gen-db'], jsonpath: '{.spec.type}/{.spec.ports[0].name}/{.spec.selector.app}', value: 'ClusterIP/5432-5432/gen-db' } },
  { args: ['service', 'nodeport', 'gen-np', '--tcp=80:8080'], printed: 'service/gen-np created', exists: 'error: failed to create NodePort service: services "gen-np" already exists', check: { get: ['service', 'gen-np'], jsonpath: '{.spec.type}/{.spec.ports[0].targetPort}', value: 'NodePort/8080' } },
  { args: ['configmap', 'gen-config', '--from-literal=a=1', '--from-literal=b=two'], printed: 'configmap/gen-config created', exists: 'error: failed to create configmap: configmaps "gen-config" already exists', check: { get: ['configmap', 'gen-config'], jsonpath: '{.data.a}{.data.b}', value: '1two' } },
  { args: ['secret', 'generic', 'gen-secret', '--from-literal=password=s3cret'], printed: 'secret/gen-secret created', exists: 'error: failed to create secret secrets "gen-secret" already exists', check: { get: ['secret', 'gen-secret'], jsonpath: '{.type}/{.data.password}', value: `Opaque/${Buffer.from('s3cret').toString('base64')}` } },
  { args: ['secret', 'docker-registry', 'gen-pull', '--docker-server=registry.example', '--docker-username=u', '--docker-password=p'], printed: 'secret/gen-pull created', exists: 'error: failed to create secret secrets "gen-pull" already exists', check: { get: ['secret', 'gen-pull'], jsonpath: '{.type}', value: 'kubernetes.io/dockerconfigjson' } },
  { args: ['namespace', 'gen-ns'], printed: 'namespace/gen-ns created', exists: 'Error from server (AlreadyExists): namespaces "gen-ns" already exists', check: { get: ['namespace', 'gen-ns'], jsonpath: '{.status.phase}', value: 'Active' } },
  { args: ['job', 'gen-job', '--image=busybox:1.36', '--', 'echo', 'hello'], printed: 'job.batch/gen-job created', exists: 'error: failed to create job: jobs.batch "gen-job" already exists', check: { get: ['job', 'gen-job'], jsonpath: '{.spec.template.spec.restartPolicy}/{.spec.template.spec.containers[0].command}', value: 'Never/["echo","hello"]' } },
  { args: ['cronjob', 'gen-cron', '--image=busybox:1.36', '--schedule=*/5 * * * *', '--', 'date'], printed: 'cronjob.batch/gen-cron created', exists: 'error: failed to create cronjob: cronjobs.batch "gen-cron" already exists', check: { get: ['cronjob', 'gen-cron'], jsonpath: '{.spec.schedule}/{.spec.jobTemplate.spec.template.spec.restartPolicy}', value: '*/5 * * * */OnFailure' } },
  { args: ['job', 'gen-from-cron', '--from=cronjob/gen-cron'], printed: 'job.batch/gen-from-cron created', exists: 'error: failed to create job: jobs.batch "gen-from-cron" already exists', check: { get: ['job', 'gen-from-cron'], jsonpath: '{.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}/{.metadata.ownerReferences[0].kind}', value: 'manual/CronJob' } },
  { args: ['serviceaccount', 'gen-robot'], printed: 'serviceaccount/gen-robot created', exists: 'error: failed to create serviceaccount: serviceaccounts "gen-robot" already exists' },
  { args: ['role', 'gen-reader', '--verb=get,list', '--resource=pods,pods/log'], printed: 'role.rbac.authorization.k8s.io/gen-reader created', exists: 'Error from server (AlreadyExists): roles.rbac.authorization.k8s.io "gen-reader" already exists', check: { get: ['role', 'gen-reader'], jsonpath: '{.rules[0].resources}/{.rules[0].verbs}', value: '["pods","pods/log"]/["get","list"]' } },
  { args: ['rolebinding', 'gen-reader', '--role=gen-reader', '--serviceaccount=default:gen-robot'], printed: 'rolebinding.rbac.authorization.k8s.io/gen-reader created', exists: 'error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io "gen-reader" already exists', check: { get: ['rolebinding', 'gen-reader'], jsonpath: '{.roleRef.kind}/{.subjects[0].kind}/{.subjects[0].name}', value: 'Role/ServiceAccount/gen-robot' } },
  { args: ['clusterrole', 'gen-node-reader', '--verb=get', '--resource=nodes'], printed: 'clusterrole.rbac.authorization.k8s.io/gen-node-reader created', exists: 'Error from server (AlreadyExists): clusterroles.rbac.authorization.k8s.io "gen-node-reader" already exists' },
  { args: ['clusterrolebinding', 'gen-node-reader', '--clusterrole=gen-node-reader', '--user=jane'], printed: 'clusterrolebinding.rbac.authorization.k8s.io/gen-node-reader created', exists: 'error: failed to create clusterrolebinding: clusterrolebindings.rbac.authorization.k8s.io "gen-node-reader" already exists' },
  { args: ['poddisruptionbudget', 'gen-pdb', '--selector=app=gen-web', '--min-available=1'], printed: 'poddisruptionbudget.policy/gen-pdb created', exists: 'error: failed to create poddisruptionbudgets: poddisruptionbudgets.policy "gen-pdb" already exists' },
  { args: ['quota', 'gen-quota', '--hard=pods=20'], printed: 'resourcequota/gen-quota created', exists: 'error: failed to create quota: resourcequotas "gen-quota" already exists' },
  { args: ['priorityclass', 'gen-high', '--value=1000'], printed: 'priorityclass.scheduling.k8s.io/gen-high created', exists: 'error: failed to create priorityclass: priorityclasses.scheduling.k8s.io "gen-high" already exists' },
  { args: ['ingress', 'gen-ingress', '--rule=example.com/=gen-db:5432'], printed: 'ingress.networking.k8s.io/gen-ingress created', exists: 'error: failed to create ingress: ingresses.networking.k8s.io "gen-ingress" already exists' },
];

for (const { args, printed, exists, check } of GENERATORS) {
  void test(`create ${args[0]} prints "${printed}", and the second time "${exists}"`, async () => {
    assert.equal(await lab.ok(['create', ...args]), `${printed}\n`);
    if (check) assert.equal(await lab.ok(['get', ...check.get, '-o', `jsonpath=${check.jsonpath}`]), check.value);
    const again = await lab.kubectl(['create', ...args]);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, `${exists}\n`);
  });
}

void test('the rolebinding made by create lets its service account do what the role allows', async () => {
  assert.equal((await lab.kubectl(['auth', 'can-i', 'list', 'pods', '--as=system:serviceaccount:default:gen-robot'])).stdout, 'yes\n');
  assert.equal((await lab.kubectl(['auth', 'can-i', 'delete', 'pods', '--as=system:serviceaccount:default:gen-robot'])).stdout, 'no\n');
  assert.equal((await lab.kubectl(['auth', 'can-i', 'get', 'pods', '--subresource=log', '--as=system:serviceaccount:default:gen-robot'])).stdout, 'yes\n');
});

void test('create token issues a service account JWT with the requested audience and lifetime', async () => {
  const token = (await lab.ok(['create', 'token', 'gen-robot', '--duration=10m', '--audience=example'])).trim();
  const [header, payload, signature] = token.split('.');
  assert.ok(signature);
  assert.deepEqual(Object.keys(JSON.parse(Buffer.from(header, 'base64url').toString())).sort(), ['alg', 'kid']);
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  assert.equal(claims.sub, 'system:serviceaccount:default:gen-robot');
  assert.deepEqual(claims.aud, ['example']);
  assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
  assert.equal(claims.exp - claims.iat, 600);
  assert.equal(claims['kubernetes.io'].serviceaccount.name, 'gen-robot');
  // With the API server's audience the token authenticates as the service account.
  const apiToken = (await lab.ok(['create', 'token', 'gen-robot'])).trim();
  assert.equal(await lab.ok(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { kubeconfig: lab.tokenKubeconfig('gen-robot', apiToken) }), 'system:serviceaccount:default:gen-robot');
  // A token for another audience is not the API server's.
  const foreign = await lab.kubectl(['auth', 'whoami'], { kubeconfig: lab.tokenKubeconfig('foreign', token) });
  assert.equal(foreign.stderr, 'error: You must be logged in to the server (Unauthorized)\n');
  const missing = await lab.kubectl(['create', 'token', 'nobody']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'error: failed to create token: serviceaccounts "nobody" not found\n');
});

void test('create --dry-run prints without creating, on the client or through the server', async () => {
  assert.equal(await lab.ok(['create', 'configmap', 'dry', '--from-literal=a=b', '--dry-run=server']), 'configmap/dry created (server dry run)\n');
  assert.equal(await lab.ok(['create', 'configmap', 'dry', '--dry-run=client', '-o', 'yaml']), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: dry\n');
  const e = await lab.kubectl(['get', 'configmap', 'dry']);
  assert.equal(e.stderr, 'Error from server (NotFound): configmaps "dry" not found\n');
});

void test('delete removes what it names, by name, selector or file, and says so', async () => {
  assert.equal(await lab.ok(['delete', 'configmap', 'piped-1', 'piped-2']), 'configmap "piped-1" deleted\nconfigmap "piped-2" deleted\n');
  const missing = await lab.kubectl(['delete', 'configmap', 'piped-1']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error from server (NotFound): configmaps "piped-1" not found\n');
  const ignored = await lab.kubectl(['delete', 'configmap', 'piped-1', '--ignore-not-found']);
  assert.deepEqual([ignored.code, ignored.stdout, ignored.stderr], [0, '', '']);
  await lab.ok(['label', 'configmap', 'gen-config', 'diffed', 'sweep=yes']);
  assert.deepEqual(lines(await lab.ok(['delete', 'configmaps', '-l', 'sweep=yes'])).sort(), ['configmap "diffed" deleted', 'configmap "gen-config" deleted']);
  assert.equal(await lab.ok(['delete', '-f', join(dir, 'ssa.yaml')]), 'configmap "ssa" deleted\n');
  const none = await lab.kubectl(['delete', 'configmaps', '-l', 'sweep=yes']);
  assert.deepEqual([none.code, none.stdout, none.stderr], [0, 'No resources found\n', '']);
});

void test('delete pod --wait returns once the kubelet has stopped it; --force skips the wait', { timeout: 90_000 }, async () => {
  await lab.ok(['run', 'doomed', '--image=nginx:1.27']);
  await lab.ok(['wait', '--for=condition=Ready', 'pod/doomed', '--timeout=60s']);
  assert.equal(await lab.ok(['delete', 'pod', 'doomed', '--wait', '--timeout=60s']), 'pod "doomed" deleted\n');
  const gone = await lab.kubectl(['get', 'pod', 'doomed']);
  assert.equal(gone.stderr, 'Error from server (NotFound): pods "doomed" not found\n');
  await lab.ok(['run', 'forced', '--image=nginx:1.27']);
  const forced = await lab.kubectl(['delete', 'pod', 'forced', '--force', '--grace-period=0']);
  assert.equal(forced.code, 0);
  assert.equal(forced.stdout, 'pod "forced" force deleted\n');
  assert.equal(forced.stderr, 'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
});

/** cascadeDeployment makes a Deployment whose ReplicaSet and pods exist, for the --cascade tests. */
async function cascadeDeployment(name: string): Promise<string> {
  await lab.ok(['create', 'deployment', name, '--image=nginx:1.27', '--replicas=2']);
  await lab.ok(['rollout', 'status', `deployment/${name}`, '--timeout=60s'], { timeoutMs: 70_000 });
  return lines(await lab.ok(['get', 'replicasets', '-l', `app=${name}`, '-o', 'name']))[0];
}

const count = async (kind: string, selector: string): Promise<number> => lines(await lab.ok(['get', kind, '-l', selector, '-o', 'name'])).length;

void test('delete --cascade=background removes the Deployment at once and its ReplicaSet and pods after', { timeout: 120_000 }, async () => {
  await cascadeDeployment('casc-bg');
  assert.equal(await lab.ok(['delete', 'deployment', 'casc-bg', '--cascade=background', '--timeout=30s']), 'deployment.apps "casc-bg" deleted\n');
  await eventually(async () => ((await count('replicasets', 'app=casc-bg')) + (await count('pods', 'app=casc-bg')) === 0 ? true : undefined), 'the garbage collector to remove the ReplicaSet and pods');
});

void test('delete --cascade=foreground returns once the dependents are gone', { timeout: 120_000 }, async () => {
  await cascadeDeployment('casc-fg');
  assert.equal(await lab.ok(['delete', 'deployment', 'casc-fg', '--cascade=foreground', '--timeout=30s'], { timeoutMs: 40_000 }), 'deployment.apps "casc-fg" deleted\n');
  assert.equal(await count('replicasets', 'app=casc-fg'), 0);
  assert.equal(await count('pods', 'app=casc-fg'), 0);
});

void test('delete --cascade=orphan leaves the ReplicaSet and its pods without an owner', { timeout: 120_000 }, async () => {
  const rs = await cascadeDeployment('casc-orphan');
  assert.equal(await lab.ok(['delete', 'deployment', 'casc-orphan', '--cascade=orphan', '--timeout=30s'], { timeoutMs: 40_000 }), 'deployment.apps "casc-orphan" deleted\n');
  assert.equal(await lab.ok(['get', rs, '-o', 'jsonpath={.metadata.ownerReferences}']), '');
  assert.equal(await count('pods', 'app=casc-orphan'), 2);
});

void test('delete namespace --wait returns once the namespace and everything in it are gone', { timeout: 120_000 }, async () => {
  await lab.ok(['create', 'namespace', 'doomed-ns']);
  await lab.ok(['create', 'configmap', 'inside', '-n', 'doomed-ns']);
  await lab.ok(['run', 'inside', '--image=nginx:1.27', '-n', 'doomed-ns']);
  const terminating = lab.spawnKubectl(['get', 'namespace', 'doomed-ns', '-w', '--output-watch-events']);
  try {
    assert.equal(await lab.ok(['delete', 'namespace', 'doomed-ns', '--wait', '--timeout=60s'], { timeoutMs: 70_000 }), 'namespace "doomed-ns" deleted\n');
    await terminating.until((out) => /^MODIFIED +doomed-ns +Terminating/m.test(out), 'the namespace to turn Terminating');
  } finally {
    await terminating.stop();
  }
  assert.equal((await lab.kubectl(['get', 'configmaps', '-n', 'doomed-ns'])).stderr, 'No resources found in doomed-ns namespace.\n');
  const created = await lab.kubectl(['create', 'namespace', 'doomed-ns']);
  assert.equal(created.code, 0, created.stderr);
});

void test('the generated objects show in get with upstream\'s columns', async () => {
  const jobs = parseTable(await lab.ok(['get', 'jobs']));
  assert.deepEqual(jobs.headers, ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
  const cron = parseTable(await lab.ok(['get', 'cronjobs']));
  assert.deepEqual(cron.headers, ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']);
  assert.deepEqual([cron.rows[0].NAME, cron.rows[0].SCHEDULE, cron.rows[0].TIMEZONE, cron.rows[0].SUSPEND], ['gen-cron', '*/5 * * * *', '<none>', 'False']);
  const roles = parseTable(await lab.ok(['get', 'roles']));
  assert.deepEqual(roles.headers, ['NAME', 'CREATED AT']);
  const bindings = parseTable(await lab.ok(['get', 'rolebindings', '-o', 'wide']));
  assert.deepEqual(bindings.headers, ['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']);
  assert.deepEqual([bindings.rows[0].NAME, bindings.rows[0].ROLE, bindings.rows[0].SERVICEACCOUNTS], ['gen-reader', 'Role/gen-reader', 'default/gen-robot']);
  const secrets = parseTable(await lab.ok(['get', 'secrets', 'gen-secret', 'gen-pull']));
  assert.deepEqual(secrets.headers, ['NAME', 'TYPE', 'DATA', 'AGE']);
  assert.deepEqual(secrets.rows.map((r) => [r.NAME, r.TYPE, r.DATA]), [['gen-secret', 'Opaque', '1'], ['gen-pull', 'kubernetes.io/dockerconfigjson', '1']]);
  const pdb = parseTable(await lab.ok(['get', 'pdb', 'gen-pdb']));
  assert.deepEqual(pdb.headers, ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']);
  const ing = parseTable(await lab.ok(['get', 'ingress', 'gen-ingress']));
  assert.deepEqual(ing.headers, ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
  assert.deepEqual([ing.rows[0].HOSTS, ing.rows[0].PORTS], ['example.com', '80']);
});

void test('kubelab exits 0 on SIGTERM', async () => {
  const exit = await lab.stop('SIGTERM');
  assert.equal(exit.code, 0, exit.stderr);
});
