/**
 * resource.Quantity parsing and canonical form, as apimachinery's
 * pkg/api/resource/quantity.go (ParseQuantity, CanonicalizeBytes, RoundUp) and
 * its quantity_test.go expect them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR, canonicalQuantity, cmpQuantity, formatQuantity, isIntegral, parseQuantity, roundUp } from './quantities';

const canonical: [string | number, string][] = [
  ['0', '0'], ['1000m', '1'], ['1500m', '1500m'], ['0.5', '500m'], ['.5', '500m'], ['1.', '1'], ['100n', '100n'], ['0.0001', '100u'],
  ['1000', '1k'], ['12345', '12345'], ['1.5G', '1500M'], ['1e3', '1e3'], ['1.5e3', '1500'], ['1E', '1E'], ['1e-3', '1e-3'],
  ['1024Mi', '1Gi'], ['1.5Gi', '1536Mi'], ['1023Ki', '1023Ki'], ['8Gi', '8Gi'], ['0.5Ki', '512'], ['1025', '1025'], ['-1', '-1'],
  [0.25, '250m'], [512, '512'],
];

for (const [input, want] of canonical) {
  test(`quantity ${JSON.stringify(input)} is ${want}`, () => {
    const q = parseQuantity(input);
    assert.ok(!('error' in q), 'error' in q ? q.error : '');
    assert.equal(formatQuantity(q), want);
  });
}

const bad: [string, string][] = [['', QUANTITY_FORMAT_ERROR], ['abc', QUANTITY_FORMAT_ERROR], ['1 Gi', QUANTITY_FORMAT_ERROR], ['1K', QUANTITY_SUFFIX_ERROR], ['1e', QUANTITY_SUFFIX_ERROR], ['1Gb', QUANTITY_FORMAT_ERROR]];

for (const [input, error] of bad) {
  test(`quantity ${JSON.stringify(input)} does not parse`, () => {
    assert.deepEqual(parseQuantity(input), { error });
  });
}

test('quantities compare by value across units and formats', () => {
  const q = (s: string) => parseQuantity(s) as Exclude<ReturnType<typeof parseQuantity>, { error: string }>;
  assert.equal(cmpQuantity(q('1'), q('1000m')), 0);
  assert.equal(cmpQuantity(q('1Gi'), q('1G')), 1);
  assert.equal(cmpQuantity(q('-2'), q('1m')), -1);
  assert.equal(cmpQuantity(q('1e3'), q('999')), 1);
  assert.equal(isIntegral(q('1500m')), false);
  assert.equal(isIntegral(q('2k')), true);
});

test('resource lists round up to milli units (SetDefaults_ResourceList)', () => {
  assert.equal(canonicalQuantity('100n'), '1m');
  assert.equal(canonicalQuantity('0.0001'), '1m');
  assert.equal(canonicalQuantity(' 1024Mi '), '1Gi');
  assert.equal(canonicalQuantity('junk'), undefined);
  assert.equal(formatQuantity(roundUp({ value: -15n, scale: -4, format: 'DecimalSI' }, -3)), '-2m');
});

test('parsing survives huge exponents without building huge numbers', () => {
  const tiny = parseQuantity('1e-999999');
  const huge = parseQuantity('1e999999');
  assert.ok(!('error' in tiny) && !('error' in huge));
  assert.equal(formatQuantity(tiny), '1e-9');
  assert.equal(formatQuantity(huge), '1e999999');
});
