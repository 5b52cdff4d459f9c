// Integration: the whole lab in-process on a manual clock; each manifest is dry-run
// through its API server and every answer lands on the YAML node it is about.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isStatus } from '../lab/api/types';
import type { ManualClock } from '../lab/clock';
import { ResourceMapper, applyObject, parseManifests } from '../lab/client/apply';
import { KubeClient } from '../lab/client/kubeClient';
import type { Lab } from '../lab/lab';
import { startTestLab } from '../lab/testLab';
import type { Problem } from './findings';
import { ManifestValidator, offlineProblems } from './manifestValidator';

let lab: Lab;
let clock: ManualClock;
let client: KubeClient;

async function apply(text: string): Promise<void> {
  const mapper = new ResourceMapper(client);
  for (const doc of parseManifests(text).documents) {
    const outcome = await applyObject(client, mapper, doc);
    assert.ok(!('error' in outcome), `apply failed: ${JSON.stringify('error' in outcome ? outcome.error : '')}`);
  }
  // Let the controllers catch up (service accounts, quota usage).
  for (let i = 0; i < 3; i++) await clock.advance(1000);
}

/** shown is each problem as [severity, source, the text it marks, message]. */
function shown(text: string, problems: Problem[] | undefined): [string, string, string, string][] {
  assert.ok(problems, 'the validation was not cancelled');
  return problems.map((p) => [p.severity, p.source, text.slice(p.start, p.end), p.message]);
}

const deployment = (app: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web${extra}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
`;

const pod = (namespace: string, container = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: ${namespace}
spec:
  containers:
    - name: c
      image: busybox:1.36
${container}`;

before(async () => {
  ({ lab, clock } = await startTestLab(1));
  client = lab.client();
  for (let i = 0; i < 3; i++) await clock.advance(1000);
});

after(() => lab.stop());

void test('reports each error of a new object on its node, named for the stage that found it', async () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicaz: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web2
    spec:
      containers:
        - name: nginx
          imagex: nginx:1.27
          imagePullPolicy: Sometimes
`;
  assert.deepEqual(shown(text, await new ManifestValidator(client).validate(text)), [
    ['error', 'KubeLab · field validation', 'replicaz', 'unknown field "spec.replicaz"'],
    ['error', 'KubeLab · field validation', 'imagex', 'unknown field "spec.template.spec.containers[0].imagex"'],
    // Strict decoding stops at unknown fields; the lenient second look shows what validation says too.
    ['error', 'KubeLab · validation', 'labels', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web2"}: `selector` does not match template `labels`'],
    ['error', 'KubeLab · validation', 'name: nginx', 'spec.template.spec.containers[0].image: Required value'],
    ['error', 'KubeLab · validation', 'Sometimes', 'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
  ]);
  const got = await client.get({ group: 'apps', version: 'v1', resource: 'deployments', namespaced: true }, 'default', 'broken');
  assert.ok(isStatus(got) && got.code === 404, 'a dry run stores nothing');
});

void test('checks an object that exists as an update: a changed selector is immutable', async () => {
  await apply(deployment('web'));
  const validator = new ManifestValidator(client);
  assert.deepEqual(shown(deployment('web'), await validator.validate(deployment('web'))), []);
  const changed = deployment('web2');
  assert.deepEqual(shown(changed, await validator.validate(changed)), [
    ['error', 'KubeLab · validation', 'selector', 'spec.selector: Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable'],
  ]);
});

void test('a ResourceQuota, PodSecurity labels and a ValidatingAdmissionPolicy turn valid objects into errors', async () => {
  const plain = pod('default');
  assert.deepEqual(shown(plain, await new ManifestValidator(client).validate(plain)), []);
  await apply(`apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
spec:
  hard:
    limits.cpu: "1"
    limits.memory: 1Gi
---
apiVersion: v1
kind: Namespace
metadata:
  name: secure
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: require-limits
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - apiGroups: ["apps"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["deployments"]
  validations:
    - expression: "object.spec.template.spec.containers.all(c, has(c.resources) && has(c.resources.limits))"
      message: every container needs resources.limits
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: require-limits
spec:
  policyName: require-limits
  validationActions: [Deny]
`);
  // The host starts a new validator when admission inputs change (its remembered answers are stale).
  const validator = new ManifestValidator(client);
  const quota = await validator.validate(plain);
  assert.deepEqual(shown(plain, quota), [
    ['error', 'KubeLab · ResourceQuota', 'c', 'pods "p" is forbidden: failed quota: compute: must specify limits.cpu for: c; limits.memory for: c'],
  ]);
  assert.deepEqual(quota?.[0].fix, { kind: 'resources', containers: ['spec.containers[0]'], need: ['limits.cpu', 'limits.memory'] });
  const over = pod('default', '      resources:\n        limits:\n          cpu: "2"\n          memory: 100Mi\n');
  assert.deepEqual(shown(over, await validator.validate(over)), [
    ['error', 'KubeLab · ResourceQuota', '"2"', 'pods "p" is forbidden: exceeded quota: compute, requested: limits.cpu=2, used: limits.cpu=0, limited: limits.cpu=1'],
  ]);
  const privileged = pod('secure', '      securityContext:\n        privileged: true\n');
  const pss = shown(privileged, await validator.validate(privileged));
  assert.deepEqual(pss[0], ['error', 'KubeLab · PodSecurity', 'true', 'violates PodSecurity "restricted:latest": privileged (container "c" must not set securityContext.privileged=true)']);
  assert.ok(pss.slice(1).every(([, source, marked]) => source === 'KubeLab · PodSecurity' && marked === 'c'), JSON.stringify(pss));
  const web = deployment('web');
  assert.deepEqual(shown(web, await validator.validate(web)), [
    ['error', 'KubeLab · ValidatingAdmissionPolicy require-limits', 'nginx', 'deployments.apps "web" is forbidden: ValidatingAdmissionPolicy \'require-limits\' with binding \'require-limits\' denied request: every container needs resources.limits'],
  ]);
});

void test('skips ignored documents, shows YAML errors without a request, and softens what the file itself creates', async () => {
  const text = `# kubelab: ignore
apiVersion: v1
kind: Pod
metadata: {name: ignored}
---
apiVersion: v1
kind: Namespace
metadata:
  name: team
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: team
---
apiVersion: v1
kind: Servic
metadata:
  name: typo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  name: b
`;
  assert.deepEqual(shown(text, await new ManifestValidator(client).validate(text)), [
    ['information', 'KubeLab · NamespaceLifecycle', 'team', 'namespace "team" is created by this file: the checks that need it run once it exists'],
    ['error', 'KubeLab · discovery', 'Servic', 'no matches for kind "Servic" in version "v1"'],
    ['error', 'KubeLab · YAML', 'name', 'Map keys must be unique'],
  ]);
});

void test('with the lab stopped, shows YAML errors, the image check and one hint to start the lab', () => {
  const text = `${pod('default').replace('busybox:1.36', 'busybox')}---\n${deployment('web')}---\nkey: [1\n`;
  const problems = offlineProblems(text);
  assert.deepEqual(shown(text, problems), [
    ['warning', 'KubeLab · image', 'busybox', 'image "busybox" has no tag, so it means :latest: each node pulls whatever that is on the day, and imagePullPolicy defaults to Always. Pin a version such as busybox:1.36.'],
    ['hint', 'KubeLab · lab stopped', 'Pod', 'KubeLab is stopped: start the lab to check this manifest through the API server (validation, admission, quota, policies)'],
    ['error', 'KubeLab · YAML', '', 'Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ]);
  assert.deepEqual(problems.map((p) => p.fix?.kind), ['imageTag', 'startLab', undefined]);
  assert.deepEqual(offlineProblems('services:\n  web: {image: nginx}\n'), [], 'YAML that is not Kubernetes is none of our business');
  // With a kubeconfig context active, the hint names it, and the lab stays out of it.
  const remote = offlineProblems(text, { name: 'prod', isLab: false });
  assert.deepEqual(shown(text, remote)[1], ['hint', 'KubeLab · not connected', 'Pod', 'context "prod" is not connected: connect to it (KubeLab: Switch Cluster) to check this manifest through its API server (validation, admission, quota, policies)']);
  assert.deepEqual(remote.map((p) => p.fix?.kind), ['imageTag', 'switchCluster', undefined]);
});

void test('documents that name no namespace are checked in the namespace the validator reads at each check', async () => {
  let namespace = 'nowhere';
  const validator = new ManifestValidator(client, () => namespace);
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n';
  assert.deepEqual(shown(text, await validator.validate(text)).map((p) => p[3]), ['namespaces "nowhere" not found']);
  namespace = 'default';
  assert.deepEqual(await validator.validate(text), []);
});

void test('asks again only for documents whose text or live object changed', async () => {
  const counted = { dryRuns: 0 };
  const counting = new KubeClient({
    request: (req) => {
      if (req.query?.dryRun === 'All') counted.dryRuns++;
      return client.transport.request(req);
    },
    watch: (req, onEvent, onEnd) => client.transport.watch(req, onEvent, onEnd),
    stream: (req, onChunk, onEnd) => client.transport.stream(req, onChunk, onEnd),
  });
  const validator = new ManifestValidator(counting);
  const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  mode: ${value}\n`;
  const two = `${configMap('a', 'blue')}---\n${configMap('b', 'blue')}`;
  await validator.validate(two);
  assert.equal(counted.dryRuns, 2);
  const edited = two.replace('mode: blue', 'mode: green');
  await validator.validate(edited);
  assert.equal(counted.dryRuns, 3, 'only the edited document is sent again');
  await apply(configMap('b', 'red'));
  await validator.validate(edited);
  assert.equal(counted.dryRuns, 4, 'a document whose object now exists is checked again, as an update');
});

void test('an object created between the check\'s read and its dry-run (an Apply racing it) is checked again as an update, not reported as existing', async () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: raced\ndata:\n  mode: blue\n';
  let created = false;
  const racing = new KubeClient({
    request: async (req) => {
      const res = await client.transport.request(req);
      // Right after the validator reads the object and finds nothing, the user's Apply creates it.
      if (!created && req.method === 'GET' && req.path.endsWith('/configmaps/raced') && res.status === 404) {
        created = true;
        await apply(text);
      }
      return res;
    },
    watch: (req, onEvent, onEnd) => client.transport.watch(req, onEvent, onEnd),
    stream: (req, onChunk, onEnd) => client.transport.stream(req, onChunk, onEnd),
  });
  const problems = await new ManifestValidator(racing).validate(text);
  assert.ok(created, 'the race happened');
  assert.deepEqual(shown(text, problems), []);
});

void test('each answer names its RequestTrace, which tells the stage and plugin that refused', async () => {
  const res = await client.transport.request({ method: 'POST', path: '/api/v1/namespaces/default/pods', query: { dryRun: 'All', fieldValidation: 'Strict' }, body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } });
  assert.equal(res.status, 403);
  assert.match(res.trace ?? '', /^\d{10}$/);
  const trace = await client.raw({ method: 'GET', path: `/apis/lab.kubelab.dev/v1alpha1/requesttraces/${res.trace ?? ''}` }) as { spec: { dryRun: boolean }; status: { stages: { name: string; result: string; detail?: string }[] } };
  assert.equal(trace.spec.dryRun, true);
  const rejected = trace.status.stages.find((s) => s.result === 'rejected');
  assert.deepEqual([rejected?.name, rejected?.detail], ['validating admission', 'ResourceQuota']);
});

void test('a cancelled validation answers nothing', async () => {
  const token = { cancelled: false };
  const pending = new ManifestValidator(client).validate(deployment('web'), token);
  token.cancelled = true;
  assert.equal(await pending, undefined);
});
