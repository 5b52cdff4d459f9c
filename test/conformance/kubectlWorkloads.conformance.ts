// kubectl driving a Deployment through its life: create, rollout status|history|undo|
// restart|pause|resume, scale, set image, label, annotate, wait, describe; then expose,
// run and describe service|pod. One lab for the file, stopped with SIGTERM at the end.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubelabProcess, lines, parseTable } from './harness';

let lab: KubelabProcess;
before(async () => {
  lab = await KubelabProcess.up({ nodes: 3 });
});
after(async () => {
  await lab?.cleanup();
});

/** ROLLOUT_WAITING are the lines `rollout status` prints while a Deployment converges (kubectl's DeploymentStatusViewer). */
const ROLLOUT_WAITING = [
  /^Waiting for deployment spec update to be observed\.\.\.$/,
  /^Waiting for deployment "web" rollout to finish: \d+ out of \d+ new replicas have been updated\.\.\.$/,
  /^Waiting for deployment "web" rollout to finish: \d+ old replicas are pending termination\.\.\.$/,
  /^Waiting for deployment "web" rollout to finish: \d+ of \d+ updated replicas are available\.\.\.$/,
];

async function rolloutStatus(): Promise<void> {
  const out = lines(await lab.ok(['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 }));
  assert.equal(out.at(-1), 'deployment "web" successfully rolled out');
  for (const l of out.slice(0, -1)) assert.ok(ROLLOUT_WAITING.some((re) => re.test(l)), `unexpected rollout status line: ${l}`);
}

const image = async (): Promise<string> => lab.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);

void test('create deployment, then rollout status waits until every replica is available', { timeout: 120_000 }, async () => {
  assert.equal(await lab.ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3']), 'deployment.apps/web created\n');
  await rolloutStatus();
  const table = parseTable(await lab.ok(['get', 'deployment', 'web']));
  assert.deepEqual(table.headers, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  assert.deepEqual(table.rows.map((r) => [r.NAME, r.READY, r['UP-TO-DATE'], r.AVAILABLE]), [['web', '3/3', '3', '3']]);
  const wide = parseTable(await lab.ok(['get', 'deployment,replicaset', '-l', 'app=web', '-o', 'wide']));
  assert.deepEqual(wide.headers, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
  assert.deepEqual(wide.rows.map((r) => [r.NAME, r.CONTAINERS, r.IMAGES, r.SELECTOR]), [['deployment.apps/web', 'nginx', 'nginx:1.27', 'app=web']]);
  const pods = parseTable(await lab.ok(['get', 'pods', '-l', 'app=web', '-o', 'wide']));
  assert.deepEqual(pods.headers, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
  assert.equal(pods.rows.length, 3);
  for (const p of pods.rows) {
    assert.match(p.NAME, /^web-[a-z0-9]{8,10}-[a-z0-9]{5}$/);
    assert.deepEqual([p.READY, p.STATUS, p.RESTARTS, p['NOMINATED NODE'], p['READINESS GATES']], ['1/1', 'Running', '0', '<none>', '<none>']);
    assert.match(p.IP, /^10\.244\.\d+\.\d+$/);
    assert.match(p.NODE, /^node-[123]$/);
  }
});

void test('wait --for=condition=Available reports the condition met', async () => {
  assert.equal(await lab.ok(['wait', '--for=condition=Available', 'deployment/web', '--timeout=60s']), 'deployment.apps/web condition met\n');
  assert.equal(await lab.ok(['wait', '--for=jsonpath={.status.readyReplicas}=3', 'deployment/web', '--timeout=60s']), 'deployment.apps/web condition met\n');
  const timeout = await lab.kubectl(['wait', '--for=condition=Complete', 'deployment/web', '--timeout=1s']);
  assert.equal(timeout.code, 1);
  assert.equal(timeout.stderr, 'error: timed out waiting for the condition on deployments/web\n');
});

void test('describe deployment prints its replicas, strategy, template, conditions and events', async () => {
  const out = await lab.ok(['describe', 'deployment', 'web']);
  for (const line of [
    /^Name: +web$/m,
    /^Namespace: +default$/m,
    /^Selector: +app=web$/m,
    /^Replicas: +3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable$/m,
    /^StrategyType: +RollingUpdate$/m,
    /^RollingUpdateStrategy: +25% max unavailable, 25% max surge$/m,
    /^Pod Template:\n {2}Labels: +app=web\n/m,
    /^ {3}nginx:\n {4}Image: +nginx:1\.27$/m,
    /^Conditions:\n {2}Type {11}Status {2}Reason\n {2}---- {11}------ {2}------\n {2}Available {6}True {4}MinimumReplicasAvailable\n {2}Progressing {4}True {4}NewReplicaSetAvailable$/m,
    /^NewReplicaSet: +web-[a-z0-9]+ \(3\/3 replicas created\)$/m,
    /^Events:\n {2}Type {4}Reason {13}Age +From {19}Message\n/m,
    /^ {2}Normal {2}ScalingReplicaSet {2}\S+ +deployment-controller {2}Scaled up replica set web-[a-z0-9]+ from 0 to 3$/m,
  ]) assert.match(out, line);
});

void test('describe pod prints its node, IP, containers, conditions and events', async () => {
  const pod = lines(await lab.ok(['get', 'pods', '-l', 'app=web', '-o', 'name']))[0].slice('pod/'.length);
  const out = await lab.ok(['describe', 'pod', pod]);
  for (const line of [
    new RegExp(`^Name: +${pod}$`, 'm'),
    /^Namespace: +default$/m,
    /^Service Account: +default$/m,
    /^Node: +node-\d\/172\.18\.0\.\d$/m,
    /^Status: +Running$/m,
    /^IP: +10\.244\.\d+\.\d+$/m,
    /^Controlled By: +ReplicaSet\/web-[a-z0-9]+$/m,
    /^Containers:\n {2}nginx:\n {4}Container ID: +containerd:\/\/[0-9a-f]{64}\n {4}Image: +nginx:1\.27\n/m,
    /^ {4}State: +Running\n {6}Started: +\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/m,
    /^ {4}Ready: +True$/m,
    /^ {4}Restart Count: +0$/m,
    /^Conditions:\n {2}Type {24}Status\n/m,
    /^ {2}Ready {23}True $/m,
    /^QoS Class: +BestEffort$/m,
    /^Tolerations: +node\.kubernetes\.io\/not-ready:NoExecute op=Exists for 300s$/m,
    /^Events:\n {2}Type {4}Reason {5}Age +From {15}Message\n/m,
    /^ {2}Normal {2}Scheduled {2}\S+ +default-scheduler {2}Successfully assigned default\/\S+ to node-\d$/m,
    /^ {2}Normal {2}Started {4}\S+ +kubelet {12}Started container nginx$/m,
  ]) assert.match(out, line);
});

void test('scale sets the replicas, and refuses when --current-replicas does not match', { timeout: 90_000 }, async () => {
  assert.equal(await lab.ok(['scale', 'deployment', 'web', '--replicas=4']), 'deployment.apps/web scaled\n');
  await rolloutStatus();
  assert.equal(await lab.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.status.availableReplicas}']), '4');
  const refused = await lab.kubectl(['scale', 'deployment', 'web', '--current-replicas=5', '--replicas=1']);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, 'error: Expected replicas to be 5, was 4\n');
  assert.equal(await lab.ok(['scale', 'deployment/web', '--replicas=3', '--current-replicas=4']), 'deployment.apps/web scaled\n');
  await rolloutStatus();
});

void test('set image rolls out a new ReplicaSet and rollout history lists both revisions', { timeout: 120_000 }, async () => {
  assert.equal(await lab.ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.28']), 'deployment.apps/web image updated\n');
  await rolloutStatus();
  assert.equal(await image(), 'nginx:1.28');
  assert.equal(await lab.ok(['rollout', 'history', 'deployment/web']), 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
  const revision = await lab.ok(['rollout', 'history', 'deployment/web', '--revision=2']);
  assert.match(revision, /^deployment\.apps\/web with revision #2\nPod Template:\n {2}Labels:\tapp=web\n\tpod-template-hash=[a-z0-9]+\n {2}Containers:\n {3}nginx:\n {4}Image:\tnginx:1\.28\n/);
  const missing = await lab.kubectl(['set', 'image', 'deployment/web', 'nope=nginx']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'error: unable to find container named "nope"\n');
  const rs = parseTable(await lab.ok(['get', 'replicasets', '-l', 'app=web']));
  assert.deepEqual(rs.headers, ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
  assert.deepEqual(rs.rows.map((r) => [r.DESIRED, r.CURRENT, r.READY]).sort(), [['0', '0', '0'], ['3', '3', '3']]);
});

void test('rollout undo goes back a revision, or to the one named', { timeout: 120_000 }, async () => {
  assert.equal(await lab.ok(['rollout', 'undo', 'deployment/web']), 'deployment.apps/web rolled back\n');
  await rolloutStatus();
  assert.equal(await image(), 'nginx:1.27');
  assert.equal(await lab.ok(['rollout', 'undo', 'deployment/web', '--to-revision=2']), 'deployment.apps/web rolled back\n');
  await rolloutStatus();
  assert.equal(await image(), 'nginx:1.28');
  const history = parseTable(lines(await lab.ok(['rollout', 'history', 'deployment/web'])).slice(1).join('\n'));
  assert.deepEqual(history.rows.map((r) => r.REVISION), ['3', '4']);
  const none = await lab.kubectl(['rollout', 'undo', 'deployment/web', '--to-revision=9']);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'error: unable to find specified revision 9 in history\n');
});

void test('rollout pause and resume, with upstream\'s errors when already so', { timeout: 120_000 }, async () => {
  assert.equal(await lab.ok(['rollout', 'pause', 'deployment/web']), 'deployment.apps/web paused\n');
  const again = await lab.kubectl(['rollout', 'pause', 'deployment/web']);
  assert.equal(again.code, 1);
  assert.equal(again.stderr, 'error: deployments.apps "web" is already paused\n');
  const undo = await lab.kubectl(['rollout', 'undo', 'deployment/web']);
  assert.equal(undo.code, 1);
  assert.equal(undo.stderr, 'error: you cannot rollback a paused deployment; resume it first with \'kubectl rollout resume\' and try again\n');
  // A paused Deployment takes template changes without rolling them out.
  await lab.ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
  assert.equal(await lab.ok(['get', 'replicasets', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}={.spec.replicas}{"\\n"}{end}']).then((o) => lines(o).sort().join(',')), 'nginx:1.27=0,nginx:1.28=3');
  assert.equal(await lab.ok(['rollout', 'resume', 'deployment/web']), 'deployment.apps/web resumed\n');
  const notPaused = await lab.kubectl(['rollout', 'resume', 'deployment/web']);
  assert.equal(notPaused.code, 1);
  assert.equal(notPaused.stderr, 'error: deployments.apps "web" is not paused\n');
  await rolloutStatus();
  assert.equal(await image(), 'nginx:1.27');
});

void test('rollout restart stamps the template and replaces every pod', { timeout: 120_000 }, async () => {
  const before = lines(await lab.ok(['get', 'pods', '-l', 'app=web', '-o', 'name']));
  assert.equal(await lab.ok(['rollout', 'restart', 'deployment/web']), 'deployment.apps/web restarted\n');
  await rolloutStatus();
  const stamp = await lab.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}']);
  assert.match(stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$|^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // Old pods may still be terminating once the rollout is done, as on any cluster; they are on their way out.
  const live = (await lab.json(['get', 'pods', '-l', 'app=web'])).items.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp);
  const after = live.map((p: { metadata: { name: string } }) => `pod/${p.metadata.name}`);
  assert.equal(after.length, 3);
  assert.ok(after.every((p: string) => !before.includes(p)), `pods survived the restart: ${after.join(' ')}`);
});

void test('label and annotate, with --overwrite and removal', async () => {
  assert.equal(await lab.ok(['label', 'deployment', 'web', 'tier=frontend']), 'deployment.apps/web labeled\n');
  const clash = await lab.kubectl(['label', 'deployment', 'web', 'tier=backend']);
  assert.equal(clash.code, 1);
  assert.equal(clash.stderr, 'error: \'tier\' already has a value (frontend), and --overwrite is false\n');
  assert.equal(await lab.ok(['label', 'deployment', 'web', 'tier=backend', '--overwrite']), 'deployment.apps/web labeled\n');
  assert.equal(await lab.ok(['get', 'deployment', 'web', '--show-labels', '--no-headers']).then((o) => o.trim().split(/ +/).at(-1)), 'app=web,tier=backend');
  assert.equal(await lab.ok(['label', 'deployment', 'web', 'tier-']), 'deployment.apps/web unlabeled\n');
  assert.equal(await lab.ok(['label', 'pods', '-l', 'app=web', 'checked=yes']).then((o) => lines(o).length), 3);
  assert.equal(await lab.ok(['annotate', 'deployment', 'web', 'owner=team-a']), 'deployment.apps/web annotated\n');
  assert.equal(await lab.ok(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.annotations.owner}']), 'team-a');
  assert.equal(await lab.ok(['annotate', 'deployment', 'web', 'owner-']), 'deployment.apps/web annotated\n');
});

void test('expose makes a Service selecting the Deployment\'s pods, and describe service shows it', async () => {
  assert.equal(await lab.ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']), 'service/web exposed\n');
  const table = parseTable(await lab.ok(['get', 'service', 'web', '-o', 'wide']));
  assert.deepEqual(table.headers, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
  assert.deepEqual([table.rows[0].TYPE, table.rows[0]['EXTERNAL-IP'], table.rows[0]['PORT(S)'], table.rows[0].SELECTOR], ['ClusterIP', '<none>', '80/TCP', 'app=web']);
  const out = await lab.ok(['describe', 'service', 'web']);
  for (const line of [
    /^Name: +web$/m,
    /^Namespace: +default$/m,
    /^Selector: +app=web$/m,
    /^Type: +ClusterIP$/m,
    /^IP Family Policy: +SingleStack$/m,
    /^IP Families: +IPv4$/m,
    /^Port: +<unset>  80\/TCP$/m,
    /^TargetPort: +8080\/TCP$/m,
    /^Session Affinity: +None$/m,
    /^Internal Traffic Policy: +Cluster$/m,
  ]) assert.match(out, line);
  const exists = await lab.kubectl(['expose', 'deployment', 'web', '--port=80']);
  assert.equal(exists.code, 1);
  assert.equal(exists.stderr, 'Error from server (AlreadyExists): services "web" already exists\n');
});

void test('a Service gets a ClusterIP, node ports and endpoints', async () => {
  assert.match(await lab.ok(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}']), /^10\.(9[6-9]|1[01]\d)\.\d+\.\d+$/);
  await lab.ok(['create', 'service', 'nodeport', 'web-np', '--tcp=80:80']);
  assert.match(parseTable(await lab.ok(['get', 'service', 'web-np'])).rows[0]['PORT(S)'], /^80:3\d{4}\/TCP$/);
  const slices = parseTable(await lab.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']));
  assert.deepEqual(slices.headers, ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
  assert.equal(slices.rows[0].PORTS, '8080');
});

void test('run starts a pod, and with --expose a Service for it', { timeout: 60_000 }, async () => {
  assert.equal(await lab.ok(['run', 'solo', '--image=nginx:1.27', '--labels=app=solo,tier=x']), 'pod/solo created\n');
  assert.equal(await lab.ok(['wait', '--for=condition=Ready', 'pod/solo', '--timeout=60s']), 'pod/solo condition met\n');
  const pod = await lab.json(['get', 'pod', 'solo']);
  assert.deepEqual(pod.metadata.labels, { app: 'solo', tier: 'x' });
  assert.equal(pod.spec.restartPolicy, 'Always');
  assert.equal(await lab.ok(['run', 'exposed', '--image=nginx:1.27', '--port=80', '--expose']), 'service/exposed created\npod/exposed created\n');
  assert.equal(await lab.ok(['get', 'service', 'exposed', '-o', 'jsonpath={.spec.selector.run}:{.spec.ports[0].port}']), 'exposed:80');
  assert.equal(await lab.ok(['run', 'once', '--image=nginx:1.27', '--restart=Never', '--dry-run=server']), 'pod/once created (server dry run)\n');
  const exists = await lab.kubectl(['run', 'solo', '--image=nginx:1.27']);
  assert.equal(exists.code, 1);
  assert.equal(exists.stderr, 'Error from server (AlreadyExists): pods "solo" already exists\n');
});

void test('kubelab exits 0 on SIGTERM', async () => {
  const exit = await lab.stop('SIGTERM');
  assert.equal(exit.code, 0, exit.stderr);
});
