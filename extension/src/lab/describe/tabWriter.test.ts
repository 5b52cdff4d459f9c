import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TabWriter } from './tabWriter';

function render(text: string): string {
  const tw = new TabWriter(0, 2, ' ');
  tw.write(text);
  return tw.text();
}

const cases: [string, string, string][] = [
  ['pads a column to its widest cell plus two', 'Name:\tweb\nNamespace:\tdefault\n', 'Name:       web\nNamespace:  default\n'],
  ['a line without a tab ends the column block', 'A:\t1\nPod Template:\nLonger:\t2\n', 'A:  1\nPod Template:\nLonger:  2\n'],
  ['trailing text is not a column', 'a\tb\tccc\naa\tbbbb\td\n', 'a   b     ccc\naa  bbbb  d\n'],
  ['an empty cell keeps its column', 'ns\tname\t\tcpu\nkube-system\tx\t\t1\n', 'ns           name    cpu\nkube-system  x       1\n'],
  ['cells count code points, not bytes', 'é:\tx\nab:\ty\n', 'é:   x\nab:  y\n'],
  ['a tab-terminated empty value still pads', 'Medium:\t\nSizeLimit:\t<unset>\n', 'Medium:     \nSizeLimit:  <unset>\n'],
  ['text without a final newline is kept', 'x\ty\nz', 'x  y\nz'],
];

for (const [name, input, want] of cases) {
  test(`tabwriter ${name}`, () => assert.equal(render(input), want));
}

test('tabwriter flush aligns what follows on its own', () => {
  const tw = new TabWriter(0, 2, ' ');
  tw.write('Long heading:\tx\n');
  tw.flush();
  tw.write('  A\tB\n');
  assert.equal(tw.text(), 'Long heading:  x\n  A  B\n');
});

test('tabwriter columns nest: a deeper column is laid out within its block', () => {
  assert.equal(render('a\tb\tc\naaaa\tb\nx\tbbbbbb\tc\n'), 'a     b  c\naaaa  b\nx     bbbbbb  c\n');
});
