/**
 * daemonSetHistory keeps a DaemonSet's ControllerRevisions, as the history half
 * of upstream's update.go: one revision per template (named `<ds>-<hash>`, the
 * hash also its `controller-revision-hash` label), the current one numbered
 * highest, duplicates folded, and old ones beyond revisionHistoryLimit deleted
 * once no pod runs them.
 */
import { controllerOf } from '../api/meta';
import { fromLabelSelector, matches } from '../api/labels';
import type { ControllerRevision, DaemonSet, Pod, Status } from '../api/types';
import { isStatus } from '../api/types';
import type { Informer } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { CONTROLLER_REVISIONS, DAEMONSETS, PODS } from '../client/resources';
import { type ControllerHistory, revisionData, sortControllerRevisions } from './controllerHistory';
import { recheckDeletionTimestamp } from './controllerRefManager';
import { ownerRef } from './controllerUtils';
import { DAEMONSET_UNIQUE_LABEL } from './daemonSetUtil';
import { computeHash } from './deploymentController';

/** DAEMONSET_KIND is the owner kind put on revisions the DaemonSet adopts. */
const DAEMONSET_KIND = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

/** getPatch is getPatch: the revision's data, a strategic merge patch that puts the DaemonSet's template back whole. */
export function getPatch(ds: DaemonSet): unknown {
  return { spec: { template: { ...structuredClone(ds.spec.template), $patch: 'replace' } } };
}

/** matchRevision is Match: the revision holds the DaemonSet's current template. */
export function matchRevision(ds: DaemonSet, revision: ControllerRevision): boolean {
  return revisionData(getPatch(ds)) === revisionData(revision.data);
}

/** DaemonSetRevisions is the outcome of constructHistory: the current revision and the others. */
export interface DaemonSetRevisions {
  cur: ControllerRevision;
  old: ControllerRevision[];
}

/** DaemonSetHistory reads a DaemonSet's revisions from the shared informer and writes them through ControllerHistory and the client. */
export class DaemonSetHistory {
  constructor(private readonly client: KubeClient, private readonly history: ControllerHistory, private readonly revisions: Informer<ControllerRevision>) {}

  /**
   * constructHistory is constructHistory: it claims the DaemonSet's revisions,
   * labels any without the hash label, and finds or creates the current one
   * with the highest revision number. Failures come back as the API's Status.
   */
  async constructHistory(ds: DaemonSet, pods: () => Pod[]): Promise<DaemonSetRevisions | Status> {
    const claimed = await this.controlledHistories(ds);
    if (isStatus(claimed)) return claimed;
    const current: ControllerRevision[] = [];
    const old: ControllerRevision[] = [];
    for (let r of claimed) {
      if (r.metadata.labels?.[DAEMONSET_UNIQUE_LABEL] === undefined) {
        // The name stands in for the hash, so a collision cannot matter.
        const updated = await this.client.update(CONTROLLER_REVISIONS, { ...r, metadata: { ...r.metadata, labels: { ...r.metadata.labels, [DAEMONSET_UNIQUE_LABEL]: r.metadata.name ?? '' } } });
        if (isStatus(updated)) return updated;
        r = updated;
      }
      (matchRevision(ds, r) ? current : old).push(r);
    }
    const currRevision = old.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
    if (current.length === 0) {
      const cur = await this.snapshot(ds, currRevision);
      return isStatus(cur) ? cur : { cur, old };
    }
    const cur = current.length === 1 ? current[0] : await this.dedupCurHistories(current, pods());
    if (isStatus(cur)) return cur;
    if (cur.revision >= currRevision) return { cur, old };
    const renumbered = await this.history.update(cur, currRevision);
    return isStatus(renumbered) ? renumbered : { cur: renumbered, old };
  }

  /**
   * cleanupHistory is cleanupHistory: past revisionHistoryLimit (10), the oldest
   * revisions no pod (terminal ones included) still carries are deleted.
   */
  async cleanupHistory(ds: DaemonSet, old: ControllerRevision[], pods: () => Pod[]): Promise<Status | undefined> {
    let toKill = old.length - (ds.spec.revisionHistoryLimit ?? 10);
    if (toKill <= 0) return undefined;
    const liveHashes = new Set(pods().map((p) => p.metadata.labels?.[DAEMONSET_UNIQUE_LABEL]).filter((h) => h));
    for (const r of sortControllerRevisions(old)) {
      if (toKill <= 0) break;
      if (liveHashes.has(r.metadata.labels?.[DAEMONSET_UNIQUE_LABEL])) continue;
      const err = await this.history.delete(r);
      if (err && err.code !== 404) return err;
      toKill--;
    }
    return undefined;
  }

  /**
   * controlledHistories is controlledHistories with ClaimControllerRevisions: the
   * namespace's revisions the DaemonSet controls and its selector matches; ones
   * it controls that no longer match are released, matching orphans adopted
   * unless the DaemonSet is being deleted (checked with a fresh read first).
   */
  private async controlledHistories(ds: DaemonSet): Promise<ControllerRevision[] | Status> {
    const selector = fromLabelSelector(ds.spec.selector);
    const namespace = ds.metadata.namespace ?? '';
    const out: ControllerRevision[] = [];
    const canAdopt = recheckDeletionTimestamp(this.client, DAEMONSETS, ds);
    for (const r of this.revisions.list()) {
      if (r.metadata.namespace !== namespace) continue;
      const ref = controllerOf(r);
      const selected = selector !== undefined && matches(selector, r.metadata.labels);
      if (ref) {
        if (ref.uid !== ds.metadata.uid) continue;
        if (selected) {
          out.push(r);
          continue;
        }
        const released = await this.history.release(ds, r);
        if (isStatus(released)) return released;
        continue;
      }
      if (!selected || r.metadata.deletionTimestamp) continue;
      if (!(await canAdopt())) continue;
      const adopted = await this.history.adopt(ds, DAEMONSET_KIND, r);
      if (isStatus(adopted)) {
        if (adopted.code === 404) continue;
        return adopted;
      }
      out.push(adopted);
    }
    return out;
  }

  /**
   * dedupCurHistories is dedupCurHistories: of several revisions holding the
   * current template, the highest-numbered stays, pods are relabelled to its
   * hash, and the others are deleted.
   */
  private async dedupCurHistories(current: ControllerRevision[], pods: Pod[]): Promise<ControllerRevision | Status> {
    if (current.length === 1) return current[0];
    let keep = current[0];
    for (const r of current) if (r.revision >= keep.revision) keep = r;
    const hash = keep.metadata.labels?.[DAEMONSET_UNIQUE_LABEL] ?? '';
    for (const pod of pods) {
      if (pod.metadata.labels?.[DAEMONSET_UNIQUE_LABEL] === hash) continue;
      const patched = await this.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', { metadata: { labels: { [DAEMONSET_UNIQUE_LABEL]: hash } } });
      if (isStatus(patched)) return patched;
    }
    for (const r of current) {
      if (r === keep) continue;
      const err = await this.history.delete(r);
      if (err && err.code !== 404) return err;
    }
    return keep;
  }

  /**
   * snapshot is snapshot: it creates the revision of the current template. When
   * the name is taken by another template, the DaemonSet's collisionCount goes up
   * (unless the one it was hashed with is stale) and the sync fails, to be retried
   * with the new hash.
   */
  private async snapshot(ds: DaemonSet, revision: number): Promise<ControllerRevision | Status> {
    const hash = computeHash(ds.spec.template, ds.status?.collisionCount);
    const name = `${ds.metadata.name ?? ''}-${hash}`;
    const namespace = ds.metadata.namespace ?? '';
    const cr: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace,
        labels: { ...ds.spec.template.metadata?.labels, [DAEMONSET_UNIQUE_LABEL]: hash },
        ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
        ownerReferences: [ownerRef({ ...ds, ...DAEMONSET_KIND })],
      },
      data: getPatch(ds),
      revision,
    };
    const created = await this.client.create(CONTROLLER_REVISIONS, cr);
    if (!isStatus(created) || created.reason !== 'AlreadyExists') return created;
    const existing = await this.client.get<ControllerRevision>(CONTROLLER_REVISIONS, namespace, name);
    if (isStatus(existing)) return existing;
    if (matchRevision(ds, existing)) return existing;
    const fresh = await this.client.get<DaemonSet>(DAEMONSETS, namespace, ds.metadata.name ?? '');
    if (isStatus(fresh)) return fresh;
    if ((fresh.status?.collisionCount ?? undefined) !== (ds.status?.collisionCount ?? undefined)) {
      return staleCollisionCount(ds, fresh);
    }
    const bumped = await this.client.updateStatus(DAEMONSETS, {
      ...fresh,
      status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, ...fresh.status, collisionCount: (fresh.status?.collisionCount ?? 0) + 1 },
    });
    return isStatus(bumped) ? bumped : created;
  }
}

/** staleCollisionCount is the error snapshot returns when the informer's collisionCount lags the server's. */
function staleCollisionCount(ds: DaemonSet, fresh: DaemonSet): Status {
  return {
    apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code: 409, reason: 'Conflict',
    message: `found a stale collision count (${ds.status?.collisionCount ?? 'nil'}, expected ${fresh.status?.collisionCount ?? 'nil'}) of DaemonSet "${ds.metadata.name ?? ''}" while processing; will retry until it is updated`,
  };
}
