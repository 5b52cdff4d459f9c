import assert from 'node:assert/strict';
import { test } from 'node:test';
import { warningHeader } from '../lab/apiserver/http/warnings';
import { parseWarningHeaders } from './warningHeaders';

// apimachinery's ParseWarningHeaders cases: what each header list parses to, as [code, agent, text].
const cases: [string, string[], [number, string, string][]][] = [
  ['one value', ['299 - "deprecated"'], [[299, '-', 'deprecated']]],
  ['escaped quotes and backslashes', ['299 - "unknown field \\"spec.foo\\" at C:\\\\x"'], [[299, '-', 'unknown field "spec.foo" at C:\\x']]],
  ['several values in one header, one with a date', ['299 - "a", 299 kube-apiserver "b" "Wed, 21 Oct 2015 07:28:00 GMT", 199 agent "c"'], [[299, '-', 'a'], [299, 'kube-apiserver', 'b'], [199, 'agent', 'c']]],
  ['several headers', ['299 - "a"', '299 - "b"'], [[299, '-', 'a'], [299, '-', 'b']]],
  ['a malformed value ends its header, keeping the values before it', ['299 - "a", 2999 - "b", 299 - "c"', '299 - "d"'], [[299, '-', 'a'], [299, '-', 'd']]],
  ['too few segments', ['299 -'], []],
  ['an unquoted text', ['299 - deprecated'], []],
  ['an unclosed quote', ['299 - "deprecated'], []],
  ['a token after the text', ['299 - "a" b'], []],
  ['an empty header', [''], []],
];

for (const [name, headers, expected] of cases) {
  test(`parseWarningHeaders: ${name}`, () => {
    assert.deepEqual(parseWarningHeaders(headers).map((w) => [w.code, w.agent, w.text]), expected);
  });
}

test('parseWarningHeaders reads back what the lab\'s front door writes', () => {
  const texts = ['plain', 'with "quotes" and \\ backslash', 'ünïcödé ✓'];
  assert.deepEqual(parseWarningHeaders(texts.map((t) => warningHeader(t) ?? '')).map((w) => w.text), texts);
});
