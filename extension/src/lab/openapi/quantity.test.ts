import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERR_FORMAT_WRONG, ERR_SUFFIX, quantityError } from './quantity';

test('quantityError accepts what resource.ParseQuantity accepts and names its error otherwise', () => {
  // ParseQuantity, parseQuantityString and suffixHandler.interpret in
  // k8s.io/apimachinery/pkg/api/resource/quantity.go and suffix.go.
  const cases: [string, string | undefined][] = [
    ['1', undefined], ['0', undefined], ['100m', undefined], ['1.5Gi', undefined], ['.5', undefined],
    ['+1', undefined], ['-0.5m', undefined], ['1e3', undefined], ['1E', undefined], ['1e-3', undefined],
    ['1Ki', undefined], ['2n', undefined],
    ['', ERR_FORMAT_WRONG], ['1 GB', ERR_FORMAT_WRONG], ['true', ERR_FORMAT_WRONG], ['1x', ERR_FORMAT_WRONG],
    ['1.2.3', ERR_FORMAT_WRONG],
    ['1m3', ERR_SUFFIX], ['1e', ERR_SUFFIX], ['1KiB', ERR_FORMAT_WRONG], ['1Kii', ERR_SUFFIX], ['1e99999999999999999999', ERR_SUFFIX],
  ];
  for (const [s, err] of cases) assert.equal(quantityError(s), err, JSON.stringify(s));
});
