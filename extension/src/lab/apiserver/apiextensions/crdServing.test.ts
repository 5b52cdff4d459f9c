import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settle } from '../../clock';
import { MemoryStore } from '../../store/memoryStore';
import type { TxnRequest } from '../../store/store';
import { testServer } from '../testing';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com', scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
    versions: [{
      name: 'v1', served: true, storage: true, subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              'x-kubernetes-validations': [{ rule: 'self.minReplicas <= self.replicas', message: 'replicas should be greater than or equal to minReplicas' }],
              properties: { cronSpec: { type: 'string' }, replicas: { type: 'integer', default: 1 }, minReplicas: { type: 'integer', default: 0 } },
            },
          },
        },
      },
    }],
  },
};
const CRONTABS = '/apis/stable.example.com/v1/namespaces/default/crontabs';

test('a CRD becomes Established and serves its resource: defaults, pruning, schema and CEL rules, then goes away with its instances', async () => {
  const { call } = await testServer();
  const created = await call({ method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: crd });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await settle();
  const got = await call({ method: 'GET', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com' });
  const conditions = Object.fromEntries((got.body.status.conditions as { type: string; status: string }[]).map((c) => [c.type, c.status]));
  assert.deepEqual(conditions, { NamesAccepted: 'True', Established: 'True' });
  const discovery = await call({ method: 'GET', path: '/apis/stable.example.com/v1' });
  assert.deepEqual(discovery.body.resources.map((r: { name: string }) => r.name), ['crontabs', 'crontabs/status']);

  const ok = await call({ method: 'POST', path: CRONTABS, body: { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a' }, spec: { cronSpec: '* * * * */5', unknown: 'dropped' } } });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.deepEqual(ok.body.spec, { cronSpec: '* * * * */5', replicas: 1, minReplicas: 0 });

  const typed = await call({ method: 'POST', path: CRONTABS, body: { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'b' }, spec: { replicas: 'three' } } });
  assert.equal(typed.status, 422);
  // k8s.io/kube-openapi/pkg/validation/errors: InvalidType; apiextensions-apiserver registry/customresource/validator.go: hasBlockingErr
  assert.equal(typed.body.message, 'CronTab.stable.example.com "b" is invalid: [spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string", <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]');

  const rule = await call({ method: 'POST', path: CRONTABS, body: { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'c' }, spec: { replicas: 1, minReplicas: 3 } } });
  assert.equal(rule.status, 422);
  assert.equal(rule.body.details.causes[0].field, 'spec');
  assert.match(rule.body.message, /^CronTab\.stable\.example\.com "c" is invalid: spec: Invalid value: .*replicas should be greater than or equal to minReplicas$/);

  const gone = await call({ method: 'DELETE', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com' });
  assert.equal(gone.status, 200);
  await settle();
  assert.equal((await call({ method: 'GET', path: `${CRONTABS}/a` })).status, 404);
  assert.equal((await call({ method: 'GET', path: '/apis/stable.example.com/v1' })).status, 404);
});

test('a CRD whose status write the store refuses (its quota, an outage) is synced again a second later, not left unserved', async () => {
  const store = new MemoryStore();
  let crdWrites = 0;
  // The second write of the CRD's key is the controller's status update: the store fails it once.
  const failing = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'txn') return Reflect.get(target, prop, receiver) as unknown;
      return (req: TxnRequest) => {
        if (req.success.some((op) => op.key.includes('/customresourcedefinitions/')) && ++crdWrites === 2) return Promise.reject(new Error('etcdserver: mvcc: database space exceeded'));
        return target.txn(req);
      };
    },
  });
  const { call, clock } = await testServer({ store: failing });
  const created = await call({ method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: crd });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await settle();
  assert.equal((await call({ method: 'GET', path: '/apis/stable.example.com/v1' })).status, 404, 'not served while its status could not be written');
  await clock.advance(1000);
  await settle();
  assert.equal((await call({ method: 'GET', path: '/apis/stable.example.com/v1' })).status, 200, 'served once the retry wrote its status');
});

test('a custom resource is not updated without the resourceVersion it read, as customResourceStrategy.AllowUnconditionalUpdate', async () => {
  const { call } = await testServer();
  assert.equal((await call({ method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: crd })).status, 201);
  await settle();
  const created = await call({ method: 'POST', path: CRONTABS, body: { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a' }, spec: { cronSpec: '* * * * */5' } } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const blind = await call({ method: 'PUT', path: `${CRONTABS}/a`, body: { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a' }, spec: { cronSpec: '0 * * * *' } } });
  assert.equal(blind.status, 422);
  assert.equal(blind.body.message, 'crontabs.stable.example.com "a" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
  assert.equal((await call({ method: 'GET', path: `${CRONTABS}/a` })).body.metadata.resourceVersion, created.body.metadata.resourceVersion);
  const read = await call({ method: 'PUT', path: `${CRONTABS}/a`, body: { ...created.body, spec: { cronSpec: '0 * * * *' } } });
  assert.equal(read.status, 200, JSON.stringify(read.body));
  assert.equal(read.body.spec.cronSpec, '0 * * * *');
});
