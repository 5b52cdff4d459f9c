/**
 * resourcePick turns a command's argument into the object it acts on: the tree
 * item a context menu passes, or — from the palette — the object the user picks
 * in a QuickPick (of given kinds, or first a resource type from discovery).
 */
import * as vscode from 'vscode';
import { type KubeObject, type Node, isStatus } from '../lab/api/types';
import { type APIResource, preferredResources, serverResources } from '../lab/client/discovery';
import type { KubeClient } from '../lab/client/kubeClient';
import { typeName } from '../lab/client/kubectlOutput';
import type { ResourceRef } from '../lab/client/resources';
import { type ResourceItem, isResourceItem } from './resourceItem';

/** Kind is a resource and the kind it serves. */
export interface Kind {
  ref: ResourceRef;
  kind: string;
}

const apps = (resource: string, kind: string): Kind => ({ ref: { group: 'apps', version: 'v1', resource, namespaced: true }, kind });
export const DEPLOYMENT = apps('deployments', 'Deployment');
export const REPLICASET = apps('replicasets', 'ReplicaSet');
export const STATEFULSET = apps('statefulsets', 'StatefulSet');
export const DAEMONSET = apps('daemonsets', 'DaemonSet');
export const REPLICATIONCONTROLLER: Kind = { ref: { group: '', version: 'v1', resource: 'replicationcontrollers', namespaced: true }, kind: 'ReplicationController' };
export const NODE: Kind = { ref: { group: '', version: 'v1', resource: 'nodes', namespaced: false }, kind: 'Node' };

/** Applies says which objects a command takes: objects of these kinds, or of any resource that allows a verb. */
export type Applies = { kinds: readonly Kind[] } | { verb: string };

/** fits tells whether a tree item is one a command takes. */
export function fits(item: ResourceItem, applies: Applies): boolean {
  if ('verb' in applies) return true;
  return applies.kinds.some((k) => k.kind === item.kind && k.ref.group === item.ref.group);
}

interface ObjectPick extends vscode.QuickPickItem {
  item: ResourceItem;
}

/**
 * resourceTarget is the object a command acts on: arg when it is a tree item the
 * command applies to, else the user's pick (undefined if they cancel or there is
 * nothing to pick). An item of a kind the command does not take is an error.
 * title is the command's (`Scale`), for the pickers and that error.
 */
export async function resourceTarget(arg: unknown, client: () => Promise<KubeClient>, applies: Applies, title: string): Promise<ResourceItem | undefined> {
  if (isResourceItem(arg)) {
    if (fits(arg, applies)) return arg;
    throw new Error(`${title} does not apply to ${typeName(arg.kind, arg.ref.group)}/${arg.name}`);
  }
  const c = await client();
  let kinds: readonly Kind[];
  if ('verb' in applies) {
    const type = await pickType(c, applies.verb, title);
    if (!type) return undefined;
    kinds = [type];
  } else {
    kinds = applies.kinds;
  }
  return pickObject(c, kinds, title);
}

/** pickType offers the server's resources (preferred versions) that can be listed and allow verb. */
async function pickType(client: KubeClient, verb: string, title: string): Promise<Kind | undefined> {
  const found = await serverResources(client);
  if (found.error && !found.resources.length) throw new Error(found.error);
  const types = preferredResources(found)
    .filter((r) => r.verbs.includes('list') && r.verbs.includes(verb))
    .sort((a, b) => typeKey(a).localeCompare(typeKey(b)));
  const picked = await vscode.window.showQuickPick(
    types.map((r) => ({ label: typeKey(r), description: `${r.kind}${r.namespaced ? '' : ' (cluster-scoped)'}`, type: r })),
    { title: `KubeLab: ${title}`, placeHolder: 'Resource type', matchOnDescription: true },
  );
  return picked && { ref: { group: picked.type.group, version: picked.type.version, resource: picked.type.resource, namespaced: picked.type.namespaced }, kind: picked.type.kind };
}

function typeKey(r: APIResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** pickObject lists every object of the kinds (all namespaces) and lets the user choose one. */
async function pickObject(client: KubeClient, kinds: readonly Kind[], title: string): Promise<ResourceItem | undefined> {
  const picks: ObjectPick[] = [];
  for (const k of kinds) {
    const list = await client.list(k.ref, '');
    // A kind the server does not serve (404) simply has nothing to offer; any other failure is worth saying.
    if (isStatus(list)) {
      if (list.code === 404) continue;
      throw new Error(list.message ?? `cannot list ${k.ref.resource}`);
    }
    for (const obj of list.items) picks.push(objectPick(k, obj));
  }
  if (!picks.length) {
    void vscode.window.showInformationMessage(`KubeLab: there are no ${kinds.map((k) => `${k.kind}s`).join(' or ')} to choose from.`);
    return undefined;
  }
  picks.sort((a, b) => (a.description ?? '').localeCompare(b.description ?? '') || a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(picks, { title: `KubeLab: ${title}`, placeHolder: 'Object', matchOnDescription: true });
  return picked?.item;
}

function objectPick(k: Kind, obj: KubeObject): ObjectPick {
  const namespace = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  const type = typeName(k.kind, k.ref.group);
  const cordoned = k.kind === 'Node' && (obj as Node).spec?.unschedulable ? ' · SchedulingDisabled' : '';
  return {
    label: name,
    description: `${type}${namespace ? ` · ${namespace}` : ''}${cordoned}`,
    item: { ref: k.ref, kind: k.kind, namespace, name },
  };
}
