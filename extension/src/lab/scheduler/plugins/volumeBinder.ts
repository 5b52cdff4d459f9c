/**
 * volumeBinder is the scheduler's half of volume binding
 * (volumebinding.SchedulerVolumeBinder): it sorts a pod's claims into bound,
 * delayed (WaitForFirstConsumer, unbound) and immediate-but-unbound; decides per
 * node whether bound volumes' node affinity allows it, and whether each delayed
 * claim can take a fitting static volume there or be provisioned there; keeps
 * its choices in an assume cache over the informers so the next pod does not
 * take the same volume; and at PreBind writes them through the API (the
 * volume's claimRef, the claim's selected-node annotation) and waits for the
 * PV controller and the provisioner to finish.
 */
import type { KubeObject, Node, Pod } from '../../api/types';
import { requestedStorage } from '../../controllers/persistentVolumeUtil';
import {
  ANN_BIND_COMPLETED, ANN_SELECTED_NODE, type PersistentVolume, type PersistentVolumeClaim, bindVolumeToClaim, checkNodeAffinity, claimClass,
  findMatchingVolume, volumeClass,
} from '../../controllers/persistentVolumeUtil';
import { type StorageListers, claimNameOf, podVolumes } from './volumeListers';

/** The reasons a node cannot give the pod its volumes (ConflictReason). */
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
/** NOT_SUPPORTED_PROVISIONER is volume.NotSupportedProvisioner: a class for static volumes only. */
export const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';

/** BindingInfo is a claim and the static volume chosen for it. */
export interface BindingInfo {
  pvc: PersistentVolumeClaim;
  pv: PersistentVolume;
}

/** PodVolumes are the decisions for one node: static bindings, and claims to provision there. */
export interface PodVolumes {
  staticBindings: BindingInfo[];
  dynamicProvisions: PersistentVolumeClaim[];
}

/** PodVolumeClaims are the pod's claims sorted by what binding still needs. */
export interface PodVolumeClaims {
  boundClaims: PersistentVolumeClaim[];
  unboundClaimsDelayBinding: PersistentVolumeClaim[];
  unboundClaimsImmediate: PersistentVolumeClaim[];
}

/** AssumeCache overlays objects the scheduler decided on, until the informer shows a newer version (or the decision is reverted). */
export class AssumeCache<T extends KubeObject> {
  private readonly assumed = new Map<string, T>();

  constructor(private readonly api: (key: string) => T | undefined) {}

  /** get is the assumed object while it is at least as new as the informer's, else the informer's. */
  get(key: string): T | undefined {
    const latest = this.api(key);
    const a = this.assumed.get(key);
    if (!a) return latest;
    if (latest && rv(latest) > rv(a)) {
      this.assumed.delete(key);
      return latest;
    }
    return a;
  }

  /** getAPI is the informer's copy, what the API server said last. */
  getAPI(key: string): T | undefined {
    return this.api(key);
  }

  assume(key: string, obj: T): void {
    this.assumed.set(key, obj);
  }

  restore(key: string): void {
    this.assumed.delete(key);
  }

  /** overlay replaces the listed objects by their assumed versions. */
  overlay(list: T[], keyOf: (o: T) => string): T[] {
    if (this.assumed.size === 0) return list;
    return list.map((o) => this.get(keyOf(o)) ?? o);
  }
}

function rv(o: KubeObject): number {
  return Number(o.metadata.resourceVersion ?? 0) || 0;
}

const claimKeyOf = (c: KubeObject): string => `${c.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`;

/** isPVCFullyBound: the claim names its volume and the controller finished binding it. */
export function isPVCFullyBound(pvc: PersistentVolumeClaim): boolean {
  return !!pvc.spec.volumeName && pvc.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined;
}

/** matchTopologySelectorTerms is v1helper.MatchTopologySelectorTerms: no terms match every node; otherwise any term whose every expression the node's labels satisfy. */
export function matchTopologySelectorTerms(terms: readonly { matchLabelExpressions?: { key: string; values: string[] }[] }[] | undefined, labels: Record<string, string> | undefined): boolean {
  if (!terms?.length) return true;
  const l = labels ?? {};
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => l[e.key] !== undefined && e.values.includes(l[e.key])));
}

export class VolumeBinder {
  readonly pvCache: AssumeCache<PersistentVolume>;
  readonly pvcCache: AssumeCache<PersistentVolumeClaim>;

  constructor(private readonly listers: StorageListers) {
    this.pvCache = new AssumeCache((name) => listers.volume(name));
    this.pvcCache = new AssumeCache((key) => {
      const i = key.indexOf('/');
      return listers.claim(key.slice(0, i), key.slice(i + 1));
    });
  }

  /** isDelayBindingMode is IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer; a class without a mode is an error. */
  isDelayBindingMode(pvc: PersistentVolumeClaim): boolean | { error: string } {
    const name = claimClass(pvc);
    if (!name) return false;
    const cls = this.listers.storageClass(name);
    if (!cls) return false;
    if (!cls.volumeBindingMode) return { error: `VolumeBindingMode not set for StorageClass "${name}"` };
    return cls.volumeBindingMode === 'WaitForFirstConsumer';
  }

  /** getPodVolumeClaims sorts the pod's claims (GetPodVolumeClaims); a pre-bound claim not yet bound counts as immediate. */
  getPodVolumeClaims(pod: Pod): PodVolumeClaims | { error: string } {
    const out: PodVolumeClaims = { boundClaims: [], unboundClaimsDelayBinding: [], unboundClaimsImmediate: [] };
    for (const v of podVolumes(pod)) {
      const c = claimNameOf(pod, v);
      if (!c) continue;
      const key = `${pod.metadata.namespace ?? ''}/${c.name}`;
      const pvc = this.pvcCache.get(key);
      if (!pvc) return { error: `error getting PVC "${key}": could not find v1.PersistentVolumeClaim "${key}"` };
      if (isPVCFullyBound(pvc)) {
        out.boundClaims.push(pvc);
        continue;
      }
      const delay = this.isDelayBindingMode(pvc);
      if (typeof delay !== 'boolean') return delay;
      if (delay && !pvc.spec.volumeName) out.unboundClaimsDelayBinding.push(pvc);
      else out.unboundClaimsImmediate.push(pvc);
    }
    return out;
  }

  /** findPodVolumes decides node for the pod's bound and delayed claims: the volumes it would bind or provision, or why it cannot. */
  findPodVolumes(claims: PodVolumeClaims, node: Node): { podVolumes: PodVolumes; reasons: string[] } | { error: string } {
    const podVolumes: PodVolumes = { staticBindings: [], dynamicProvisions: [] };
    let boundSatisfied = true;
    let boundPVsFound = true;
    let unboundSatisfied = true;
    const reasons = () => [
      ...(boundSatisfied ? [] : [ERR_REASON_NODE_CONFLICT]),
      ...(unboundSatisfied ? [] : [ERR_REASON_BIND_CONFLICT]),
      ...(boundPVsFound ? [] : [ERR_REASON_PV_NOT_EXIST]),
    ];
    for (const pvc of claims.boundClaims) {
      const pv = this.pvCache.get(pvc.spec.volumeName ?? '');
      if (!pv) {
        boundPVsFound = false;
        break;
      }
      if (!checkNodeAffinity(pv, node)) {
        boundSatisfied = false;
        break;
      }
    }
    const toBind = claims.unboundClaimsDelayBinding;
    if (toBind.length === 0) return { podVolumes, reasons: reasons() };
    const toMatch: PersistentVolumeClaim[] = [];
    const toProvision: PersistentVolumeClaim[] = [];
    const nodeName = node.metadata.name ?? '';
    for (const claim of toBind) {
      const selected = claim.metadata.annotations?.[ANN_SELECTED_NODE];
      if (selected !== undefined) {
        if (selected !== nodeName) {
          unboundSatisfied = false;
          return { podVolumes, reasons: reasons() };
        }
        toProvision.push(claim);
      } else toMatch.push(claim);
    }
    if (toMatch.length) {
      // The smallest claims choose first, so each takes the smallest volume that fits.
      const sorted = [...toMatch].sort((a, b) => (requestedStorage(a) < requestedStorage(b) ? -1 : requestedStorage(a) > requestedStorage(b) ? 1 : 0));
      const chosen = new Set<string>();
      const allPVs = this.pvCache.overlay(this.listers.volumes(), (v) => v.metadata.name ?? '');
      for (const pvc of sorted) {
        const cls = claimClass(pvc);
        const candidates = allPVs.filter((v) => volumeClass(v) === cls && !chosen.has(v.metadata.name ?? ''));
        const pv = findMatchingVolume(pvc, candidates, node, true);
        if (!pv) {
          unboundSatisfied = false;
          toProvision.push(pvc);
          continue;
        }
        chosen.add(pv.metadata.name ?? '');
        podVolumes.staticBindings.push({ pv, pvc });
      }
    }
    if (toProvision.length) {
      const r = this.checkVolumeProvisions(toProvision, node);
      if ('error' in r) return r;
      unboundSatisfied = r.satisfied;
      if (r.satisfied) podVolumes.dynamicProvisions = r.provisions;
    }
    return { podVolumes, reasons: reasons() };
  }

  /** checkVolumeProvisions: every claim's class has a provisioner and allows the node's topology. */
  private checkVolumeProvisions(claims: readonly PersistentVolumeClaim[], node: Node): { satisfied: boolean; provisions: PersistentVolumeClaim[] } | { error: string } {
    const provisions: PersistentVolumeClaim[] = [];
    for (const claim of claims) {
      const className = claimClass(claim);
      if (!className) return { error: `no class for claim "${claimKeyOf(claim)}"` };
      const cls = this.listers.storageClass(className);
      if (!cls) return { error: `failed to find storage class "${className}"` };
      if (!cls.provisioner || cls.provisioner === NOT_SUPPORTED_PROVISIONER) return { satisfied: false, provisions: [] };
      const allowed = (cls as { allowedTopologies?: { matchLabelExpressions?: { key: string; values: string[] }[] }[] }).allowedTopologies;
      if (!matchTopologySelectorTerms(allowed, node.metadata.labels)) return { satisfied: false, provisions: [] };
      provisions.push(claim);
    }
    return { satisfied: true, provisions };
  }

  /** arePodVolumesBound: every claim of the pod is fully bound. */
  arePodVolumesBound(pod: Pod): boolean {
    for (const v of podVolumes(pod)) {
      const c = claimNameOf(pod, v);
      if (!c) continue;
      const pvc = this.pvcCache.get(`${pod.metadata.namespace ?? ''}/${c.name}`);
      if (!pvc || !isPVCFullyBound(pvc)) return false;
    }
    return true;
  }

  /** assumePodVolumes records the node's decisions in the assume cache (AssumePodVolumes); true when nothing is left to bind. */
  assumePodVolumes(pod: Pod, nodeName: string, pv: PodVolumes): boolean {
    if (this.arePodVolumesBound(pod)) return true;
    const bindings: BindingInfo[] = [];
    for (const b of pv.staticBindings) {
      const { volume, dirty } = bindVolumeToClaim(b.pv, b.pvc);
      if (dirty) this.pvCache.assume(volume.metadata.name ?? '', volume);
      bindings.push({ pv: volume, pvc: b.pvc });
    }
    const provisions = pv.dynamicProvisions.map((claim) => {
      const clone: PersistentVolumeClaim = { ...claim, metadata: { ...claim.metadata, annotations: { ...claim.metadata.annotations, [ANN_SELECTED_NODE]: nodeName } } };
      this.pvcCache.assume(claimKeyOf(clone), clone);
      return clone;
    });
    pv.staticBindings = bindings;
    pv.dynamicProvisions = provisions;
    return false;
  }

  /** revertAssumedPodVolumes forgets the node's decisions (Unreserve, or a failed API write). */
  revertAssumedPodVolumes(pv: PodVolumes): void {
    for (const b of pv.staticBindings) this.pvCache.restore(b.pv.metadata.name ?? '');
    for (const c of pv.dynamicProvisions) this.pvcCache.restore(claimKeyOf(c));
  }

  /**
   * checkBindings looks at what the API server says now: true when every claim
   * the pod's decisions touched is fully bound, false to wait, or the error that
   * sends the pod back to be scheduled again (a provisioner drops the
   * selected-node annotation when it fails; a volume's claimRef may be reset).
   */
  checkBindings(pod: Pod, node: Node | undefined, podExists: boolean, pv: PodVolumes): boolean | { error: string } {
    const nodeName = pod.spec.nodeName ?? '';
    if (!node) return { error: `failed to get node "${nodeName}": node "${nodeName}" not found` };
    if (!podExists) return { error: `pod does not exist any more: pods "${pod.metadata.name ?? ''}" not found` };
    for (const b of pv.staticBindings) {
      const name = b.pv.metadata.name ?? '';
      const volume = this.pvCache.getAPI(name);
      if (!volume) return { error: `failed to check binding: could not find v1.PersistentVolume "${name}"` };
      const claim = this.pvcCache.getAPI(claimKeyOf(b.pvc));
      if (!claim) return { error: `failed to check binding: could not find v1.PersistentVolumeClaim "${claimKeyOf(b.pvc)}"` };
      if (rv(b.pv) > rv(volume)) return false;
      if (!checkNodeAffinity(volume, node)) return { error: `pv "${name}" node affinity doesn't match node "${nodeName}": no matching NodeSelectorTerms` };
      if (!volume.spec.claimRef?.uid) return { error: `ClaimRef got reset for pv "${name}"` };
      if (!isPVCFullyBound(claim)) return false;
    }
    for (const c of pv.dynamicProvisions) {
      const claim = this.pvcCache.getAPI(claimKeyOf(c));
      if (!claim) return { error: `failed to check provisioning pvc: could not find v1.PersistentVolumeClaim "${claimKeyOf(c)}"` };
      if (rv(c) > rv(claim)) return false;
      if (!claim.metadata.annotations) return { error: `selectedNode annotation reset for PVC "${claim.metadata.name ?? ''}"` };
      if (claim.metadata.annotations[ANN_SELECTED_NODE] !== nodeName) return { error: `provisioning failed for PVC "${claim.metadata.name ?? ''}"` };
      if (claim.spec.volumeName) {
        const volume = this.pvCache.getAPI(claim.spec.volumeName);
        if (!volume) return false;
        if (!checkNodeAffinity(volume, node)) return { error: `pv "${claim.spec.volumeName}" node affinity doesn't match node "${nodeName}": no matching NodeSelectorTerms` };
      }
      if (!isPVCFullyBound(claim)) return false;
    }
    return true;
  }
}
