// MutatingAdmissionWebhook against real local webhook servers. Behaviour and wording follow
// staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/mutating/dispatcher.go,
// .../webhook/generic/webhook.go, .../webhook/errors/statuserror.go and pkg/util/webhook/error.go.
import { MemoryCache } from '../auth/memoryCache';
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { SeededRandom } from '../../random';
import type { Attributes } from './admission';
import { mutatingAdmissionWebhook } from './mutatingWebhook';
import { createHttpTransport } from './webhook/httpTransport';
import type { WebhookPluginOptions } from './webhook/options';
import { reinvocationContext } from './webhook/reinvocation';
import { CA_CERT, OTHER_CA_CERT, SERVER_CERT, SERVER_KEY } from './webhook/testcerts';
import { contextFor, patchOf, podAttributes, startWebhookServer, type Reply, type WebhookServer } from './webhook/testing';
import type { MutatingWebhook } from './webhook/types';

const transport = createHttpTransport();
const servers: WebhookServer[] = [];
after(async () => {
  transport.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(answer: Parameters<typeof startWebhookServer>[0], tls?: { cert: string; key: string }): Promise<WebhookServer> {
  const s = await startWebhookServer(answer, tls);
  servers.push(s);
  return s;
}

const POD_RULES = [{ operations: ['CREATE' as const, 'UPDATE' as const, 'DELETE' as const], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }];

function webhook(name: string, url: string, extra: Partial<MutatingWebhook> = {}): MutatingWebhook {
  return { name, clientConfig: { url }, rules: POD_RULES, sideEffects: 'None', admissionReviewVersions: ['v1'], timeoutSeconds: 5, ...extra };
}

function setup(configs: Record<string, MutatingWebhook[]>, options: Partial<WebhookPluginOptions> = {}) {
  const cache = new MemoryCache()
    .replace('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', Object.entries(configs).map(([name, webhooks]) => ({ metadata: { name }, webhooks })))
    .replace('', 'namespaces', [{ metadata: { name: 'default', labels: { env: 'dev' } } }, { metadata: { name: 'prod', labels: { env: 'prod' } } }]);
  const plugin = mutatingAdmissionWebhook({ transport, random: new SeededRandom(1), ...options });
  const ctx = contextFor(cache);
  return { admit: (a: Attributes) => plugin.admit!(a, ctx) };
}

const allow: Reply = { allowed: true };

test('applies the webhook patch to the object and records its warnings and annotations', async () => {
  const s = await serve(() => ({ allowed: true, patchType: 'JSONPatch', patch: patchOf([{ op: 'add', path: '/metadata/labels/injected', value: 'yes' }]), warnings: ['sidecar added'], auditAnnotations: { decision: 'injected' } }));
  const { admit } = setup({ injector: [webhook('inject.example.com', s.url)] });
  const a = podAttributes();
  const original = a.object;
  assert.equal(await admit(a), undefined);
  assert.equal(a.object, original, 'the object is mutated in place');
  assert.deepEqual(a.object?.metadata.labels, { app: 'web', injected: 'yes' });
  assert.deepEqual(a.warnings, ['sidecar added']);
  assert.deepEqual(a.auditAnnotations, {
    'inject.example.com/decision': 'injected',
    'mutation.webhook.admission.k8s.io/round_0_index_0': '{"configuration":"injector","webhook":"inject.example.com","mutated":true}',
    'patch.webhook.admission.k8s.io/round_0_index_0': '{"configuration":"injector","webhook":"inject.example.com","patch":[{"op":"add","path":"/metadata/labels/injected","value":"yes"}],"patchType":"JSONPatch"}',
  });
  assert.equal(s.requests[0].path, '/?timeout=5s');
  assert.equal(s.requests[0].review.request.operation, 'CREATE');
  assert.equal(reinvocationContext(a).shouldReinvoke, true, 'a change asks for another round');
});

test('webhooks run one at a time in configuration-name order, each seeing the previous patch', async () => {
  const order: string[] = [];
  const label = (key: string) => (review: Parameters<Parameters<typeof startWebhookServer>[0]>[0]): Reply => {
    order.push(`${key}:${Object.keys(review.request.object?.metadata.labels ?? {}).join(',')}`);
    return { allowed: true, patchType: 'JSONPatch', patch: patchOf([{ op: 'add', path: `/metadata/labels/${key}`, value: '1' }]) };
  };
  const first = await serve(label('first'));
  const second = await serve(label('second'));
  const { admit } = setup({ 'z-config': [webhook('second.example.com', second.url)], 'a-config': [webhook('first.example.com', first.url)] });
  const a = podAttributes();
  assert.equal(await admit(a), undefined);
  assert.deepEqual(order, ['first:app', 'second:app,first']);
});

const denials: { name: string; result: Record<string, unknown> | undefined; want: Record<string, unknown> }[] = [
  { name: 'message', result: { message: 'no latest tags' }, want: { code: 400, message: 'admission webhook "deny.example.com" denied the request: no latest tags' } },
  { name: 'reason only', result: { reason: 'NoLatest' }, want: { code: 400, reason: 'NoLatest', message: 'admission webhook "deny.example.com" denied the request: NoLatest' } },
  { name: 'nothing', result: undefined, want: { code: 400, message: 'admission webhook "deny.example.com" denied the request without explanation' } },
  { name: 'its own code', result: { code: 403, reason: 'Forbidden', message: 'nope' }, want: { code: 403, reason: 'Forbidden', message: 'admission webhook "deny.example.com" denied the request: nope' } },
  { name: 'a success code raised to 400', result: { code: 200, status: 'Success', message: 'nope' }, want: { code: 400, message: 'admission webhook "deny.example.com" denied the request: nope' } },
];

for (const d of denials) {
  test(`a denial keeps the webhook's status (${d.name}) with upstream's prefix`, async () => {
    const s = await serve(() => ({ allowed: false, ...(d.result ? { result: d.result } : {}) }));
    const { admit } = setup({ c: [webhook('deny.example.com', s.url)] });
    const status = await admit(podAttributes());
    assert.deepEqual(status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...d.want });
  });
}

test('a webhook that does not answer in time fails the request under failurePolicy Fail', async () => {
  const s = await serve(() => 'hang');
  const { admit } = setup({ c: [webhook('slow.example.com', s.url, { timeoutSeconds: 1 })] });
  const status = await admit(podAttributes());
  const message = `failed calling webhook "slow.example.com": failed to call webhook: Post "${s.url}/?timeout=1s": context deadline exceeded`;
  assert.deepEqual(status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 });
});

test('a webhook that does not answer in time is skipped under failurePolicy Ignore, and says so in the audit annotations', async () => {
  const s = await serve(() => 'hang');
  const ok = await serve(() => allow);
  const { admit } = setup({ c: [webhook('slow.example.com', s.url, { timeoutSeconds: 1, failurePolicy: 'Ignore' }), webhook('ok.example.com', ok.url)] });
  const a = podAttributes();
  assert.equal(await admit(a), undefined);
  assert.equal(a.auditAnnotations['failed-open.mutation.webhook.admission.k8s.io/round_0_index_0'], 'slow.example.com');
  assert.equal(ok.requests.length, 1, 'later webhooks still run');
});

test('an unreachable webhook is worded as Go dials', async () => {
  const s = await serve(() => allow);
  await s.close();
  const { admit } = setup({ c: [webhook('gone.example.com', s.url)] });
  const status = await admit(podAttributes());
  assert.equal(status?.message, `Internal error occurred: failed calling webhook "gone.example.com": failed to call webhook: Post "${s.url}/?timeout=5s": dial tcp 127.0.0.1:${s.port}: connect: connection refused`);
});

test('dry runs reach only webhooks without side effects', async () => {
  const s = await serve(() => allow);
  const cases: { sideEffects: MutatingWebhook['sideEffects']; want: Record<string, unknown> | undefined }[] = [
    { sideEffects: 'Some', want: { code: 400, reason: 'BadRequest', message: 'admission webhook "dry.example.com" does not support dry run' } },
    { sideEffects: 'Unknown', want: { code: 400, reason: 'BadRequest', message: 'admission webhook "dry.example.com" does not support dry run' } },
    { sideEffects: undefined, want: { code: 500, reason: 'InternalError', message: 'Internal error occurred: failed calling webhook "dry.example.com": Webhook SideEffects is nil' } },
    { sideEffects: 'NoneOnDryRun', want: undefined },
  ];
  for (const c of cases) {
    const hook = webhook('dry.example.com', s.url);
    if (c.sideEffects) hook.sideEffects = c.sideEffects;
    else delete hook.sideEffects;
    const status = await setup({ c: [hook] }).admit(podAttributes({ dryRun: true }));
    assert.deepEqual(status && { code: status.code, reason: status.reason, message: status.message }, c.want, String(c.sideEffects));
  }
  assert.equal(s.requests.length, 1);
  assert.equal(s.requests[0].review.request.dryRun, true);
});

test('IfNeeded webhooks are called again once a later webhook changed the object', async () => {
  const seen: string[][] = [];
  const watcher = await serve((review) => {
    seen.push(Object.keys(review.request.object?.metadata.labels ?? {}));
    return allow;
  });
  const never = await serve(() => allow);
  const labeller = await serve(() => ({ allowed: true, patchType: 'JSONPatch', patch: patchOf([{ op: 'add', path: '/metadata/labels/b', value: '1' }]) }));
  const { admit } = setup({
    a: [webhook('watcher.example.com', watcher.url, { reinvocationPolicy: 'IfNeeded' }), webhook('never.example.com', never.url, { reinvocationPolicy: 'Never' })],
    b: [webhook('labeller.example.com', labeller.url, { objectSelector: { matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] } })],
  });
  const a = podAttributes();
  assert.equal(await admit(a), undefined);
  const rc = reinvocationContext(a);
  assert.equal(rc.shouldReinvoke, true);
  rc.isReinvoke = true;
  assert.equal(await admit(a), undefined);
  assert.deepEqual(seen, [['app'], ['app', 'b']], 'the watcher saw the labeller\'s change');
  assert.equal(never.requests.length, 1);
  assert.equal(labeller.requests.length, 1);
  assert.equal(a.auditAnnotations['mutation.webhook.admission.k8s.io/round_1_index_0'], '{"configuration":"a","webhook":"watcher.example.com","mutated":false}');
});

test('a change made by another plugin between rounds also reinvokes IfNeeded webhooks', async () => {
  const watcher = await serve(() => allow);
  const labeller = await serve(() => ({ allowed: true, patchType: 'JSONPatch', patch: patchOf([{ op: 'add', path: '/metadata/labels/b', value: '1' }]) }));
  const { admit } = setup({ a: [webhook('labeller.example.com', labeller.url, { reinvocationPolicy: 'IfNeeded' })], z: [webhook('watcher.example.com', watcher.url, { reinvocationPolicy: 'IfNeeded' })] });
  const a = podAttributes();
  await admit(a);
  a.object!.metadata.labels!.byPlugin = 'x';
  reinvocationContext(a).isReinvoke = true;
  await admit(a);
  assert.equal(watcher.requests.length, 2);
  assert.equal(labeller.requests.length, 2);
});

test('namespaceSelector reads the namespace labels, objectSelector the object labels', async () => {
  const s = await serve(() => allow);
  const { admit } = setup({
    c: [
      webhook('prod-only.example.com', s.url, { namespaceSelector: { matchLabels: { env: 'prod' } } }),
      webhook('web-only.example.com', s.url, { objectSelector: { matchLabels: { app: 'web' } } }),
    ],
  });
  await admit(podAttributes());
  await admit(podAttributes({ namespace: 'prod', name: 'db', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db', namespace: 'prod', labels: { app: 'db' } } } }));
  assert.equal(s.requests.length, 2);
  assert.deepEqual(s.requests.map((r) => r.review.request.name), ['web', 'db']);
  const missing = await admit(podAttributes({ namespace: 'nowhere' }));
  assert.equal(missing?.code, 404);
  assert.equal(missing?.message, 'namespaces "nowhere" not found');
});

test('webhook configurations themselves are never sent to webhooks', async () => {
  const s = await serve(() => ({ allowed: false }));
  const { admit } = setup({ c: [webhook('all.example.com', s.url, { rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] })] });
  const cfg = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'c' } };
  const a = podAttributes({ namespace: '', name: 'c', object: cfg, type: { ...podAttributes().type, group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration', namespaced: false } });
  assert.equal(await admit(a), undefined);
  assert.equal(s.requests.length, 0);
});

test('https webhooks are verified against caBundle', async () => {
  const s = await serve(() => allow, { cert: SERVER_CERT, key: SERVER_KEY });
  const good = webhook('tls.example.com', s.url, { clientConfig: { url: s.url, caBundle: Buffer.from(CA_CERT).toString('base64') } });
  assert.equal(await setup({ c: [good] }).admit(podAttributes()), undefined);
  const bad = webhook('tls.example.com', s.url, { clientConfig: { url: s.url, caBundle: Buffer.from(OTHER_CA_CERT).toString('base64') } });
  const status = await setup({ c: [bad] }).admit(podAttributes());
  assert.equal(status?.message, `Internal error occurred: failed calling webhook "tls.example.com": failed to call webhook: Post "${s.url}/?timeout=5s": tls: failed to verify certificate: x509: certificate signed by unknown authority`);
  assert.equal(s.requests.length, 1);
});

test('service webhooks go through the resolver and verify the service name', async () => {
  const s = await serve(() => allow, { cert: SERVER_CERT, key: SERVER_KEY });
  const hook = webhook('svc.example.com', '', { clientConfig: { service: { namespace: 'default', name: 'webhook', path: '/mutate' }, caBundle: Buffer.from(CA_CERT).toString('base64') } });
  const resolved: string[] = [];
  const withResolver = setup({ c: [hook] }, { resolveService: (ns, name, port) => (resolved.push(`${ns}/${name}:${port}`), { host: '127.0.0.1', port: s.port }) });
  assert.equal(await withResolver.admit(podAttributes()), undefined);
  assert.deepEqual(resolved, ['default/webhook:443']);
  assert.equal(s.requests[0].path, '/mutate?timeout=5s');
  const status = await setup({ c: [hook] }).admit(podAttributes());
  assert.equal(status?.message, 'Internal error occurred: failed calling webhook "svc.example.com": failed to call webhook: Post "https://webhook.default.svc:443/mutate?timeout=5s": no endpoints available for service "webhook"');
});

test('a webhook may not patch an object the operation does not have', async () => {
  const s = await serve(() => ({ allowed: true, patchType: 'JSONPatch', patch: patchOf([{ op: 'add', path: '/metadata/labels/x', value: '1' }]) }));
  const { admit } = setup({ c: [webhook('del.example.com', s.url, { failurePolicy: 'Ignore' })] });
  const oldObject = podAttributes().object;
  const status = await admit(podAttributes({ operation: 'DELETE', object: undefined, oldObject, options: { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' } }));
  assert.equal(status?.code, 500);
  assert.equal(status?.message, 'Internal error occurred: admission webhook "del.example.com" attempted to modify the object, which is not supported for this operation');
  assert.equal(s.requests[0].review.request.object, null);
});

test('a patch that does not apply is an internal error whatever the failure policy', async () => {
  const s = await serve(() => ({ allowed: true, patchType: 'JSONPatch', patch: patchOf([{ op: 'replace', path: '/spec/nodeName', value: 'n1' }]) }));
  const status = await setup({ c: [webhook('bad.example.com', s.url, { failurePolicy: 'Ignore' })] }).admit(podAttributes());
  assert.equal(status?.message, 'Internal error occurred: replace operation does not apply: doc is missing key: /spec/nodeName: missing value');
});

test('an invalid answer is a calling failure, so failurePolicy decides', async () => {
  const s = await serve(() => ({ allowed: true, patch: patchOf([]) }));
  const fail = await setup({ c: [webhook('bad.example.com', s.url)] }).admit(podAttributes());
  assert.equal(fail?.message, 'Internal error occurred: failed calling webhook "bad.example.com": received invalid webhook response: webhook returned response.patch but not response.patchType');
  assert.equal(await setup({ c: [webhook('bad.example.com', s.url, { failurePolicy: 'Ignore' })] }).admit(podAttributes()), undefined);
});

test('matchConditions exclude webhooks through the injected evaluator, and their errors are 403s', async () => {
  const s = await serve(() => allow);
  const hook = webhook('cel.example.com', s.url, { matchConditions: [{ name: 'not-system', expression: "request.userInfo.username != 'system:admin'" }] });
  const evaluate = (_expr: string, vars: { request: { userInfo: { username: string } } }) => vars.request.userInfo.username !== 'system:admin';
  const { admit } = setup({ c: [hook] }, { matchConditions: { evaluate } });
  await admit(podAttributes({ userInfo: { username: 'system:admin', groups: [] } }));
  assert.equal(s.requests.length, 0);
  await admit(podAttributes());
  assert.equal(s.requests.length, 1);
  const broken = setup({ c: [hook] }, { matchConditions: { evaluate: () => ({ evalError: 'no such key: spec' }) } });
  const status = await broken.admit(podAttributes());
  assert.equal(status?.code, 403);
  assert.equal(status?.message, `pods "web" is forbidden: expression 'request.userInfo.username != 'system:admin'' resulted in error: no such key: spec`);
});

test('without an injected evaluator, matchConditions run on the lab CEL engine', async () => {
  const s = await serve(() => allow);
  const { admit } = setup({ c: [webhook('cel.example.com', s.url, { matchConditions: [{ name: 'web-only', expression: "object.metadata.labels.app == 'web'" }] })] });
  await admit(podAttributes({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', labels: { app: 'db' } } } }));
  assert.equal(s.requests.length, 0);
  await admit(podAttributes());
  assert.equal(s.requests.length, 1);
});
