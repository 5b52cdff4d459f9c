/**
 * DefaultStorageClass gives a new claim that names no class the cluster's
 * default StorageClass (plugin/pkg/admission/storage/storageclass/setdefault).
 * When several classes are marked default, the newest wins, ties going to the
 * name that sorts first (storage util GetDefaultClass).
 */
import type { KubeObject, Status } from '../../api/types';
import type { ObjectCache } from '../auth/types';
import type { AdmissionContext, AdmissionPlugin, Attributes } from './admission';
import { DEFAULT_STORAGE_CLASS } from './names';

export const IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
/** BETA_STORAGE_CLASS_ANNOTATION is the claim annotation that named a class before spec.storageClassName. */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** isDefaultClass is IsDefaultAnnotation: either annotation set to "true". */
export function isDefaultClass(sc: KubeObject): boolean {
  const a = sc.metadata.annotations ?? {};
  return a[IS_DEFAULT_CLASS_ANNOTATION] === 'true' || a[BETA_IS_DEFAULT_CLASS_ANNOTATION] === 'true';
}

/** defaultClass is GetDefaultClass over the given classes: the newest default, then the first by name. */
export function defaultClass(classes: readonly KubeObject[]): KubeObject | undefined {
  const created = (sc: KubeObject) => Date.parse(sc.metadata.creationTimestamp ?? '') || 0;
  return classes.filter(isDefaultClass).sort((x, y) => created(y) - created(x) || ((x.metadata.name ?? '') < (y.metadata.name ?? '') ? -1 : 1))[0];
}

/** hasClass is PersistentVolumeClaimHasClass: a class name (even "") or the beta annotation. */
function hasClass(claim: KubeObject): boolean {
  const spec = claim.spec as { storageClassName?: string | null } | undefined;
  return (spec?.storageClassName !== undefined && spec.storageClassName !== null) || claim.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined;
}

/** handles tells a claim create, the only request the plugin acts on. */
function handles(a: Attributes): boolean {
  return a.operation === 'CREATE' && a.type.group === '' && a.type.resource === 'persistentvolumeclaims' && !a.subresource && a.object !== undefined;
}

/** newDefaultStorageClass returns the plugin; it recomputes the default only when the cached classes change. */
export function newDefaultStorageClass(): AdmissionPlugin {
  let seen = -1;
  let current: KubeObject | undefined;
  const lookUp = (cache: ObjectCache) => {
    const version = cache.version('storage.k8s.io', 'storageclasses');
    if (version !== seen) {
      current = defaultClass(cache.list('storage.k8s.io', 'storageclasses'));
      seen = version;
    }
    return current;
  };
  return {
    name: DEFAULT_STORAGE_CLASS,
    admit(a: Attributes, ctx: AdmissionContext): Status | undefined {
      if (!handles(a) || !a.object || hasClass(a.object)) return undefined;
      const def = lookUp(ctx.cache);
      if (def) a.object.spec = { ...(a.object.spec as object), storageClassName: def.metadata.name };
      return undefined;
    },
    mutates: handles,
  };
}
