/**
 * ClusterSchemas is what completion and hover learn from the running lab: the
 * CRDs installed (watched through an informer, so a CRD applied a moment ago
 * completes at once) and the kinds the API serves (from discovery, read again
 * when the CRDs change). Without a running lab, the built-in kinds stand in.
 */
import * as vscode from 'vscode';
import type { CustomResourceDefinition } from '../lab/apiserver/apiextensions/types';
import { RealClock } from '../lab/clock';
import { serverResources } from '../lab/client/discovery';
import { Informer } from '../lab/client/informer';
import type { ResourceRef } from '../lab/client/resources';
import { CrdSchemas } from '../editor/crdSchemas';
import { type ServedKind, builtinKinds } from '../editor/fieldCompletions';
import type { Cluster } from './cluster';

const CUSTOM_RESOURCE_DEFINITIONS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false };

export class ClusterSchemas implements vscode.Disposable {
  /** crds holds the installed CRDs' schemas. */
  readonly crds = new CrdSchemas();
  private informer?: Informer<CustomResourceDefinition>;
  private servedKinds?: Promise<readonly ServedKind[]>;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: Cluster) {
    this.subscription = host.onDidChangeState((state) => {
      if (state === 'running') this.watch();
      else if (state === 'stopped') this.reset();
    });
    if (host.state === 'running') this.watch();
  }

  /** served is what the cluster serves and can create, once discovery answered; the built-in kinds until then. */
  served(): Promise<readonly ServedKind[]> {
    const client = this.host.client;
    if (!client) return Promise.resolve(builtinKinds());
    this.servedKinds ??= serverResources(client).then(
      (found) => found.resources.filter((r) => r.verbs.includes('create')).map((r) => ({ apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind })),
      () => {
        this.servedKinds = undefined;
        return builtinKinds();
      },
    );
    return this.servedKinds;
  }

  private watch(): void {
    const client = this.host.client;
    if (!client || this.informer) return;
    const informer = new Informer<CustomResourceDefinition>(client, CUSTOM_RESOURCE_DEFINITIONS, new RealClock());
    const changed = (crd: CustomResourceDefinition) => {
      this.crds.set(crd);
      this.rediscover();
    };
    informer.addEventHandler({
      onAdd: changed,
      onUpdate: (_old, crd) => changed(crd),
      onDelete: (crd) => {
        this.crds.delete(crd);
        this.rediscover();
      },
    });
    this.informer = informer;
    void informer.start();
  }

  /** rediscover forgets the served kinds: a CRD became (or stopped being) served. */
  private rediscover(): void {
    this.servedKinds = undefined;
  }

  private reset(): void {
    this.informer?.stop();
    this.informer = undefined;
    this.crds.clear();
    this.rediscover();
  }

  dispose(): void {
    this.subscription.dispose();
    this.reset();
  }
}
