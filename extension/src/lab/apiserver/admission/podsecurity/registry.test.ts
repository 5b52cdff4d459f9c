import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Level, LATEST, majorMinor, parseVersion } from './api';
import type { Check } from './checks';
import { DEFAULT_CHECKS } from './defaultChecks';
import { CheckRegistry } from './registry';

/** generate is registry_test.go's generateCheck: a check that always fails with reason `<id>:<version>`. */
function generate(id: string, level: Check['level'], versions: string[], overrides: string[][] = []): Check {
  return {
    id, level,
    versions: versions.map((v, i) => ({ minimumVersion: parseVersion(v)[0], checkPod: () => ({ allowed: false, forbiddenReason: `${id}:${v}` }), overrideCheckIDs: overrides[i] })),
  };
}

const registry = new CheckRegistry([
  generate('a', 'baseline', ['v1.0']),
  generate('b', 'baseline', ['v1.10']),
  generate('c', 'baseline', ['v1.0', 'v1.5', 'v1.10']),
  generate('d', 'baseline', ['v1.11', 'v1.15', 'v1.20']),
  generate('e', 'restricted', ['v1.0']),
  generate('f', 'restricted', ['v1.12', 'v1.16', 'v1.21']),
  generate('g', 'restricted', ['v1.10'], [['a']]),
  generate('h', 'restricted', ['v1.0'], [['b']]),
  generate('i', 'restricted', ['v1.10', 'v1.21'], [['c'], ['d']]),
]);

// Cases from pod-security-admission/policy/registry_test.go TestCheckRegistry.
const cases: [Level, string, string[]][] = [
  ['privileged', 'latest', []],
  ['baseline', 'v1.0', ['a:v1.0', 'c:v1.0']],
  ['baseline', 'v1.4', ['a:v1.0', 'c:v1.0']],
  ['baseline', 'v1.5', ['a:v1.0', 'c:v1.5']],
  ['baseline', 'v1.10', ['a:v1.0', 'b:v1.10', 'c:v1.10']],
  ['baseline', 'v1.11', ['a:v1.0', 'b:v1.10', 'c:v1.10', 'd:v1.11']],
  ['baseline', 'latest', ['a:v1.0', 'b:v1.10', 'c:v1.10', 'd:v1.20']],
  ['restricted', 'v1.0', ['a:v1.0', 'c:v1.0', 'e:v1.0', 'h:v1.0']],
  ['restricted', 'v1.5', ['a:v1.0', 'c:v1.5', 'e:v1.0', 'h:v1.0']],
  ['restricted', 'v1.10', ['e:v1.0', 'g:v1.10', 'h:v1.0', 'i:v1.10']],
  ['restricted', 'v1.11', ['d:v1.11', 'e:v1.0', 'g:v1.10', 'h:v1.0', 'i:v1.10']],
  ['restricted', 'latest', ['c:v1.10', 'e:v1.0', 'f:v1.21', 'g:v1.10', 'h:v1.0', 'i:v1.21']],
  ['restricted', 'v1.10000', ['c:v1.10', 'e:v1.0', 'f:v1.21', 'g:v1.10', 'h:v1.0', 'i:v1.21']],
];

for (const [level, version, want] of cases) {
  test(`CheckRegistry runs the right checks for ${level}:${version}`, () => {
    const got = registry.evaluatePod({ level, version: parseVersion(version)[0] }, {}, {}).map((r) => r.forbiddenReason);
    assert.deepEqual(got, want);
  });
}

test('CheckRegistry lowers latest to an emulated version', () => {
  const emulated = new CheckRegistry([generate('a', 'baseline', ['v1.0', 'v1.20'])], majorMinor(10));
  assert.deepEqual(emulated.evaluatePod({ level: 'baseline', version: LATEST }, {}, {}).map((r) => r.forbiddenReason), ['a:v1.0']);
});

test('the default checks have unique ids, increasing versions and only baseline overrides, and latest is v1.35', () => {
  const ids = DEFAULT_CHECKS.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const c of DEFAULT_CHECKS) {
    const minors = c.versions.map((v) => v.minimumVersion.minor);
    assert.deepEqual(minors, [...minors].sort((x, y) => x - y), c.id);
    for (const v of c.versions) for (const o of v.overrideCheckIDs ?? []) assert.equal(DEFAULT_CHECKS.find((d) => d.id === o)?.level, 'baseline', `${c.id} overrides ${o}`);
  }
  assert.deepEqual(new CheckRegistry(DEFAULT_CHECKS).maxVersion, majorMinor(35));
});
