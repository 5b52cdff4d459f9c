/**
 * OpenAPI and aggregated discovery against the real kubectl 1.32: explain reads
 * the v3 documents, apply, create and diff validate strictly on the server after
 * finding fieldValidation in the v3 PATCH operations, api-resources reads the
 * aggregated list; and the raw HTTPS answers (ETags, 304, redirects to the
 * current hash, gzip, protobuf, PartialObjectMetadata) are upstream's.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { RealClock } from '../../clock';
import type { LabPki } from '../../pki/labPki';
import type { FrontDoor } from './server';
import { type ServedTestLab, kubectlMissing, serveTestLab } from './testing';

const run = promisify(execFile);
const skip = kubectlMissing;

let door: FrontDoor;
let pki: LabPki;
let dir: string;
let config: string;

let served: ServedTestLab;

before(async () => {
  const clock = new RealClock();
  served = await serveTestLab({ clock, door: () => ({ clock }) });
  ({ door, pki, dir, kubeconfig: config } = served);
});

after(() => served.stop());

async function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('kubectl', ['--kubeconfig', config, ...args], { env: { ...process.env, HOME: dir, KUBECONFIG: '' }, timeout: 30_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

async function manifest(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** get sends a raw HTTPS GET as the admin. */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${door.url}${path}`, { ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const DEPLOYMENT = (extra: string, replicas = 1): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
${extra}`;

test('kubectl explain prints a field from the v3 document: its description, its type\'s, and its fields with enum values', { skip }, async () => {
  const { stdout } = await kubectl('explain', 'deployment.spec.strategy');
  assert.equal(stdout, `GROUP:      apps
KIND:       Deployment
VERSION:    v1

FIELD: strategy <DeploymentStrategy>


DESCRIPTION:
    The deployment strategy to use to replace existing pods with new ones.
    DeploymentStrategy describes how to replace existing pods with new ones.
    
FIELDS:
  rollingUpdate\t<RollingUpdateDeployment>
    Rolling update config params. Present only if DeploymentStrategyType =
    RollingUpdate.

  type\t<string>
  enum: Recreate, RollingUpdate
    Type of deployment. Can be "Recreate" or "RollingUpdate". Default is
    RollingUpdate.
    
    Possible enum values:
     - \`"Recreate"\` Kill all existing pods before creating new ones.
     - \`"RollingUpdate"\` Replace the old ReplicaSets by new one using rolling
    update i.e gradually scale down the old ReplicaSets and scale up the new
    one.


`);
  const recursive = await kubectl('explain', 'deployment.spec.strategy', '--recursive');
  assert.match(recursive.stdout, /FIELDS:\n {2}rollingUpdate\t<RollingUpdateDeployment>\n {4}maxSurge\t<IntOrString>\n {4}maxUnavailable\t<IntOrString>\n {2}type\t<string>\n {2}enum: Recreate, RollingUpdate\n\n$/);
});

test('kubectl apply validates strictly on the server: an unknown field is the decoder\'s error, a valid manifest is applied, then diffed', { skip }, async () => {
  const bad = await manifest('bad.yaml', DEPLOYMENT('  foo: bar\n'));
  const refused = await kubectl('apply', '-f', bad);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, `Error from server (BadRequest): error when creating "${bad}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"\n`);
  const good = await manifest('good.yaml', DEPLOYMENT(''));
  assert.equal((await kubectl('apply', '-f', good)).stdout, 'deployment.apps/web created\n');
  assert.equal((await kubectl('diff', '-f', good)).code, 0);
  const changed = await manifest('changed.yaml', DEPLOYMENT('', 3));
  const diff = await kubectl('diff', '-f', changed);
  assert.equal(diff.code, 1);
  assert.match(diff.stdout, /^-  replicas: 1\n\+  replicas: 3$/m);
  assert.equal((await kubectl('apply', '-f', changed)).stdout, 'deployment.apps/web configured\n');
  const created = await kubectl('create', '-f', await manifest('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\nextra: 1\n'));
  assert.match(created.stderr, /ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "extra"\n$/);
});

test('kubectl api-resources and api-versions read the aggregated discovery list', { skip }, async () => {
  const { stdout } = await kubectl('api-resources', '-o', 'wide');
  const lines = stdout.split('\n');
  assert.match(lines[0], /^NAME +SHORTNAMES +APIVERSION +NAMESPACED +KIND +VERBS +CATEGORIES$/);
  assert.ok(lines.some((l) => /^pods +po +v1 +true +Pod +create,delete,deletecollection,get,list,patch,update,watch +all$/.test(l)));
  assert.ok(lines.some((l) => /^deployments +deploy +apps\/v1 +true +Deployment +create,delete,deletecollection,get,list,patch,update,watch +all$/.test(l)));
  assert.ok(lines.some((l) => /^tokenreviews +authentication\.k8s\.io\/v1 +false +TokenReview +create +$/.test(l)));
  const versions = (await kubectl('api-versions')).stdout.trim().split('\n');
  assert.deepEqual(versions, [...versions].sort());
  assert.ok(versions.includes('apps/v1') && versions.includes('v1'));
});

test('a CRD\'s schema is in its group version\'s document, so explain and server-side validation see it', { skip }, async () => {
  const crd = await manifest('crd.yaml', `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: spec is the desired schedule.
            required: [cronSpec]
            properties:
              cronSpec: {type: string, description: cronSpec is a cron expression.}
`);
  await kubectl('apply', '-f', crd);
  await kubectl('wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=20s');
  const { stdout } = await kubectl('explain', 'crontab.spec');
  assert.equal(stdout, `GROUP:      stable.example.com
KIND:       CronTab
VERSION:    v1

FIELD: spec <Object>


DESCRIPTION:
    spec is the desired schedule.
    
FIELDS:
  cronSpec\t<string> -required-
    cronSpec is a cron expression.


`);
  const wide = (await kubectl('api-resources', '--api-group=stable.example.com', '-o', 'wide')).stdout.split('\n')[1];
  assert.match(wide, /^crontabs +ct +stable\.example\.com\/v1 +true +CronTab +delete,deletecollection,get,list,patch,create,update,watch +$/);
  const index = JSON.parse((await get('/openapi/v3')).body.toString()) as { paths: Record<string, unknown> };
  assert.ok(index.paths['apis/stable.example.com/v1']);
});

test('aggregated discovery answers with its ETag, and 304 to a client that has it', async () => {
  const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const first = await get('/apis', { accept });
  assert.equal(first.status, 200);
  assert.equal(first.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.equal(first.headers['cache-control'], 'public');
  const body = JSON.parse(first.body.toString()) as { kind: string; apiVersion: string; items: { metadata: { name: string } }[] };
  assert.deepEqual([body.kind, body.apiVersion, body.items[0].metadata.name], ['APIGroupDiscoveryList', 'apidiscovery.k8s.io/v2', 'apps']);
  const again = await get('/apis', { accept, 'if-none-match': first.headers.etag as string });
  assert.deepEqual([again.status, again.body.length], [304, 0]);
  const legacy = JSON.parse((await get('/api', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' })).body.toString()) as { apiVersion: string; items: unknown[] };
  assert.deepEqual([legacy.apiVersion, legacy.items.length], ['apidiscovery.k8s.io/v2beta1', 1]);
  assert.equal(JSON.parse((await get('/apis')).body.toString()).kind, 'APIGroupList');
});

test('OpenAPI documents: a stale hash is redirected, a current one cached for good; v2 is gzipped, in JSON or protobuf', async () => {
  const index = JSON.parse((await get('/openapi/v3')).body.toString()) as { paths: Record<string, { serverRelativeURL: string }> };
  const url = index.paths['apis/apps/v1'].serverRelativeURL;
  const stale = await get('/openapi/v3/apis/apps/v1?hash=0');
  assert.deepEqual([stale.status, stale.headers.location], [301, url]);
  const current = await get(url);
  assert.deepEqual([current.status, current.headers['cache-control'], current.headers['content-type']], [200, 'public, immutable', 'application/json']);
  assert.ok(current.headers['last-modified'] && current.headers.expires);
  const notModified = await get(url, { 'if-none-match': current.headers.etag as string });
  assert.equal(notModified.status, 304);
  const v2 = await get('/openapi/v2', { accept: 'application/json', 'accept-encoding': 'gzip' });
  assert.equal(v2.headers['content-encoding'], 'gzip');
  assert.equal(JSON.parse(gunzipSync(v2.body).toString()).swagger, '2.0');
  const pb = await get('/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
  assert.deepEqual([pb.status, pb.headers['content-type'], pb.headers.etag], [200, 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', v2.headers.etag]);
  assert.equal((await get('/openapi/v2', { accept: 'application/yaml' })).status, 406);
});

test('kubectl explain --output=plaintext-openapiv2 reads the protobuf Swagger 2.0 document', { skip }, async () => {
  const { stdout } = await kubectl('explain', 'deployment.spec.strategy', '--output=plaintext-openapiv2');
  assert.match(stdout, /^KIND: {5}Deployment\nVERSION: {2}apps\/v1\n\nRESOURCE: strategy <Object>\n\nDESCRIPTION:\n {5}The deployment strategy to use to replace existing pods with new ones\.\n\n {5}DeploymentStrategy describes how to replace existing pods with new ones\.\n/);
});

test('PartialObjectMetadataList lists metadata alone, for the metadata client', async () => {
  const res = await get('/api/v1/namespaces', { accept: 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json' });
  const list = JSON.parse(res.body.toString()) as { kind: string; items: { kind: string; metadata: { name: string }; spec?: unknown }[] };
  assert.equal(list.kind, 'PartialObjectMetadataList');
  assert.ok(list.items.some((i) => i.metadata.name === 'default' && i.kind === 'PartialObjectMetadata' && i.spec === undefined));
});
