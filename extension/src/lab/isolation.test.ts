import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const labDir = __dirname;
const files = readdirSync(labDir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts'))
  .map((e) => join(e.parentPath, e.name));

/** importsOf lists every module specifier a file imports or requires. */
function importsOf(source: string): string[] {
  const specs: string[] = [];
  for (const m of source.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)) specs.push(m[1]);
  return specs;
}

test('the lab core has files to check', () => {
  assert.ok(files.length > 20, `found only ${files.length} files under ${labDir}`);
});

test('no file under extension/src/lab imports vscode or host code', () => {
  const offenders: string[] = [];
  for (const f of files) {
    for (const spec of importsOf(readFileSync(f, 'utf8'))) {
      if (spec === 'vscode' || /(^|\/)host(\/|$)/.test(spec)) offenders.push(`${relative(labDir, f)} imports ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('no lab component reads the wall clock or Math.random directly', () => {
  const offenders = files
    .filter((f) => !f.endsWith('.test.ts') && !f.endsWith('clock.ts'))
    .filter((f) => /\bDate\.now\(|\bMath\.random\(|(^|[^.\w])setTimeout\(|setInterval\(/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(labDir, f));
  assert.deepEqual(offenders, []);
});
