/**
 * updater is structured-merge-diff's merge.Updater (merge/update.go): it keeps each
 * manager's field set true to the object. An update takes the fields it changed from
 * everyone else; an apply merges the configuration, prunes what the applier set last
 * time and no longer sets (unless someone else owns it), and fails with conflicts
 * when it would change fields another manager owns, unless forced.
 */
import { type Comparison, compare, excludeFields } from './compare';
import { FieldSet, type Path } from './fieldSet';
import { valuesEqual } from './helpers';
import { merge } from './merge';
import { removeItems } from './remove';
import { toFieldSet } from './toFieldSet';
import { type Atom, childAtom } from './typeRef';

/** VersionedSet is one manager's fields, the API version it wrote them in, and whether it applied them. */
export interface VersionedSet {
  readonly set: FieldSet;
  readonly apiVersion: string;
  readonly applied: boolean;
}

/** Managers maps a manager identifier to its fields. */
export type Managers = Map<string, VersionedSet>;

/** Conflict is a field the request would change that manager owns. */
export interface Conflict {
  manager: string;
  path: Path;
}

/** Updater computes managed fields for one type; ignored are the fields the strategy resets (status on the main resource). */
export class Updater {
  constructor(private readonly atom: Atom, private readonly ignored?: FieldSet) {}

  /** update records that manager wrote newObject over liveObject; it returns new managers and leaves the given ones alone. */
  update(liveObject: unknown, newObject: unknown, version: string, given: Managers, manager: string): Managers {
    const managers = new Map(given);
    const result = this.reconcile(liveObject, newObject, managers, manager, true);
    if ('conflicts' in result) throw new Error('unforced update reported conflicts');
    const { compare: c } = result;
    const previous = managers.get(manager)?.set ?? new FieldSet();
    let set = previous.difference(c.removed).union(c.modified).union(c.added);
    if (this.ignored) set = set.recursiveDifference(this.ignored);
    if (set.isEmpty()) managers.delete(manager);
    else managers.set(manager, { set, apiVersion: version, applied: false });
    return managers;
  }

  /** apply merges config into liveObject for manager; the object is undefined when nothing changed. The given managers are left alone. */
  apply(liveObject: unknown, config: unknown, version: string, given: Managers, manager: string, force: boolean): { object: unknown; managers: Managers } | { conflicts: Conflict[] } {
    const managers = new Map(given);
    let newObject = merge(liveObject, config, this.atom);
    const lastSet = managers.get(manager);
    let set = toFieldSet(config, this.atom);
    if (this.ignored) set = set.recursiveDifference(this.ignored);
    managers.set(manager, { set, apiVersion: version, applied: true });
    newObject = this.prune(newObject, managers, lastSet);
    const result = this.reconcile(liveObject, newObject, managers, manager, force);
    if ('conflicts' in result) return result;
    return { object: valuesEqual(liveObject, newObject) ? undefined : newObject, managers };
  }

  /**
   * reconcile takes the fields the request changed away from every other manager,
   * or reports them as conflicts; removed fields leave everyone's sets.
   */
  private reconcile(liveObject: unknown, newObject: unknown, managers: Managers, workflow: string, force: boolean): { compare: Comparison } | { conflicts: Conflict[] } {
    const c = excludeFields(compare(liveObject, newObject, this.atom), this.ignored);
    const changed = c.modified.union(c.added);
    const conflicts = new Map<string, FieldSet>();
    for (const [manager, vs] of managers) {
      if (manager === workflow) continue;
      const conflictSet = vs.set.intersection(changed);
      if (!conflictSet.isEmpty()) conflicts.set(manager, conflictSet);
    }
    if (!force && conflicts.size > 0) {
      const out: Conflict[] = [];
      for (const [manager, s] of conflicts) for (const path of s.paths()) out.push({ manager, path });
      return { conflicts: out };
    }
    for (const [manager, vs] of managers) {
      if (manager === workflow) continue;
      let set = vs.set;
      const taken = conflicts.get(manager);
      if (taken) set = set.difference(taken);
      if (!c.removed.isEmpty()) set = set.difference(c.removed);
      if (set.isEmpty()) managers.delete(manager);
      else if (set !== vs.set) managers.set(manager, { ...vs, set });
    }
    const own = managers.get(workflow);
    if (own?.set.isEmpty()) managers.delete(workflow);
    return { compare: c };
  }

  /** prune removes what the applier owned last time and no longer applies, unless another manager owns it or the applier never did. */
  private prune(merged: unknown, managers: Managers, lastSet: VersionedSet | undefined): unknown {
    if (!lastSet || lastSet.set.isEmpty()) return merged;
    const ensure = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(s, this.atom);
    let pruned = removeItems(merged, ensure(lastSet.set), this.atom);
    let managed = new FieldSet();
    for (const vs of managers.values()) managed = managed.union(vs.set);
    const mergedSet = ensure(toFieldSet(merged, this.atom));
    pruned = removeItems(merged, mergedSet.difference(ensure(toFieldSet(pruned, this.atom)).union(ensure(managed))), this.atom);
    const dangling = mergedSet.difference(ensure(toFieldSet(pruned, this.atom))).intersection(ensure(lastSet.set));
    return removeItems(merged, dangling, this.atom);
  }
}

/**
 * ensureNamedFieldsAreMembers is Set.EnsureNamedFieldsAreMembers: a struct field
 * with owned fields below it becomes a member itself (a map's keys do not), so
 * removing the set removes emptied structs too.
 */
function ensureNamedFieldsAreMembers(s: FieldSet, atom: Atom | undefined): FieldSet {
  const out = new FieldSet();
  for (const [k, pe] of s.members) out.members.set(k, pe);
  const m = atom?.map;
  for (const [k, c] of s.children) {
    let child: Atom | undefined;
    if (c.pe.kind === 'f' && m) {
      if (m.field(c.pe.name)) out.members.set(k, c.pe);
      child = childAtom(m, c.pe.name);
    } else if (c.pe.kind === 'k' && atom?.list) {
      child = atom.list.element;
    }
    out.children.set(k, { pe: c.pe, set: ensureNamedFieldsAreMembers(c.set, child) });
  }
  return out;
}
