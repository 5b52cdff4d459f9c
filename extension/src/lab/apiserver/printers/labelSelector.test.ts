/**
 * Selector cells as metav1.FormatLabelSelector and LabelSelectorAsSelector print
 * them (k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go, pkg/labels/selector.go),
 * and labels.FormatLabels for plain label maps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLabels } from './format';
import { formatLabelSelector, labelSelectorString } from './labelSelector';

test('formatLabelSelector sorts requirements by key and prints each operator', () => {
  const cases: [string, unknown, string][] = [
    ['nil', undefined, '<none>'],
    ['empty', {}, '<none>'],
    ['match labels', { matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    ['In with sorted values', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, 'tier in (api,web)'],
    ['NotIn', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, 'env notin (prod)'],
    ['Exists and DoesNotExist', { matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }, { key: 'a', operator: 'Exists' }] }, 'a,!b'],
    ['labels and expressions together', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'app.kubernetes.io/part-of', operator: 'In', values: ['shop'] }] }, 'app=web,app.kubernetes.io/part-of in (shop)'],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, '<error>'],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, '<error>'],
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, '<error>'],
    ['bad key', { matchLabels: { 'a b': 'c' } }, '<error>'],
    ['bad value', { matchLabels: { a: 'b c' } }, '<error>'],
  ];
  for (const [name, selector, want] of cases) assert.equal(formatLabelSelector(selector), want, name);
  assert.equal(labelSelectorString(undefined), '');
  assert.equal(labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'In' }] }), undefined);
});

test('formatLabels sorts k=v pairs as strings', () => {
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels({ tier: 'web', app: 'shop', 'app.kubernetes.io/name': 'x' }), 'app.kubernetes.io/name=x,app=shop,tier=web');
});
