// kubectl's view of the cluster: cluster-info, version, discovery, explain, component and
// node status, health endpoints, who am I and what may I do, output formats, watches and
// events. One lab for the file, stopped with SIGTERM by the last test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KubelabProcess, eventually, lines, parseTable } from './harness';

let lab: KubelabProcess;
before(async () => {
  lab = await KubelabProcess.up({ nodes: 3 });
});
after(async () => {
  await lab?.cleanup();
});

void test('cluster-info names the control plane at the kubeconfig\'s server', async () => {
  const out = await lab.ok(['cluster-info']);
  // kube-dns carries kubernetes.io/cluster-service=true, so cluster-info lists CoreDNS through the API server's service proxy.
  assert.equal(out, `Kubernetes control plane is running at ${lab.server}\nCoreDNS is running at ${lab.server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`);
  assert.match(lab.server, /^https:\/\/127\.0\.0\.1:\d+$/);
});

void test('version prints the client and a 1.32 server', async () => {
  const out = await lab.ok(['version']);
  assert.match(out, /^Client Version: v1\.32\.\d+\S*\nKustomize Version: v\S+\nServer Version: v1\.32\.\d+\S*\n$/);
  const json = JSON.parse(await lab.ok(['version', '-o', 'json']));
  assert.equal(json.serverVersion.major, '1');
  assert.equal(json.serverVersion.minor, '32');
  assert.equal(json.serverVersion.platform, 'linux/amd64');
});

void test('api-versions lists every served group version, sorted', async () => {
  const versions = lines(await lab.ok(['api-versions']));
  assert.deepEqual(versions, [...versions].sort());
  for (const gv of ['v1', 'apps/v1', 'batch/v1', 'policy/v1', 'rbac.authorization.k8s.io/v1', 'networking.k8s.io/v1', 'authorization.k8s.io/v1', 'coordination.k8s.io/v1', 'events.k8s.io/v1']) {
    assert.ok(versions.includes(gv), `${gv} missing from ${versions.join(', ')}`);
  }
});

void test('api-resources prints upstream\'s columns and rows', async () => {
  const table = parseTable(await lab.ok(['api-resources']));
  assert.deepEqual(table.headers, ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
  const row = (name: string, apiVersion: string) => table.rows.find((r) => r.NAME === name && r.APIVERSION === apiVersion);
  assert.deepEqual(row('pods', 'v1'), { NAME: 'pods', SHORTNAMES: 'po', APIVERSION: 'v1', NAMESPACED: 'true', KIND: 'Pod' });
  assert.deepEqual(row('nodes', 'v1'), { NAME: 'nodes', SHORTNAMES: 'no', APIVERSION: 'v1', NAMESPACED: 'false', KIND: 'Node' });
  assert.deepEqual(row('deployments', 'apps/v1'), { NAME: 'deployments', SHORTNAMES: 'deploy', APIVERSION: 'apps/v1', NAMESPACED: 'true', KIND: 'Deployment' });
  assert.deepEqual(row('poddisruptionbudgets', 'policy/v1'), { NAME: 'poddisruptionbudgets', SHORTNAMES: 'pdb', APIVERSION: 'policy/v1', NAMESPACED: 'true', KIND: 'PodDisruptionBudget' });
  // Subresources are not resources of their own.
  assert.ok(!table.rows.some((r) => r.NAME.includes('/')));

  const apps = parseTable(await lab.ok(['api-resources', '--api-group=apps']));
  assert.deepEqual(apps.rows.map((r) => r.NAME), ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']);
  const wide = parseTable(await lab.ok(['api-resources', '-o', 'wide', '--api-group=apps']));
  assert.deepEqual(wide.headers, ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS', 'CATEGORIES']);
  assert.deepEqual(wide.rows.find((r) => r.NAME === 'deployments'), { NAME: 'deployments', SHORTNAMES: 'deploy', APIVERSION: 'apps/v1', NAMESPACED: 'true', KIND: 'Deployment', VERBS: 'create,delete,deletecollection,get,list,patch,update,watch', CATEGORIES: 'all' });
  const clusterScoped = parseTable(await lab.ok(['api-resources', '--namespaced=false'])).rows.map((r) => r.NAME);
  assert.ok(clusterScoped.includes('nodes') && clusterScoped.includes('namespaces') && !clusterScoped.includes('pods'));
});

void test('explain describes a field from the served OpenAPI', async () => {
  const out = await lab.ok(['explain', 'deployment.spec.replicas']);
  assert.match(out, /^GROUP: {6}apps\nKIND: {7}Deployment\nVERSION: {4}v1\n\nFIELD: replicas <integer>\n\n\nDESCRIPTION:\n {4}Number of desired pods\./);
  const pods = await lab.ok(['explain', 'pods']);
  assert.match(pods, /^KIND: {7}Pod\nVERSION: {4}v1\n/);
  assert.match(pods, /\nFIELDS:\n {2}apiVersion\t<string>\n/);
});

void test('get componentstatuses warns that it is deprecated and lists healthy components', async () => {
  const e = await lab.kubectl(['get', 'componentstatuses']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(e.stderr, 'Warning: v1 ComponentStatus is deprecated in v1.19+\n');
  const table = parseTable(e.stdout);
  assert.deepEqual(table.headers, ['NAME', 'STATUS', 'MESSAGE', 'ERROR']);
  assert.deepEqual(table.rows.map((r) => [r.NAME, r.STATUS, r.MESSAGE, r.ERROR]).sort(), [
    ['controller-manager', 'Healthy', 'ok', ''],
    ['etcd-0', 'Healthy', 'ok', ''],
    ['scheduler', 'Healthy', 'ok', ''],
  ]);
});

void test('get nodes -o wide prints upstream\'s wide columns for three Ready nodes', async () => {
  const table = parseTable(await lab.ok(['get', 'nodes', '-o', 'wide']));
  assert.deepEqual(table.headers, ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
  assert.deepEqual(table.rows.map((r) => [r.NAME, r.STATUS, r.ROLES, r.VERSION, r['INTERNAL-IP'], r['EXTERNAL-IP']]), [
    ['node-1', 'Ready', '<none>', 'v1.32.0', '172.18.0.2', '<none>'],
    ['node-2', 'Ready', '<none>', 'v1.32.0', '172.18.0.3', '<none>'],
    ['node-3', 'Ready', '<none>', 'v1.32.0', '172.18.0.4', '<none>'],
  ]);
  for (const r of table.rows) {
    assert.match(r.AGE, /^\d+s$|^\d+m\d*s?$/);
    assert.match(r['CONTAINER-RUNTIME'], /^containerd:\/\/\d+\.\d+\.\d+$/);
  }
});

void test('describe node prints its identity, conditions, capacity, system info and pods', async () => {
  const out = await lab.ok(['describe', 'node', 'node-1']);
  for (const line of [
    /^Name: {15}node-1$/m,
    /^Roles: {14}<none>$/m,
    /^Labels: {13}beta\.kubernetes\.io\/arch=amd64$/m,
    /^ {20}kubernetes\.io\/hostname=node-1$/m,
    /^Unschedulable: {6}false$/m,
    /^Conditions:\n {2}Type {13}Status {2}LastHeartbeatTime {17}LastTransitionTime {16}Reason {23}Message\n/m,
    /^ {2}Ready {12}True {4}.+ {3}KubeletReady {17}kubelet is posting ready status$/m,
    /^Addresses:\n {2}InternalIP: {2}172\.18\.0\.2\n {2}Hostname: {4}node-1$/m,
    /^Capacity:\n {2}cpu: {16}4\n/m,
    /^ {2}pods: {15}110$/m,
    /^System Info:$/m,
    /^ {2}Kubelet Version: +v1\.32\.0$/m,
    /^ {2}Container Runtime Version: +containerd:\/\/\d+\.\d+\.\d+$/m,
    // The node IPAM controller gives out ranges in join order.
    /^PodCIDR: +10\.244\.\d+\.0\/24$/m,
    /^Non-terminated Pods: +\(\d+ in total\)$/m,
    /^Allocated resources:\n {2}\(Total limits may be over 100 percent, i\.e\., overcommitted\.\)$/m,
    /^Events:$/m,
  ]) assert.match(out, line);
});

void test('describe node shows a Ready node without the not-ready taint and with its lease', async () => {
  const out = await lab.ok(['describe', 'node', 'node-1']);
  assert.match(out, /^Taints: {13}<none>$/m);
  assert.match(out, /^Lease:\n {2}HolderIdentity: {2}node-1$/m);
});

void test('the health endpoints answer as kube-apiserver\'s', async () => {
  assert.equal(await lab.ok(['get', '--raw', '/healthz']), 'ok');
  assert.equal(await lab.ok(['get', '--raw', '/livez']), 'ok');
  const verbose = await lab.ok(['get', '--raw', '/readyz?verbose']);
  assert.match(verbose, /^\[\+\]ping ok\n/);
  assert.match(verbose, /^\[\+\]etcd ok$/m);
  assert.match(verbose, /^\[\+\]shutdown ok$/m);
  assert.match(verbose, /\nreadyz check passed\n$/);
});

void test('auth whoami prints the admin\'s attributes', async () => {
  const table = parseTable(await lab.ok(['auth', 'whoami']));
  assert.deepEqual(table.headers, ['ATTRIBUTE', 'VALUE']);
  assert.deepEqual(table.rows, [
    { ATTRIBUTE: 'Username', VALUE: 'kubernetes-admin' },
    { ATTRIBUTE: 'Groups', VALUE: '[system:masters system:authenticated]' },
  ]);
  const review = JSON.parse(await lab.ok(['auth', 'whoami', '-o', 'json']));
  assert.equal(review.kind, 'SelfSubjectReview');
  assert.equal(review.apiVersion, 'authentication.k8s.io/v1');
  assert.deepEqual(review.status.userInfo, { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
});

const CAN_I: { args: string[]; answer: 'yes' | 'no' }[] = [
  { args: ['create', 'pods'], answer: 'yes' },
  { args: ['delete', 'nodes'], answer: 'yes' },
  { args: ['create', 'pods', '--as=jane'], answer: 'no' },
  { args: ['get', 'namespaces', '--as=jane'], answer: 'no' },
  // Every authenticated user may review its own access (system:basic-user).
  { args: ['create', 'selfsubjectaccessreviews.authorization.k8s.io', '--as=jane'], answer: 'yes' },
  { args: ['list', 'pods', '-n', 'kube-system', '--as=system:serviceaccount:default:default'], answer: 'no' },
  { args: ['get', 'nodes/node-1', '--as=system:node:node-1', '--as-group=system:nodes'], answer: 'yes' },
];

/** The Node authorizer's reasons come after the `no`, as upstream prints them. */
const NODE_DENIALS: { args: string[]; answer: string }[] = [
  { args: ['get', 'nodes'], answer: 'no - node \'node-1\' cannot read all nodes, only its own Node object' },
  { args: ['get', 'nodes/node-2'], answer: 'no - node \'node-1\' cannot read \'node-2\', only its own Node object' },
];

for (const { args, answer } of NODE_DENIALS) {
  void test(`auth can-i ${args.join(' ')} as node-1 answers "${answer}"`, async () => {
    const e = await lab.kubectl(['auth', 'can-i', ...args, '--as=system:node:node-1', '--as-group=system:nodes']);
    assert.equal(e.stdout, `${answer}\n`);
    assert.equal(e.stderr, 'Warning: resource \'nodes\' is not namespace scoped\n\n');
    assert.equal(e.code, 1);
  });
}

for (const { args, answer } of CAN_I) {
  void test(`auth can-i ${args.join(' ')} answers ${answer} and exits ${answer === 'yes' ? 0 : 1}`, async () => {
    const e = await lab.kubectl(['auth', 'can-i', ...args]);
    assert.equal(e.stdout, `${answer}\n`, e.stderr);
    assert.equal(e.code, answer === 'yes' ? 0 : 1);
  });
}

void test('get -o yaml, json, jsonpath, custom-columns, name and wide print the object as upstream does', async () => {
  assert.equal(await lab.ok(['create', 'configmap', 'formats', '--from-literal=color=blue', '--from-literal=size=2']), 'configmap/formats created\n');
  const yaml = await lab.ok(['get', 'configmap', 'formats', '-o', 'yaml']);
  assert.match(yaml, /^apiVersion: v1\ndata:\n {2}color: blue\n {2}size: "2"\nkind: ConfigMap\nmetadata:\n {2}creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\n {2}name: formats\n {2}namespace: default\n {2}resourceVersion: "\d+"\n {2}uid: [0-9a-f-]{36}\n$/);
  const json = await lab.ok(['get', 'configmap', 'formats', '-o', 'json']);
  assert.match(json, /^\{\n {4}"apiVersion": "v1",\n {4}"data": \{\n {8}"color": "blue",/);
  assert.deepEqual(JSON.parse(json).data, { color: 'blue', size: '2' });
  assert.equal(await lab.ok(['get', 'configmap', 'formats', '-o', 'jsonpath={.metadata.name}:{.data.color}']), 'formats:blue');
  await lab.ok(['create', 'configmap', 'formats-2']);
  assert.equal(await lab.ok(['get', 'configmaps', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}', '--field-selector=metadata.name!=kube-root-ca.crt']), 'formats\nformats-2\n');
  assert.equal(await lab.ok(['get', 'configmap', 'formats', '-o', 'custom-columns=NAME:.metadata.name,COLOR:.data.color,MISSING:.data.nope']),
    'NAME      COLOR   MISSING\nformats   blue    <none>\n');
  assert.equal(await lab.ok(['get', 'configmap', 'formats', '-o', 'name']), 'configmap/formats\n');
  const wide = parseTable(await lab.ok(['get', 'configmaps', 'formats', 'formats-2', '-o', 'wide']));
  assert.deepEqual(wide.headers, ['NAME', 'DATA', 'AGE']);
  assert.deepEqual(wide.rows.map((r) => [r.NAME, r.DATA]), [['formats', '2'], ['formats-2', '0']]);
  const missing = await lab.kubectl(['get', 'configmap', 'nope', '-o', 'yaml']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error from server (NotFound): configmaps "nope" not found\n');
});

void test('every namespace has the kube-root-ca.crt configmap', { timeout: 60_000 }, async () => {
  assert.equal(await lab.ok(['get', 'configmap', 'kube-root-ca.crt', '-n', 'default', '-o', 'name']), 'configmap/kube-root-ca.crt\n');
  // It holds the CA the kubeconfig trusts, described as upstream describes it.
  const ca = readFileSync(join(lab.data, 'pki', 'ca.crt'), 'utf8');
  const description = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    const cm = await lab.json(['get', 'configmap', 'kube-root-ca.crt', '-n', ns, '-o', 'json']);
    assert.deepEqual([cm.data, cm.metadata.annotations], [{ 'ca.crt': ca }, { 'kubernetes.io/description': description }], ns);
  }
  // A new namespace gets one, and one deleted comes back.
  await lab.ok(['create', 'namespace', 'root-ca']);
  try {
    await eventually(async () => ((await lab.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'root-ca'])).code === 0 ? true : undefined), 'the new namespace\'s kube-root-ca.crt', 10_000);
    await lab.ok(['delete', 'configmap', 'kube-root-ca.crt', '-n', 'root-ca']);
    const back = await eventually(async () => {
      const got = await lab.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'root-ca', '-o', 'json']);
      return got.code === 0 ? JSON.parse(got.stdout) as { data: Record<string, string> } : undefined;
    }, 'kube-root-ca.crt to come back', 10_000);
    assert.deepEqual(back.data, { 'ca.crt': ca });
  } finally {
    await lab.ok(['delete', 'namespace', 'root-ca', '--wait=false']);
  }
});

void test('get -w prints the table, then a row per change', { timeout: 60_000 }, async () => {
  await lab.ok(['create', 'configmap', 'watched-1']);
  const watch = lab.spawnKubectl(['get', 'configmaps', '-w', '-l', 'watch=yes']);
  try {
    await lab.ok(['label', 'configmap', 'watched-1', 'watch=yes']);
    await watch.until((out) => /^watched-1 +0 +\d+s$/m.test(out), 'the labelled configmap');
    await lab.ok(['create', 'configmap', 'watched-2', '--from-literal=a=b']);
    await lab.ok(['label', 'configmap', 'watched-2', 'watch=yes']);
    await watch.until((out) => /^watched-2 +1 +\d+s$/m.test(out), 'the second configmap');
    const printed = lines(watch.stdout);
    assert.match(printed[0], /^NAME +DATA +AGE$/);
    assert.deepEqual(printed.slice(1).map((l) => l.split(/ +/)[0]), ['watched-1', 'watched-2']);
  } finally {
    await watch.stop();
  }
  const names = lab.spawnKubectl(['get', 'namespaces', '--watch', '-o', 'name']);
  try {
    await names.until((out) => lines(out).length >= 4, 'the four system namespaces');
    assert.deepEqual(lines(names.stdout).slice(0, 4).sort(), ['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']);
  } finally {
    await names.stop();
  }
});

void test('get events --sort-by lists a rollout\'s events oldest first, with upstream\'s reasons and messages', { timeout: 90_000 }, async () => {
  assert.equal(await lab.ok(['create', 'deployment', 'evented', '--image=nginx:1.26', '--replicas=2']), 'deployment.apps/evented created\n');
  await lab.ok(['rollout', 'status', 'deployment/evented', '--timeout=60s']);
  const table = parseTable(await lab.ok(['get', 'events', '--sort-by=.metadata.creationTimestamp']));
  assert.deepEqual(table.headers, ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
  const stamps = lines(await lab.ok(['get', 'events', '--sort-by=.metadata.creationTimestamp', '-o', 'jsonpath={range .items[*]}{.metadata.creationTimestamp}{"\\n"}{end}']));
  assert.deepEqual(stamps, [...stamps].sort());
  const seen = (reason: string, object: RegExp, message: RegExp): void => {
    const row = table.rows.find((r) => r.REASON === reason && object.test(r.OBJECT) && message.test(r.MESSAGE));
    assert.ok(row, `no ${reason} event for ${object} saying ${message}`);
    assert.equal(row.TYPE, 'Normal');
    assert.match(row['LAST SEEN'], /^\d+s$/);
  };
  seen('ScalingReplicaSet', /^deployment\/evented$/, /^Scaled up replica set evented-[a-z0-9]+ from 0 to 2$/);
  seen('SuccessfulCreate', /^replicaset\/evented-[a-z0-9]+$/, /^Created pod: evented-[a-z0-9]+-[a-z0-9]{5}$/);
  seen('Scheduled', /^pod\/evented-/, /^Successfully assigned default\/evented-[a-z0-9]+-[a-z0-9]{5} to node-\d$/);
  seen('Pulling', /^pod\/evented-/, /^Pulling image "nginx:1\.26"$/);
  seen('Pulled', /^pod\/evented-/, /^Successfully pulled image "nginx:1\.26" in [\d.]+m?s \([\d.]+m?s including waiting\)\. Image size: \d+ bytes\.$/);
  seen('Created', /^pod\/evented-/, /^Created container: nginx$/);
  seen('Started', /^pod\/evented-/, /^Started container nginx$/);
  // The node's events are older than the deployment's.
  const first = table.rows.findIndex((r) => r.OBJECT.startsWith('node/'));
  const last = table.rows.findIndex((r) => r.OBJECT === 'deployment/evented');
  assert.ok(first >= 0 && first < last);
});

void test('kubelab exits 0 on SIGTERM', async () => {
  const exit = await lab.stop('SIGTERM');
  assert.equal(exit.code, 0, exit.stderr);
  assert.match(exit.stderr, /^kubelab: SIGTERM: shutting down$/m);
});
