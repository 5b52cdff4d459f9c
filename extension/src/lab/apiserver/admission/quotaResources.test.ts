import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatQuantity, toQuantity } from '../../api/quantity';
import { quantities } from './podResources';
import { add, exceeded, prettyPrint, subtractNonNegative } from './quotaResources';

// Canonical forms of k8s.io/apimachinery/pkg/api/resource (Quantity.String), which every
// quota and limit message prints.
const canonical: [string, string][] = [
  ['0.5', '500m'], ['1000m', '1'], ['1.5Gi', '1536Mi'], ['1024Mi', '1Gi'], ['1536', '1536'], ['100Mi', '100Mi'],
  ['1e3', '1e3'], ['12e-3', '12e-3'], ['0.1', '100m'], ['1Ki', '1Ki'], ['0.001m', '1u'], ['129M', '129M'], ['0', '0'], ['-2', '-2'],
];
for (const [input, want] of canonical) {
  test(`quantity ${input} prints as ${want}`, () => assert.equal(formatQuantity(toQuantity(input)!), want));
}

test('quantities that are not quantities are refused', () => {
  for (const bad of ['', 'abc', '1.2.3', '1Gb', ' 1']) assert.equal(toQuantity(bad), undefined, bad);
});

test('quota arithmetic keeps the format of the first operand unless it is zero', () => {
  assert.equal(prettyPrint(add(quantities({ memory: '0', cpu: '500m' }), quantities({ memory: '128Mi', cpu: '0.5', pods: '1' }))), 'cpu=1,memory=128Mi,pods=1');
  assert.equal(prettyPrint(subtractNonNegative(quantities({ 'requests.storage': '3Gi', pods: '1' }), quantities({ 'requests.storage': '2Gi', pods: '2', services: '1' }))), 'pods=0,requests.storage=1Gi,services=0');
  assert.deepEqual(exceeded(quantities({ pods: '3', cpu: '1' }), quantities({ pods: '2', cpu: '2', memory: '1Gi' })), ['pods']);
});
