import assert from 'node:assert/strict';
import { test } from 'node:test';
import { warningHeader, warningHeaders } from './warnings';

test('warnings are 299 headers with quotes and backslashes escaped (apimachinery util/net NewWarningHeader)', () => {
  assert.deepEqual(warningHeaders(['mytext1', 'a "quoted" \\ text']), ['299 - "mytext1"', '299 - "a \\"quoted\\" \\\\ text"']);
});

test('duplicate and empty warnings are dropped, and so are texts with control characters', () => {
  assert.deepEqual(warningHeaders(['x', '', 'x', 'my\ntext', 'y']), ['299 - "x"', '299 - "y"']);
  assert.equal(warningHeader('tab\there'), undefined);
});

// staging/src/k8s.io/apiserver/pkg/endpoints/filters/warning_test.go TestTruncation, limits 25 and 5.
test('past the total limit every warning is cut to the item limit and later ones are dropped', () => {
  const limits = { total: 25, item: 5 };
  assert.deepEqual(warningHeaders(['aaaaaaaaaa', 'aaaaaaaaaa', 'bb', 'ccc', 'Iñtërnâtiô'], limits),
    ['299 - "aaaaaaaaaa"', '299 - "bb"', '299 - "ccc"', '299 - "Iñtërnâtiô"']);
  assert.deepEqual(warningHeaders(['aaaaaaaaaa', 'aaaaaaaaaa', 'bb', 'ccc', 'Iñtërnâtiô', 'e', 'ffffffffff', 'ffffffffff', 'gggggggggg', 'h'], limits),
    ['299 - "aaaaa"', '299 - "bb"', '299 - "ccc"', '299 - "Iñtër"', '299 - "e"', '299 - "fffff"', '299 - "ggggg"']);
});
