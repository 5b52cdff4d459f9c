/** restrictedVolumes (restricted): only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes. */
import { majorMinor } from './api';
import type { Check } from './checks';
import { CHECK_HOST_PATH_VOLUMES_ID } from './checkHostPathVolumes';
import { ALLOWED, type CheckPodFn, forbidden, joinQuote, pluralize, sorted } from './helpers';

const ALLOWED_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
/** The forbidden sources in the order upstream names the first one a volume uses. */
const RESTRICTED_SOURCES = ['hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos'];

const v1Dot0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  for (const v of spec.volumes ?? []) {
    if (ALLOWED_SOURCES.some((s) => v[s] != null)) continue;
    bad.push(v.name);
    types.push(RESTRICTED_SOURCES.find((s) => v[s] != null) ?? 'unknown');
  }
  if (!bad.length) return ALLOWED;
  const list = sorted(types);
  return forbidden('restricted volume types', `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`);
};

export const checkRestrictedVolumes: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{ minimumVersion: majorMinor(0), checkPod: v1Dot0, overrideCheckIDs: [CHECK_HOST_PATH_VOLUMES_ID] }],
};
