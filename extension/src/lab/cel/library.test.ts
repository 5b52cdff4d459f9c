import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile, evaluate, newEnvironment } from './environment';

const env = newEnvironment();
env.registerVariable('self', 'dyn');

function run(expression: string): unknown {
  const c = compile(env, expression);
  if (c.error !== undefined) return `compile: ${c.error}`;
  const r = evaluate(c.program, { self: { items: [3n, 1n, 2n], name: 'web' } });
  return r.error !== undefined ? `error: ${r.error}` : r.value;
}

// Library behaviour and errors: k8s.io/apiserver pkg/cel/library/{lists,regex,urls,ip,cidr,quantity,format}.go,
// cel-go ext/strings.go.
const cases: [string, unknown][] = [
  ['[1, 2, 3].isSorted()', true],
  ['self.items.isSorted()', false],
  ['[1, 2, 3].sum()', 6n],
  ['[1.5, 2.0].sum()', 3.5],
  ['self.items.max()', 3n],
  ["['b', 'a'].min()", 'a'],
  ['[].max()', 'error: max called on empty list'],
  ['[1, 2, 1].indexOf(1)', 0n],
  ['[1, 2, 1].lastIndexOf(1)', 2n],
  ["'abc123def'.find('[0-9]+')", '123'],
  ["'a1b2c3'.findAll('[0-9]', 2)", ['1', '2']],
  ["'hello'.charAt(1)", 'e'],
  ["'aaa'.replace('a', 'b', 2)", 'bba'],
  ["'Hello'.lowerAscii()", 'hello'],
  ["'a,b'.split(',')", ['a', 'b']],
  ["['a', 'b'].join('-')", 'a-b'],
  ["'%s has %d'.format(['web', 3])", 'web has 3'],
  ["url('https://example.com:8080/p?x=1').getHostname()", 'example.com'],
  ["url('https://example.com:8080/p').getPort()", '8080'],
  ["isURL('not a url')", false],
  ["url('x')", 'error: URL parse error during conversion from string: parse "x": invalid URI for request'],
  ["ip('10.0.0.1').family()", 4n],
  ["ip('::1').isLoopback()", true],
  ["string(ip('2001:0db8::0001'))", '2001:db8::1'],
  ["ip.isCanonical('2001:DB8::1')", false],
  ["ip('::ffff:1.2.3.4')", 'error: IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed'],
  ["cidr('10.0.0.0/8').containsIP('10.1.2.3')", true],
  ["cidr('10.0.0.0/8').containsCIDR('11.0.0.0/16')", false],
  ["string(cidr('10.1.2.3/8').masked())", '10.0.0.0/8'],
  ["quantity('1') == quantity('1000m')", true],
  ["quantity('500m').isLessThan(quantity('1'))", true],
  ["quantity('1.5Gi').asInteger()", 1610612736n],
  ["quantity('1.5').asInteger()", 'error: cannot convert value to integer'],
  ["quantity('1').add(2).compareTo(quantity('3'))", 0n],
  ["isQuantity('1x')", false],
  ["quantity('x')", "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
  ["format.dns1123Label().validate('web').hasValue()", false],
  ["format.named('labelValue').value().validate('a b').hasValue()", true],
  ['self.missing', 'error: no such key: missing'],
  ['1 / 0', 'error: division by zero'],
  ['self.?missing.orValue(7)', 7n],
  ["has(self.name) && self.name.startsWith('w')", true],
];

for (const [expression, want] of cases) {
  test(`CEL: ${expression}`, () => {
    assert.deepEqual(run(expression), want);
  });
}

// Compile errors in cel-go's words and layout (cel-go checker/errors.go, common/error.go).
test('CEL: compile errors read as cel-go\'s', () => {
  assert.equal(run('undeclared > 1'), "compile: ERROR: <input>:1:1: undeclared reference to 'undeclared' (in container '')\n | undeclared > 1\n | ^");
  assert.equal(run("1 + 'a'"), "compile: ERROR: <input>:1:3: found no matching overload for '_+_' applied to '(int, string)'\n | 1 + 'a'\n | ..^");
});
