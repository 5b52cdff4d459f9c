// ValidatingAdmissionWebhook against real local webhook servers. Behaviour and wording follow
// staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/validating/dispatcher.go and
// client-go's rest/request.go with apimachinery's NewGenericServerResponse for failed HTTP exchanges.
import { MemoryCache } from '../auth/memoryCache';
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { SeededRandom } from '../../random';
import { validatingAdmissionWebhook } from './validatingWebhook';
import { createHttpTransport } from './webhook/httpTransport';
import { contextFor, podAttributes, startWebhookServer, type Reply, type WebhookServer } from './webhook/testing';
import type { ValidatingWebhook } from './webhook/types';

const transport = createHttpTransport();
const servers: WebhookServer[] = [];
after(async () => {
  transport.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(answer: () => Reply): Promise<WebhookServer> {
  const s = await startWebhookServer(answer);
  servers.push(s);
  return s;
}

function webhook(name: string, url: string, extra: Partial<ValidatingWebhook> = {}): ValidatingWebhook {
  return { name, clientConfig: { url }, rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }], sideEffects: 'None', admissionReviewVersions: ['v1'], ...extra };
}

function validator(webhooks: ValidatingWebhook[]) {
  const cache = new MemoryCache()
    .replace('admissionregistration.k8s.io', 'validatingwebhookconfigurations', [{ metadata: { name: 'policy' }, webhooks }])
    .replace('', 'namespaces', [{ metadata: { name: 'default' } }]);
  const plugin = validatingAdmissionWebhook({ transport, random: new SeededRandom(7) });
  return (a = podAttributes()) => plugin.validate!(a, contextFor(cache));
}

test('every matching webhook is asked, each with its own uid, and their warnings kept', async () => {
  const a = await serve(() => ({ allowed: true, warnings: ['from a'] }));
  const b = await serve(() => ({ allowed: true, warnings: ['from b'] }));
  const attrs = podAttributes();
  assert.equal(await validator([webhook('a.example.com', a.url), webhook('b.example.com', b.url)])(attrs), undefined);
  assert.equal(a.requests.length, 1);
  assert.equal(b.requests.length, 1);
  assert.deepEqual([...attrs.warnings].sort(), ['from a', 'from b']);
  assert.notEqual(a.requests[0].review.request.uid, b.requests[0].review.request.uid);
});

test('calls run in parallel: a hung Ignore webhook does not delay the others beyond its timeout', async () => {
  const hung = await serve(() => 'hang');
  const quick = await serve(() => ({ allowed: true }));
  const slowFirst = validator([webhook('hang.example.com', hung.url, { timeoutSeconds: 1, failurePolicy: 'Ignore' }), webhook('hang2.example.com', hung.url, { timeoutSeconds: 1, failurePolicy: 'Ignore' }), webhook('quick.example.com', quick.url)]);
  const attrs = podAttributes();
  const started = process.hrtime.bigint();
  assert.equal(await slowFirst(attrs), undefined);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(ms < 1900, `two 1 s timeouts overlapped (${ms} ms)`);
  assert.equal(quick.requests.length, 1);
  assert.equal(attrs.auditAnnotations['failed-open.validating.webhook.admission.k8s.io/round_0_index_0'], 'hang.example.com');
  assert.equal(attrs.auditAnnotations['failed-open.validating.webhook.admission.k8s.io/round_0_index_1'], 'hang2.example.com');
});

test('any denial rejects; with several, the first webhook in order is reported', async () => {
  const yes = await serve(() => ({ allowed: true }));
  const no1 = await serve(() => ({ allowed: false, result: { message: 'first' } }));
  const no2 = await serve(() => ({ allowed: false, result: { message: 'second' } }));
  const status = await validator([webhook('yes.example.com', yes.url), webhook('no1.example.com', no1.url), webhook('no2.example.com', no2.url)])();
  assert.equal(status?.message, 'admission webhook "no1.example.com" denied the request: first');
  assert.equal(status?.code, 400);
  assert.equal(yes.requests.length + no1.requests.length + no2.requests.length, 3);
});

test('validating webhooks may not patch', async () => {
  const s = await serve(() => ({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from('[]').toString('base64') }));
  const status = await validator([webhook('patchy.example.com', s.url)])();
  assert.equal(status?.message, 'Internal error occurred: failed calling webhook "patchy.example.com": received invalid webhook response: validating webhook may not return response.patch');
});

const httpFailures: { name: string; raw: { status: number; body: string; contentType?: string }; want: string }[] = [
  { name: 'a text 500', raw: { status: 500, body: 'boom\n', contentType: 'text/plain' }, want: 'an error on the server ("boom") has prevented the request from succeeding' },
  { name: 'a JSON 500 that is not a Status', raw: { status: 500, body: '{}', contentType: 'application/json' }, want: 'an error on the server ("unknown") has prevented the request from succeeding' },
  { name: 'a Status body', raw: { status: 503, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'webhook is draining', code: 503 }), contentType: 'application/json' }, want: 'webhook is draining' },
  { name: 'a 404', raw: { status: 404, body: 'nope', contentType: 'text/plain' }, want: 'the server could not find the requested resource' },
  { name: 'an empty 200', raw: { status: 200, body: '', contentType: 'application/json' }, want: '0-length response with status code: 200 and content type: application/json' },
  { name: 'a kindless 200', raw: { status: 200, body: '{"response":{}}', contentType: 'application/json' }, want: `Object 'Kind' is missing in '{"response":{}}'` },
];

for (const c of httpFailures) {
  test(`a failed exchange is reported as client-go reports it: ${c.name}`, async () => {
    const s = await serve(() => ({ raw: c.raw }));
    const status = await validator([webhook('h.example.com', s.url)])();
    assert.equal(status?.message, `Internal error occurred: failed calling webhook "h.example.com": failed to call webhook: ${c.want}`);
    assert.equal(status?.code, 500);
  });
}

test('webhooks that match nothing are not called', async () => {
  const s = await serve(() => ({ allowed: false }));
  const run = validator([webhook('updates.example.com', s.url, { rules: [{ operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] })]);
  assert.equal(await run(), undefined);
  assert.equal(s.requests.length, 0);
});

test('a webhook that cannot be addressed or spoken to fails as upstream words it', async () => {
  const s = await serve(() => ({ allowed: true }));
  const noTarget = await validator([{ ...webhook('nowhere.example.com', ''), clientConfig: {} }])();
  assert.equal(noTarget?.message, 'Internal error occurred: failed calling webhook "nowhere.example.com": could not get REST client: failed calling webhook "nowhere.example.com": webhook configuration must have either service or URL');
  const noVersion = await validator([webhook('v2.example.com', s.url, { admissionReviewVersions: ['v2'] })])();
  assert.equal(noVersion?.message, 'Internal error occurred: failed calling webhook "v2.example.com": could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)');
  assert.equal(s.requests.length, 0);
});
