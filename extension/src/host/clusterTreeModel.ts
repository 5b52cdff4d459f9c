/**
 * ClusterTreeModel is the Cluster view without the editor: which rows exist
 * under which (Namespaces → kinds → objects; Workloads → Deployments →
 * ReplicaSets → Pods; Nodes → Pods) and what each row shows. ClusterTree hands
 * its answers to VS Code; tests and the bench call it directly.
 *
 * Rows get ids from their path, so the same pod under its ReplicaSet and under
 * its node are two rows, and a row keeps its id (and VS Code its expansion)
 * across refreshes. Children are read once per refresh from the informers'
 * indexes; a list whose members did not change keeps last refresh's sorted
 * rows, so a refresh sorts only what changed.
 */
import type { KubeObject, Node, Pod } from '../lab/api/types';
import type { Informer } from '../lab/client/informer';
import { DEPLOYMENTS, NAMESPACES, NODES, PODS, REPLICASETS, type ResourceRef } from '../lab/client/resources';
import { BY_CONTROLLER, BY_NAMESPACE, BY_NODE, type ClusterModel, refKey } from './clusterModel';
import { describeObject, type Icon, nodeIcon, nodeStatus, objectTooltip, podRow } from './objectSummary';
import { type KindSpec, NAMESPACED_KINDS, kindSpec } from './resourceKinds';
import { contextValueOf, type ResourceItem } from './resourceItem';

export type GroupId = 'namespaces' | 'workloads' | 'deployments' | 'pods' | 'nodes';

/** GroupNode is a fixed heading: Namespaces, Workloads, Deployments, Pods, Nodes. */
export interface GroupNode {
  type: 'group';
  id: string;
  group: GroupId;
}

/** KindNode is one kind's heading under a namespace ("Deployments" in default). */
export interface KindNode {
  type: 'kind';
  id: string;
  namespace: string;
  spec: KindSpec;
  resource: ResourceRef;
}

/** ObjectNode stands for one object; it carries ResourceItem's fields, so resource commands take it as is. */
export interface ObjectNode extends ResourceItem {
  type: 'object';
  id: string;
  /** key is the informer key, `namespace/name`. */
  key: string;
  spec: KindSpec;
  /** expand opens the row (and the rows it owns) at first sight, as in Workloads. */
  expand: boolean;
}

export type ClusterNode = GroupNode | KindNode | ObjectNode;

/** ItemView is what a row shows, in editor-neutral terms. */
export interface ItemView {
  id: string;
  label: string;
  description?: string;
  icon?: Icon;
  collapsible: 'none' | 'collapsed' | 'expanded';
  contextValue?: string;
}

const GROUPS: Record<GroupId, { label: string; icon: string; expanded: boolean }> = {
  namespaces: { label: 'Namespaces', icon: 'symbol-namespace', expanded: false },
  workloads: { label: 'Workloads', icon: 'layers', expanded: true },
  deployments: { label: 'Deployments', icon: 'rocket', expanded: true },
  pods: { label: 'Pods', icon: 'package', expanded: false },
  nodes: { label: 'Nodes', icon: 'server', expanded: true },
};

/** The resources the model watches from the start; every other kind's version comes from discovery. */
const KNOWN_REFS = new Map([PODS, DEPLOYMENTS, REPLICASETS, NAMESPACES, NODES].map((r) => [refKey(r), r]));
const NAMESPACE_SPEC = kindSpec('Namespace') as KindSpec;
const NODE_SPEC = kindSpec('Node') as KindSpec;
const POD_SPEC = kindSpec('Pod') as KindSpec;
const DEPLOYMENT_SPEC = kindSpec('Deployment') as KindSpec;

/** naturalCompare orders names as people read them: node-2 before node-10. */
export function naturalCompare(a: string, b: string): number {
  // Fast path: the first difference decides unless it falls inside a number.
  const n = Math.min(a.length, b.length);
  let k = 0;
  while (k < n && a.charCodeAt(k) === b.charCodeAt(k)) k++;
  if (k === n) return a.length - b.length;
  const da = isDigit(a.charCodeAt(k));
  const db = isDigit(b.charCodeAt(k));
  if (!(da && db) && !((da || db) && k > 0 && isDigit(a.charCodeAt(k - 1)))) return a.charCodeAt(k) - b.charCodeAt(k);
  while (k > 0 && isDigit(a.charCodeAt(k - 1))) k--;
  let i = k;
  let j = k;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      // Compare the two digit runs as numbers: skip leading zeros, then the longer run is larger.
      while (a.charCodeAt(i) === 48 && isDigit(a.charCodeAt(i + 1))) i++;
      while (b.charCodeAt(j) === 48 && isDigit(b.charCodeAt(j + 1))) j++;
      let ea = i;
      let eb = j;
      while (isDigit(a.charCodeAt(ea))) ea++;
      while (isDigit(b.charCodeAt(eb))) eb++;
      if (ea - i !== eb - j) return ea - i - (eb - j);
      for (; i < ea; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return a.charCodeAt(i) - b.charCodeAt(j);
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  const rest = a.length - i - (b.length - j);
  // Names equal but for zero padding (web-01, web-1) still need one order.
  return rest !== 0 || a === b ? rest : a < b ? -1 : 1;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

const kindIcons = new Map<string, Icon>();
/** kindIcon is a kind's plain icon, one object per codicon so the editor side maps it to one ThemeIcon. */
function kindIcon(id: string): Icon {
  let icon = kindIcons.get(id);
  if (!icon) kindIcons.set(id, (icon = { id }));
  return icon;
}

const contextValues = new Map<string, string>();
/** contextValue is contextValueOf(kind), remembered: every pod row has the same one. */
function contextValue(kind: string): string {
  let v = contextValues.get(kind);
  if (v === undefined) contextValues.set(kind, (v = contextValueOf(kind)));
  return v;
}

const byName = (a: KubeObject, b: KubeObject): number => naturalCompare(a.metadata.name ?? '', b.metadata.name ?? '');
const byKey = (a: KubeObject, b: KubeObject): number =>
  naturalCompare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || byName(a, b);

export class ClusterTreeModel {
  private memo = new Map<string, ClusterNode[]>();
  /** shownTexts remembers, by the object drawn, rowText's text for rows that depend on their object alone. */
  private shownTexts = new WeakMap<object, string>();
  /** lists are the object rows of each list (by parent and kind), with the uids they were made from. */
  private lists = new Map<string, { rows: ObjectNode[]; uids: Set<string> }>();
  private previousLists = new Map<string, { rows: ObjectNode[]; uids: Set<string> }>();

  constructor(readonly model: ClusterModel) {}

  /** invalidate forgets the remembered children: the next questions read the informers afresh. */
  invalidate(): void {
    this.memo = new Map();
    // Lists not asked for again in the next refresh (a collapsed row) are forgotten then.
    this.previousLists = this.lists;
    this.lists = new Map();
  }

  children(node?: ClusterNode): ClusterNode[] {
    const id = node?.id ?? '';
    let kids = this.memo.get(id);
    if (!kids) this.memo.set(id, (kids = this.compute(node)));
    return kids;
  }

  item(node: ClusterNode): ItemView {
    switch (node.type) {
      case 'group': {
        const g = GROUPS[node.group];
        const count = node.group === 'workloads' ? undefined : this.count(node);
        return {
          id: node.id, label: g.label, icon: kindIcon(g.icon), contextValue: `group.${node.group}`,
          collapsible: g.expanded ? 'expanded' : 'collapsed', ...(count === undefined ? {} : { description: String(count) }),
        };
      }
      case 'kind':
        return {
          id: node.id, label: node.spec.title, icon: kindIcon(node.spec.icon), contextValue: `kind.${refKey(node.spec)}`,
          collapsible: 'collapsed', description: String(this.count(node)),
        };
      case 'object':
        return this.objectItem(node);
    }
  }

  /**
   * rowText is what a row shows, as one line of text to compare between
   * redraws. A row of an object that owns nothing (not a Namespace or a Node,
   * whose rows count what they hold) shows that object alone, so its text is
   * remembered by the object, which an informer replaces when it changes.
   */
  rowText(node: ClusterNode): string {
    if (node.type === 'object' && node.spec.owns.length === 0 && node.spec !== NAMESPACE_SPEC && node.spec !== NODE_SPEC) {
      const obj = this.informerFor(node.ref)?.get(node.key);
      if (obj) {
        let text = this.shownTexts.get(obj);
        if (text === undefined) this.shownTexts.set(obj, (text = viewText(this.item(node))));
        return text;
      }
    }
    return viewText(this.item(node));
  }

  /** tooltip is a row's Markdown card (objects only), built when the row is hovered. */
  tooltip(node: ClusterNode, now: number): string | undefined {
    if (node.type !== 'object') return undefined;
    const obj = this.informerFor(node.ref)?.get(node.key);
    if (!obj) return undefined;
    let md = objectTooltip(node.spec, obj, now);
    if (node.spec.kind === 'Node') {
      const pods = this.model.pods.byIndex(BY_NODE, node.name).length;
      md += `\n\n${pods} ${pods === 1 ? 'pod' : 'pods'} on this node`;
    }
    return md;
  }

  private objectItem(node: ObjectNode): ItemView {
    const obj = this.informerFor(node.ref)?.get(node.key);
    if (!obj) return { id: node.id, label: node.name, description: 'deleted', collapsible: 'none', contextValue: contextValue(node.kind) };
    const item: ItemView = { id: node.id, label: node.name, collapsible: 'none', contextValue: contextValue(node.kind) };
    const openable = node.spec === NAMESPACE_SPEC || node.spec === NODE_SPEC || this.owns(node, obj.metadata.uid);
    if (openable) item.collapsible = node.expand ? 'expanded' : 'collapsed';
    switch (node.spec.kind) {
      case 'Pod': {
        const row = podRow(obj as Pod);
        item.description = row.description;
        item.icon = row.icon;
        break;
      }
      case 'Node': {
        const status = nodeStatus(obj as Node);
        const pods = this.model.pods.byIndex(BY_NODE, node.name).length;
        item.description = `${status} · ${pods} ${pods === 1 ? 'pod' : 'pods'}`;
        item.icon = nodeIcon(status);
        if ((obj as Node).spec.unschedulable) item.contextValue = contextValueOf(node.kind, ['unschedulable']);
        break;
      }
      default:
        item.description = describeObject(node.spec, obj);
        item.icon = kindIcon(node.spec.icon);
    }
    return item;
  }

  private compute(node: ClusterNode | undefined): ClusterNode[] {
    const m = this.model;
    if (!node) return (['namespaces', 'workloads', 'nodes'] as const).map((group) => ({ type: 'group', id: group, group }));
    switch (node.type) {
      case 'group':
        switch (node.group) {
          case 'namespaces': return this.objects(node.id, NAMESPACE_SPEC, NAMESPACES, m.namespaces.list(), false, byName);
          case 'workloads': return (['deployments', 'pods'] as const).map((group) => ({ type: 'group', id: `${node.id}/${group}`, group }));
          case 'deployments': return this.objects(node.id, DEPLOYMENT_SPEC, DEPLOYMENTS, m.deployments.list(), true, byKey);
          case 'pods': return this.objects(node.id, POD_SPEC, PODS, m.pods.list(), false, byKey);
          case 'nodes': return this.objects(node.id, NODE_SPEC, NODES, m.nodes.list(), false, byName);
        }
        return [];
      case 'kind': {
        const inf = m.informer(node.resource);
        return this.objects(node.id, node.spec, node.resource, inf.byIndex(BY_NAMESPACE, node.namespace), false, byName);
      }
      case 'object':
        if (node.spec === NAMESPACE_SPEC) return this.kinds(node);
        if (node.spec === NODE_SPEC) return this.objects(node.id, POD_SPEC, PODS, m.pods.byIndex(BY_NODE, node.name), false, byKey);
        return this.owned(node);
    }
  }

  /** kinds lists a namespace's kinds that have objects there, starting their informers on first sight. */
  private kinds(ns: ObjectNode): KindNode[] {
    const out: KindNode[] = [];
    for (const spec of NAMESPACED_KINDS) {
      const resource = this.refOf(spec);
      if (!resource) continue;
      const inf = this.model.informer(resource);
      if (!inf.hasSynced || inf.byIndex(BY_NAMESPACE, ns.name).length === 0) continue;
      out.push({ type: 'kind', id: `${ns.id}/${refKey(spec)}`, namespace: ns.name, spec, resource });
    }
    return out;
  }

  /** owned lists the objects an object controls (a Deployment's ReplicaSets, a ReplicaSet's Pods), opened as it is. */
  private owned(node: ObjectNode): ObjectNode[] {
    const uid = this.informerFor(node.ref)?.get(node.key)?.metadata.uid;
    if (!uid) return [];
    const out: ObjectNode[] = [];
    for (const key of node.spec.owns) {
      const spec = kindSpec(key);
      const resource = spec && this.refOf(spec);
      if (!spec || !resource) continue;
      const objs = this.model.informer(resource).byIndex(BY_CONTROLLER, uid);
      out.push(...this.objects(node.id, spec, resource, objs, node.expand, byName));
    }
    return out;
  }

  /** objects makes the rows for objs under parentId, sorted by compare, reusing last refresh's rows when the members are the same. */
  private objects(parentId: string, spec: KindSpec, ref: ResourceRef, objs: KubeObject[], expand: boolean, compare: (a: KubeObject, b: KubeObject) => number): ObjectNode[] {
    const listKey = `${parentId}|${spec.kind}`;
    const last = this.lists.get(listKey) ?? this.previousLists.get(listKey);
    if (last && last.uids.size === objs.length && objs.every((o) => last.uids.has(o.metadata.uid ?? ''))) {
      this.lists.set(listKey, last);
      return last.rows;
    }
    objs.sort(compare);
    const rows: ObjectNode[] = new Array<ObjectNode>(objs.length);
    const uids = new Set<string>();
    for (let i = 0; i < objs.length; i++) {
      const o = objs[i];
      const namespace = o.metadata.namespace ?? '';
      const name = o.metadata.name ?? '';
      const key = namespace ? `${namespace}/${name}` : name;
      rows[i] = { type: 'object', id: `${parentId}/${spec.kind}:${key}`, key, ref, kind: spec.kind, namespace, name, spec, expand };
      uids.add(o.metadata.uid ?? '');
    }
    this.lists.set(listKey, { rows, uids });
    return rows;
  }

  /** refOf is the resource serving a kind: the model's own for the kinds it always watches, else discovery's listable, watchable one. */
  private refOf(spec: KindSpec): ResourceRef | undefined {
    const known = KNOWN_REFS.get(refKey(spec));
    if (known) return known;
    const r = this.model.resources()?.find((d) => d.group === spec.group && d.resource === spec.resource && d.verbs.includes('list') && d.verbs.includes('watch'));
    return r && { group: r.group, version: r.version, resource: r.resource, namespaced: r.namespaced };
  }

  private informerFor(ref: ResourceRef): Informer<KubeObject> | undefined {
    return this.model.has(ref) ? this.model.informer(ref) : undefined;
  }

  /** count is how many rows a heading has, read from the indexes without building (or sorting) the rows. */
  private count(node: GroupNode | KindNode): number {
    const m = this.model;
    if (node.type === 'kind') return m.informer(node.resource).byIndex(BY_NAMESPACE, node.namespace).length;
    switch (node.group) {
      case 'namespaces': return m.namespaces.list().length;
      case 'deployments': return m.deployments.list().length;
      case 'pods': return m.pods.list().length;
      case 'nodes': return m.nodes.list().length;
      default: return 2;
    }
  }

  /** owns tells whether an object controls any object of the kinds its kind owns. */
  private owns(node: ObjectNode, uid: string | undefined): boolean {
    if (!uid) return false;
    for (const key of node.spec.owns) {
      const spec = kindSpec(key);
      const resource = spec && this.refOf(spec);
      if (resource && this.model.informer(resource).byIndex(BY_CONTROLLER, uid).length > 0) return true;
    }
    return false;
  }
}

/** viewText is what an item shows (all but its id) as text, tab-separated. */
export function viewText(v: ItemView): string {
  return `\t${v.label}\t${v.description ?? ''}\t${v.icon ? `${v.icon.id}/${v.icon.color ?? ''}` : ''}\t${v.collapsible}\t${v.contextValue ?? ''}\n`;
}
