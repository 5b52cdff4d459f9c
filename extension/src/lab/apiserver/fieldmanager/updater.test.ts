import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { pathString } from './pathElement';
import type { Atom } from './typeRef';
import { type Managers, Updater } from './updater';

const str: Atom = { scalar: 'string' };
const struct = (fields: Record<string, Atom>): Atom => ({ map: { atomic: false, field: (n) => (Object.hasOwn(fields, n) ? fields[n] : undefined), element: undefined } });

/** The schemas of structured-merge-diff's merge tests (merge/set_test.go, key_test.go, leaf_test.go, multiple_appliers_test.go). */
const schema = struct({
  list: { list: { atomic: false, keys: ['name'], element: struct({ name: str, value: { scalar: 'numeric' } }) } },
  set: { list: { atomic: false, keys: [], element: str } },
  numeric: { scalar: 'numeric' },
  string: str,
  bool: { scalar: 'boolean' },
  struct: struct({ name: str, scalarField: str, complexField: struct({ name: str }) }),
});

type Op = { apply: string; manager: string; force?: boolean; conflicts?: string[] } | { update: string; manager: string };

/** run replays operations as upstream's fixture (internal/fixture/state.go) does, starting from a null object. */
function run(ops: Op[]): { object: unknown; managed: Record<string, string[]> } {
  const updater = new Updater(schema);
  let object: unknown = null;
  let managers: Managers = new Map();
  for (const op of ops) {
    if ('update' in op) {
      const next: unknown = parse(op.update);
      managers = updater.update(object, next, 'v1', managers, op.manager);
      object = next;
      continue;
    }
    const r = updater.apply(object, parse(op.apply), 'v1', managers, op.manager, op.force ?? false);
    if ('conflicts' in r) {
      assert.deepEqual(r.conflicts.map((c) => `${c.manager} ${pathString(c.path)}`), op.conflicts);
      continue;
    }
    assert.equal(op.conflicts, undefined, 'expected conflicts');
    managers = r.managers;
    if (r.object !== undefined) object = r.object;
  }
  const managed: Record<string, string[]> = {};
  for (const [m, vs] of managers) managed[m] = vs.set.paths().map(pathString).sort();
  return { object, managed };
}

const cases: { name: string; ops: Op[]; object: string; managed: Record<string, string[]> }[] = [
  {
    name: 'set: apply, update, apply without overlap',
    ops: [
      { manager: 'default', apply: 'set: [a, c]' },
      { manager: 'controller', update: 'set: [a, b, c, d]' },
      { manager: 'default', apply: 'set: [a, aprime, c, cprime]' },
    ],
    object: 'set: [a, b, aprime, c, d, cprime]',
    managed: { default: ['.set[="a"]', '.set[="aprime"]', '.set[="c"]', '.set[="cprime"]'], controller: ['.set[="b"]', '.set[="d"]'] },
  },
  {
    name: 'set: applying fewer items removes the others',
    ops: [{ manager: 'default', apply: 'set: [a, b, c, d]' }, { manager: 'default', apply: 'set: [a, c]' }],
    object: 'set: [a, c]',
    managed: { default: ['.set[="a"]', '.set[="c"]'] },
  },
  {
    name: 'leaf: an applier conflicts with the updater that changed its field, then forces',
    ops: [
      { manager: 'default', apply: 'numeric: 1\nstring: string' },
      { manager: 'controller', update: 'numeric: 1\nstring: controller string\nbool: true' },
      { manager: 'default', apply: 'numeric: 2\nstring: user string', conflicts: ['controller .string'] },
      { manager: 'default', apply: 'numeric: 2\nstring: user string', force: true },
    ],
    object: 'numeric: 2\nstring: user string\nbool: true',
    managed: { default: ['.numeric', '.string'], controller: ['.bool'] },
  },
  {
    name: 'multiple appliers: one removes its item, the other keeps theirs',
    ops: [
      { manager: 'apply-one', apply: 'list: [{name: a}, {name: b}, {name: c}]' },
      { manager: 'apply-two', apply: 'list: [{name: c}, {name: d}]' },
      { manager: 'apply-one', apply: 'list: [{name: a}]' },
    ],
    object: 'list: [{name: a}, {name: c}, {name: d}]',
    managed: {
      'apply-one': ['.list[name="a"]', '.list[name="a"].name'],
      'apply-two': ['.list[name="c"]', '.list[name="c"].name', '.list[name="d"]', '.list[name="d"].name'],
    },
  },
  {
    name: 'multiple appliers: changing another applier\'s value conflicts',
    ops: [
      { manager: 'apply-one', apply: 'list: [{name: a, value: 0}]' },
      { manager: 'apply-two', apply: 'list: [{name: a, value: 1}]', conflicts: ['apply-one .list[name="a"].value'] },
    ],
    object: 'list: [{name: a, value: 0}]',
    managed: { 'apply-one': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].value'] },
  },
  {
    name: 'unsetting a scalar its sole owner applied before removes it',
    ops: [{ manager: 'apply-one', apply: 'struct: {name: a, scalarField: a}' }, { manager: 'apply-one', apply: 'struct: {name: a}' }],
    object: 'struct: {name: a}',
    managed: { 'apply-one': ['.struct.name'] },
  },
  {
    name: 'unsetting a scalar an updater also set keeps it',
    ops: [
      { manager: 'updater', update: 'struct: {name: a, scalarField: a}' },
      { manager: 'applier', apply: 'struct: {name: a, scalarField: a}' },
      { manager: 'applier', apply: 'struct: {name: a}' },
    ],
    object: 'struct: {name: a, scalarField: a}',
    managed: { updater: ['.struct', '.struct.name', '.struct.scalarField'], applier: ['.struct.name'] },
  },
  {
    name: 'an updater claims the field it changes from the applier',
    ops: [{ manager: 'applier', apply: 'struct: {name: a, scalarField: a}' }, { manager: 'updater', update: 'struct: {name: a, scalarField: b}' }],
    object: 'struct: {name: a, scalarField: b}',
    managed: { updater: ['.struct.scalarField'], applier: ['.struct.name'] },
  },
  {
    name: 'unsetting a struct its sole owner applied removes it whole',
    ops: [{ manager: 'apply-one', apply: 'struct: {name: a, complexField: {name: b}}' }, { manager: 'apply-one', apply: 'struct: {name: a}' }],
    object: 'struct: {name: a}',
    managed: { 'apply-one': ['.struct.name'] },
  },
  {
    name: 'unsetting a struct another applier shares keeps it',
    ops: [
      { manager: 'apply-one', apply: 'struct: {name: a, complexField: {name: b}}' },
      { manager: 'apply-two', apply: 'struct: {complexField: {name: b}}' },
      { manager: 'apply-one', apply: 'struct: {name: a}' },
    ],
    object: 'struct: {name: a, complexField: {name: b}}',
    managed: { 'apply-one': ['.struct.name'], 'apply-two': ['.struct.complexField.name'] },
  },
];

for (const c of cases) {
  test(`updater: ${c.name}`, () => {
    const { object, managed } = run(c.ops);
    assert.deepEqual(object, parse(c.object));
    assert.deepEqual(managed, Object.fromEntries(Object.entries(c.managed).map(([m, paths]) => [m, [...paths].sort()])));
  });
}
