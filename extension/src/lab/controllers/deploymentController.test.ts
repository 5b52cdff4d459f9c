import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeHash } from './deploymentController';

test('computeHash gives a template the same hash whatever the order of its keys', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Always' } };
  const reordered = { spec: { restartPolicy: 'Always', containers: [{ imagePullPolicy: 'IfNotPresent', image: 'nginx:1.27', name: 'nginx' }] }, metadata: { labels: { app: 'web' } } };
  assert.equal(computeHash(reordered), computeHash(template));
  assert.notEqual(computeHash({ ...template, spec: { ...template.spec, containers: [{ ...template.spec.containers[0], image: 'nginx:1.28' }] } }), computeHash(template));
  assert.notEqual(computeHash(template, 1), computeHash(template));
});
